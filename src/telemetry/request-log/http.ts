// The HTTP side of the request log: wraps the handler of the listeners, so it
// sees every request of every protocol, including those answered before any
// interceptor runs (an unknown method, an undecodable body) and those that are
// no RPC (OAuth, health, pictures). Per request it
// - takes the client's `x-request-id` or makes one (request-id.ts), puts it
//   back into the request for what reads it there (the gateway forwards it),
//   and sets it on the response: every answer carries it, errors included;
// - for gRPC, adds it to the trailers of a failed call when they lack it
//   (gRPC clients read a failed call's trailers, not its header);
// - keeps the request's record for the code serving it (context.ts);
// - writes the request's line when the response is over (or the client gone).
import { Code } from "@connectrpc/connect";
import type { RequestHandler } from "../../server/listener.js";
import { protocolOf as rpcProtocolOf } from "../../server/rpc-errors.js";
import { tenantHeader, type TenantResolver } from "../../tenancy/resolve.js";
import { setRecordOfRequest } from "./context.js";
import { RequestRecord, writeRequestLine, type Protocol, type RequestLineOptions } from "./record.js";
import { acceptRequestId, requestIdHeader } from "./request-id.js";

type Req = Parameters<RequestHandler>[0];
type Res = Parameters<RequestHandler>[1];
type AddTrailers = (this: Res, headers: Record<string, unknown>) => void;

export interface RequestLogHttpOptions extends RequestLineOptions {
  /** Names the tenant of a request no call named (one refused before its call, an OAuth page). */
  resolver?: TenantResolver;
}

/** `/package.Service/Method`: the path only RPCs take (as the RPC adapter tells them from the rest). */
const rpcPath = /^\/[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\/[A-Za-z_]\w*$/;
/** The gateway's mount (src/gateway/handler.ts). */
const apiPrefix = "/api/v3";
/** Longer paths are cut in the line (the HTTP parser bounds them, but at 16 KiB). */
const maxPathLength = 512;

function protocolOf(req: Req, path: string, query: string): Protocol {
  const contentType = String(req.headers["content-type"] ?? "");
  const grpc = /^application\/grpc/i.test(contentType);
  if (grpc || rpcPath.test(path)) return rpcProtocolOf(req.method ?? "GET", contentType, query) ?? "http";
  return path === apiPrefix || path.startsWith(`${apiPrefix}/`) ? "api" : "http";
}

function headerOf(req: Req, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function peerOf(req: Req): string | undefined {
  const socket = req.socket as { remoteAddress?: string; remotePort?: number } | undefined;
  if (!socket?.remoteAddress) return undefined;
  const { remoteAddress, remotePort } = socket;
  return remoteAddress.includes(":") ? `[${remoteAddress}]:${remotePort}` : `${remoteAddress}:${remotePort}`;
}

/** The request being answered on a response, until its line is written. */
interface Tracked {
  record: RequestRecord;
  req: Req;
  opts: RequestLogHttpOptions;
  /** The response's addTrailers before ours (gRPC only). */
  addTrailers?: AddTrailers;
}

// Shared functions with the response as `this` and the request in a WeakMap,
// rather than closures made per request.
const tracked = new WeakMap<Res, Tracked>();

function tenantOf(t: Tracked): string | undefined {
  const { resolver } = t.opts;
  if (!resolver) return undefined;
  const host = headerOf(t.req, ":authority") ?? headerOf(t.req, "host");
  try {
    // OAuth pages name their tenant by host only (src/oauth/tenant-front.ts); the rest may use the header.
    return t.record.protocol === "http" ? (resolver.fromHost(host) ?? resolver.defaultId) : resolver.resolve(host, headerOf(t.req, tenantHeader));
  } catch {
    return undefined; // a host or header naming no valid tenant
  }
}

function onClose(this: Res): void {
  const t = tracked.get(this);
  if (!t) return;
  tracked.delete(this);
  const { record } = t;
  // Closed before the answer was complete: the client went away (499, as the errors' HTTP mapping says for canceled).
  const complete = this.writableEnded;
  record.httpStatus = complete ? this.statusCode : 499;
  if (!complete && record.protocol !== "api" && record.protocol !== "http") record.grpcCode ??= Code.Canceled;
  record.tenantId ??= tenantOf(t);
  record.onComplete?.(record);
  void writeRequestLine(t.opts, record);
}

function addTrailersNamingRequest(this: Res, headers: Record<string, unknown>): void {
  const t = tracked.get(this);
  if (t && headers && typeof headers === "object") {
    const status = headers["grpc-status"];
    if (status !== undefined) {
      // The status sent is what the line says, also when no interceptor ran (an unknown method).
      t.record.grpcCode = Number(status);
      if (String(status) !== "0" && headers[requestIdHeader] === undefined) headers[requestIdHeader] = t.record.id;
    }
  }
  const original = t?.addTrailers ?? (Object.getPrototypeOf(this) as { addTrailers: AddTrailers }).addTrailers;
  original.call(this, headers);
}

/**
 * `handler` with request IDs and the request log. For gRPC it patches the
 * response's addTrailers over whatever patch is there already, so it goes
 * inside (after) src/server/grpc-message.ts, whose patch calls the original.
 */
export function requestLogHttp(handler: RequestHandler, opts: RequestLogHttpOptions): RequestHandler {
  return (req, res) => {
    const id = acceptRequestId(req.headers[requestIdHeader]);
    req.headers[requestIdHeader] = id;
    res.setHeader(requestIdHeader, id);
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const record = new RequestRecord(id, protocolOf(req, path, q < 0 ? "" : url.slice(q + 1)));
    record.httpMethod = req.method;
    record.httpPath = path.length > maxPathLength ? `${path.slice(0, maxPathLength)}...` : path;
    record.peerAddress = peerOf(req);
    const t: Tracked = { record, req, opts };
    if (record.protocol === "grpc") {
      t.addTrailers = (res as unknown as { addTrailers: AddTrailers }).addTrailers;
      (res as unknown as { addTrailers: AddTrailers }).addTrailers = addTrailersNamingRequest;
    }
    tracked.set(res, t);
    (res as { once(event: "close", fn: (this: Res) => void): unknown }).once("close", onClose);
    setRecordOfRequest(req, record);
    handler(req, res);
  };
}
