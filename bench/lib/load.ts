// What one run of a load generator (h2load or autocannon, always a process of
// its own) yields: throughput and latency percentiles of the answered
// requests, failures, and the generator's own CPU, which shows whether it
// could have been the bottleneck.
import { percentile } from "./stats.js";

export interface LoadResult {
  /** Requests answered with success in the measured run. */
  count: number;
  rps: number;
  /** Latency percentiles in ms. */
  p50: number;
  p99: number;
  /** Requests that failed (error status, reset, timeout). */
  errors: number;
  /** The failures by HTTP status, or "error" (no answer) and "no token", where the generator tells. */
  failed?: Record<string, number>;
  /** The load generator's CPU over the measured run, in ms. */
  genCpuMs: number;
  seconds: number;
}

export function loadResult(latenciesMs: number[], seconds: number, errors: number, genCpuMs: number): LoadResult {
  const sorted = latenciesMs.sort((a, b) => a - b);
  return { count: sorted.length, rps: sorted.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), errors, genCpuMs, seconds };
}
