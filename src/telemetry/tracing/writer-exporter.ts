// tracing.exporter writer: one JSON line per span on stdout or stderr
// (tracing.writer-config.destination), for looking at traces without a
// collector. Times are RFC 3339 with microseconds, left out without
// tracing.writer-config.timestamps (the duration stays).
import { SpanKind, SpanStatusCode, type HrTime } from "@opentelemetry/api";
import { ExportResultCode, hrTimeToMicroseconds, type ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";

export interface WriterOptions {
  write: (line: string) => void;
  timestamps: boolean;
}

const kinds: Record<SpanKind, string> = {
  [SpanKind.INTERNAL]: "internal",
  [SpanKind.SERVER]: "server",
  [SpanKind.CLIENT]: "client",
  [SpanKind.PRODUCER]: "producer",
  [SpanKind.CONSUMER]: "consumer",
};

/** `2024-05-01T12:00:00.123456Z` */
function timestamp(t: HrTime): string {
  const iso = new Date(t[0] * 1000).toISOString();
  return `${iso.slice(0, 19)}.${String(Math.floor(t[1] / 1000)).padStart(6, "0")}Z`;
}

export function spanLine(span: ReadableSpan, timestamps: boolean): string {
  const context = span.spanContext();
  const status = span.status.code === SpanStatusCode.ERROR ? { code: "error", message: span.status.message } : undefined;
  return JSON.stringify({
    name: span.name,
    kind: kinds[span.kind],
    trace_id: context.traceId,
    span_id: context.spanId,
    parent_span_id: span.parentSpanContext?.spanId,
    start: timestamps ? timestamp(span.startTime) : undefined,
    end: timestamps ? timestamp(span.endTime) : undefined,
    duration_ms: hrTimeToMicroseconds(span.duration) / 1000,
    attributes: span.attributes,
    status,
    events: span.events.length ? span.events.map((e) => ({ name: e.name, attributes: e.attributes })) : undefined,
    service: span.resource.attributes["service.name"],
  });
}

export function writerExporter(opts: WriterOptions): SpanExporter {
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      try {
        opts.write(spans.map((s) => spanLine(s, opts.timestamps) + "\n").join(""));
        done({ code: ExportResultCode.SUCCESS });
      } catch (err) {
        done({ code: ExportResultCode.FAILED, error: err as Error });
      }
    },
    shutdown: async () => {},
  };
}
