// The server's tracer (its own: never registered globally, so servers in one
// process keep apart and no context manager is installed): spans.ts's
// LightTracer, sampling with tracing.sample-probability (parent-based: a
// request's sampled `traceparent` is followed), ended spans batched
// (batch.ts) for the exporter: OTLP/JSON over HTTP (otlp-http.ts) or the
// writer (writer-exporter.ts). The resource names the service
// (service.name identity-server, service.version, telemetry.sdk.*). Failed
// exports and dropped spans are logged, at most once a minute.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Attributes, Tracer } from "@opentelemetry/api";
import type { Logger } from "../../log.js";
import { SpanBatcher } from "./batch.js";
import { otlpHttpSink } from "./otlp-http.js";
import type { TracingSettings } from "./settings.js";
import { LightTracer } from "./spans.js";
import { writerExporter } from "./writer-exporter.js";

export interface TraceProvider {
  tracer: Tracer;
  /** Exports what has ended so far. */
  flush(): Promise<void>;
  /** Exports what has ended and stops. */
  shutdown(): Promise<void>;
}

/** The package's version (the first package.json up from this module, in src/ and dist/src/ alike). */
function packageVersion(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

const failureLogInterval = 60_000;
/** How long one export may take: also what a collector that does not answer adds to the server's close. */
const exportTimeoutMs = 5_000;

export function startTraceProvider(settings: TracingSettings, log: Logger): TraceProvider {
  const version = packageVersion();
  const service = "identity-server";
  const resource: Attributes = {
    "service.name": service,
    ...(version ? { "service.version": version } : {}),
    "telemetry.sdk.name": "identity-server",
    "telemetry.sdk.language": "nodejs",
    "process.pid": process.pid,
  };
  const where = settings.exporter === "otlp" ? settings.endpointUrl : settings.destination;
  const sink =
    settings.exporter === "otlp"
      ? otlpHttpSink(settings.endpointUrl, resource, { name: service, version }, exportTimeoutMs)
      : writerExporter({ write: (text) => process[settings.destination].write(text), timestamps: settings.timestamps, service });
  let lastLogged = -Infinity;
  let droppedLogged = 0;
  const batcher: SpanBatcher = new SpanBatcher(sink, (err, spans) => {
    if (performance.now() - lastLogged < failureLogInterval) return;
    lastLogged = performance.now();
    const dropped = batcher.dropped - droppedLogged;
    droppedLogged = batcher.dropped;
    log.warn({ err, spans, dropped, to: where }, "tracing: exporting spans failed (logged at most once a minute)");
  });
  let stopped = false;
  const tracer = new LightTracer(settings.probability, (span) => {
    if (!stopped) batcher.add(span);
  });
  return {
    tracer,
    flush: () => batcher.flush(),
    async shutdown() {
      await batcher.flush();
      stopped = true;
    },
  };
}
