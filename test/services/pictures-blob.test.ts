// The blob store behind pictures and the static file route /assets/blob:
// put/get/list/delete by bucket and key, names that could leave a bucket are
// refused, and over HTTP only existing files are served (no listings, no
// traversal, GET and HEAD only).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { InvalidBlobNameError, localBlobStore } from "../../src/blob/index.js";
import { startPictureServer } from "./picture-helpers.js";

const server = await startPictureServer();
const scratch = mkdtempSync(path.join(tmpdir(), "is-blob-unit-"));
const secretNextToBlobs = path.join(path.dirname(server.blobDir), `${path.basename(server.blobDir)}-secret.txt`);

/** A request with the path sent exactly as written (fetch would normalise `..`). */
function rawGet(pathname: string, method = "GET"): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  const url = new URL(server.httpURL);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: pathname, method }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("local store: put, get, list, delete; deleting prunes empty directories", async () => {
  const dir = mkdtempSync(path.join(scratch, "d-"));
  const store = localBlobStore(dir);
  await store.put("pics", "a.1/original.png", Buffer.from("one"));
  await store.put("pics", "a.1/64.png", Buffer.from("two"));
  await store.put("pics", "a.2/original.png", Buffer.from("three"));
  await store.put("other", "a.1/original.png", Buffer.from("elsewhere"));
  assert.is((await store.get("pics", "a.1/original.png"))!.data.toString(), "one");
  assert.is(await store.get("pics", "a.1/missing.png"), undefined);
  assert.is(await store.get("pics", "a.1"), undefined, "a directory is no blob");
  assert.equal(await store.list("pics", "a.1/"), ["a.1/64.png", "a.1/original.png"]);
  assert.equal(await store.list("pics", "a."), ["a.1/64.png", "a.1/original.png", "a.2/original.png"]);
  assert.equal(await store.list("pics", "zzz/"), []);
  await store.put("pics", "a.1/original.png", Buffer.from("replaced"));
  assert.is((await store.get("pics", "a.1/original.png"))!.data.toString(), "replaced");
  await store.delete("pics", "a.1/original.png");
  await store.delete("pics", "a.1/64.png");
  await store.delete("pics", "a.1/64.png"); // already gone: fine
  assert.equal(await store.list("pics", ""), ["a.2/original.png"]);
  assert.equal(await store.list("other", ""), ["a.1/original.png"]);
});

test("local store: names that could leave the bucket are refused", async () => {
  const dir = mkdtempSync(path.join(scratch, "d-"));
  const store = localBlobStore(path.join(dir, "blobs"));
  writeFileSync(path.join(dir, "secret.txt"), "secret");
  for (const [bucket, key] of [
    ["pics", "../secret.txt"], ["pics", "../../secret.txt"], ["pics", "a/../../secret.txt"], ["pics", "/etc/passwd"], ["pics", ".hidden"],
    ["pics", "a//b"], ["pics", ""], ["pics", "a\\..\\b"], ["..", "secret.txt"], [".", "x"], ["", "x"], ["Pics/..", "x"], ["pics", "a/./b"],
  ] as const) {
    let failed = false;
    try {
      await store.get(bucket, key);
    } catch (err) {
      failed = err instanceof InvalidBlobNameError;
    }
    assert.ok(failed, `${bucket} ${key}`);
    await store.put(bucket, key, Buffer.from("x")).then(() => assert.unreachable(`put ${bucket} ${key}`), (err) => assert.instance(err, InvalidBlobNameError));
  }
});

test("HTTP: GET and HEAD serve a blob with its content type and cache headers; ETag revalidation", async () => {
  mkdirSync(path.join(server.blobDir, "profile_pictures", "u.X"), { recursive: true });
  writeFileSync(path.join(server.blobDir, "profile_pictures", "u.X", "original.png"), "png-bytes");
  writeFileSync(path.join(server.blobDir, "profile_pictures", "u.X", "64.jpg"), "jpg-bytes");
  writeFileSync(path.join(server.blobDir, "profile_pictures", "u.X", "data.bin"), "bin");
  const res = await fetch(`${server.httpURL}/assets/blob/profile_pictures/u.X/original.png`);
  assert.is(res.status, 200);
  assert.is(res.headers.get("content-type"), "image/png");
  assert.is(res.headers.get("x-content-type-options"), "nosniff");
  assert.match(res.headers.get("cache-control")!, /max-age=\d+/);
  assert.is(await res.text(), "png-bytes");
  assert.is((await fetch(`${server.httpURL}/assets/blob/profile_pictures/u.X/64.jpg`)).headers.get("content-type"), "image/jpeg");
  assert.is((await fetch(`${server.httpURL}/assets/blob/profile_pictures/u.X/data.bin`)).headers.get("content-type"), "application/octet-stream");
  const head = await rawGet("/assets/blob/profile_pictures/u.X/original.png", "HEAD");
  assert.is(head.status, 200);
  assert.is(head.headers["content-length"], "9");
  assert.is(head.body, "");
  const etag = res.headers.get("etag")!;
  const again = await fetch(`${server.httpURL}/assets/blob/profile_pictures/u.X/original.png`, { headers: { "if-none-match": etag } });
  assert.is(again.status, 304);
  assert.is((await rawGet("/assets/blob/profile_pictures/u.X/original.png?x=1")).status, 200);
});

test("HTTP: missing files, directories and traversal attempts answer 404; other methods 405", async () => {
  // A file next to the blob directory that no request may reach.
  writeFileSync(secretNextToBlobs, "secret");
  writeFileSync(path.join(server.blobDir, "top.txt"), "top");
  for (const p of [
    "/assets/blob/profile_pictures/u.X/missing.png",
    "/assets/blob/profile_pictures/u.X",
    "/assets/blob/profile_pictures/u.X/",
    "/assets/blob/profile_pictures/",
    "/assets/blob/profile_pictures",
    "/assets/blob/",
    "/assets/blob/top.txt",
    "/assets/blob/../../etc/passwd",
    "/assets/blob/profile_pictures/../../../etc/passwd",
    "/assets/blob/profile_pictures/u.X/../../../" + path.basename(server.blobDir) + "-secret.txt",
    "/assets/blob/profile_pictures/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/assets/blob/profile_pictures/..%2f..%2f..%2fetc%2fpasswd",
    "/assets/blob/profile_pictures/u.X%2foriginal.png",
    "/assets/blob/profile_pictures/u.X%5coriginal.png",
    "/assets/blob/%2e%2e/profile_pictures/u.X/original.png",
    "/assets/blob/profile_pictures/%2fetc%2fpasswd",
    "/assets/blob/profile_pictures/u.X/%ZZ.png",
    "/assets/blob/profile_pictures/u.X/.hidden",
    "/assets/blob/profile_pictures//u.X/original.png",
  ]) {
    const res = await rawGet(p);
    assert.is(res.status, 404, p);
    assert.not.match(res.body, /secret|root:/, p);
  }
  const post = await rawGet("/assets/blob/profile_pictures/u.X/original.png", "POST");
  assert.is(post.status, 405);
  assert.is(post.headers.allow, "GET, HEAD");
  // Other paths still reach the API.
  assert.is((await fetch(`${server.httpURL}/healthz`)).status, 200);
});

test("close", async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
  rmSync(secretNextToBlobs, { force: true });
});

test.run();
