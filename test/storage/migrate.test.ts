// Migrations: one process at a time on PostgreSQL (an advisory lock), so two
// `is-db migrate` or replicas starting together on a fresh database both
// succeed; a failed migration names its real cause (PostgreSQL's message and
// SQLSTATE), not only drizzle's `Failed query: <the SQL>`.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { describeMigrationError } from "../../src/store/pg/migration-error.js";
import { rows } from "../../src/store/pg/handle.js";
import { openDatabase } from "../../src/store/pg/database.js";
import { testDatabase } from "../helpers/database.js";

test("a migration failure shows the cause drizzle wraps: message, SQLSTATE, detail, hint", () => {
  const cause = Object.assign(new Error('relation "accounts" already exists'), { code: "42P07", detail: "some detail", hint: "drop it" });
  const wrapped = Object.assign(new Error(`Failed query: CREATE TABLE "accounts" (\n\t"tenant_id" text NOT NULL ${"x ".repeat(200)}\n)\nparams: `), {
    query: `CREATE TABLE "accounts" (\n\t"tenant_id" text NOT NULL ${"x ".repeat(200)}\n)`,
    cause,
  });
  const text = describeMigrationError(wrapped);
  assert.match(text, /^database migration failed: relation "accounts" already exists \(SQLSTATE 42P07\); detail: some detail; hint: drop it; in: CREATE TABLE "accounts" \( "tenant_id"/);
  assert.not.match(text, /\n/);
  assert.ok(text.length < 400, text);
  assert.is(describeMigrationError(new Error("plain")), "database migration failed: plain");
});

const url = process.env.DATABASE_URL;
if (url) {
  const bin = join(process.cwd(), "bin/identity-server.js");
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TTN_LW_")));
  const journal = JSON.parse(readFileSync(join(process.cwd(), "drizzle/meta/_journal.json"), "utf8")) as { entries: unknown[] };
  const admin = await testDatabase();
  const created: string[] = [];
  const freshDatabase = async () => {
    const name = `${new URL(url).pathname.slice(1)}_mig_${randomBytes(4).toString("hex")}`;
    await admin.db.execute(sql.raw(`CREATE DATABASE ${name}`));
    created.push(name);
    const u = new URL(url);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const migrate = (uri: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [bin, "is-db", "migrate", "--is.database-uri", uri], { env, timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr }));
      child.stdin?.end();
    });

  test("two is-db migrate at once on a fresh database both succeed; the schema is complete", async () => {
    const uri = await freshDatabase();
    const results = await Promise.all([migrate(uri), migrate(uri), migrate(uri)]);
    for (const r of results) assert.is(r.code, 0, r.stderr);
    const db = await openDatabase(uri, { maxOpenConns: 1 });
    try {
      const applied = await rows<{ n: number }>(db.db, sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
      assert.is(applied[0]!.n, journal.entries.length, "every migration applied once");
      const tables = await rows<{ n: number }>(db.db, sql`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('accounts', 'users', 'applications', 'email_outbox')`);
      assert.is(tables[0]!.n, 4);
    } finally {
      await db.close();
    }
  });

  test("a failing migration prints PostgreSQL's cause in one line", async () => {
    const uri = await freshDatabase();
    const db = await openDatabase(uri, { maxOpenConns: 1 });
    await db.db.execute(sql`CREATE TABLE accounts (x int)`); // in the way of the first migration
    await db.close();
    const r = await migrate(uri);
    assert.is(r.code, 1);
    const lines = r.stderr.trim().split("\n");
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /database migration failed: relation "accounts" already exists \(SQLSTATE 42P07\)/);
  });

  test.after(async () => {
    for (const name of created) await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });
}

test.run();
