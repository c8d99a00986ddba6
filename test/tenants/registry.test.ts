// TenantRegistry records with a tenant admin key: create with every field,
// read with field masks, list (order, pages, total), update with field masks,
// and the lifecycle (soft delete, restore within is.delete.restore, purge; the
// default tenant stays). gRPC through @grpc/grpc-js, HTTP through /api/v3.
// Authentication: registry-auth.test.ts; the first user: initial-user.test.ts;
// what a purge removes: purge.test.ts; totals and lookups: lookups.test.ts.
import * as grpc from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer } from "../helpers/harness.js";
import { grpcJs, http, httpOk, httpRefused, newAdminKey, newTenantId, ok, refused, type Json } from "./helpers.js";

const key = newAdminKey();
let clockOffset = 0;
const server = await startTestServer({ "is.tenancy.admin-keys": [key] }, { now: () => new Date(Date.now() + clockOffset) });
const rpc = grpcJs(server);
const admin = { tenantAdminKey: key };
const call = (method: string, req: object) => rpc.call("TenantRegistry", method, req, admin);
const api = (verb: string, path: string, body?: unknown) => http(server, verb, path, admin, body);

const full = (id: string) => ({
  ids: { tenant_id: id },
  name: "Acme Networks",
  description: "The network of Acme",
  attributes: { region: "eu" },
  contact_info: [{ contact_type: "CONTACT_TYPE_TECHNICAL", contact_method: "CONTACT_METHOD_EMAIL", value: "noc@acme.example" }],
  max_applications: { value: "5" },
  max_end_devices: { value: "1000" },
  state_description: "",
  capabilities: { fields: { plan: { stringValue: "gold" }, seats: { numberValue: 3 } } },
  configuration: { default_cluster: { ui: { branding_base_url: "https://brand.example.com" }, is: { user_registration: { invitation: { required: { value: true } } } } } },
  billing: { counting: { end_devices: "ONLY_ACTIVATED" }, stripe: { customer_id: "cus_1", plan_id: "plan_1" } },
  billing_identifiers: { billing_id: `bill-${id}` },
});

const names = (tenants: Json[]) => tenants.map((t) => t.ids.tenant_id);

test("Create stores every field and answers with the stored tenant", async () => {
  const id = newTenantId("acme");
  const t = ok(await call("Create", { tenant: full(id) }));
  assert.is(t.ids.tenant_id, id);
  assert.is(t.name, "Acme Networks");
  assert.is(t.description, "The network of Acme");
  assert.equal(t.attributes, { region: "eu" });
  assert.equal(t.contact_info, [{ contact_type: "CONTACT_TYPE_TECHNICAL", contact_method: "CONTACT_METHOD_EMAIL", value: "noc@acme.example" }]);
  assert.equal(t.max_applications, { value: "5" });
  assert.equal(t.max_end_devices, { value: "1000" });
  assert.is(t.max_gateways, undefined); // unset: no limit
  assert.is(t.state, "STATE_APPROVED"); // no state given: serves at once
  assert.equal(t.capabilities, { fields: { plan: { stringValue: "gold" }, seats: { numberValue: 3 } } });
  assert.is(t.configuration.default_cluster.ui.branding_base_url, "https://brand.example.com");
  assert.equal(t.configuration.default_cluster.is.user_registration.invitation.required, { value: true });
  assert.is(t.billing.counting.end_devices, "ONLY_ACTIVATED");
  assert.equal(t.billing.stripe, { customer_id: "cus_1", plan_id: "plan_1" });
  assert.equal(t.billing_identifiers, { billing_id: `bill-${id}` });
  assert.ok(Number(t.created_at.seconds) > 0 && t.created_at.seconds === t.updated_at.seconds);
  assert.is(t.deleted_at, undefined);
  // Read back over /api/v3: the stack's JSON (wrappers unboxed, Struct as an object, enums by name).
  const got = httpOk(await api("GET", `/tenants/${id}?field_mask=name,max_applications,capabilities,configuration,billing,billing_identifiers,state,contact_info,attributes`));
  assert.is(got.name, "Acme Networks");
  assert.is(got.max_applications, "5");
  assert.equal(got.capabilities, { plan: "gold", seats: 3 });
  assert.equal(got.configuration, { default_cluster: { ui: { branding_base_url: "https://brand.example.com" }, is: { user_registration: { invitation: { required: true } } } } });
  assert.equal(got.billing, { counting: { end_devices: "ONLY_ACTIVATED" }, stripe: { customer_id: "cus_1", plan_id: "plan_1" } });
  assert.equal(got.billing_identifiers, { billing_id: `bill-${id}` });
  assert.is(got.state, "STATE_APPROVED");
  assert.equal(got.attributes, { region: "eu" });
  assert.is(got.contact_info[0].value, "noc@acme.example");
});

