// TenantRegistry admits tenant admin keys only (`is.tenancy.admin-keys`):
// every method, over a plain @grpc/grpc-js client and over /api/v3 (the paths
// of the proto's HTTP annotations), refuses no credentials, a wrong key and
// the server admin's API key, and works with a configured key; a tenant admin
// key is good for no other service.
import * as grpc from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { getOption } from "@bufbuild/protobuf";
import { http as httpRule } from "../../gen/google/api/annotations_pb.js";
import { TenantRegistry } from "../../gen/tti/lorawan/v3/tenant_services_pb.js";
import { startTestServer } from "../helpers/harness.js";
import { grpcJs, http, httpOk, httpRefused, newAdminKey, newTenantId, ok, refused, type Auth } from "./helpers.js";

const key = newAdminKey();
const second = newAdminKey();
const server = await startTestServer({ "is.tenancy.admin-keys": [key, second] });
const rpc = grpcJs(server);

// Something for the lookups to find, in the server's (default) tenant.
const owner = await server.population.user({ id: "lookup-owner" });
const app = await server.population.application({ kind: "user", id: owner.id });
await server.population.endDevice(app, { devEui: "70B3D57ED0001A01", joinEui: "70B3D57ED0001A02" });
await server.population.gateway({ kind: "user", id: owner.id }, { eui: "70B3D57ED0001A03" });
const billingTenant = newTenantId("billed");
const billingId = `acct-${billingTenant}`;
ok(await rpc.call("TenantRegistry", "Create", { tenant: { ids: { tenant_id: billingTenant }, billing_identifiers: { billing_id: billingId } } }, { tenantAdminKey: key }));

const eui = (hex: string) => Buffer.from(hex, "hex");

interface Method {
  name: string;
  req(id: string): object;
  http?(id: string): { verb: string; path: string; body?: unknown };
}

// Every TenantRegistry method, in an order in which each works on `id` after the ones before.
const methods: Method[] = [
  { name: "Create", req: (id) => ({ tenant: { ids: { tenant_id: id } } }), http: (id) => ({ verb: "POST", path: "/tenants", body: { tenant: { ids: { tenant_id: id } } } }) },
  { name: "Get", req: (id) => ({ tenant_ids: { tenant_id: id } }), http: (id) => ({ verb: "GET", path: `/tenants/${id}` }) },
  {
    name: "Update",
    req: (id) => ({ tenant: { ids: { tenant_id: id }, name: "Renamed" }, field_mask: { paths: ["name"] } }),
    http: (id) => ({ verb: "PUT", path: `/tenants/${id}`, body: { tenant: { name: "Renamed" }, field_mask: { paths: ["name"] } } }),
  },
  { name: "List", req: () => ({}), http: () => ({ verb: "GET", path: "/tenants" }) },
  { name: "GetRegistryTotals", req: (id) => ({ tenant_ids: { tenant_id: id } }), http: (id) => ({ verb: "GET", path: `/tenants/${id}/registry-totals` }) },
  {
    name: "BatchGetRegistryTotals",
    req: (id) => ({ tenant_ids: [{ tenant_id: id }] }),
    http: (id) => ({ verb: "POST", path: "/tenants/registry-totals", body: { tenant_ids: [{ tenant_id: id }] } }),
  },
  { name: "GetIdentifiersForEndDeviceEUIs", req: () => ({ join_eui: eui("70B3D57ED0001A02"), dev_eui: eui("70B3D57ED0001A01") }) },
  { name: "GetIdentifiersForGatewayEUI", req: () => ({ eui: eui("70B3D57ED0001A03") }) },
  { name: "GetIdentifiersForBillingIdentifiers", req: () => ({ ids: { billing_id: billingId } }) },
  { name: "Delete", req: (id) => ({ tenant_id: id }), http: (id) => ({ verb: "DELETE", path: `/tenants/${id}` }) },
  { name: "Restore", req: (id) => ({ tenant_id: id }), http: (id) => ({ verb: "POST", path: `/tenants/${id}/restore` }) },
  { name: "Purge", req: (id) => ({ tenant_id: id }), http: (id) => ({ verb: "DELETE", path: `/tenants/${id}/purge` }) },
];

test("the table names every method of the service, and the methods with HTTP bindings", () => {
  assert.equal(methods.map((m) => m.name).sort(), TenantRegistry.methods.map((m) => m.name).sort());
  const bound = TenantRegistry.methods.filter((m) => getOption(m, httpRule).pattern.case).map((m) => m.name);
  assert.equal(methods.filter((m) => m.http).map((m) => m.name).sort(), bound.sort());
});

