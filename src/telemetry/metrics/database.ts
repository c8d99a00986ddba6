// The database clients' statements: how many are in flight and how long each
// took, per database (primary, replica), and the pool's connections in use and
// requests waiting for one. postgres.js publishes no pool statistics, so those
// are derived from the counts (QueryMeter.pool): each open transaction holds a
// connection, each statement outside one needs one, up to
// is.database-max-open-conns; the rest wait. On PGlite, a pool of one: its
// thread answers one statement at a time. Counted by the clients
// (src/store/pg/query-meter.ts); a database shared by several servers in one
// process (tests) shows all of its statements to each.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { QueryMeter } from "../../store/pg/query-meter.js";

export type DatabaseRole = "primary" | "replica";

export interface DatabaseMetrics {
  /** Follows `meter` until close(). */
  follow(meter: QueryMeter, role: DatabaseRole): void;
  close(): void;
}

export function databaseMetrics(registry: Registry): DatabaseMetrics {
  const meters: Array<{ meter: QueryMeter; role: DatabaseRole; stop: () => void }> = [];
  new Gauge({
    name: "is_db_queries_in_flight",
    help: "Statements sent to the database and not yet answered (PostgreSQL: running on or waiting for a pooled connection), by database (primary, replica)",
    labelNames: ["database"] as const,
    registers: [registry],
    collect() {
      for (const { meter, role } of meters) this.set({ database: role }, meter.inFlight);
    },
  });
  new Gauge({
    name: "is_db_pool_connections",
    help: "Connections of the database pool in use (state in_use, at most is.database-max-open-conns) and statements or transactions waiting for one (state waiting), by database",
    labelNames: ["database", "state"] as const,
    registers: [registry],
    collect() {
      for (const { meter, role } of meters) {
        const { inUse, waiting } = meter.pool();
        this.set({ database: role, state: "in_use" }, inUse);
        this.set({ database: role, state: "waiting" }, waiting);
      }
    },
  });
  new Gauge({
    name: "is_db_pool_max_connections",
    help: "Connections the database pool opens at most (is.database-max-open-conns; 1 for the embedded database), by database",
    labelNames: ["database"] as const,
    registers: [registry],
    collect() {
      for (const { meter, role } of meters) this.set({ database: role }, meter.poolSize);
    },
  });
  const seconds = new Histogram({
    name: "is_db_query_duration_seconds",
    help: "Time from a statement being sent (or queued for a connection) to its result, by database",
    labelNames: ["database"] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const errors = new Counter({
    name: "is_db_query_errors_total",
    help: "Statements that failed (constraint violations included), by database",
    labelNames: ["database"] as const,
    registers: [registry],
  });
  return {
    follow(meter, role) {
      const latency = seconds.labels(role);
      const failures = errors.labels(role);
      const stop = meter.subscribe((s, failed) => {
        latency.observe(s);
        if (failed) failures.inc();
      });
      meters.push({ meter, role, stop });
    },
    close() {
      for (const { stop } of meters.splice(0)) stop();
    },
  };
}
