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
// The tables of pg_stat_user_tables, read from pg_class with the one counter needed:
// the view computes twenty counters and groups over the indexes per table, which made
// this check cost 45-120 ms on PGlite every time (100-350 ms the first time after a
// start, when it runs before the server is ready) instead of 2 ms (100-150 ms).
const staleTables = sql`SELECT format('%I.%I', n.nspname, c.relname) AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'm', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
    AND (c.reltuples < 0 OR pg_stat_get_mod_since_analyze(c.oid) > 50 + 0.1 * greatest(c.reltuples, 0))
  ORDER BY pg_stat_get_mod_since_analyze(c.oid) DESC`;

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
