// The tenant store's own guarantees, on the shared test database: a tenant and
// its first data commit together or not at all; purge knows every table that
// names a tenant (the catalogue, not a list kept by hand); limits, Struct and
// nested messages survive the round trip through their columns.
import { create } from "@bufbuild/protobuf";
import { getTableName, sql } from "drizzle-orm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { TenantSchema } from "../../gen/tti/lorawan/v3/tenant_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { errTenantIDTaken, errTenantNotFound } from "../../src/errors/index.js";
import { rows } from "../../src/store/pg/handle.js";
import { tenantTables } from "../../src/store/pg/tenant-purge.js";
import { createPgTenantStore } from "../../src/store/pg/tenants.js";
import { testDatabase } from "../helpers/database.js";
import { newTenantId } from "./helpers.js";

const db = (await testDatabase()).db;
const store = createPgTenantStore(db);
const tenant = (id: string) => create(TenantSchema, { ids: { tenantId: id } });
const userRows = async (id: string) => (await rows(db, sql`SELECT user_id FROM users WHERE tenant_id = ${id}`)).length;
const accountRows = async (id: string) => (await rows(db, sql`SELECT uid FROM accounts WHERE tenant_id = ${id}`)).length;

async function fails(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.unreachable("expected a failure");
}

test("purge knows every table with a tenant_id column", async () => {
  const inCatalogue = (await rows<{ table_name: string }>(db, sql`SELECT table_name FROM information_schema.columns
    WHERE table_schema = 'public' AND column_name = 'tenant_id' AND table_name <> 'tenants'`)).map((r) => r.table_name).sort();
  assert.equal(tenantTables.map((t) => getTableName(t)).sort(), inCatalogue);
});

test("a failing first step after the record rolls the record back", async () => {
  const id = newTenantId();
  const boom = new Error("boom");
  assert.is(await fails(store.create(tenant(id), async () => { throw boom; })), boom);
  assert.ok(errTenantNotFound.is(await fails(store.get(id, { includeDeleted: true }))));
  // A user written, then a failure: neither the user nor its account remain.
  await fails(store.create(tenant(id), async (s) => {
    await s.users.create(create(UserSchema, { ids: { userId: "first" }, primaryEmailAddress: "first@example.com" }));
    await s.users.create(create(UserSchema, { ids: { userId: "first" }, primaryEmailAddress: "again@example.com" }));
  }));
  assert.ok(errTenantNotFound.is(await fails(store.get(id, { includeDeleted: true }))));
  assert.equal([await userRows(id), await accountRows(id)], [0, 0]);
  // The ID is free, and a first user that works is stored with the tenant.
  await store.create(tenant(id), async (s) => void (await s.users.create(create(UserSchema, { ids: { userId: "first" }, primaryEmailAddress: "first@example.com" }))));
  assert.equal([await userRows(id), await accountRows(id)], [1, 1]);
  assert.ok(errTenantIDTaken.is(await fails(store.create(tenant(id)))));
});

test("limits, capabilities and nested messages round-trip; update writes masked nested paths", async () => {
  const id = newTenantId();
  await store.create(create(TenantSchema, {
    ids: { tenantId: id },
    maxApplications: 9007199254740991n,
    maxUsers: 0n,
    capabilities: { plan: "gold", features: ["a", "b"], nested: { on: true } },
    configuration: { defaultCluster: { ui: { brandingBaseUrl: "https://a.example" }, is: { userRegistration: { enabled: false } } } },
  }));
  const got = await store.get(id);
  assert.equal([got.maxApplications, got.maxUsers, got.maxGateways], [9007199254740991n, 0n, undefined]);
  assert.equal(got.capabilities, { plan: "gold", features: ["a", "b"], nested: { on: true } });
  assert.is(got.configuration?.defaultCluster?.is?.userRegistration?.enabled, false);
  const updated = await store.update(id, create(TenantSchema, { configuration: { defaultCluster: { ui: { brandingBaseUrl: "https://b.example" } } }, capabilities: { plan: "silver" } }), [
    "configuration.default_cluster.ui.branding_base_url",
    "capabilities",
    "max_users",
  ]);
  assert.is(updated.configuration?.defaultCluster?.ui?.brandingBaseUrl, "https://b.example");
  assert.is(updated.configuration?.defaultCluster?.is?.userRegistration?.enabled, false);
  assert.equal(updated.capabilities, { plan: "silver" });
  assert.equal([updated.maxUsers, updated.maxApplications], [undefined, 9007199254740991n]);
});

test.run();
