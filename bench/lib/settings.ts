// The knobs the benchmarks share, from the environment, and the database they
// run on: PGlite in memory, or the PostgreSQL database of DATABASE_URL (which
// the test helpers reset: use a scratch database).
import { databaseOf } from "./cpu.js";

const number = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${raw}: a positive number, please`);
  return n;
};

export const settings = {
  /** Measured seconds per run (each run has a one-second warm-up before). */
  seconds: number("BENCH_SECONDS", 5),
  /** Rounds per figure; a round runs every side once, interleaved. */
  rounds: number("BENCH_ROUNDS", 3),
  /** Requests in flight for throughput figures. */
  inFlight: number("BENCH_IN_FLIGHT", 16),
};

export const postgresUrl = process.env.DATABASE_URL || undefined;
export const databaseName = postgresUrl ? "PostgreSQL" : "PGlite";
/** The PostgreSQL database whose backends count as the server's CPU. */
export const postgresDatabase = postgresUrl ? databaseOf(postgresUrl) : undefined;
