// tracing.exporter writer: one JSON line per span on stdout or stderr
// (tracing.writer-config.destination), for looking at traces without a
// collector. Times are RFC 3339 with microseconds, left out without
// tracing.writer-config.timestamps (the duration stays).
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { SpanSink } from "./batch.js";
import type { FinishedSpan } from "./spans.js";

export interface WriterOptions {
  write: (line: string) => void;
  timestamps: boolean;
  /** service.name, on every line. */
  service?: string;
}

const kinds: Record<SpanKind, string> = {
  [SpanKind.INTERNAL]: "internal",
  [SpanKind.SERVER]: "server",
  [SpanKind.CLIENT]: "client",
  [SpanKind.PRODUCER]: "producer",
  [SpanKind.CONSUMER]: "consumer",
};

/** `2024-05-01T12:00:00.123456Z` */
function timestamp(ms: number): string {
  const iso = new Date(Math.floor(ms)).toISOString();
  return `${iso.slice(0, 23)}${String(Math.floor((ms % 1) * 1000)).padStart(3, "0")}Z`;
}

export function spanLine(span: FinishedSpan, timestamps: boolean, service?: string): string {
  const status = span.status.code === SpanStatusCode.ERROR ? { code: "error", message: span.status.message } : undefined;
  return JSON.stringify({
    name: span.name,
    kind: kinds[span.kind],
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId,
    start: timestamps ? timestamp(span.startMs) : undefined,
    end: timestamps ? timestamp(span.endMs) : undefined,
    duration_ms: Math.round((span.endMs - span.startMs) * 1000) / 1000,
    attributes: span.attributes,
    status,
    events: span.events.length ? span.events.map((e) => ({ name: e.name, attributes: e.attributes })) : undefined,
    service,
  });
}

/** Spans written as lines (one write per batch). */
export function writerExporter(opts: WriterOptions): SpanSink {
  return async (spans) => {
    opts.write(spans.map((s) => spanLine(s, opts.timestamps, opts.service) + "\n").join(""));
  };
}
