// The server's tracer provider: its own (never registered globally, so servers
// in one process keep apart and no context manager is installed), the
// resource (service.name identity-server, service.version), the sampler
// (parent-based: a request's sampled `traceparent` is followed, new traces are
// sampled with tracing.sample-probability), spans batched and sent by the
// exporter (OTLP over HTTP as JSON, or the writer). Failed exports are logged,
// at most once a minute.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Tracer } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler,
  type Sampler, type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import type { Logger } from "../../log.js";
import type { TracingSettings } from "./settings.js";
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

function sampler(probability: number): Sampler {
  const root = probability >= 1 ? new AlwaysOnSampler() : probability <= 0 ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(probability);
  return new ParentBasedSampler({ root });
}

const failureLogInterval = 60_000;
/** How long one export may take: also what a collector that does not answer adds to the server's close. */
const exportTimeoutMs = 5_000;

/** `inner`, with failed exports logged (the SDK reports them to its diagnostics logger only, which nobody reads). */
function logged(inner: SpanExporter, log: Logger, where: string): SpanExporter {
  let lastLogged = -Infinity;
  return {
    export(spans, done) {
      inner.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS && performance.now() - lastLogged >= failureLogInterval) {
          lastLogged = performance.now();
          log.warn({ err: result.error, spans: spans.length, to: where }, "tracing: exporting spans failed (logged at most once a minute)");
        }
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

export function startTraceProvider(settings: TracingSettings, log: Logger): TraceProvider {
  const exporter =
    settings.exporter === "otlp"
      ? logged(new OTLPTraceExporter({ url: settings.endpointUrl, timeoutMillis: exportTimeoutMs }), log, settings.endpointUrl)
      : logged(writerExporter({ write: (text) => process[settings.destination].write(text), timestamps: settings.timestamps }), log, settings.destination);
  const version = packageVersion();
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ "service.name": "identity-server", ...(version ? { "service.version": version } : {}) })),
    sampler: sampler(settings.probability),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  return {
    tracer: provider.getTracer("identity-server", version),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
