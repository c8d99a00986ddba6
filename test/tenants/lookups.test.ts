// TenantRegistry's questions across tenants: registry totals (live entities
// of one tenant, or several in one call) and which tenant has a gateway EUI,
// an end device's JoinEUI + DevEUI or a billing ID (one tenant: its
// identifiers; none: no_tenant_with; several: ambiguous_tenant). Deleted
// tenants hold nothing anyone can find.
import { randomBytes } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { createPgStore } from "../../src/store/pg/store.js";
import { testDatabase } from "../helpers/database.js";
import { startTestServer } from "../helpers/harness.js";
import { Population } from "../helpers/population.js";
import { grpcJs, http, httpOk, httpRefused, newAdminKey, newTenantId, ok, refused } from "./helpers.js";

const key = newAdminKey();
const server = await startTestServer({ "is.tenancy.admin-keys": [key] });
const rpc = grpcJs(server);
const admin = { tenantAdminKey: key };
const call = (method: string, req: object) => rpc.call("TenantRegistry", method, req, admin);
const db = (await testDatabase()).db;
const storeOf = (tenantId: string) => createPgStore({ primary: db, tenantId });
const hex = () => randomBytes(8).toString("hex").toUpperCase();

const [a, b] = [newTenantId("alpha"), newTenantId("beta")];
for (const id of [a, b]) ok(await call("Create", { tenant: { ids: { tenant_id: id } } }));

// Tenant a: 2 live users (and a deleted one), 1 organization, 2 live applications (and a
// deleted one), 1 client, 2 live gateways (and a deleted one), 3 end devices, 1 activated.
const pa = new Population(storeOf(a));
const owner = await pa.user({ id: "owner" });
await pa.user({ id: "second" });
await pa.user({ id: "gone" });
await pa.store.users.delete("gone");
await pa.organization({ kind: "user", id: owner.id }, { id: "org" });
const app = await pa.application({ kind: "user", id: owner.id }, { id: "app" });
await pa.application({ kind: "user", id: owner.id }, { id: "app-2" });
await pa.application({ kind: "user", id: owner.id }, { id: "app-gone" });
await pa.store.applications.delete("app-gone");
await pa.oauthClient({ kind: "user", id: owner.id }, { id: "client" });
const gatewayEui = hex();
await pa.gateway({ kind: "user", id: owner.id }, { id: "gw", eui: gatewayEui });
await pa.gateway({ kind: "user", id: owner.id }, { id: "gw-2" });
const deletedGatewayEui = hex();
await pa.gateway({ kind: "user", id: owner.id }, { id: "gw-gone", eui: deletedGatewayEui });
await pa.store.gateways.delete("gw-gone");
const [joinEui, devEui] = [hex(), hex()];
await pa.endDevice(app, { id: "dev", joinEui, devEui });
await pa.endDevice(app, { id: "dev-2", joinEui: hex(), devEui: hex() });
await pa.endDevice(app, { id: "dev-3" });
await pa.store.endDevices.update(app, "dev", create(EndDeviceSchema, { activatedAt: timestampFromDate(new Date()) }), ["activated_at"]);

const allTotals = { applications: "2", clients: "1", end_devices: "3", activated_end_devices: "1", gateways: "2", organizations: "1", users: "2" };

test("GetRegistryTotals counts the live entities of the tenant, over gRPC and /api/v3", async () => {
  assert.equal(ok(await call("GetRegistryTotals", { tenant_ids: { tenant_id: a } })), allTotals);
  assert.equal(httpOk(await http(server, "GET", `/tenants/${a}/registry-totals`, admin)), allTotals);
  // An empty tenant: every count 0 (zero values are left out of the JSON).
  assert.equal(ok(await call("GetRegistryTotals", { tenant_ids: { tenant_id: b } })), {});
  // The default tenant has no record, and exists: its one user is the harness's admin.
  assert.equal(ok(await call("GetRegistryTotals", { tenant_ids: { tenant_id: server.tenantId } })), { users: "1" });
});

test("the field mask selects the counts", async () => {
  assert.equal(ok(await call("GetRegistryTotals", { tenant_ids: { tenant_id: a }, field_mask: { paths: ["applications", "activated_end_devices"] } })), { applications: "2", activated_end_devices: "1" });
  assert.equal(httpOk(await http(server, "GET", `/tenants/${a}/registry-totals?field_mask=users`, admin)), { users: "2" });
  refused(await call("GetRegistryTotals", { tenant_ids: { tenant_id: a }, field_mask: { paths: ["devices"] } }), grpc.status.INVALID_ARGUMENT, "field_mask_paths");
});

test("BatchGetRegistryTotals answers in the order asked; every tenant must exist", async () => {
  const res = ok(await call("BatchGetRegistryTotals", { tenant_ids: [{ tenant_id: b }, { tenant_id: a }], field_mask: { paths: ["users", "gateways"] } }));
  assert.equal(res.totals, [{ tenant_ids: { tenant_id: b }, totals: {} }, { tenant_ids: { tenant_id: a }, totals: { users: "2", gateways: "2" } }]);
  const body = httpOk(await http(server, "POST", "/tenants/registry-totals", admin, { tenant_ids: [{ tenant_id: a }] }));
  assert.equal(body.totals, [{ tenant_ids: { tenant_id: a }, totals: allTotals }]);
  const missing = newTenantId();
  const err = await call("BatchGetRegistryTotals", { tenant_ids: [{ tenant_id: a }, { tenant_id: missing }] });
  refused(err, grpc.status.NOT_FOUND, "tenant_not_found");
  assert.match(err.err!.details, missing);
  refused(await call("BatchGetRegistryTotals", { tenant_ids: [{ tenant_id: "Bad" }] }), grpc.status.INVALID_ARGUMENT, "invalid_tenant_id");
  const tooMany = Array.from({ length: 101 }, () => ({ tenant_id: a }));
  refused(await call("BatchGetRegistryTotals", { tenant_ids: tooMany }), grpc.status.INVALID_ARGUMENT, "validation");
  assert.equal(ok(await call("BatchGetRegistryTotals", {})), {});
});

