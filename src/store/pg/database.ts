// Opens the database named by `is.database-uri`: PostgreSQL through postgres.js,
// or embedded PostgreSQL (PGlite, in a thread of its own) in a folder or in
// memory, so a new user runs the server with nothing installed. Migrations from
// drizzle/ are applied here.
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { ChangeFeed } from "../../cache/change-clock.js";
import { pgliteChangeFeed, postgresChangeFeed } from "./change-feed.js";
import { lockFolder } from "./folder-lock.js";
import { migrationError } from "./migration-error.js";
import { PGliteThreadClient } from "./pglite-client.js";
import { openPostgres, typesFetched } from "./postgres-client.js";
import { QueryMeter } from "./query-meter.js";
import { analyzeStale, keepStatisticsCurrent } from "./statistics.js";
import { asUnavailable } from "./unavailable.js";
import * as schema from "./schema/index.js";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: "postgres" | "pglite";
  /** Applies every pending migration of drizzle/ (one process at a time on PostgreSQL). */
  migrate(): Promise<void>;
  /** Changes to the tables that decide rights, by anyone (the triggers' notifications), for caches. */
  changeFeed?: ChangeFeed;
  /** The client's statements in flight and their durations (metrics); absent on hand-made databases of tests. */
  queries?: QueryMeter;
  /** Readiness: true when the database answers `SELECT 1` within `timeoutMs`. */
  ping(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  maxOpenConns: number;
  idleTimeoutSeconds?: number;
  /** PGlite: how often stale table statistics are looked for (it has no autovacuum). */
  analyzeIntervalMs?: number;
}

const migrationsFolder = fileURLToPath(new URL("../../../drizzle", import.meta.url));

// Any fixed number shared by every process of this server: pg_advisory_lock(key).
const migrationLockKey = 0x15_db_0001;

async function migrated(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    throw migrationError(err);
  }
}

// New tables and indexes get statistics at once; a failure to analyze fails no start.
const analyzedAfter = (db: Db) => analyzeStale(db).then(() => {}, () => {});

function withTimeout(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)));
  return Promise.race([promise.then(() => true, () => false), timeout]).finally(() => clearTimeout(timer));
}

export async function openDatabase(uri: string, opts: DatabaseOptions): Promise<Database> {
  // PGlite answers one statement at a time in its thread: a pool of one.
  const queries = new QueryMeter(uri.startsWith("pglite://") ? 1 : opts.maxOpenConns);
  if (uri.startsWith("pglite://")) {
    const location = uri.slice("pglite://".length);
    const dataDir = location === "memory" || location === "" ? undefined : location;
    // Before PGlite touches the folder: a second process must not write a byte.
    const lock = dataDir ? lockFolder(dataDir) : undefined;
    // PGlite runs in a thread of its own, so its queries leave this event loop free.
    let client: PGliteThreadClient | undefined;
    try {
      client = new PGliteThreadClient({ dataDir }, queries);
      await client.waitReady;
    } catch (err) {
      await client?.close().catch(() => {});
      lock?.release();
      throw err;
    }
    // The client offers what drizzle-orm/pglite calls on a PGlite instance.
    const db = drizzlePglite(client as unknown as PGlite, { schema }) as unknown as Db;
    const statistics = keepStatisticsCurrent(db, opts.analyzeIntervalMs);
    return {
      db,
      kind: "pglite",
      queries,
      migrate: () => migrated(() => migratePglite(db as never, { migrationsFolder })).then(() => analyzedAfter(db)),
      changeFeed: pgliteChangeFeed(client),
      ping: (timeoutMs) => withTimeout(client.query("SELECT 1"), timeoutMs),
      async close() {
        try {
          await statistics.stop();
          await client.close();
        } finally {
          lock?.release();
        }
      },
    };
  }
  if (uri.startsWith("postgres://") || uri.startsWith("postgresql://")) {
    const client = openPostgres(uri, { max: opts.maxOpenConns, idleTimeoutSeconds: opts.idleTimeoutSeconds ?? 60, meter: queries });
    try {
      await typesFetched(client);
    } catch (err) {
      await client.end({ timeout: 1 });
      throw asUnavailable(err);
    }
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    return {
      db,
      kind: "postgres",
      queries,
      async migrate() {
        // Replicas starting together, or two `is-db migrate`, on one database:
        // the first migrates while the others wait on the lock, then find nothing to do.
        const lockConnection = openPostgres(uri, { max: 1, idleTimeoutSeconds: 0, fetchTypes: false });
        try {
          await migrated(async () => {
            await lockConnection`SELECT pg_advisory_lock(${migrationLockKey})`;
            try {
              await migratePostgres(db as never, { migrationsFolder });
            } finally {
              await lockConnection`SELECT pg_advisory_unlock(${migrationLockKey})`.catch(() => {});
            }
          });
        } finally {
          await lockConnection.end({ timeout: 5 });
        }
        await analyzedAfter(db);
      },
      changeFeed: postgresChangeFeed(uri),
      ping: (timeoutMs) => withTimeout(client`SELECT 1`.execute(), timeoutMs),
      close: () => client.end({ timeout: 5 }),
    };
  }
  throw new Error(`unsupported database URI ${JSON.stringify(uri.replace(/:[^:@/]*@/, ":***@"))}`);
}
