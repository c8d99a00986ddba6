// What TenantRegistry.Purge removes: the tenant's record and every row of
// every table that names the tenant (checked through the database catalogue,
// so a table the store forgot would show), in one transaction; another
// tenant's rows stay. The tenant's users are gone: a tenant made again under
// the freed ID starts empty. The tenant store's own guarantees (a failing first
// user leaves nothing) are in store.test.ts.
import { sql } from "drizzle-orm";
import * as grpc from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { rows } from "../../src/store/pg/handle.js";
import { createPgStore } from "../../src/store/pg/store.js";
import { testDatabase } from "../helpers/database.js";
import { startTestServer } from "../helpers/harness.js";
import { Population, R } from "../helpers/population.js";
import { grpcJs, http, httpOk, newAdminKey, newTenantId, ok, refused } from "./helpers.js";

const key = newAdminKey();
const server = await startTestServer({ "is.tenancy.admin-keys": [key] });
const rpc = grpcJs(server);
const admin = { tenantAdminKey: key };
const db = (await testDatabase()).db;

/** Every table with a tenant_id column, from the catalogue. */
const tables = (await rows<{ table_name: string }>(db, sql`SELECT table_name FROM information_schema.columns
  WHERE table_schema = 'public' AND column_name = 'tenant_id' AND table_name <> 'tenants' ORDER BY table_name`)).map((r) => r.table_name);

/** Rows per table that belong to the tenant (tables without any left out). */
async function holdings(tenantId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await rows<{ n: string | number }>(db, sql`SELECT count(*) AS n FROM ${sql.identifier(table)} WHERE tenant_id = ${tenantId}`);
    if (Number(row!.n) > 0) out[table] = Number(row!.n);
  }
  return out;
}

/** A tenant with a first user and a bit of everything. */
async function populated(id: string): Promise<void> {
  ok(await rpc.call("TenantRegistry", "Create", {
    tenant: { ids: { tenant_id: id } },
    initial_user: { ids: { user_id: "founder" }, primary_email_address: "founder@example.com", password: "Opening-day-1" },
  }, admin));
  const p = new Population(createPgStore({ primary: db, tenantId: id }));
  const user = await p.user({ id: "member" });
  const org = await p.organization({ kind: "user", id: "founder" }, { id: "org" });
  await p.member({ kind: "organization", id: org }, { kind: "user", id: user.id });
  const app = await p.application({ kind: "organization", id: org }, { id: "app" });
  await p.apiKey({ kind: "application", id: app }, R("RIGHT_APPLICATION_INFO"));
  await p.endDevice(app, { id: "dev", joinEui: "70B3D57ED0000001", devEui: "70B3D57ED0000002" });
  await p.gateway({ kind: "user", id: user.id }, { id: "gw", eui: "70B3D57ED0000003" });
  await p.oauthClient({ kind: "user", id: user.id }, { id: "client" });
}

test("Purge deletes every row of the tenant in every table, and no other tenant's", async () => {
  assert.ok(tables.length >= 24, `only ${tables.length} tenant tables`);
  const [doomed, neighbour] = [newTenantId("doomed"), newTenantId("neighbour")];
  await populated(doomed);
  await populated(neighbour);
  const before = await holdings(doomed);
  for (const table of ["accounts", "users", "organizations", "memberships", "applications", "api_keys", "end_devices", "gateways", "clients"]) {
    assert.ok(before[table]! > 0, `no ${table} rows to purge`);
  }
  const neighbourBefore = await holdings(neighbour);
  assert.equal(neighbourBefore, before);

  ok(await rpc.call("TenantRegistry", "Purge", { tenant_id: doomed }, admin));
  assert.equal(await holdings(doomed), {});
  assert.is((await rows(db, sql`SELECT tenant_id FROM tenants WHERE tenant_id = ${doomed}`)).length, 0);
  assert.equal(await holdings(neighbour), neighbourBefore);
  // The tenant is unknown to every service now.
  refused(await rpc.call("UserRegistry", "UpdatePassword", { user_ids: { user_id: "founder" }, old: "Opening-day-1", new: "Opening-day-2" }, { tenantId: doomed }), grpc.status.NOT_FOUND, "tenant_not_found");
  // ... and its users are gone for good: the ID is free, and a tenant made under it starts empty.
  httpOk(await http(server, "POST", "/tenants", admin, { tenant: { ids: { tenant_id: doomed } } }));
  refused(await rpc.call("UserRegistry", "UpdatePassword", { user_ids: { user_id: "founder" }, old: "Opening-day-1", new: "Opening-day-2" }, { tenantId: doomed }), grpc.status.UNAUTHENTICATED, "old_password");
  assert.equal(ok(await rpc.call("TenantRegistry", "GetRegistryTotals", { tenant_ids: { tenant_id: doomed } }, admin)), {});
});

test("a soft-deleted tenant keeps its rows until purged", async () => {
  const id = newTenantId("resting");
  await populated(id);
  const before = await holdings(id);
  ok(await rpc.call("TenantRegistry", "Delete", { tenant_id: id }, admin));
  assert.equal(await holdings(id), before);
  ok(await rpc.call("TenantRegistry", "Purge", { tenant_id: id }, admin));
  assert.equal(await holdings(id), {});
});

test.after(async () => {
  rpc.close();
  await server.close();
});
test.run();