test("totals of an unknown or deleted tenant: tenant_not_found", async () => {
  const id = newTenantId();
  ok(await call("Create", { tenant: { ids: { tenant_id: id } } }));
  ok(await call("Delete", { tenant_id: id }));
  refused(await call("GetRegistryTotals", { tenant_ids: { tenant_id: id } }), grpc.status.NOT_FOUND, "tenant_not_found");
  httpRefused(await http(server, "GET", `/tenants/${newTenantId()}/registry-totals`, admin), 404, "tenant_not_found");
});

const byGateway = (eui: string) => call("GetIdentifiersForGatewayEUI", { eui: Buffer.from(eui, "hex") });
const byDevice = (join: string, dev: string) => call("GetIdentifiersForEndDeviceEUIs", { join_eui: Buffer.from(join, "hex"), dev_eui: Buffer.from(dev, "hex") });

test("the tenant of a gateway EUI; two tenants with it: ambiguous; a deleted tenant's or gateway's does not count", async () => {
  assert.equal(ok(await byGateway(gatewayEui)), { tenant_id: a });
  refused(await byGateway(deletedGatewayEui), grpc.status.NOT_FOUND, "no_tenant_with");
  const pb = new Population(storeOf(b));
  const other = await pb.user({ id: "owner" });
  await pb.gateway({ kind: "user", id: other.id }, { id: "same-eui", eui: gatewayEui });
  const twice = await byGateway(gatewayEui);
  refused(twice, grpc.status.FAILED_PRECONDITION, "ambiguous_tenant");
  assert.match(twice.err!.details, gatewayEui);
  ok(await call("Delete", { tenant_id: b }));
  try {
    assert.equal(ok(await byGateway(gatewayEui)), { tenant_id: a });
  } finally {
    ok(await call("Restore", { tenant_id: b }));
  }
  refused(await byGateway(hex()), grpc.status.NOT_FOUND, "no_tenant_with");
  refused(await call("GetIdentifiersForGatewayEUI", { eui: Buffer.from("0102", "hex") }), grpc.status.INVALID_ARGUMENT, "validation");
  refused(await call("GetIdentifiersForGatewayEUI", {}), grpc.status.INVALID_ARGUMENT, "validation");
});

test("the tenant of an end device's JoinEUI and DevEUI", async () => {
  assert.equal(ok(await byDevice(joinEui, devEui)), { tenant_id: a });
  // The same DevEUI under another JoinEUI is another device.
  refused(await byDevice(hex(), devEui), grpc.status.NOT_FOUND, "no_tenant_with");
  const pb = new Population(storeOf(b));
  const bApp = await pb.application({ kind: "user", id: "owner" }, { id: "b-app" });
  await pb.endDevice(bApp, { id: "twin", joinEui, devEui });
  refused(await byDevice(joinEui, devEui), grpc.status.FAILED_PRECONDITION, "ambiguous_tenant");
  await pb.store.endDevices.delete(bApp, "twin");
  assert.equal(ok(await byDevice(joinEui, devEui)), { tenant_id: a });
  const bad = await call("GetIdentifiersForEndDeviceEUIs", { join_eui: Buffer.from(joinEui, "hex"), dev_eui: Buffer.alloc(9) });
  refused(bad, grpc.status.INVALID_ARGUMENT, "validation");
  assert.match(bad.err!.details, "dev_eui");
});

test("the tenant of a billing ID", async () => {
  const [billed, again, alone] = [newTenantId("bill"), newTenantId("bill"), newTenantId("bill")];
  const shared = `cus-${hex()}`;
  const single = `cus-${hex()}`;
  ok(await call("Create", { tenant: { ids: { tenant_id: billed }, billing_identifiers: { billing_id: shared } } }));
  ok(await call("Create", { tenant: { ids: { tenant_id: alone }, billing_identifiers: { billing_id: single } } }));
  assert.equal(ok(await call("GetIdentifiersForBillingIdentifiers", { ids: { billing_id: shared } })), { tenant_id: billed });
  assert.equal(ok(await call("GetIdentifiersForBillingIdentifiers", { ids: { billing_id: single } })), { tenant_id: alone });
  ok(await call("Create", { tenant: { ids: { tenant_id: again }, billing_identifiers: { billing_id: shared } } }));
  refused(await call("GetIdentifiersForBillingIdentifiers", { ids: { billing_id: shared } }), grpc.status.FAILED_PRECONDITION, "ambiguous_tenant");
  ok(await call("Delete", { tenant_id: again }));
  assert.equal(ok(await call("GetIdentifiersForBillingIdentifiers", { ids: { billing_id: shared } })), { tenant_id: billed });
  refused(await call("GetIdentifiersForBillingIdentifiers", { ids: { billing_id: "nobody" } }), grpc.status.NOT_FOUND, "no_tenant_with");
  refused(await call("GetIdentifiersForBillingIdentifiers", {}), grpc.status.INVALID_ARGUMENT, "validation");
});

test.after(async () => {
  rpc.close();
  await server.close();
});
test.run();
