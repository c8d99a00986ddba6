// Serves blobs as static files under `/assets/blob/<bucket>/<key>` (GET and
// HEAD), as the stack's web server does for its local blob directory. Every
// segment is decoded and checked before the store sees it, so encoded slashes
// or dots cannot name anything outside a bucket; directories are never listed.
import { createHash } from "node:crypto";
import type http from "node:http";
import type http2 from "node:http2";
import { isValidBucket, isValidKey, type BlobStore } from "./provider.js";

export const blobPathPrefix = "/assets/blob/";

const contentTypes: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};

type Request = http.IncomingMessage | http2.Http2ServerRequest;
type Response = http.ServerResponse | http2.Http2ServerResponse;

/** `bucket` and `key` of a request path below the prefix; undefined when it names no possible blob. */
export function parseBlobPath(pathname: string): { bucket: string; key: string } | undefined {
  if (!pathname.startsWith(blobPathPrefix)) return undefined;
  const segments: string[] = [];
  for (const raw of pathname.slice(blobPathPrefix.length).split("/")) {
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (s.includes("/") || s.includes("\\")) return undefined;
    segments.push(s);
  }
  const [bucket, ...rest] = segments;
  const key = rest.join("/");
  if (!bucket || !isValidBucket(bucket) || !isValidKey(key)) return undefined;
  return { bucket, key };
}

function notFound(res: Response, head: boolean): void {
  res.writeHead(404, { "content-type": "text/plain", "cache-control": "no-store" });
  if (head) res.end();
  else res.end("not found\n");
}

/**
 * A handler for the blob paths: answers and returns true when the request's
 * path is below `/assets/blob/`, false otherwise (the caller goes on).
 */
export function blobHandler(store: BlobStore, onError: (err: unknown) => void) {
  return async (req: Request, res: Response): Promise<boolean> => {
    const pathname = (req.url ?? "/").split("?", 1)[0]!;
    if (!pathname.startsWith(blobPathPrefix)) return false;
    const head = req.method === "HEAD";
    if (req.method !== "GET" && !head) {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" });
      res.end("method not allowed\n");
      return true;
    }
    const name = parseBlobPath(pathname);
    if (!name) {
      notFound(res, head);
      return true;
    }
    let blob;
    try {
      blob = await store.get(name.bucket, name.key);
    } catch (err) {
      onError(err);
      res.writeHead(500, { "content-type": "text/plain" });
      res.end();
      return true;
    }
    if (!blob) {
      notFound(res, head);
      return true;
    }
    const ext = name.key.slice(name.key.lastIndexOf(".") + 1).toLowerCase();
    const etag = `"${createHash("sha256").update(blob.data).digest("base64url").slice(0, 27)}"`;
    const headers: Record<string, string> = {
      "content-type": contentTypes[ext] ?? "application/octet-stream",
      "x-content-type-options": "nosniff",
      // Picture keys are never reused (a new upload gets a new prefix), so copies may be kept a while.
      "cache-control": "public, max-age=86400",
      "last-modified": blob.modifiedAt.toUTCString(),
      etag,
    };
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    headers["content-length"] = String(blob.data.length);
    res.writeHead(200, headers);
    if (head) res.end();
    else res.end(blob.data);
    return true;
  };
}
