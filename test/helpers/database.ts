// The one database of a test process: PGlite in memory by default, or the
// PostgreSQL server named by DATABASE_URL, reset once and migrated. Test
// servers share it and stay apart by tenant.
import { sql } from "drizzle-orm";
import { openDatabase, type Database } from "../../src/store/pg/database.js";

let shared: Promise<Database> | undefined;

async function open(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  const db = await openDatabase(url || "pglite://memory", { maxOpenConns: 10 });
  if (url) {
    // A test database: start from an empty schema so migrations run from scratch.
    await db.db.execute(sql`DROP SCHEMA IF EXISTS drizzle CASCADE`);
    await db.db.execute(sql`DROP SCHEMA IF EXISTS public CASCADE`);
    await db.db.execute(sql`CREATE SCHEMA public`);
  }
  await db.migrate();
  return db;
}

export function testDatabase(): Promise<Database> {
  shared ??= open();
  return shared;
}

export async function closeTestDatabase(): Promise<void> {
  if (!shared) return;
  const db = await shared;
  shared = undefined;
  await db.close();
}
