// is-cli tenants against a real server's TenantRegistry, as the proto
// describes it: create (with name, limits and the initial user), get with
// field masks, list with its total, update (the flags given, --unset), the
// registry totals, delete / restore / purge, what a suspended tenant's users
// get, and a key that is not one of the server's. tenant-flags.test.ts covers
// what the CLI does before any call and the global --tenant-id.
import { randomBytes } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cliRunner, failed, ok, type CliResult } from "../helpers/cli.js";
import { startTestServer } from "../helpers/harness.js";

const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

const KEY = randomBytes(32).toString("hex");
const server = await startTestServer({ "is.tenancy.admin-keys": [KEY] });

const cli = cliRunner(server);
/** A tenants command with the server's tenant admin key. */
const admin = (...args: string[]) => cli(["tenants", ...args, "--tenant-admin-key", KEY]);
const totalOf = (r: CliResult) => Number(/^total: (\d+)$/m.exec(r.stderr)?.[1]);

const acme = `acme-${randomBytes(4).toString("hex")}`;

test("create with name, limits and the initial user; get with field masks", async () => {
  const created = ok(
    await admin(
      "create", acme, "--name", "ACME", "--description", "Road runners", "--attributes", "plan=gold",
      "--max-applications", "2", "--max-users", "10",
      "--initial-user.ids.user-id", "wile", "--initial-user.primary-email-address", "wile@acme.example",
      "--initial-user.password", "Acme-Passw0rd!",
    ),
    "create",
  );
  assert.is(created.ids.tenant_id, acme);
  failed(await admin("create", acme), "create again", ALREADY_EXISTS, "tenant_id_taken");

  // Like every registry's Get, the answer always carries the timestamps.
  const { created_at, updated_at, ...got } = ok(await admin("get", acme), "get");
  assert.ok(created_at && updated_at, "timestamps");
  assert.equal(got, { ids: { tenant_id: acme }, name: "ACME", description: "Road runners", state: "STATE_APPROVED" });
  const limits = ok(await admin("get", "--tenant-id", acme, "--field-mask", "max_applications,max_users,max_gateways,attributes"), "get limits");
  assert.is(limits.max_applications, "2");
  assert.is(limits.max_users, "10");
  assert.is(limits.max_gateways, undefined, "unset: no limit");
  assert.equal(limits.attributes, { plan: "gold" });
  const all = ok(await admin("get", acme, "--all"), "get --all");
  assert.ok(all.created_at && all.updated_at, "timestamps");
});

test("list: the tenant with its total", async () => {
  const r = await admin("list", "--limit", "1000");
  const list = ok(r, "list");
  assert.ok(list.tenants.some((t: { ids: { tenant_id: string } }) => t.ids.tenant_id === acme), r.stdout);
  assert.ok(totalOf(r) >= 1, r.stderr);
});

test("update: the flags given and --unset", async () => {
  const updated = ok(await admin("update", acme, "--name", "ACME Corp", "--max-users", "20", "--unset", "max-applications"), "update");
  assert.is(updated.name, "ACME Corp");
  const { created_at, updated_at, ...got } = ok(await admin("get", acme, "--field-mask", "name,description,max_applications,max_users"), "get");
  assert.ok(created_at && updated_at, "timestamps");
  assert.equal(got, { ids: { tenant_id: acme }, name: "ACME Corp", description: "Road runners", max_users: "20" });
});

test("registry totals: the initial user, one total or all", async () => {
  const totals = ok(await admin("get-registry-totals", acme), "totals");
  assert.is(totals.users, "1", JSON.stringify(totals));
  assert.is(totals.applications, undefined, "none yet (zero is omitted)");
  assert.equal(ok(await admin("get-registry-totals", acme, "--users"), "users only"), { users: "1" });
});

test("a suspended tenant's users are refused; approved again, served", async () => {
  ok(await admin("update", acme, "--state", "suspended", "--state-description", "unpaid"), "suspend");
  failed(await cli(["--tenant-id", acme, "is-configuration"]), "suspended", PERMISSION_DENIED, "tenant_suspended");
  ok(await admin("update", acme, "--state", "approved"), "approve");
  ok(await cli(["--tenant-id", acme, "is-configuration"]), "approved");
});

test("delete, list --deleted, restore, purge", async () => {
  const purged = `purged-${randomBytes(4).toString("hex")}`;
  ok(await admin("create", purged, "--name", "Short-lived"), "create");
  assert.equal(ok(await admin("delete", purged), "delete"), {});
  failed(await admin("get", purged), "get deleted", NOT_FOUND, "tenant_not_found");
  failed(await cli(["--tenant-id", purged, "is-configuration"]), "a deleted tenant's requests", PERMISSION_DENIED, "tenant_deleted");
  const deleted = ok(await admin("list", "--deleted", "--limit", "1000"), "list --deleted");
  assert.ok(deleted.tenants.some((t: { ids: { tenant_id: string } }) => t.ids.tenant_id === purged));
  ok(await admin("restore", purged), "restore");
  assert.is(ok(await admin("get", purged), "get restored").name, "Short-lived");
  ok(await admin("purge", purged), "purge");
  failed(await admin("get", purged), "get purged", NOT_FOUND, "tenant_not_found");
  ok(await admin("create", purged), "the ID is free again");
  ok(await admin("purge", purged), "purge again");
});

/** Exit 1 with this gRPC code (whatever the error's name). */
function failedWith(r: CliResult, what: string, code: number): void {
  assert.is(r.code, 1, `${what}: exit ${r.code}, stdout: ${r.stdout}, stderr: ${r.stderr}`);
  assert.is(JSON.parse(r.stderr).code, code, `${what}: ${r.stderr}`);
}

test("routing look-ups: nothing registered with these EUIs", async () => {
  failedWith(await admin("get-identifiers-for-gateway-eui", "--gateway-eui", "00800000A00009EF"), "gateway EUI", NOT_FOUND);
  failedWith(await admin("get-identifiers-for-end-device-euis", "--join-eui", "800000000000000C", "--dev-eui", "0004A30B001C0530"), "end device EUIs", NOT_FOUND);
});

test("a key that is not one of the server's is refused", async () => {
  failed(await cli(["tenants", "list", "--tenant-admin-key", randomBytes(32).toString("hex")]), "unknown key", UNAUTHENTICATED, "invalid_tenant_admin_key");
  failed(await cli(["tenants", "get", acme], null, { TTN_LW_TENANT_ADMIN_KEY: randomBytes(16).toString("hex") }), "unknown key from env", UNAUTHENTICATED, "invalid_tenant_admin_key");
});

test.after(async () => {
  await admin("purge", acme);
  await server.close();
});
test.run();
