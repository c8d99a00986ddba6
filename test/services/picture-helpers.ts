// Shared by the picture suites: test servers with a blob directory of their
// own, real images made with sharp, and looks into the blob directory and at
// what the server serves under /assets/blob.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import * as assert from "uvu/assert";
import { startTestServer, type TestServer } from "../helpers/harness.js";

export interface PictureServer extends TestServer {
  blobDir: string;
}

/** A test server whose blobs go to a fresh temporary directory (removed on close). */
export async function startPictureServer(options: Record<string, unknown> = {}): Promise<PictureServer> {
  const blobDir = mkdtempSync(path.join(tmpdir(), "is-blob-"));
  const server = await startTestServer({ "blob.local.directory": blobDir, ...options });
  return {
    ...server,
    blobDir,
    async close() {
      await server.close();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
}

/** A solid-colour image of this size, encoded as `format`. */
export async function image(format: "png" | "jpeg" | "gif", width: number, height: number): Promise<Buffer> {
  const img = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } });
  return img[format]().toBuffer();
}

export const embedded = (mimeType: string, data: Uint8Array) => ({ embedded: { mimeType, data } });

/** Every file below `<blobDir>/<bucket>`, as keys relative to the bucket, sorted. */
export function blobFiles(server: PictureServer, bucket: string): string[] {
  const root = path.join(server.blobDir, bucket);
  const out: string[] = [];
  const walk = (dir: string, prefix: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const key = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), key);
      else out.push(key);
    }
  };
  walk(root, "");
  return out.sort();
}

/** Fetches a returned picture URL from the server; checks type and that it decodes to side×side. */
export async function assertServed(server: PictureServer, url: string, side: number, contentType: string): Promise<void> {
  assert.ok(url.startsWith("/assets/blob/"), url);
  const res = await fetch(server.httpURL + url);
  assert.is(res.status, 200, url);
  assert.is(res.headers.get("content-type"), contentType);
  assert.ok(res.headers.get("cache-control"));
  const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
  assert.equal([meta.width, meta.height], [side, side], url);
}

/** The sizes of a picture as `{size: value}` with numeric keys, sorted. */
export const sizesOf = (picture: { sizes: Record<number, string> } | undefined) =>
  Object.fromEntries(Object.entries(picture?.sizes ?? {}).sort(([a], [b]) => Number(a) - Number(b)));
