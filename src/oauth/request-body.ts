// Request bodies under the OAuth mount, for the protocol endpoints and the
// pages alike: small JSON objects or urlencoded forms, read into string
// fields, and whether the request came over TLS. HTTP/1.1 and HTTP/2 requests.
import type { TLSSocket } from "node:tls";
import { errBodyTooLarge, errMalformedRequest } from "../errors/index.js";
import { checkParams } from "../messages/text.js";
import type { Request } from "./api.js";

/** Token requests, forms and login bodies are small; nothing under the mount takes more. */
export const maxBodyBytes = 64 * 1024;

export async function readBody(req: Request, limit = maxBodyBytes): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw errBodyTooLarge({ limit });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The fields of a JSON object or urlencoded form body as strings (JSON
 * booleans and numbers become their text). A form field given twice, or any
 * other body, is a malformed request (RFC 6749 §3.2: parameters must not repeat).
 * NUL and lone surrogates are refused (errValidation naming the parameter).
 */
export async function readParams(req: Request): Promise<Record<string, string>> {
  const type = String(req.headers["content-type"] ?? "").split(";", 1)[0]!.trim().toLowerCase();
  const body = (await readBody(req)).toString("utf8");
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = body.trim() ? JSON.parse(body) : {};
    } catch (err) {
      throw errMalformedRequest({ reason: (err as Error).message });
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw errMalformedRequest({ reason: "expected a JSON object" });
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = String(v);
      else if (v !== null) throw errMalformedRequest({ reason: `field \`${k}\` must be a string` });
    }
    checkParams(Object.entries(out));
    return out;
  }
  if (type === "application/x-www-form-urlencoded" || (type === "" && body === "")) {
    const out: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(body)) {
      if (k in out) throw errMalformedRequest({ reason: `parameter \`${k}\` given more than once` });
      out[k] = v;
    }
    checkParams(Object.entries(out));
    return out;
  }
  throw errMalformedRequest({ reason: "the body must be application/x-www-form-urlencoded or application/json" });
}

/** Whether the request reached us over TLS (cookies' Secure flag and the issuer's scheme follow it). */
export function isTls(req: Request): boolean {
  if ((req.headers as Record<string, unknown>)[":scheme"] === "https") return true;
  return Boolean((req.socket as TLSSocket | undefined)?.encrypted);
}
