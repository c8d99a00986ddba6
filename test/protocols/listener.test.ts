// One port, every protocol: HTTP/1.1 JSON, Connect, gRPC-Web and gRPC over h2c
// on http.listen; TLS with ALPN; and a drain that lets running requests finish.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http2 from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { EntityAccess, Is } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { startTestServer } from "../helpers/harness.js";

const server = await startTestServer();
const dir = mkdtempSync(join(tmpdir(), "is-tls-"));
execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost",
  "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
const tlsServer = await startTestServer({
  "http.listen": "", "grpc.listen": "", "http.listen-tls": "127.0.0.1:0", "grpc.listen-tls": "127.0.0.1:0",
  "tls.certificate": join(dir, "cert.pem"), "tls.key": join(dir, "key.pem"),
});

test("HTTP/1.1 JSON and gRPC over h2c share http.listen", async () => {
  const res = await fetch(`${server.httpURL}/api/v3/is/configuration`);
  assert.is(res.status, 200);
  assert.is(((await res.json()) as { configuration: { user_registration: { enabled: boolean } } }).configuration.user_registration.enabled, true);
  const viaGrpc = await createClient(Is, createGrpcTransport({ baseUrl: server.httpURL })).getConfiguration({});
  assert.is(viaGrpc.configuration?.userRegistration?.enabled, true);
});

test("gRPC-Web over HTTP/1.1", async () => {
  const client = createClient(EntityAccess, createGrpcWebTransport({ baseUrl: server.httpURL, httpVersion: "1.1" }));
  const info = await client.authInfo({}, { headers: { authorization: `Bearer ${server.adminAPIKey}` } });
  assert.is(info.isAdmin, true);
});

test("/healthz while serving", async () => {
  const res = await fetch(`${server.httpURL}/healthz`);
  assert.is(res.status, 200);
  assert.is(await res.text(), "ok\n");
});

test("unknown paths outside /api/v3 answer 404", async () => {
  assert.is((await fetch(`${server.httpURL}/nope`)).status, 404);
});

test("TLS: HTTP/2 by ALPN and HTTP/1.1 on the same port", async () => {
  const url = `https://${tlsServer.server.httpsAddress}`;
  const ca = execFileSync("cat", [join(dir, "cert.pem")]);
  const session = http2.connect(url, { ca });
  const body = await new Promise<string>((resolve, reject) => {
    const req = session.request({ ":path": "/api/v3/is/configuration" });
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (data += c));
    req.on("end", () => resolve(data));
    req.on("error", reject);
    req.end();
  });
  session.close();
  assert.ok(JSON.parse(body).configuration);
  const grpcs = createClient(Is, createGrpcTransport({ baseUrl: `https://${tlsServer.server.grpcsAddress}`, nodeOptions: { ca } }));
  assert.ok((await grpcs.getConfiguration({})).configuration);
});

test("close drains: health turns NOT_SERVING and the listener stops accepting", async () => {
  const s = await startTestServer();
  const closing = s.close();
  await closing;
  let refused = false;
  await fetch(`${s.httpURL}/healthz`).catch(() => (refused = true));
  assert.ok(refused, "no new connections after close");
});

test.after(async () => {
  await server.close();
  await tlsServer.close();
  rmSync(dir, { recursive: true, force: true });
});
test.run();
