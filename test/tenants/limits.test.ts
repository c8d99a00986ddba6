// A tenant's entity limits (Tenant.max_users, max_organizations,
// max_applications, max_clients, max_gateways, max_end_devices): creating one
// more than the limit fails with the stack's `tenant_entity_limit` naming the
// entity type and writes nothing, over gRPC and /api/v3; concurrent creates
// never pass the limit; a changed limit applies at the next create; deleted
// entities do not count but restoring one does; no limit (null) and no record
// (the default tenant) mean no limit.
import { Code } from "@connectrpc/connect";
import * as assert from "uvu/assert";
import { test } from "uvu";
import { sql } from "drizzle-orm";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { ClientRegistry } from "../../gen/ttn/lorawan/v3/client_services_pb.js";
import { EndDeviceRegistry } from "../../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { GatewayRegistry } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { OrganizationRegistry } from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { create } from "@bufbuild/protobuf";
import { TenantSchema } from "../../gen/tti/lorawan/v3/tenant_pb.js";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { rowsOf } from "../../src/store/pg/handle.js";
import { createPgStore } from "../../src/store/pg/store.js";
import { withTenantLimits } from "../../src/tenancy/limits.js";
import { httpError, it, rejects, user } from "../helpers/expect.js";
import { startTestServer } from "../helpers/harness.js";
import { countRows, db, insertTenant, newTenantId, populationOf, setLimit, tenantApi, tenantClient, type Limits } from "./config-helpers.js";

const server = await startTestServer();

/** A tenant with these limits and its admin's API key. */
async function tenantWith(limits: Limits): Promise<{ id: string; key: string }> {
  const id = newTenantId("lim");
  await insertTenant(id, { limits });
  const admin = await populationOf(id).user({ id: "admin", admin: true });
  return { id, key: admin.apiKey };
}

const apps = (t: { id: string; key: string }) => tenantClient(server, ApplicationRegistry, t.id, t.key);
const createApp = (t: { id: string; key: string }, id: string) => apps(t).create({ application: { ids: { applicationId: id } }, collaborator: user("admin") });

/** Awaits a create that must hit the tenant's limit of `entityType`. */
async function limitReached(call: Promise<unknown>, entityType: string): Promise<void> {
  const failure = await rejects(call, Code.FailedPrecondition, "tenant_entity_limit");
  assert.is(failure.namespace, "pkg/identityserver");
  assert.is(failure.attributes.entity_type, entityType);
}

it("at max_applications, a create fails with tenant_entity_limit (application) over gRPC and HTTP, and writes nothing", async () => {
  const t = await tenantWith({ max_applications: 2 });
  await createApp(t, "app-1");
  await createApp(t, "app-2");
  await limitReached(createApp(t, "app-3"), "application");
  const res = await tenantApi(server, t.id, "POST", "/users/admin/applications", { key: t.key, body: { application: { ids: { application_id: "app-3" } } } });
  const details = httpError(res, 400, "tenant_entity_limit");
  assert.is(details.attributes.entity_type, "application");
  assert.match(details.message_format, "limit for {entity_type} entities in tenant reached");

  assert.is(await countRows("applications", t.id), 2);
  await rejects(apps(t).get({ applicationIds: { applicationId: "app-3" } }), Code.NotFound, "application_not_found");
  const [m] = rowsOf<{ n: string | number }>(await db.execute(sql`SELECT count(*) AS n FROM memberships WHERE tenant_id = ${t.id} AND entity_id = 'app-3'`));
  assert.is(Number(m!.n), 0, "no collaborator of the refused application");
});

it("every limited kind: users, organizations, OAuth clients, gateways and end devices stop at their limit", async () => {
  const t = await tenantWith({ max_users: 2, max_organizations: 1, max_clients: 1, max_gateways: 1, max_end_devices: 1 });
  // Users: the admin is one; registration (anonymous) adds the second.
  const register = (id: string) =>
    tenantClient(server, UserRegistry, t.id).create({ user: { ids: { userId: id }, primaryEmailAddress: `${id}@example.com`, password: "Tenant-Passw0rd" } });
  await register("second");
  await limitReached(register("third"), "user");
  await limitReached(tenantClient(server, UserRegistry, t.id, t.key).create({ user: { ids: { userId: "fourth" }, primaryEmailAddress: "fourth@example.com", password: "Tenant-Passw0rd" } }), "user");
  assert.is(await countRows("users", t.id), 2);

  const orgs = tenantClient(server, OrganizationRegistry, t.id, t.key);
  await orgs.create({ organization: { ids: { organizationId: "org-1" } }, collaborator: user("admin") });
  await limitReached(orgs.create({ organization: { ids: { organizationId: "org-2" } }, collaborator: user("admin") }), "organization");
  assert.is(await countRows("organizations", t.id), 1);

  const clients = tenantClient(server, ClientRegistry, t.id, t.key);
  await clients.create({ client: { ids: { clientId: "client-1" } }, collaborator: user("admin") });
  await limitReached(clients.create({ client: { ids: { clientId: "client-2" } }, collaborator: user("admin") }), "client");
  assert.is(await countRows("clients", t.id), 1);

  const gateways = tenantClient(server, GatewayRegistry, t.id, t.key);
  await gateways.create({ gateway: { ids: { gatewayId: "gw-1" } }, collaborator: user("admin") });
  await limitReached(gateways.create({ gateway: { ids: { gatewayId: "gw-2" } }, collaborator: user("admin") }), "gateway");
  assert.is(await countRows("gateways", t.id), 1);

  // Applications are not limited in this tenant.
  await createApp(t, "fleet");
  await createApp(t, "fleet-2");
  const devices = tenantClient(server, EndDeviceRegistry, t.id, t.key);
  const device = (id: string) => devices.create({ endDevice: { ids: { applicationIds: { applicationId: "fleet" }, deviceId: id } } });
  await device("dev-1");
  await limitReached(device("dev-2"), "end device");
  // The limit is the tenant's, not the application's.
  await limitReached(devices.create({ endDevice: { ids: { applicationIds: { applicationId: "fleet-2" }, deviceId: "dev-3" } } }), "end device");
  assert.is(await countRows("end_devices", t.id), 1);
});

