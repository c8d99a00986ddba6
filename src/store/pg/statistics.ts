// Planner statistics kept current. PostgreSQL's autovacuum ANALYZEs tables as they
// change; PGlite has no autovacuum, so without this its planner never learns how
// many rows a table holds and picks plans that read whole tables (ApplicationRegistry.List
// of a user took 0.6-0.8 s at 2,000 applications instead of tens of ms).
// After migrations, and on PGlite periodically, every table that autovacuum would
// analyze (never analyzed, or more rows changed since than its threshold) is ANALYZEd,
// one table per statement so requests run in between.
import { sql } from "drizzle-orm";
import { rows } from "./handle.js";
import type { Db } from "./database.js";

/** How often PGlite looks for tables to analyze (the check is one small catalog query). */
export const analyzeIntervalMs = 30_000;

// autovacuum_analyze_threshold + autovacuum_analyze_scale_factor * rows: PostgreSQL's defaults.
const staleTables = sql`SELECT format('%I.%I', s.schemaname, s.relname) AS name
  FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
  WHERE c.reltuples < 0 OR s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
  ORDER BY s.n_mod_since_analyze DESC`;

/** ANALYZEs the tables whose statistics are missing or stale; returns their names. */
export async function analyzeStale(db: Db): Promise<string[]> {
  const stale = await rows<{ name: string }>(db, staleTables);
  for (const { name } of stale) await db.execute(sql.raw(`ANALYZE ${name}`));
  return stale.map((t) => t.name);
}

export interface StatisticsKeeper {
  /** Stops the timer and waits for a running ANALYZE. */
  stop(): Promise<void>;
}

/** Runs `analyzeStale` every `intervalMs` (timer unref'd: it keeps no process alive). */
export function keepStatisticsCurrent(db: Db, intervalMs = analyzeIntervalMs, onError: (err: unknown) => void = () => {}): StatisticsKeeper {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => analyzeStale(db)).catch(onError);
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
