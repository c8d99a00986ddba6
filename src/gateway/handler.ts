// Owns the HTTP side of the /api/v3 gateway: one request in, one JSON answer
// out. It is a client of the services through a Connect Transport (in the server
// an in-process router transport with the same interceptors as gRPC), so it
// holds no business logic:
//
//   path -> route (routes.ts) -> body + query + path vars -> request message
//   (json.ts, query.ts) -> call through the transport -> response message -> JSON,
//   or any error -> toHttpError() -> status + JSON body.
//
// Also owns CORS for the prefix (answering preflights itself) and the mapping
// of response metadata to HTTP headers (x-total-count, warning).
import { callValues } from "../telemetry/request-log/context.js";
import type * as http from "node:http";
import type * as http2 from "node:http2";
import { createRegistry, type DescFile, type DescMessage, type DescMethodUnary, type DescService, type JsonObject, type JsonValue, type Registry } from "@bufbuild/protobuf";
import { ConnectError, type Transport } from "@connectrpc/connect";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { errBodyTooLarge, errMalformedRequest, errMethodNotAllowed, errRouteNotFound, toHttpError } from "../errors/index.js";
import { answerPreflight, apiCors, setCorsHeaders } from "./cors.js";
import { bodyFail, decodeNormalized, messageToJson, normalizeJson } from "./json.js";
import { mergeJson, pathToJson, queryToJson } from "./query.js";
import { buildRoutes, matchRoute, type Route } from "./routes.js";

export interface GatewayLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface GatewayOptions {
  services: DescService[];
  transport: Transport;
  /** Mount point; default "/api/v3". */
  prefix?: string;
  /** Largest accepted request body, in bytes. */
  maxBodySize: number;
  log?: GatewayLogger;
}

export type GatewayRequest = http.IncomingMessage | http2.Http2ServerRequest;
export type GatewayResponse = http.ServerResponse | http2.Http2ServerResponse;
export type Gateway = (req: GatewayRequest, res: GatewayResponse) => Promise<boolean>;

/** The part of both response classes the gateway uses (their union is not callable as is). */
interface Response {
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  setHeader(name: string, value: string | string[]): unknown;
  writeHead(status: number, headers?: Record<string, string | string[]>): unknown;
  end(data?: string): unknown;
  destroy(err?: Error): unknown;
  once(event: "close", fn: () => void): unknown;
}

/** Request headers passed on to the service call. */
// `host` and `tenant-id` choose the tenant (src/tenancy/), as on a direct RPC.
const forwardedRequestHeaders = ["authorization", "x-request-id", "host", "tenant-id"];
/** Response metadata (gRPC headers or trailers) -> HTTP response header. */
const forwardedResponseHeaders: ReadonlyArray<[string, string]> = [
  ["x-total-count", "X-Total-Count"],
  ["warning", "X-Warning"],
];

/** Every file the services use, for google.protobuf.Any in JSON. */
function registryOf(services: readonly DescService[]): Registry {
  const files = new Set<DescFile>();
  const add = (f: DescFile) => {
    if (files.has(f)) return;
    files.add(f);
    f.dependencies.forEach(add);
  };
  services.forEach((s) => add(s.file));
  return createRegistry(...files);
}

/** HTTP/1.1 connections -> a signal that fires when the connection closes. */
const connectionGone = new WeakMap<object, AbortSignal>();

/**
 * Fires when the client goes away before the answer. Over HTTP/1.1 that is the
 * connection closing: one signal per connection, not per request, because an
 * AbortSignal is costly to make and the client is gone only when the
 * connection is. Over HTTP/2 each request (stream) has its own.
 */
function clientGone(req: GatewayRequest, res: Response): AbortSignal {
  const socket = "stream" in req ? undefined : req.socket;
  if (!socket) {
    const abort = new AbortController();
    // (Once answered there is nothing to stop: aborting then only costs a DOMException.)
    res.once("close", () => res.writableEnded || abort.abort());
    return abort.signal;
  }
  let signal = connectionGone.get(socket);
  if (!signal) {
    if (socket.destroyed) return AbortSignal.abort();
    const abort = new AbortController();
    socket.once("close", () => abort.abort());
    connectionGone.set(socket, (signal = abort.signal));
  }
  return signal;
}