test("Create over /api/v3 takes the stack's JSON; a given state is kept", async () => {
  const id = newTenantId();
  const t = httpOk(await api("POST", "/tenants", { tenant: { ids: { tenant_id: id }, name: "Via HTTP", state: "STATE_SUSPENDED", state_description: "unpaid", max_users: "3", capabilities: { beta: true } } }));
  assert.equal([t.ids.tenant_id, t.name, t.state, t.state_description, t.max_users, t.capabilities], [id, "Via HTTP", "STATE_SUSPENDED", "unpaid", "3", { beta: true }]);
});

test("Create refuses a taken ID (live or deleted) and bad fields, creating nothing", async () => {
  const id = newTenantId();
  ok(await call("Create", { tenant: { ids: { tenant_id: id } } }));
  refused(await call("Create", { tenant: { ids: { tenant_id: id } } }), grpc.status.ALREADY_EXISTS, "tenant_id_taken");
  httpRefused(await api("POST", "/tenants", { tenant: { ids: { tenant_id: id } } }), 409, "tenant_id_taken");
  ok(await call("Delete", { tenant_id: id }));
  refused(await call("Create", { tenant: { ids: { tenant_id: id } } }), grpc.status.ALREADY_EXISTS, "tenant_id_taken");

  const fresh = newTenantId();
  const bad: Array<[object, string, string]> = [
    [{ ids: { tenant_id: "" } }, "invalid_tenant_id", ""],
    [{ ids: { tenant_id: "Bad_ID" } }, "invalid_tenant_id", ""],
    [{ ids: { tenant_id: "ab" } }, "invalid_tenant_id", ""],
    [{ ids: { tenant_id: fresh }, name: "x".repeat(51) }, "validation", "tenant.name"],
    [{ ids: { tenant_id: fresh }, description: "x".repeat(2001) }, "validation", "tenant.description"],
    [{ ids: { tenant_id: fresh }, attributes: { "Not An ID": "v" } }, "validation", "tenant.attributes"],
    [{ ids: { tenant_id: fresh }, state_description: "x".repeat(129) }, "validation", "tenant.state_description"],
    [{ ids: { tenant_id: fresh }, max_gateways: { value: "9007199254740992" } }, "validation", "tenant.max_gateways"],
    [{ ids: { tenant_id: fresh }, contact_info: [{ contact_method: "CONTACT_METHOD_EMAIL", value: "not-an-address" }] }, "validation", "tenant.contact_info"],
  ];
  for (const [tenant, name, field] of bad) {
    const a = await call("Create", { tenant });
    refused(a, grpc.status.INVALID_ARGUMENT, name);
    if (field) assert.match(a.err!.details, `invalid \`${field}\``);
  }
  // An unknown state number (JSON refuses it before the service: pkg/jsonpb unmarshal).
  const state = await call("Create", { tenant: { ids: { tenant_id: fresh }, state: 99 } });
  refused(state, grpc.status.INVALID_ARGUMENT, "validation");
  assert.match(state.err!.details, "tenant.state");
  httpRefused(await api("POST", "/tenants", { tenant: { ids: { tenant_id: fresh }, state: 99 } }), 400, "unmarshal");
  refused(await call("Get", { tenant_ids: { tenant_id: fresh } }), grpc.status.NOT_FOUND, "tenant_not_found");
});

