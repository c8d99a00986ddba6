// TenantRegistry.Create with `initial_user`: the new tenant's first account is
// an approved admin whose password follows the configured rules and is hashed
// as every password is. It authenticates in its tenant only: calls name the
// tenant with the `tenant-id` header (gRPC metadata, /api/v3 header). The
// proof of the password is UserRegistry.UpdatePassword, which checks the old
// password against the stored hash (the OAuth login pages serve the default
// tenant only); an API key made for the user in its tenant's store proves the
// account's identity and rights. A refused first user leaves no tenant behind.
import * as grpc from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { RIGHT_ALL } from "../../src/rights/algebra.js";
import { createPgStore } from "../../src/store/pg/store.js";
import { testDatabase } from "../helpers/database.js";
import { startTestServer } from "../helpers/harness.js";
import { Population } from "../helpers/population.js";
import { grpcJs, http, httpOk, httpRefused, newAdminKey, newTenantId, ok, refused } from "./helpers.js";

const key = newAdminKey();
const server = await startTestServer({ "is.tenancy.admin-keys": [key], "is.user-registration.password-requirements.min-length": 10 });
const rpc = grpcJs(server);
const admin = { tenantAdminKey: key };
const db = (await testDatabase()).db;
/** Fixtures straight into a tenant's store (an API key for a user of that tenant). */
const populationOf = (tenantId: string) => new Population(createPgStore({ primary: db, tenantId }));

const founder = (password = "Opening-day-1") => ({
  ids: { user_id: "founder" },
  name: "The Founder",
  primary_email_address: "founder@acme.example",
  password,
  // Not the caller's to choose: the first user is an approved admin regardless.
  admin: false,
  state: "STATE_SUSPENDED",
});

test("the initial user logs in to its tenant only, as an approved admin with a validated address", async () => {
  const id = newTenantId("founded");
  const t = ok(await rpc.call("TenantRegistry", "Create", { tenant: { ids: { tenant_id: id }, name: "Founded" }, initial_user: founder() }, admin));
  assert.is(t.ids.tenant_id, id);

  // The password works in the tenant (UpdatePassword checks it against the stored hash) ...
  refused(await rpc.call("UserRegistry", "UpdatePassword", { user_ids: { user_id: "founder" }, old: "wrong-password-1", new: "Opening-day-2" }, { tenantId: id }), grpc.status.UNAUTHENTICATED, "old_password");
  ok(await rpc.call("UserRegistry", "UpdatePassword", { user_ids: { user_id: "founder" }, old: "Opening-day-1", new: "Opening-day-2" }, { tenantId: id }));
  // ... and over /api/v3 with the tenant-id header; the account does not exist in the default tenant.
  httpOk(await http(server, "PUT", "/users/founder/password", { tenantId: id }, { old: "Opening-day-2", new: "Opening-day-3" }));
  httpRefused(await http(server, "PUT", "/users/founder/password", {}, { old: "Opening-day-3", new: "Opening-day-4" }), 401, "old_password");

  // Its credentials authenticate in its tenant, as an admin.
  const apiKey = await populationOf(id).apiKey({ kind: "user", id: "founder" }, RIGHT_ALL);
  const info = httpOk(await http(server, "GET", "/auth_info", { bearer: apiKey, tenantId: id }));
  assert.equal(info.api_key.entity_ids, { user_ids: { user_id: "founder" } });
  assert.is(info.is_admin, true);
  const user = ok(await rpc.call("UserRegistry", "Get", {
    user_ids: { user_id: "founder" },
    field_mask: { paths: ["name", "primary_email_address", "primary_email_address_validated_at", "admin", "state"] },
  }, { bearer: apiKey, tenantId: id }));
  assert.equal([user.name, user.primary_email_address, user.admin, user.state], ["The Founder", "founder@acme.example", true, "STATE_APPROVED"]);
  assert.ok(Number(user.primary_email_address_validated_at.seconds) > 0);
  // Elsewhere the key is unknown.
  httpRefused(await http(server, "GET", "/auth_info", { bearer: apiKey }), 401, "api_key_not_found");
});

test("over /api/v3 too; the tenant's users follow its lifecycle (deleted, suspended, restored)", async () => {
  const id = newTenantId("founded");
  httpOk(await http(server, "POST", "/tenants", admin, { tenant: { ids: { tenant_id: id } }, initial_user: founder() }));
  const apiKey = await populationOf(id).apiKey({ kind: "user", id: "founder" }, RIGHT_ALL);
  const as = { bearer: apiKey, tenantId: id };
  httpOk(await http(server, "GET", "/auth_info", as));
  httpOk(await http(server, "DELETE", `/tenants/${id}`, admin));
  httpRefused(await http(server, "GET", "/auth_info", as), 403, "tenant_deleted");
  refused(await rpc.call("UserRegistry", "UpdatePassword", { user_ids: { user_id: "founder" }, old: "Opening-day-1", new: "Opening-day-2" }, { tenantId: id }), grpc.status.PERMISSION_DENIED, "tenant_deleted");
  httpOk(await http(server, "POST", `/tenants/${id}/restore`, admin));
  httpOk(await http(server, "GET", "/auth_info", as));
  httpOk(await http(server, "PUT", `/tenants/${id}`, admin, { tenant: { state: "STATE_SUSPENDED", state_description: "unpaid" }, field_mask: { paths: ["state", "state_description"] } }));
  const suspended = await http(server, "GET", "/auth_info", as);
  httpRefused(suspended, 403, "tenant_suspended");
  assert.match(suspended.body.message, "unpaid");
});

test("a refused initial user leaves no tenant behind", async () => {
  const id = newTenantId("unborn");
  const cases: Array<[object, grpc.status, string, string]> = [
    [founder("Short-1"), grpc.status.INVALID_ARGUMENT, "password_strength", "at least 10 characters"],
    [{ ...founder(), password: "" }, grpc.status.INVALID_ARGUMENT, "validation", "initial_user.password"],
    [{ ...founder(), ids: { user_id: "Not_An_ID" } }, grpc.status.INVALID_ARGUMENT, "validation", "initial_user.ids.user_id"],
    [{ ...founder(), ids: { user_id: "admin" } }, grpc.status.INVALID_ARGUMENT, "forbidden_id", "admin"],
    [{ ...founder(), primary_email_address: "nowhere" }, grpc.status.INVALID_ARGUMENT, "validation", "initial_user.primary_email_address"],
    [{ ...founder(), name: "x".repeat(51) }, grpc.status.INVALID_ARGUMENT, "validation", "initial_user.name"],
  ];
  for (const [user, code, name, detail] of cases) {
    const a = await rpc.call("TenantRegistry", "Create", { tenant: { ids: { tenant_id: id } }, initial_user: user }, admin);
    refused(a, code, name);
    assert.match(a.err!.details, detail);
    refused(await rpc.call("TenantRegistry", "Get", { tenant_ids: { tenant_id: id } }, admin), grpc.status.NOT_FOUND, "tenant_not_found");
  }
  // The ID stays free.
  ok(await rpc.call("TenantRegistry", "Create", { tenant: { ids: { tenant_id: id } } }, admin));
});

test.after(async () => {
  rpc.close();
  await server.close();
});
test.run();
