// Side-by-side measurement: the Identity Server and what it is compared with
// (a bare handler, oidc-provider), interleaved round by round (A, B, A, B) so
// that the machine's other load falls on every side alike, each run with the
// CPU its server used per request. Figures are medians over the rounds.
import type { CpuMeter } from "./cpu.js";
import type { LoadResult } from "./load.js";
import { median } from "./stats.js";

export interface Side {
  name: string;
  /** The CPU of the server this side measures (and of its PostgreSQL backends). */
  meter: CpuMeter;
  /** One run; `onMeasure` is called when its measured part starts (after the warm-up). */
  run(onMeasure: () => void): Promise<LoadResult>;
}

export interface Measured extends LoadResult {
  /** CPU per answered request, in ms: the server process and its PostgreSQL backends. */
  serverMs: number;
  postgresMs: number;
}

export async function measure(side: Side): Promise<Measured> {
  let since: (() => { serverMs: number; postgresMs: number }) | undefined;
  const result = await side.run(() => (since = side.meter()));
  if (!since) throw new Error(`${side.name}: the load generator never started measuring`);
  const used = since();
  // No success at all (every request refused, say): the figures are NaN, printed as "-", and the failures show.
  return { ...result, serverMs: used.serverMs / result.count, postgresMs: used.postgresMs / result.count };
}

/** `rounds` rounds of every side in turn; the results by side. */
export async function interleave(rounds: number, sides: Side[]): Promise<Measured[][]> {
  const results = sides.map((): Measured[] => []);
  for (let i = 0; i < rounds; i++) for (const [k, side] of sides.entries()) results[k]!.push(await measure(side));
  return results;
}

export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  /** CPU per request in ms: server, PostgreSQL, and both. */
  serverMs: number;
  postgresMs: number;
  cpuMs: number;
  /** Failed requests over all rounds, and by kind where the generator tells. */
  errors: number;
  failed: Record<string, number>;
  /** The load generator's CPU, percent of one core. */
  generatorPct: number;
}

export function summarize(rs: Measured[]): Summary {
  const m = (f: (r: Measured) => number) => median(rs.map(f));
  return {
    rps: m((r) => r.rps),
    p50: m((r) => r.p50),
    p99: m((r) => r.p99),
    serverMs: m((r) => r.serverMs),
    postgresMs: m((r) => r.postgresMs),
    cpuMs: m((r) => r.serverMs + r.postgresMs),
    errors: rs.reduce((n, r) => n + r.errors, 0),
    failed: rs.reduce<Record<string, number>>((all, r) => {
      for (const [k, n] of Object.entries(r.failed ?? {})) all[k] = (all[k] ?? 0) + n;
      return all;
    }, {}),
    generatorPct: m((r) => (r.genCpuMs / (r.seconds * 1000)) * 100),
  };
}
