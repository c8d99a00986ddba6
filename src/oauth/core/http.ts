// HTTP plumbing of the protocol endpoints (token, userinfo, JWKS, discovery):
// request parameters from a form or JSON body, JSON answers, and errors in the
// project's format (`{code, message, details}` with the status of their code)
// plus the RFC 6749 `error` / `error_description` members, so standard OAuth
// and OpenID Connect clients understand them too.
import type { TLSSocket } from "node:tls";
import { errBodyTooLarge, errMalformedRequest, toHttpError, type IsError } from "../../errors/index.js";
import type { Logger } from "../../log.js";
import type { Request, Response } from "../api.js";

/** Token requests are a handful of short fields. */
const maxBodyBytes = 64 * 1024;

async function readBody(req: Request): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw errBodyTooLarge({ limit: maxBodyBytes });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The fields of a urlencoded form or a JSON object body (scalars as text); other bodies are refused. */
export async function readParams(req: Request): Promise<Record<string, string>> {
  const type = String(req.headers["content-type"] ?? "").split(";", 1)[0]!.trim().toLowerCase();
  const body = await readBody(req);
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
    return out;
  }
  if (type === "application/x-www-form-urlencoded" || (type === "" && body === "")) {
    const out: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(body)) {
      // RFC 6749 §3.2: parameters must not repeat.
      if (k in out) throw errMalformedRequest({ reason: `parameter \`${k}\` given more than once` });
      out[k] = v;
    }
    return out;
  }
  throw errMalformedRequest({ reason: "the body must be application/x-www-form-urlencoded or application/json" });
}

/** The value of the `authorization` header, if any. */
export function authorizationHeader(req: Request): string | undefined {
  const h = req.headers.authorization;
  return Array.isArray(h) ? h[0] : h;
}

export function isTls(req: Request): boolean {
  if ((req.headers as Record<string, unknown>)[":scheme"] === "https") return true;
  return Boolean((req.socket as TLSSocket | undefined)?.encrypted);
}

/** `Host` (HTTP/1.1) or `:authority` (HTTP/2). */
export function hostOf(req: Request): string {
  const headers = req.headers as Record<string, string | string[] | undefined>;
  const host = headers[":authority"] ?? headers.host;
  return (Array.isArray(host) ? host[0] : host) ?? "localhost";
}

// Protocol endpoints hold no cookies, so any origin may call them (browser
// apps with PKCE exchange codes from their own origin).
const cors = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "Authorization, Content-Type",
  "access-control-max-age": "600",
};

export function sendPreflight(res: Response): void {
  res.writeHead(204, cors);
  res.end();
}

export function sendJson(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...cors, ...headers });
  res.end(JSON.stringify(body));
}

/**
 * The error as the project writes it, with `error` (the RFC 6749 / 6750 code
 * standard clients read) and `error_description` beside it. Internal errors are
 * logged with their correlation ID; their text never leaves the server.
 */
export function sendError(res: Response, log: Logger, err: unknown, rfcCode?: string, headers: Record<string, string> = {}): void {
  const { status, body } = toHttpError(err);
  const details = body.details[0] as { correlation_id?: string } | undefined;
  if (status >= 500) log.error({ err, correlation_id: details?.correlation_id }, "OAuth endpoint failed");
  const error = rfcCode ?? (status >= 500 ? "server_error" : "invalid_request");
  sendJson(res, status, { ...body, error, error_description: body.message }, { "cache-control": "no-store", ...headers });
}

/** An error carrying the RFC 6749 error code it answers with. */
export class ProtocolError extends Error {
  constructor(readonly error: IsError, readonly rfcCode: string) {
    super(error.message, { cause: error });
  }
}

/** Marks `err` with an RFC error code for the answer. */
export const rfc = (rfcCode: string, error: IsError) => new ProtocolError(error, rfcCode);
