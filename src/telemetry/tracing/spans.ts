// The spans themselves: a tracer of our own behind OpenTelemetry's API
// (@opentelemetry/api's Tracer and Span, which the rest of this folder and the
// code it serves use), instead of the SDK's BasicTracerProvider. Measured on a
// cached gRPC Get (make bench BENCH=tracing), the SDK's spans, their batching
// and OTLP serialization cost ~40 µs of CPU per request of three spans, a
// tenth of the request; these keep to what a span needs: IDs from a pool of
// random bytes, attributes in a plain object (the shared frozen ones copied
// only when a span adds to them), times in milliseconds since the epoch from
// performance.now(), nothing recorded for an unsampled span.
//
// Sampling is parent-based, as the stack's: a parent's sampled flag decides;
// a new trace is sampled with tracing.sample-probability, read off the trace
// ID (as OpenTelemetry's TraceIdRatioBased sampler does).
import { randomFillSync } from "node:crypto";
import {
  isSpanContextValid, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags,
  type Attributes, type AttributeValue, type Context, type Exception, type Link, type Span, type SpanContext, type SpanOptions,
  type SpanStatus, type TimeInput, type Tracer, type TraceState,
} from "@opentelemetry/api";

/** A span as exporters see it, once it ended. */
export interface FinishedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: SpanKind;
  /** Milliseconds since the epoch, with fractions. */
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: Attributes;
  readonly status: SpanStatus;
  readonly events: ReadonlyArray<{ name: string; timeMs: number; attributes?: Attributes }>;
}

// ---- IDs -------------------------------------------------------------------------

const pool = Buffer.allocUnsafe(8192);
let used = pool.length;

/** `bytes` random bytes as lowercase hex, from a pool refilled one system call per 512 trace IDs. */
function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const hex = pool.toString("hex", used, used + bytes);
  used += bytes;
  return hex;
}

// All-zero IDs are invalid; a pool of random bytes yields one once in 2^64 spans.
const newTraceId = () => randomHex(16);
const newSpanId = () => randomHex(8);

// ---- times -----------------------------------------------------------------------

const origin = performance.timeOrigin;

/** A TimeInput in milliseconds since the epoch: HrTime, Date, epoch milliseconds, or performance.now() milliseconds. */
export function epochMs(time: TimeInput | undefined): number {
  if (time === undefined) return origin + performance.now();
  if (typeof time === "number") return time < origin ? origin + time : time;
  if (time instanceof Date) return time.getTime();
  return time[0] * 1000 + time[1] / 1e6;
}

// ---- spans -----------------------------------------------------------------------

const unset: SpanStatus = { code: SpanStatusCode.UNSET };
const noAttributes: Attributes = Object.freeze({});
// Shared until a span adds its first event.
const noEvents: Array<{ name: string; timeMs: number; attributes?: Attributes }> = [];

class RecordingSpan implements Span, FinishedSpan {
  readonly startMs: number;
  endMs = 0;
  status: SpanStatus = unset;
  events: Array<{ name: string; timeMs: number; attributes?: Attributes }> = noEvents;
  /**
   * The attributes in parts, later ones winning: the ones it started with and
   * frozen sets added whole (shared by every span of a method or store
   * operation: kept by reference, serialized once, see otlp-json.ts), then
   * `own` for what was set one by one.
   */
  readonly parts: Attributes[];
  private own: Attributes | undefined;
  private ended = false;

  constructor(
    private readonly context: SpanContext,
    readonly parentSpanId: string | undefined,
    public name: string,
    readonly kind: SpanKind,
    attributes: Attributes,
    start: TimeInput | undefined,
    private readonly onEnd: (span: FinishedSpan) => void,
  ) {
    this.startMs = epochMs(start);
    this.parts = [attributes];
  }

  get attributes(): Attributes {
    return this.parts.length === 1 ? this.parts[0]! : Object.assign({}, ...this.parts);
  }

  get traceId(): string {
    return this.context.traceId;
  }