test("Get returns the requested fields only; unknown paths and tenants are refused", async () => {
  const id = newTenantId();
  ok(await call("Create", { tenant: full(id) }));
  const t = ok(await call("Get", { tenant_ids: { tenant_id: id }, field_mask: { paths: ["name", "max_applications"] } }));
  assert.equal(Object.keys(t).sort(), ["created_at", "ids", "max_applications", "name", "updated_at"]);
  const bare = httpOk(await api("GET", `/tenants/${id}`));
  assert.equal(Object.keys(bare).sort(), ["created_at", "ids", "updated_at"]);
  const nested = httpOk(await api("GET", `/tenants/${id}?field_mask=configuration.default_cluster.ui`));
  assert.equal(nested.configuration, { default_cluster: { ui: { branding_base_url: "https://brand.example.com" } } });
  refused(await call("Get", { tenant_ids: { tenant_id: id }, field_mask: { paths: ["nme"] } }), grpc.status.INVALID_ARGUMENT, "field_mask_paths");
  httpRefused(await api("GET", `/tenants/${id}?field_mask=secret`), 400, "field_mask_paths");
  refused(await call("Get", { tenant_ids: { tenant_id: newTenantId() } }), grpc.status.NOT_FOUND, "tenant_not_found");
  refused(await call("Get", { tenant_ids: { tenant_id: "NOPE" } }), grpc.status.INVALID_ARGUMENT, "invalid_tenant_id");
  // The default tenant has no record until one is created for it.
  refused(await call("Get", { tenant_ids: { tenant_id: server.tenantId } }), grpc.status.NOT_FOUND, "tenant_not_found");
});

test("List: order, pages, field mask and the total (x-total-count over gRPC, X-Total-Count over HTTP)", async () => {
  const prefix = newTenantId("list");
  const ids = [`${prefix}-c`, `${prefix}-a`, `${prefix}-b`];
  for (const [i, id] of ids.entries()) ok(await call("Create", { tenant: { ids: { tenant_id: id }, name: `Name ${3 - i}` } }));
  const all = await call("List", { limit: 1000, field_mask: { paths: ["name"] } });
  const listed = ok(all).tenants as Json[];
  assert.is(Number(all.headers.get("x-total-count")[0]), listed.length);
  const ours = listed.filter((t) => t.ids.tenant_id.startsWith(prefix));
  assert.equal(names(ours), [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]); // by ID unless told
  assert.equal(Object.keys(ours[0]).sort(), ["created_at", "ids", "name", "updated_at"]);
  assert.is(ours[0].name, "Name 2");
  const desc = (ok(await call("List", { limit: 1000, order: "-tenant_id" })).tenants as Json[]).filter((t) => t.ids.tenant_id.startsWith(prefix));
  assert.equal(names(desc), [`${prefix}-c`, `${prefix}-b`, `${prefix}-a`]);
  const newest = httpOk(await api("GET", "/tenants?order=-created_at&limit=3")).tenants;
  assert.equal(names(newest), [`${prefix}-b`, `${prefix}-a`, `${prefix}-c`]);
  const byName = (httpOk(await api("GET", "/tenants?order=name&limit=1000&field_mask=name")).tenants as Json[]).filter((t) => t.ids.tenant_id.startsWith(prefix));
  assert.equal(byName.map((t) => t.name), ["Name 1", "Name 2", "Name 3"]);
  // Pages: page 2 of size 1 is the second of the whole list.
  const res = await api("GET", "/tenants?limit=1&page=2&order=-created_at");
  assert.equal(names(httpOk(res).tenants), [`${prefix}-a`]);
  assert.is(res.headers.get("x-total-count"), String(listed.length));
  // One more tenant: one more in the total.
  ok(await call("Create", { tenant: { ids: { tenant_id: `${prefix}-d` } } }));
  assert.is(Number((await call("List", { limit: 1 })).headers.get("x-total-count")[0]), listed.length + 1);
  refused(await call("List", { order: "state" }), grpc.status.INVALID_ARGUMENT, "validation");
  httpRefused(await api("GET", "/tenants?limit=1001"), 400, "validation");
  httpRefused(await api("GET", "/tenants?field_mask=nope"), 400, "field_mask_paths");
});

