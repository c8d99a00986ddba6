// One traced request (or call, or e-mail delivery) as the code serving it
// holds it: its span and the tracer. There is no active context (index.ts says
// why), so whatever opens a span of its own (a store operation, a hash, an
// outgoing call) is handed this object and starts the span with it as parent:
// `tracer.startSpan(name, opts, trace.setSpan(ROOT_CONTEXT, span))`.
// The request log's record carries the request's (record.trace), a call's
// context values the call's (context.ts), the request scope hands it on.
// Only recording (sampled) spans get one: an unsampled request pays nothing
// further.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type TimeInput, type Tracer } from "@opentelemetry/api";
import { IsError } from "../../errors/definition.js";
import { traceHeaders } from "./propagation.js";
import { LightTracer } from "./spans.js";

/** `namespace:name` of a catalogue error, else the error's class name. */
export function errorType(err: unknown): string {
  if (err instanceof IsError) return `${err.definition.namespace}:${err.definition.name}`;
  return err instanceof Error ? err.name : typeof err;
}

/** Marks `span` failed with `err`: status ERROR and error.type (no stack: errors such as not_found are routine). */
export function spanFailed(span: Span, err: unknown): void {
  const type = errorType(err);
  span.setAttribute("error.type", type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof IsError ? type : err instanceof Error ? err.message : String(err) });
}

export class RequestTrace {
  private parentContext?: Context;
  /**
   * Whether the request's span is its first call's: an RPC or /api/v3 request
   * is one call, whose interceptor names the span after the method. Pages
   * (several calls each) and calls made within a call get child spans instead.
   */
  claimable: boolean;

  constructor(
    readonly tracer: Tracer,
    readonly span: Span,
    claimable = false,
  ) {
    this.claimable = claimable;
  }

  /** The context naming this span as parent (made when the first child starts). */
  get context(): Context {
    return (this.parentContext ??= trace.setSpan(ROOT_CONTEXT, this.span));
  }

  get traceId(): string {
    return this.span.spanContext().traceId;
  }

  /** A child span of this one; `startTime` when it began earlier than now (`performance.now()` or epoch milliseconds). */
  start(name: string, kind: SpanKind, attributes?: Attributes, startTime?: TimeInput): Span {
    // Our tracer makes a child without a Context object for it.
    if (this.tracer instanceof LightTracer) return this.tracer.startChild(name, { kind, attributes, startTime }, this.span);
    return this.tracer.startSpan(name, { kind, attributes, startTime }, this.context);
  }

  /** A child span as the parent of what runs inside it. */
  child(name: string, kind: SpanKind, attributes?: Attributes): RequestTrace {
    return new RequestTrace(this.tracer, this.start(name, kind, attributes));
  }

  /** `run` inside a child span, which ends when `run` settles (failed when it throws). */
  async around<T>(name: string, attributes: Attributes | undefined, run: () => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
    const span = this.start(name, kind, attributes);
    try {
      return await run();
    } catch (err) {
      spanFailed(span, err);
      throw err;
    } finally {
      span.end();
    }
  }

  /** `run`, synchronous, inside a child span (a secret's HMAC check). */
  measure<T>(name: string, attributes: Attributes | undefined, run: () => T): T {
    const span = this.start(name, SpanKind.INTERNAL, attributes);
    try {
      return run();
    } catch (err) {
      spanFailed(span, err);
      throw err;
    } finally {
      span.end();
    }
  }

  /** `traceparent` (and `tracestate`) for an outgoing request made as this span. */
  headers(): Record<string, string> {
    return traceHeaders(this.span, this.context);
  }

  /**
   * fetch as a CLIENT span of this one, with `traceparent` naming that span:
   * what outgoing HTTP calls (OpenID Providers, SendGrid) go through.
   * Headers given as a record or a Headers object are kept as given.
   */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const method = (init.method ?? "GET").toUpperCase();
    const span = this.start(`${method} ${target.host}${target.pathname}`, SpanKind.CLIENT, {
      "http.request.method": method,
      "server.address": target.hostname,
      "server.port": Number(target.port) || (target.protocol === "https:" ? 443 : 80),
      "url.full": `${target.origin}${target.pathname}`,
    });
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(traceHeaders(span))) headers.set(name, value);
    try {
      const res = await fetch(url, { ...init, headers });
      span.setAttribute("http.response.status_code", res.status);
      if (res.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${res.status}` });
      return res;
    } catch (err) {
      spanFailed(span, err);
      throw err;
    } finally {
      span.end();
    }
  }
}