  get spanId(): string {
    return this.context.spanId;
  }

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (this.ended || value === undefined) return this;
    if (!this.own) this.parts.push((this.own = {}));
    this.own[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    if (this.ended) return this;
    if (Object.isFrozen(attributes)) {
      // A shared set: by reference, ahead of what was set one by one (which stays the later word).
      if (this.own) this.parts.splice(this.parts.length - 1, 0, attributes);
      else this.parts.push(attributes);
      return this;
    }
    for (const key of Object.keys(attributes)) this.setAttribute(key, attributes[key]!);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    if (this.events === noEvents) this.events = [];
    const isTime = typeof attributesOrTime === "number" || attributesOrTime instanceof Date || Array.isArray(attributesOrTime);
    this.events.push({ name, timeMs: epochMs(isTime ? (attributesOrTime as TimeInput) : time), attributes: isTime ? undefined : (attributesOrTime as Attributes | undefined) });
    return this;
  }

  addLink(_link: Link): this {
    return this;
  }

  addLinks(_links: Link[]): this {
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (!this.ended) this.status = status;
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.ended = true;
    this.endMs = epochMs(endTime);
    this.onEnd(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const e = typeof exception === "string" ? { message: exception } : exception;
    this.addEvent("exception", { "exception.type": e.name ?? "Error", "exception.message": e.message ?? "" }, time);
  }
}

// ---- the tracer ------------------------------------------------------------------

/** Whether a new trace (no parent) is sampled, read off its ID. */
function rootSampler(probability: number): (traceId: string) => boolean {
  if (probability >= 1) return () => true;
  if (probability <= 0) return () => false;
  const bound = Math.floor(probability * 0x1_0000_0000);
  return (traceId) => parseInt(traceId.slice(-8), 16) < bound;
}

export class LightTracer implements Tracer {
  private readonly sampleRoot: (traceId: string) => boolean;

  constructor(
    probability: number,
    private readonly onEnd: (span: FinishedSpan) => void,
  ) {
    this.sampleRoot = rootSampler(probability);
  }

  startSpan(name: string, options: SpanOptions = {}, context: Context = ROOT_CONTEXT): Span {
    const parent = options.root ? undefined : trace.getSpanContext(context);
    let traceId: string;
    let parentSpanId: string | undefined;
    let sampled: boolean;
    let traceState: TraceState | undefined;
    if (parent && isSpanContextValid(parent)) {
      ({ traceId, traceState } = parent);
      parentSpanId = parent.spanId;
      sampled = (parent.traceFlags & TraceFlags.SAMPLED) !== 0;
    } else {
      traceId = newTraceId();
      sampled = this.sampleRoot(traceId);
    }
    const spanContext: SpanContext = { traceId, spanId: newSpanId(), traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, traceState };
    // Unsampled: a span that records nothing but still carries the trace on (traceparent with flags 00).
    if (!sampled) return trace.wrapSpanContext(spanContext);
    return new RecordingSpan(spanContext, parentSpanId, name, options.kind ?? SpanKind.INTERNAL, options.attributes ?? noAttributes, options.startTime, this.onEnd);
  }

  /** A child of `parent` (what startSpan does with a context holding it, without making the context). */
  startChild(name: string, options: SpanOptions, parent: Span): Span {
    const { traceId, spanId, traceFlags, traceState } = parent.spanContext();
    const spanContext: SpanContext = { traceId, spanId: newSpanId(), traceFlags, traceState };
    if ((traceFlags & TraceFlags.SAMPLED) === 0) return trace.wrapSpanContext(spanContext);
    return new RecordingSpan(spanContext, spanId, name, options.kind ?? SpanKind.INTERNAL, options.attributes ?? noAttributes, options.startTime, this.onEnd);
  }

  // Part of the Tracer interface; nothing here uses an active context (index.ts says why), so `fn` just gets the span.
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...args: unknown[]): ReturnType<F> {
    const fn = args[args.length - 1] as F;
    const options = (args.length > 1 ? args[0] : undefined) as SpanOptions | undefined;
    const context = (args.length > 2 ? args[1] : undefined) as Context | undefined;
    return fn(this.startSpan(name, options, context)) as ReturnType<F>;
  }
}
