// Small HTTP helpers of the OAuth pages: cookies, request bodies (JSON or
// form), redirects and JSON answers, for HTTP/1.1 and HTTP/2 requests alike.
import type { TLSSocket } from "node:tls";
import { errBodyTooLarge, errMalformedRequest, toHttpError } from "../../errors/index.js";
import type { Request, Response } from "../api.js";

/** Forms and login bodies are small; nothing under the mount takes more. */
export const maxBodyBytes = 64 * 1024;

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    // The first occurrence wins, as browsers send the most specific path first.
    if (name && !out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

export interface CookieOptions {
  httpOnly: boolean;
  secure: boolean;
  /** Seconds; 0 deletes the cookie; undefined makes a browser-session cookie. */
  maxAge?: number;
}

export function serializeCookie(name: string, value: string, opts: CookieOptions): string {
  let out = `${name}=${value}; Path=/; SameSite=Lax`;
  if (opts.httpOnly) out += "; HttpOnly";
  if (opts.secure) out += "; Secure";
  if (opts.maxAge !== undefined) out += `; Max-Age=${opts.maxAge}${opts.maxAge === 0 ? "; Expires=Thu, 01 Jan 1970 00:00:00 GMT" : ""}`;
  return out;
}

/** Adds a Set-Cookie header without dropping the ones already set. */
export function appendCookie(res: Response, cookie: string): void {
  const prev = res.getHeader("set-cookie");
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
  res.setHeader("set-cookie", [...list.filter((c) => !c.startsWith(cookie.slice(0, cookie.indexOf("=") + 1))), cookie]);
}

/** Whether the request reached us over TLS (the cookie's Secure flag follows it). */
export function isTls(req: Request): boolean {
  if ((req.headers as Record<string, unknown>)[":scheme"] === "https") return true;
  return Boolean((req.socket as TLSSocket | undefined)?.encrypted);
}

export function clientAddress(req: Request): string {
  return req.socket?.remoteAddress ?? "unknown";
}

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
 * booleans and numbers become their text). Anything else is a malformed request.
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
      else if (v !== null) throw errMalformedRequest({ reason: `field ${k} must be a string` });
    }
    return out;
  }
  if (type === "application/x-www-form-urlencoded" || (type === "" && body === "")) {
    return Object.fromEntries(new URLSearchParams(body));
  }
  throw errMalformedRequest({ reason: `unsupported content type ${JSON.stringify(type)}; send JSON or a form` });
}

export function sendJson(res: Response, status: number, body: unknown): void {
  res.setHeader("content-type", "application/json");
  res.setHeader("cache-control", "no-store");
  res.writeHead(status);
  res.end(JSON.stringify(body));
}

/** An error in the project's JSON shape (status from its gRPC code). */
export function sendJsonError(res: Response, err: unknown): void {
  const { status, body } = toHttpError(err);
  sendJson(res, status, body);
}

export function sendNoContent(res: Response): void {
  res.setHeader("cache-control", "no-store");
  res.writeHead(204);
  res.end();
}

export function redirect(res: Response, location: string, status = 302): void {
  res.setHeader("location", location);
  res.setHeader("cache-control", "no-store");
  res.writeHead(status);
  res.end();
}
