// Data from before tenants lands in the default tenant: a database as the
// previous release left it (migrations up to 0008, rows of tenant "default", no
// tenants table) is migrated by the next start, and everything in it keeps
// working on the hosts that name no tenant, while a tenant host finds nothing.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { silentLogger } from "../../src/log.js";
import { openDatabases, openStore, startServer } from "../../src/server.js";
import { rowsOf } from "../../src/store/pg/handle.js";
import { testConfig } from "../helpers/harness.js";
import { Population } from "../helpers/population.js";

const dir = mkdtempSync(join(tmpdir(), "is-tenants-migration-"));
const uri = `pglite://${join(dir, "data")}`;

test("a single-tenant database is migrated into the default tenant", async () => {
  // The previous release: its store wrote tenant "default" (tenancy.default-id's default).
  const before = await openStore(testConfig({ "is.database-uri": uri }));
  let key: string;
  try {
    assert.is(before.store.tenantId, "default");
    key = (await new Population(before.store).user({ id: "legacy", admin: true })).apiKey;
    // Back to the schema before migration 0009 (and those after it).
    const db = before.databases[0]!.db;
    // 0011: its row triggers go with their function; those of 0007 and 0008 come back as they were.
    await db.execute(sql`DROP FUNCTION is_notify_tenant_changed() CASCADE`);
    for (const file of ["0007_rights_changed_notify.sql", "0008_tokens_changed_notify.sql"]) {
      for (const statement of readFileSync(new URL(`../../drizzle/${file}`, import.meta.url), "utf8").split("--> statement-breakpoint")) await db.execute(sql.raw(statement));
    }
    await db.execute(sql`DROP TABLE tenants`);
    await db.execute(sql`DROP INDEX gateways_eui_any_tenant_index`);
    await db.execute(sql`DROP INDEX end_devices_eui_any_tenant_index`);
    await db.execute(sql`DROP TABLE rate_limit_counters`); // 0010
    const journal = JSON.parse(readFileSync(new URL("../../drizzle/meta/_journal.json", import.meta.url), "utf8")) as { entries: Array<{ tag: string; when: number }> };
    const since = journal.entries.find((e) => e.tag === "0009_tenants")!.when;
    await db.execute(sql`DELETE FROM drizzle.__drizzle_migrations WHERE created_at >= ${since}`);
  } finally {
    await Promise.all(before.databases.map((d) => d.close()));
  }

  const config = testConfig({ "is.database-uri": uri, "tenancy.base-domains": ["localhost"] });
  const server = await startServer({ config, log: silentLogger });
  try {
    const base = `http://${server.httpAddress}`;
    const info = await fetch(`${base}/api/v3/auth_info`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.json() as Promise<any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.is(info.api_key?.entity_ids?.user_ids?.user_id, "legacy", JSON.stringify(info));
    assert.is(info.is_admin, true);
    const user = await fetch(`${base}/api/v3/users/legacy`, { headers: { authorization: `Bearer ${key}` } });
    assert.is(user.status, 200);
    // A tenant host: no such tenant (the default one needs no record; others do).
    const elsewhere = await fetch(`${base}/api/v3/users/legacy`, { headers: { authorization: `Bearer ${key}`, "tenant-id": "acme" } });
    assert.is(elsewhere.status, 404);
    assert.is(((await elsewhere.json()) as { details: Array<{ name: string }> }).details[0]!.name, "tenant_not_found");
  } finally {
    await server.close();
  }
  const after = await openDatabases(testConfig({ "is.database-uri": uri }));
  try {
    const [row] = rowsOf<{ n: number }>(await after.primary.db.execute(sql`SELECT count(*)::int AS n FROM tenants`));
    assert.is(row!.n, 0, "no tenant record is invented for the default tenant");
    const [users] = rowsOf<{ n: number }>(await after.primary.db.execute(sql`SELECT count(*)::int AS n FROM users WHERE tenant_id = 'default'`));
    assert.is(users!.n, 1);
  } finally {
    await Promise.all(after.databases.map((d) => d.close()));
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