test("Update writes the masked fields only; a new state without a description clears the old one", async () => {
  const id = newTenantId();
  const before = ok(await call("Create", { tenant: full(id) }));
  const u = ok(await call("Update", {
    tenant: { ids: { tenant_id: id }, name: "Renamed", description: "ignored", state: "STATE_SUSPENDED", state_description: "unpaid invoice", max_applications: { value: "7" } },
    field_mask: { paths: ["name", "state", "state_description", "max_applications"] },
  }));
  assert.equal([u.name, u.description, u.state, u.state_description, u.max_applications], ["Renamed", undefined, "STATE_SUSPENDED", "unpaid invoice", { value: "7" }]);
  assert.ok(Number(u.updated_at.seconds) * 1e9 + u.updated_at.nanos > Number(before.updated_at.seconds) * 1e9 + before.updated_at.nanos);
  const after = ok(await call("Get", { tenant_ids: { tenant_id: id }, field_mask: { paths: ["name", "description", "max_applications", "max_end_devices", "billing"] } }));
  assert.equal([after.name, after.description, after.max_applications, after.max_end_devices], ["Renamed", "The network of Acme", { value: "7" }, { value: "1000" }]);
  assert.is(after.billing.stripe.customer_id, "cus_1");

  // Over /api/v3: the state alone, then clearing a limit and a nested configuration field.
  const approved = httpOk(await api("PUT", `/tenants/${id}`, { tenant: { state: "STATE_APPROVED" }, field_mask: { paths: ["state"] } }));
  assert.equal([approved.state, approved.state_description], ["STATE_APPROVED", undefined]);
  const cleared = httpOk(await api("PUT", `/tenants/${id}`, {
    tenant: { configuration: { default_cluster: { ui: { branding_base_url: "https://new.example.com" } } } },
    field_mask: { paths: ["max_end_devices", "configuration.default_cluster.ui.branding_base_url"] },
  }));
  assert.is(cleared.max_end_devices, undefined);
  assert.equal(cleared.configuration.default_cluster.ui, { branding_base_url: "https://new.example.com" });
  const stored = httpOk(await api("GET", `/tenants/${id}?field_mask=configuration,max_end_devices,state_description`));
  assert.equal(stored.configuration, { default_cluster: { ui: { branding_base_url: "https://new.example.com" }, is: { user_registration: { invitation: { required: true } } } } });
  assert.is(stored.max_end_devices, undefined);
  assert.is(stored.state_description, undefined);

  refused(await call("Update", { tenant: { ids: { tenant_id: id } }, field_mask: { paths: ["no_such_field"] } }), grpc.status.INVALID_ARGUMENT, "field_mask_paths");
  const long = await call("Update", { tenant: { ids: { tenant_id: id }, name: "x".repeat(51) }, field_mask: { paths: ["name"] } });
  refused(long, grpc.status.INVALID_ARGUMENT, "validation");
  assert.match(long.err!.details, "tenant.name");
  refused(await call("Update", { tenant: { ids: { tenant_id: newTenantId() }, name: "x" }, field_mask: { paths: ["name"] } }), grpc.status.NOT_FOUND, "tenant_not_found");
  // A field outside the mask is never checked nor written.
  ok(await call("Update", { tenant: { ids: { tenant_id: id }, name: "x".repeat(60), description: "kept" }, field_mask: { paths: ["description"] } }));
  assert.is(ok(await call("Get", { tenant_ids: { tenant_id: id }, field_mask: { paths: ["name"] } })).name, "Renamed");
});

