// ID substring searches (ILIKE '%text%') are served by trigram (pg_trgm) GIN
// indexes: the statement the store sends for a device search reads the index,
// not every device of the application.
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import type { PGlite } from "@electric-sql/pglite";
import type { Sql } from "postgres";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Db } from "../../src/store/pg/database.js";
import { rows } from "../../src/store/pg/handle.js";
import * as schema from "../../src/store/pg/schema/index.js";
import { createPgStore } from "../../src/store/pg/store.js";
import { testDatabase } from "../helpers/database.js";

const database = await testDatabase();

test("the ID columns searched by substring have trigram indexes", async () => {
  const found = await rows<{ indexname: string }>(database.db, sql`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE '%gin_trgm_ops%' ORDER BY 1`);
  assert.equal(found.map((r) => r.indexname), [
    "accounts_uid_trgm_index",
    "applications_application_id_trgm_index",
    "clients_client_id_trgm_index",
    "end_devices_device_id_trgm_index",
    "gateways_gateway_id_trgm_index",
    "organizations_organization_id_trgm_index",
    "users_user_id_trgm_index",
  ]);
});

test("a device search by ID substring reads the trigram index, in one statement", async () => {
  const tenantId = `trgm${Date.now().toString(36)}`;
  // IDs with varied characters, as EUI-based IDs are: each trigram of the searched text is in few of them.
  const idOf = (i: number) => `dev-${createHash("sha256").update(String(i)).digest("hex").slice(0, 12)}`;
  const devices = Array.from({ length: 5000 }, (_, i) => ({ tenant_id: tenantId, application_id: "app", device_id: idOf(i) }));
  for (let i = 0; i < devices.length; i += 1000) await database.db.insert(schema.endDevices).values(devices.slice(i, i + 1000));
  await database.db.execute(sql`ANALYZE end_devices`);

  // The same database through a drizzle instance that records the statements the store sends.
  const sent: { query: string; params: unknown[] }[] = [];
  const logger = { logQuery: (query: string, params: unknown[]) => sent.push({ query, params }) };
  const client = (database.db as unknown as { $client: PGlite | Sql }).$client;
  const logged = (database.kind === "pglite" ? drizzlePglite(client as PGlite, { schema, logger }) : drizzlePostgres(client as Sql, { schema, logger })) as unknown as Db;
  const store = createPgStore({ primary: logged, tenantId });

  const page = await store.endDevices.find({ applicationId: "app", idContains: idOf(1234).slice(5, 13).toUpperCase() }, { limit: 10, page: 1 });
  assert.equal(page.items.map((d) => d.ids?.deviceId), [idOf(1234)]);
  assert.is(page.total, 1);
  assert.is(sent.length, 1, "page and total in one statement");

  const explain = `EXPLAIN ${sent[0]!.query}`;
  const params = sent[0]!.params.map((p) => (p instanceof Date ? p.toISOString() : p));
  // At this size a sequential scan still costs about the same: disable it so the plan shows what the index can serve.
  const plan =
    database.kind === "pglite"
      ? await (client as PGlite).transaction(async (tx) => {
          await tx.exec("SET LOCAL enable_seqscan = off");
          return (await tx.query<Record<string, string>>(explain, params)).rows.map((r) => Object.values(r)[0]).join("\n");
        })
      : await (client as Sql).begin(async (tx) => {
          await tx.unsafe("SET LOCAL enable_seqscan = off");
          return (await tx.unsafe(explain, params as never[])).map((r) => Object.values(r)[0]).join("\n");
        });
  assert.match(plan, /end_devices_device_id_trgm_index/, plan);
});

test.run();
