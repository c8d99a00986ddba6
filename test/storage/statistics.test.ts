// Planner statistics: PGlite has no autovacuum, so the server ANALYZEs after
// migrations and, on PGlite, looks for tables changed enough to need it again.
import { sql } from "drizzle-orm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openDatabase, type Db } from "../../src/store/pg/database.js";
import { rows } from "../../src/store/pg/handle.js";
import { endDevices } from "../../src/store/pg/schema/index.js";
import { testDatabase } from "../helpers/database.js";

const neverAnalyzed = (db: Db) =>
  rows<{ relname: string }>(db, sql`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.reltuples < 0 ORDER BY 1`);

test("after migrations every table has planner statistics", async () => {
  const { db } = await testDatabase();
  assert.equal((await neverAnalyzed(db)).map((r) => r.relname), []);
});

if (!process.env.DATABASE_URL) {
  test("PGlite: a bulk insert is analyzed by the next periodic check", async () => {
    const database = await openDatabase("pglite://memory", { maxOpenConns: 1, analyzeIntervalMs: 200 });
    try {
      await database.migrate();
      const devices = Array.from({ length: 2000 }, (_, i) => ({ tenant_id: "stats", application_id: "app", device_id: `dev-${i}` }));
      for (let i = 0; i < devices.length; i += 500) await database.db.insert(endDevices).values(devices.slice(i, i + 500));
      const estimate = async () =>
        (await rows<{ reltuples: number; analyzed: boolean }>(database.db, sql`SELECT c.reltuples::float8 AS reltuples, s.last_analyze IS NOT NULL AS analyzed
          FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname = 'end_devices' AND s.schemaname = 'public'`))[0]!;
      const deadline = Date.now() + 20_000;
      let seen = await estimate();
      while (Number(seen.reltuples) !== 2000 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        seen = await estimate();
      }
      assert.is(Number(seen.reltuples), 2000, "the planner knows the table's rows");
      assert.ok(seen.analyzed, "ANALYZE ran");
    } finally {
      await database.close();
    }
  });
}

test.run();
