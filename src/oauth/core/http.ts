// HTTP plumbing of the protocol endpoints (token, userinfo, JWKS, discovery):
// request parameters from a form or JSON body, JSON answers, and errors in the
// project's format (`{code, message, details}` with the status of their code)
// plus the RFC 6749 `error` / `error_description` members, so standard OAuth
// and OpenID Connect clients understand them too.
import { toHttpError, type IsError } from "../../errors/index.js";
import type { Logger } from "../../log.js";
import { requestLogger } from "../../telemetry/request-log/context.js";
import type { Request, Response } from "../api.js";
import { isTls, readParams } from "../request-body.js";

export { readParams, isTls };

/** The value of the `authorization` header, if any. */
export function authorizationHeader(req: Request): string | undefined {
  const h = req.headers.authorization;
  return Array.isArray(h) ? h[0] : h;
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
  const { status, body, headers: errorHeaders } = toHttpError(err);
  const details = body.details[0] as { correlation_id?: string } | undefined;
  if (status >= 500) requestLogger(log, res).error({ err, correlation_id: details?.correlation_id }, "OAuth endpoint failed");
  // 429 (a full hash pool): the RFC 6749 code that tells a client to come back later, with Retry-After.
  const error = rfcCode ?? (status >= 500 ? "server_error" : status === 429 ? "temporarily_unavailable" : "invalid_request");
  sendJson(res, status, { ...body, error, error_description: body.message }, { "cache-control": "no-store", ...errorHeaders, ...headers });
}

/** An error carrying the RFC 6749 error code it answers with. */
export class ProtocolError extends Error {
  constructor(readonly error: IsError, readonly rfcCode: string) {
    super(error.message, { cause: error });
  }
}

/** Marks `err` with an RFC error code for the answer. */
export const rfc = (rfcCode: string, error: IsError) => new ProtocolError(error, rfcCode);
