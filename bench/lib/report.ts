// What the benchmarks print. Per figure: a heading, one line per side
// (throughput, p50/p99, CPU per request split into server and PostgreSQL, the
// load generator's share of a core), the ratio line, then one line per target:
// "target / measured / met?". Target lines also go to the file named by
// BENCH_SUMMARY (JSON lines), from which bench/run.ts lists them all at the end.
import { appendFileSync } from "node:fs";
import type { Summary } from "./compare.js";
import { databaseName, postgresUrl, settings } from "./settings.js";

const label = (name: string) => `  ${name.padEnd(23)} `;
const num = (x: number, digits: number, width: number) => (Number.isFinite(x) ? x.toFixed(digits) : "-").padStart(width);
/** A ratio or target figure with the digits its size needs (0.0031, 0.41, 12.3, 454). */
const figure = (x: number) => {
  if (!Number.isFinite(x)) return "-";
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 0.1 || a === 0 ? x.toFixed(2) : x.toPrecision(2);
};

/** "<what> — <database>, <how>" (by default: medians of N rounds x S s). */
export function heading(what: string, how = `medians of ${settings.rounds} rounds x ${settings.seconds} s`): void {
  console.log(`\n${what} — ${databaseName}, ${how}`);
}

function cpuText(s: Pick<Summary, "cpuMs" | "serverMs" | "postgresMs">): string {
  const split = postgresUrl && s.postgresMs > 0 ? ` (server ${num(s.serverMs, 3, 0)} + PostgreSQL ${num(s.postgresMs, 3, 0)})` : "";
  return `CPU ${num(s.cpuMs, 3, 6)} ms/req${split}`;
}

/** ", N FAILED (429: n, ...)", or "" when none failed. */
export function failedText(s: Pick<Summary, "errors" | "failed">): string {
  if (!s.errors) return "";
  const kinds = Object.entries(s.failed).map(([k, n]) => `${k}: ${n}`);
  return `, ${s.errors} FAILED${kinds.length ? ` (${kinds.join(", ")})` : ""}`;
}

export function sideLine(name: string, s: Summary): void {
  console.log(`${label(name)}${num(s.rps, 0, 6)} req/s   p50 ${num(s.p50, 2, 6)} ms   p99 ${num(s.p99, 2, 6)} ms   ${cpuText(s)}   generator ${num(s.generatorPct, 0, 2)}% of a core${failedText(s)}`);
}

/** The IS's throughput as a share of the other side's, and its CPU per request as a multiple. */
export function ratioLine(name: string, is: Summary, other: Summary): number {
  const ratio = is.rps / other.rps;
  console.log(`${label(name)}throughput ${figure(ratio)}   CPU per request ${figure(is.cpuMs / other.cpuMs)}x`);
  return ratio;
}

export interface Target {
  /** What is measured, e.g. "ApplicationRegistry.Get gRPC / bare". */
  name: string;
  op: ">=" | "<" | "<=";
  limit: number;
  measured: number;
  /** e.g. "ms", "MiB", "x"; empty for a ratio. */
  unit?: string;
  /** The database(s) it was measured on, when not the run's own. */
  database?: string;
  /** Why the figure does not measure what the target asks (e.g. a background rate not reached): never met. */
  invalid?: string;
}

export const met = (t: Target) => !t.invalid && (t.op === ">=" ? t.measured >= t.limit : t.op === "<=" ? t.measured <= t.limit : t.measured < t.limit);

export function formatTarget(t: Target): string {
  const unit = t.unit ? ` ${t.unit}` : "";
  return `${t.name.padEnd(52)} ${`${t.op} ${figure(t.limit)}${unit}`.padEnd(13)} measured ${`${figure(t.measured)}${unit}`.padEnd(12)} ${met(t) ? "met" : "NOT MET"}${t.invalid ? ` (${t.invalid})` : ""}`;
}

/** Prints a target line (and records it for the summary). */
export function target(t: Target): void {
  console.log(`  target  ${formatTarget(t)}`);
  if (process.env.BENCH_SUMMARY) appendFileSync(process.env.BENCH_SUMMARY, JSON.stringify({ database: databaseName, ...t }) + "\n");
}

/** A figure the issue sets no target for on this database. */
export function info(text: string): void {
  console.log(`  (${text})`);
}