const refusals: Array<[string, Auth, grpc.status, number, string]> = [
  ["no credentials", {}, grpc.status.UNAUTHENTICATED, 401, "tenant_admin_key_required"],
  ["a wrong tenant admin key", { tenantAdminKey: newAdminKey() }, grpc.status.UNAUTHENTICATED, 401, "invalid_tenant_admin_key"],
  ["a malformed tenant admin key", { tenantAdminKey: "not-hex" }, grpc.status.UNAUTHENTICATED, 401, "invalid_tenant_admin_key"],
  ["the server admin's API key", { bearer: server.adminAPIKey }, grpc.status.UNAUTHENTICATED, 401, "tenant_admin_key_required"],
];

for (const [what, auth, code, status, name] of refusals) {
  test(`every method refuses ${what}, over gRPC and /api/v3`, async () => {
    const id = newTenantId();
    for (const m of methods) {
      refused(await rpc.call("TenantRegistry", m.name, m.req(id), auth), code, name);
      if (!m.http) continue;
      const call = m.http(id);
      httpRefused(await http(server, call.verb, call.path, auth, call.body), status, name);
    }
    // Nothing of the refused calls happened.
    refused(await rpc.call("TenantRegistry", "Get", { tenant_ids: { tenant_id: id } }, { tenantAdminKey: key }), grpc.status.NOT_FOUND, "tenant_not_found");
  });
}

test("every method works with a configured key over gRPC (either key)", async () => {
  const id = newTenantId();
  for (const [i, m] of methods.entries()) {
    const a = await rpc.call("TenantRegistry", m.name, m.req(id), { tenantAdminKey: i % 2 ? key : second.toUpperCase() });
    const res = ok(a);
    if (m.name === "Create" || m.name === "Get") assert.is(res.ids.tenant_id, id);
    if (m.name === "Update") assert.is(res.name, "Renamed");
    if (m.name === "List") assert.ok(res.tenants.some((t: { ids: { tenant_id: string } }) => t.ids.tenant_id === id));
    if (m.name === "GetRegistryTotals") assert.equal(res, {});
    if (m.name === "BatchGetRegistryTotals") assert.equal(res.totals, [{ tenant_ids: { tenant_id: id }, totals: {} }]);
    if (m.name.startsWith("GetIdentifiersFor")) assert.equal(res, { tenant_id: m.name.endsWith("BillingIdentifiers") ? billingTenant : server.tenantId });
  }
  // Purged: the ID is free again.
  refused(await rpc.call("TenantRegistry", "Get", { tenant_ids: { tenant_id: id } }, { tenantAdminKey: key }), grpc.status.NOT_FOUND, "tenant_not_found");
});

test("every method with an HTTP binding works with a configured key over /api/v3", async () => {
  const id = newTenantId();
  for (const m of methods) {
    if (!m.http) continue;
    const call = m.http(id);
    const body = httpOk(await http(server, call.verb, call.path, { tenantAdminKey: key }, call.body));
    if (m.name === "Create" || m.name === "Get") assert.is(body.ids.tenant_id, id);
    if (m.name === "Update") assert.is(body.name, "Renamed");
    if (m.name === "List") assert.ok(body.tenants.some((t: { ids: { tenant_id: string } }) => t.ids.tenant_id === id));
    if (m.name === "GetRegistryTotals") assert.equal(body, {});
    if (m.name === "BatchGetRegistryTotals") assert.equal(body.totals, [{ tenant_ids: { tenant_id: id }, totals: {} }]);
    if (["Delete", "Restore", "Purge"].includes(m.name)) assert.equal(body, {});
  }
  httpRefused(await http(server, "GET", `/tenants/${id}`, { tenantAdminKey: key }), 404, "tenant_not_found");
});

test("a tenant admin key is refused by every other service, over gRPC and /api/v3", async () => {
  for (const k of [key, newAdminKey()]) {
    const auth = { tenantAdminKey: k };
    refused(await rpc.call("ApplicationRegistry", "List", {}, auth), grpc.status.PERMISSION_DENIED, "tenant_admin_key_not_accepted");
    refused(await rpc.call("EntityAccess", "AuthInfo", {}, auth), grpc.status.PERMISSION_DENIED, "tenant_admin_key_not_accepted");
    httpRefused(await http(server, "GET", "/applications", auth), 403, "tenant_admin_key_not_accepted");
    httpRefused(await http(server, "GET", "/auth_info", auth), 403, "tenant_admin_key_not_accepted");
  }
});

test("a server without tenant admin keys refuses every key", async () => {
  const closed = await startTestServer();
  try {
    httpRefused(await http(closed, "GET", "/tenants", { tenantAdminKey: key }), 401, "invalid_tenant_admin_key");
    httpRefused(await http(closed, "GET", "/tenants", { tenantAdminKey: "" }), 401, "invalid_tenant_admin_key");
  } finally {
    await closed.close();
  }
});

test.after(async () => {
  rpc.close();
  await server.close();
});
test.run();
