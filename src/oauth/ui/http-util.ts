// Small HTTP helpers of the OAuth pages: cookies, request bodies (JSON or
// form), redirects and JSON answers, for HTTP/1.1 and HTTP/2 requests alike.
import { toHttpError } from "../../errors/index.js";
import type { Request, Response } from "../api.js";

export { isTls, maxBodyBytes, readBody, readParams } from "../request-body.js";

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
  /** Where the browser sends the cookie; "/" unless given. */
  path?: string;
}

export function serializeCookie(name: string, value: string, opts: CookieOptions): string {
  let out = `${name}=${value}; Path=${opts.path ?? "/"}; SameSite=Lax`;
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

export function sendJson(res: Response, status: number, body: unknown): void {
  res.setHeader("content-type", "application/json");
  res.setHeader("cache-control", "no-store");
  res.writeHead(status);
  res.end(JSON.stringify(body));
}

/** An error in the project's JSON shape (status from its gRPC code). */
export function sendJsonError(res: Response, err: unknown): void {
  const { status, body, headers } = toHttpError(err);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
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