it("concurrent creates at the limit never pass it (gateways over gRPC, end devices over HTTP)", async () => {
  const t = await tenantWith({ max_gateways: 3, max_end_devices: 2 });
  const gateways = tenantClient(server, GatewayRegistry, t.id, t.key);
  const results = await Promise.allSettled([0, 1, 2, 3, 4, 5, 6, 7].map((n) => gateways.create({ gateway: { ids: { gatewayId: `race-${n}` } }, collaborator: user("admin") })));
  assert.is(results.filter((r) => r.status === "fulfilled").length, 3);
  for (const r of results) if (r.status === "rejected") await limitReached(Promise.reject(r.reason), "gateway");
  assert.is(await countRows("gateways", t.id), 3);

  await createApp(t, "fleet");
  const posts = await Promise.all(
    [0, 1, 2, 3, 4, 5].map((n) => tenantApi(server, t.id, "POST", "/applications/fleet/devices", { key: t.key, body: { end_device: { ids: { device_id: `race-${n}` } } } })),
  );
  assert.is(posts.filter((r) => r.status === 200).length, 2, JSON.stringify(posts.map((r) => r.status)));
  for (const r of posts) if (r.status !== 200) httpError(r, 400, "tenant_entity_limit");
  assert.is(await countRows("end_devices", t.id), 2);
});

test("the tenant's store itself: creates racing on separate connections commit exactly up to the limit, in and outside transactions", async () => {
  // Requests over one HTTP/2 connection rarely overlap this tightly; straight
  // store calls do, so this is where a missing lock would show.
  const id = newTenantId("race");
  await insertTenant(id, { limits: { max_applications: 3, max_users: 2, max_end_devices: 4 } });
  const record = async () => create(TenantSchema, { ids: { tenantId: id } });
  const store = withTenantLimits(createPgStore({ primary: db, tenantId: id }), record);
  const settled = async (calls: Promise<unknown>[], entityType: string) => {
    const results = await Promise.allSettled(calls);
    for (const r of results) if (r.status === "rejected") await limitReached(Promise.reject(r.reason), entityType);
    return results.filter((r) => r.status === "fulfilled").length;
  };
  const app = (n: number) => create(ApplicationSchema, { ids: { applicationId: `a-${n}` } });
  assert.is(await settled(Array.from({ length: 12 }, (_, n) => store.applications.create(app(n))), "application"), 3);
  assert.is(await countRows("applications", id), 3);

  const person = (n: number) => create(UserSchema, { ids: { userId: `u-${n}` }, primaryEmailAddress: `u-${n}@example.com` });
  assert.is(await settled(Array.from({ length: 12 }, (_, n) => store.transact((tx) => tx.users.create(person(n)))), "user"), 2);
  assert.is(await countRows("users", id), 2);

  const device = (n: number) => create(EndDeviceSchema, { ids: { applicationIds: { applicationId: "a-0" }, deviceId: `d-${n}` } });
  assert.is(await settled(Array.from({ length: 12 }, (_, n) => store.endDevices.create(device(n))), "end device"), 4);
  assert.is(await countRows("end_devices", id), 4);
});

it("a raised limit allows the next create; a removed one (null) allows any", async () => {
  const t = await tenantWith({ max_applications: 1 });
  await createApp(t, "app-1");
  await limitReached(createApp(t, "app-2"), "application");
  await setLimit(t.id, "max_applications", 2);
  await createApp(t, "app-2");
  await limitReached(createApp(t, "app-3"), "application");
  await setLimit(t.id, "max_applications", null);
  await createApp(t, "app-3");
  await createApp(t, "app-4");
  // Lowered below what the tenant holds: no more creates, nothing taken away.
  await setLimit(t.id, "max_applications", 1);
  await limitReached(createApp(t, "app-5"), "application");
  assert.is(await countRows("applications", t.id), 4);
});

it("deleted entities do not count, but restoring one past the limit is refused", async () => {
  const t = await tenantWith({ max_applications: 1 });
  await createApp(t, "old");
  await apps(t).delete({ applicationId: "old" });
  await createApp(t, "newer");
  await limitReached(apps(t).restore({ applicationId: "old" }), "application");
  await rejects(apps(t).get({ applicationIds: { applicationId: "old" } }), Code.NotFound, "application_not_found");
  // With room again, the restore goes through.
  await setLimit(t.id, "max_applications", 2);
  await apps(t).restore({ applicationId: "old" });
  assert.is(await countRows("applications", t.id), 2);
});

it("no limits: a tenant whose record sets none, and the default tenant without a record", async () => {
  const t = await tenantWith({});
  for (const n of [1, 2, 3]) await createApp(t, `app-${n}`);
  const defaults = tenantClient(server, ApplicationRegistry, undefined, server.adminAPIKey);
  for (const n of [1, 2, 3]) await defaults.create({ application: { ids: { applicationId: `app-${n}` } }, collaborator: user("admin") });
  assert.is(await countRows("applications", server.tenantId), 3);
  // Another tenant's limit is not this one's.
  const limited = await tenantWith({ max_applications: 1 });
  await createApp(limited, "app-1");
  await limitReached(createApp(limited, "app-2"), "application");
  await defaults.create({ application: { ids: { applicationId: "app-4" } }, collaborator: user("admin") });
});

test.after(async () => {
  await server.close();
});

test.run();
