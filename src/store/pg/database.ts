// Opens the database named by `is.database-uri`: PostgreSQL through postgres.js,
// or embedded PostgreSQL (PGlite) in a folder or in memory, so a new user runs
// the server with nothing installed. Migrations from drizzle/ are applied here.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema/index.js";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: "postgres" | "pglite";
  /** Applies every pending migration of drizzle/. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  maxOpenConns: number;
  idleTimeoutSeconds?: number;
}

const migrationsFolder = fileURLToPath(new URL("../../../drizzle", import.meta.url));

export async function openDatabase(uri: string, opts: DatabaseOptions): Promise<Database> {
  if (uri.startsWith("pglite://")) {
    const location = uri.slice("pglite://".length);
    const dataDir = location === "memory" || location === "" ? undefined : location;
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const client = new PGlite(dataDir);
    await client.waitReady;
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return {
      db,
      kind: "pglite",
      migrate: () => migratePglite(db as never, { migrationsFolder }),
      close: () => client.close(),
    };
  }
  if (uri.startsWith("postgres://") || uri.startsWith("postgresql://")) {
    const client = postgres(uri, {
      max: opts.maxOpenConns,
      idle_timeout: opts.idleTimeoutSeconds ?? 60,
      onnotice: () => {},
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    return {
      db,
      kind: "postgres",
      migrate: () => migratePostgres(db as never, { migrationsFolder }),
      close: () => client.end({ timeout: 5 }),
    };
  }
  throw new Error(`unsupported database URI ${JSON.stringify(uri.replace(/:[^:@/]*@/, ":***@"))}`);
}