function headerValue(req: GatewayRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

/** Reads the body up to `limit` bytes; errBodyTooLarge beyond, checked on Content-Length first. */
async function readBody(req: GatewayRequest, limit: number): Promise<string> {
  const declared = Number(headerValue(req, "content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw errBodyTooLarge({ limit });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > limit) throw errBodyTooLarge({ limit });
    chunks.push(buf);
  }
  try {
    // Invalid UTF-8 is refused, as Go's protojson does, not stored as U+FFFD the client never sent.
    return strictUtf8.decode(Buffer.concat(chunks));
  } catch {
    throw errMalformedRequest({ reason: "the body is not valid UTF-8" });
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function parseJson(text: string): JsonValue {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as JsonValue;
  } catch (err) {
    throw errMalformedRequest({ reason: `malformed JSON: ${(err as Error).message}` });
  }
}

/** Query parameters a route ignores: those naming a field its path or body sets. */
const queryIgnores = new WeakMap<Route, readonly string[]>();

function queryIgnoreOf(route: Route): readonly string[] {
  let ignore = queryIgnores.get(route);
  if (!ignore) {
    const pathFields = route.variables.map((v) => v.fieldPath);
    queryIgnores.set(route, (ignore = route.bodyField ? [...pathFields, route.bodyField.name] : pathFields));
  }
  return ignore;
}

/** Merges `over` into `json`; a fresh `over` onto nothing is the answer as it is. */
function mergeInto(desc: DescMessage, json: JsonObject, over: JsonObject): JsonObject {
  for (const _ in json) return mergeJson(desc, json, over);
  return over;
}

/** Builds the request message: body (as the rule says, already parsed), then query, then path variables. */
function buildRequest(
  route: Route,
  body: JsonValue | undefined,
  query: URLSearchParams,
  params: Readonly<Record<string, string>>,
  registry: Registry,
) {
  const desc: DescMessage = route.method.input;
  let json: JsonObject = {};
  if (body !== undefined) {
    // A named body field is decoded as that field, so errors read `application.name`.
    const doc = route.bodyField ? { [route.bodyField.name]: body } : body;
    json = normalizeJson(desc, doc, { fail: bodyFail, registry }) as JsonObject;
  }
  // With body "*" every field comes from the body; grpc-gateway reads no query then.
  if (route.body !== "*" && query.size > 0) {
    json = mergeInto(desc, json, queryToJson(desc, query, { ignore: queryIgnoreOf(route), registry }));
  }
  if (route.variables.length > 0) json = mergeInto(desc, json, pathToJson(desc, route.variables, params, { registry }));
  return decodeNormalized(desc, json, { fail: bodyFail, registry });
}

/** The /api/v3 gateway: resolves to false (untouched) outside the prefix, true when it answered. */
export function createGateway(opts: GatewayOptions): Gateway {
  const prefix = (opts.prefix ?? "/api/v3").replace(/\/+$/, "");
  const routes = buildRoutes(opts.services);
  const registry = registryOf(opts.services);

  function writeJson(res: Response, status: number, body: unknown, headers: Record<string, string | string[]> = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) });
    res.end(text);
  }

  function writeError(res: Response, req: GatewayRequest, err: unknown, extra: { status?: number; headers?: Record<string, string | string[]> } = {}) {
    const { status, body, headers: errorHeaders } = toHttpError(err);
    // Errors carrying ErrorDetails were rendered, and logged, by the services'
    // error interceptor; anything else failing with 5xx is news to the log.
    const reported = err instanceof ConnectError && err.findDetails(ErrorDetailsSchema).length > 0;
    if (status >= 500 && !reported) {
      opts.log?.error({ err, method: req.method, url: req.url, status }, "gateway: request failed");
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // Metadata of a failed call (e.g. `warning`) reaches HTTP clients as on success.
    const headers: Record<string, string | string[]> = { ...errorHeaders, ...extra.headers };
    if (err instanceof ConnectError) {
      for (const [from, to] of forwardedResponseHeaders) {
        const v = err.metadata.get(from);
        if (v !== null) headers[to] = v;
      }
    }
    writeJson(res, extra.status ?? status, body, headers);
  }

  async function serve(req: GatewayRequest, res: Response, pathname: string, query: URLSearchParams): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    if (method === "OPTIONS") {
      // Preflights are answered for any path under the prefix, as the CORS
      // middleware in front of TTS's router does.
      answerPreflight(res, apiCors);
      return;
    }

    const match = matchRoute(routes, method, pathname.slice(prefix.length));
    if (match.kind === "not_found") throw errRouteNotFound({ route: pathname });
    if (match.kind === "method_not_allowed") {
      writeError(res, req, errMethodNotAllowed({ method, route: pathname }), {
        status: 405,
        headers: { allow: match.allow.join(", ") },
      });
      return;
    }

    const { route, params } = match;
    let input;
    try {
      const body = route.body === "" ? undefined : parseJson(await readBody(req, opts.maxBodySize));
      input = buildRequest(route, body, query, params, registry);
    } catch (err) {
      // A body over the limit is left partly unread: close the HTTP/1.1
      // connection rather than read (and discard) the rest of it.
      if (errBodyTooLarge.is(err) && "httpVersionMajor" in req && req.httpVersionMajor === 1) res.setHeader("connection", "close");
      throw err;
    }

    // A record: the transport makes the call's Headers from it (one object, not a copy of a copy).
    const headers: Record<string, string> = {};
    for (const name of forwardedRequestHeaders) {
      const v = headerValue(req, name);
      if (v !== undefined) headers[name] = v;
    }
    // Stop the call when the client goes away.
    const rpc = route.method as DescMethodUnary;
    const answer = await opts.transport.unary(rpc, clientGone(req, res), undefined, headers, input as never, callValues(req));
    const responseHeaders: Record<string, string[]> = {};
    for (const h of [answer.header, answer.trailer]) {
      for (const [from, to] of forwardedResponseHeaders) {
        const v = h.get(from);
        if (v !== null) (responseHeaders[to] ??= []).push(v);
      }
    }
    writeJson(res, 200, messageToJson(rpc.output, answer.message, { registry }), responseHeaders);
  }

  return async function gateway(rawReq: GatewayRequest, rawRes: GatewayResponse): Promise<boolean> {
    const url = rawReq.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q === -1 ? url : url.slice(0, q);
    if (pathname !== prefix && !pathname.startsWith(prefix + "/")) return false;
    const res = rawRes as unknown as Response;
    try {
      setCorsHeaders(res, apiCors);
      const requestId = headerValue(rawReq, "x-request-id");
      if (requestId !== undefined) res.setHeader("x-request-id", requestId);
      await serve(rawReq, res, pathname, new URLSearchParams(q === -1 ? "" : url.slice(q + 1)));
    } catch (err) {
      try {
        // HTTP has a status of its own for this; 429 would tell clients to retry.
        writeError(res, rawReq, err, errBodyTooLarge.is(err) ? { status: 413 } : {});
      } catch (writeErr) {
        opts.log?.warn({ err: writeErr }, "gateway: could not write the error response");
        res.destroy();
      }
    }
    return true;
  };
}
