// Request IDs and the request log. Every request gets an ID (the client's
// `x-request-id` when it is a sane one, else a new ULID), answered in the
// `x-request-id` header of every response (gRPC: also in a failed call's
// trailers) and carried by the log lines written while serving it (the code
// serving it logs through requestLogger / callLogger of context.ts). Every request, whatever its protocol, ends with one
// structured line: method, protocol, gRPC code and HTTP status, duration, who
// called (credential kind, holder, key/token/session ID; never a secret),
// tenant, request ID, peer address, and a failure's error and correlation ID.
// At `log.request-level` (debug) when it succeeds, at info when it fails.
//
// Two seams: the HTTP side (http.ts) wraps the listeners' handler and writes
// the line; the RPC side (interceptor.ts) is the outermost interceptor and
// fills in what the call knows. Errors keep their own correlation ID (as in
// The Things Stack); the error's log lines and the request line carry both.
import type { Interceptor } from "@connectrpc/connect";
import type { RequestHandler } from "../../server/listener.js";
import { requestLogHttp, type RequestLogHttpOptions } from "./http.js";
import { requestLogInterceptor } from "./interceptor.js";

export { callLogger, callValues, recordOfRequest, requestKey, requestLogger } from "./context.js";
export { acceptRequestId, newRequestId, requestIdHeader } from "./request-id.js";
export type { RequestLogHttpOptions as RequestLogOptions } from "./http.js";

export interface RequestLog {
  /** The RPC side: first in the interceptor chain. */
  interceptor: Interceptor;
  /** The HTTP side: around the listeners' handler. */
  http(handler: RequestHandler): RequestHandler;
}

export function requestLog(opts: RequestLogHttpOptions): RequestLog {
  return {
    interceptor: requestLogInterceptor(opts),
    http: (handler) => requestLogHttp(handler, opts),
  };
}