test("Delete hides the tenant from Get and List; Restore brings it back; both refuse what is not there", async () => {
  const id = newTenantId();
  ok(await call("Create", { tenant: { ids: { tenant_id: id }, name: "Doomed" } }));
  const liveBefore = Number((await call("List", { limit: 1 })).headers.get("x-total-count")[0]);
  ok(await call("Delete", { tenant_id: id }));
  refused(await call("Get", { tenant_ids: { tenant_id: id } }), grpc.status.NOT_FOUND, "tenant_not_found");
  const live = await call("List", { limit: 1000 });
  assert.not.ok(names(ok(live).tenants ?? []).includes(id));
  assert.is(Number(live.headers.get("x-total-count")[0]), liveBefore - 1);
  const deleted = (ok(await call("List", { limit: 1000, deleted: true, field_mask: { paths: ["name"] } })).tenants as Json[]).find((t) => t.ids.tenant_id === id);
  assert.is(deleted?.name, "Doomed");
  assert.ok(Number(deleted.deleted_at.seconds) > 0);
  refused(await call("Delete", { tenant_id: id }), grpc.status.NOT_FOUND, "tenant_not_found");
  refused(await call("Update", { tenant: { ids: { tenant_id: id }, name: "x" }, field_mask: { paths: ["name"] } }), grpc.status.NOT_FOUND, "tenant_not_found");

  httpOk(await api("POST", `/tenants/${id}/restore`));
  const back = ok(await call("Get", { tenant_ids: { tenant_id: id }, field_mask: { paths: ["name"] } }));
  assert.equal([back.name, back.deleted_at], ["Doomed", undefined]);
  refused(await call("Restore", { tenant_id: id }), grpc.status.FAILED_PRECONDITION, "not_deleted");
  refused(await call("Restore", { tenant_id: newTenantId() }), grpc.status.NOT_FOUND, "tenant_not_found");
  httpRefused(await api("DELETE", `/tenants/${newTenantId()}`), 404, "tenant_not_found");
});

test("Restore only within is.delete.restore (24h)", async () => {
  const id = newTenantId();
  ok(await call("Create", { tenant: { ids: { tenant_id: id } } }));
  ok(await call("Delete", { tenant_id: id }));
  clockOffset = 25 * 3600_000;
  try {
    refused(await call("Restore", { tenant_id: id }), grpc.status.FAILED_PRECONDITION, "restore_window_expired");
  } finally {
    clockOffset = 0;
  }
  ok(await call("Restore", { tenant_id: id }));
});

test("Purge removes a live or deleted tenant for good and frees its ID", async () => {
  const id = newTenantId();
  ok(await call("Create", { tenant: { ids: { tenant_id: id }, name: "First" } }));
  ok(await call("Purge", { tenant_id: id }));
  refused(await call("Restore", { tenant_id: id }), grpc.status.NOT_FOUND, "tenant_not_found");
  ok(await call("Create", { tenant: { ids: { tenant_id: id }, name: "Second" } }));
  ok(await call("Delete", { tenant_id: id }));
  httpOk(await api("DELETE", `/tenants/${id}/purge`));
  assert.not.ok(names(ok(await call("List", { limit: 1000, deleted: true })).tenants ?? []).includes(id));
  refused(await call("Purge", { tenant_id: id }), grpc.status.NOT_FOUND, "tenant_not_found");
});

test("the default tenant can be given a record, but is neither deleted nor purged", async () => {
  const id = server.tenantId;
  const t = ok(await call("Create", { tenant: { ids: { tenant_id: id }, name: "Default network" } }));
  assert.equal([t.ids.tenant_id, t.name, t.state], [id, "Default network", "STATE_APPROVED"]);
  const d = await call("Delete", { tenant_id: id });
  refused(d, grpc.status.FAILED_PRECONDITION, "default_tenant");
  assert.match(d.err!.details, "cannot be deleted");
  httpRefused(await api("DELETE", `/tenants/${id}/purge`), 400, "default_tenant");
  // Its users still work.
  const user = await server.population.user();
  httpOk(await http(server, "GET", "/auth_info", { bearer: user.apiKey }));
});

test.after(async () => {
  rpc.close();
  await server.close();
});
test.run();
