// The tracing.* options read and checked when the server starts with tracing
// on, so a collector URL that is no URL stops the start with the option's name
// rather than losing every span. Values built in code (tests, embedding) skip
// the option parsers, so the enums and the number are checked here too.
import { ConfigError, type Config } from "../../config/index.js";

export interface TracingSettings {
  exporter: "otlp" | "writer";
  /** The OTLP/HTTP traces URL (otlp). */
  endpointUrl: string;
  /** Where the writer exporter writes (writer). */
  destination: "stdout" | "stderr";
  timestamps: boolean;
  /** 0 to 1: the share of new traces (those without a parent) that are recorded. */
  probability: number;
}

const fail = (option: string, message: string): never => {
  throw new ConfigError(`${option}: ${message}`, option);
};

/** OTLP/HTTP's path for traces, added to an endpoint given without a path (as OTEL_EXPORTER_OTLP_ENDPOINT is read). */
const tracesPath = "/v1/traces";

/**
 * `tracing.collector-config.endpoint-url` as the exporter's URL: an http(s) URL
 * (`/v1/traces` added when it has no path), or a `host:port` without scheme,
 * which is https unless `insecure` (as an endpoint without scheme is in the
 * stack's OTLP exporter).
 */
export function collectorUrl(endpoint: string, insecure: boolean): string {
  const option = "tracing.collector-config.endpoint-url";
  const text = endpoint.trim();
  if (!text) fail(option, "must be set when tracing.exporter is otlp");
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  const href = hasScheme ? text : `${insecure ? "http" : "https"}://${text}`;
  const url = URL.canParse(href) ? new URL(href) : undefined;
  if (!url || !url.hostname) return fail(option, `expected an http(s) URL such as http://collector:4318/v1/traces, or host:port, got ${JSON.stringify(endpoint)}`);
  if (url.protocol !== "http:" && url.protocol !== "https:") fail(option, `expected an http or https URL (OTLP over HTTP), got ${JSON.stringify(endpoint)}`);
  if (url.username || url.password) fail(option, "must not hold credentials");
  if (url.pathname === "/" || url.pathname === "") url.pathname = tracesPath;
  return url.href;
}

export function tracingSettings(config: Config): TracingSettings {
  const t = config.tracing;
  if (t.exporter !== "otlp" && t.exporter !== "writer") fail("tracing.exporter", `expected otlp or writer, got ${JSON.stringify(t.exporter)}`);
  const destination = t.writerConfig.destination;
  if (destination !== "stdout" && destination !== "stderr") fail("tracing.writer-config.destination", `expected stdout or stderr, got ${JSON.stringify(destination)}`);
  const p = t.sampleProbability;
  if (typeof p !== "number" || !Number.isFinite(p)) fail("tracing.sample-probability", `expected a number, got ${JSON.stringify(p)}`);
  return {
    exporter: t.exporter,
    endpointUrl: t.exporter === "otlp" ? collectorUrl(t.collectorConfig.endpointUrl, t.collectorConfig.insecure) : "",
    destination,
    timestamps: t.writerConfig.timestamps,
    // As the stack reads it: fractions >= 1 always sample, those < 0 count as 0.
    probability: Math.min(1, Math.max(0, p)),
  };
}
