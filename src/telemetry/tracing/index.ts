// OpenTelemetry tracing of one server (tracing.enable, off by default as in
// The Things Stack; options named as the stack names them, see settings.ts).
// Spans go to an OTLP/HTTP collector or, one JSON line each, to stdout/stderr
// (provider.ts). The spans are our own behind OpenTelemetry's API (spans.ts
// says why), exported as OTLP/JSON (otlp-json.ts, otlp-http.ts, batch.ts). What is traced, each at a seam of its own:
// - http.ts: a SERVER span per request, around the listeners' handler inside
//   the request log's wrapper; parent from the request's `traceparent`;
// - interceptor.ts: right after the request log's interceptor: the span named
//   after the RPC method, a child span per call of a page, a span of its own
//   for a call without a request;
// - store.ts: a CLIENT span per store operation of a traced call (the scope's
//   store is a traced view; src/auth/interceptor.ts);
// - request-trace.ts: what the code serving a request holds to open spans
//   (hashing in src/auth/passwords.ts, outgoing calls to OpenID Providers in
//   src/sso/, e-mail deliveries in email.ts), and `traceparent` out.
//
// No async context. AsyncLocalStorage (and OpenTelemetry's context managers
// built on it or on async_hooks) turns on promise hooks for the whole
// process, which cost ~19% CPU of a cached gRPC Get on Node 20 whether a
// request is traced or not. So nothing here reads an "active" span: parents are
// passed explicitly, as the request log passes its record (src/telemetry/
// request-log/context.ts): the record carries the request's trace, a call's
// context values the call's (context.ts), spans start with
// `tracer.startSpan(name, opts, trace.setSpan(ROOT_CONTEXT, parent))`. The
// provider is never registered globally.
//
// Off, this costs nothing: createTracing returns undefined, nothing is
// wrapped, and the tracer is not even loaded (index.ts and the
// modules the seams import hold no more than types and a context key).
import type { ContextValues, Interceptor } from "@connectrpc/connect";
import type { CacheObserver } from "../../cache/index.js";
import type { Config } from "../../config/index.js";
import type { TraceDelivery } from "../../email/worker.js";
import type { Logger } from "../../log.js";
import type { RequestHandler } from "../../server/listener.js";
import type { Store } from "../../store/interfaces.js";
import type { HttpRoute } from "../metrics/http.js";
import { tracingSettings } from "./settings.js";

export { requestTraceOf, traceKey } from "./context.js";
export type { RequestTrace } from "./request-trace.js";

export interface ServerTracing {
  /** The RPC side: right after the request log's interceptor in every chain. */
  readonly interceptor: Interceptor;
  /**
   * The HTTP side: around the listeners' handler, inside the request log's
   * wrapper. With `route`, every request of `handler` is that route in its
   * span's name (`POST interop`: the LoRaWAN Backend Interfaces listeners).
   */
  http(handler: RequestHandler, route?: string): RequestHandler;
  /** The store of a call's scope: a traced view when the call is traced (src/auth/interceptor.ts). */
  readonly traceStore: (store: Store, values: ContextValues) => Store;
  /** The auth cache's observers, telling the store views which lookups were answered from memory; `inner` (metrics) sees everything too. */
  observeCache(inner?: (cache: string) => CacheObserver): (cache: string) => CacheObserver;
  /** Each e-mail delivery attempt in a span of its own (src/email/worker.ts). */
  readonly email: TraceDelivery;
  /** Exports the spans ended so far (tests). */
  flush(): Promise<void>;
  /** Exports what is left and stops. */
  close(): Promise<void>;
}

export interface TracingDeps {
  config: Config;
  log: Logger;
  /** The route of an HTTP path, for span names (default: the metrics' routes, src/telemetry/metrics/routes.ts). */
  routeOf?: (path: string) => HttpRoute;
}

/** The server's tracing; undefined when tracing.enable is off. Throws ConfigError for a bad tracing.* option. */
export async function createTracing(deps: TracingDeps): Promise<ServerTracing | undefined> {
  if (!deps.config.tracing.enable) return undefined;
  const settings = tracingSettings(deps.config);
  const { serverTracing } = await import("./server-tracing.js");
  return serverTracing(settings, deps);
}
