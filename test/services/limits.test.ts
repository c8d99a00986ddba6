// Entity limits (Enterprise `*_limit` fields, spec §8.3): defaults from the
// options on create, only admins change them, they are read with *_INFO, and
// creating one more than the limit fails with `<kind>_limit_reached`, also
// under concurrency, over gRPC and HTTP. User limits count direct memberships only.
import { Code } from "@connectrpc/connect";
import * as assert from "uvu/assert";
import { test } from "uvu";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { ClientRegistry } from "../../gen/ttn/lorawan/v3/client_services_pb.js";
import { EndDeviceRegistry } from "../../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { GatewayRegistry } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { OrganizationAccess, OrganizationRegistry } from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { RIGHT_ALL } from "../../src/rights/algebra.js";
import { api, grpcClient } from "../helpers/clients.js";
import { httpError, it, org, rejects, user, userRef } from "../helpers/expect.js";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";

const LIMITS = {
  "is.user-limits.applications": 2,
  "is.user-limits.clients": 2,
  "is.user-limits.gateways": 2,
  "is.user-limits.organizations": 2,
  "is.organization-limits.applications": 2,
  "is.organization-limits.clients": 2,
  "is.organization-limits.gateways": 2,
  "is.application-limits.end-devices": 2,
};
const limited = await startTestServer(LIMITS);
const unlimited = await startTestServer();

type Kind = "application" | "client" | "gateway";
const kinds: Kind[] = ["application", "client", "gateway"];
type Account = { kind: "user" | "organization"; id: string };
const collaborator = (a: Account) => (a.kind === "user" ? user(a.id) : org(a.id));
const accountPath = (a: Account) => `/${a.kind === "user" ? "users" : "organizations"}/${a.id}`;

/** A user registered through the API (so the user limits apply), with an API key of all rights. */
async function register(s: TestServer, id: string): Promise<string> {
  await grpcClient(s, UserRegistry).create({ user: { ids: { userId: id }, primaryEmailAddress: `${id}@example.com`, password: "Limits-Passw0rd" } });
  return s.population.apiKey(userRef(id), RIGHT_ALL);
}

/** Creates one entity of `kind` under `owner` over gRPC. */
function createGrpc(s: TestServer, key: string, kind: Kind, owner: Account, id: string): Promise<unknown> {
  const c = collaborator(owner);
  switch (kind) {
    case "application":
      return grpcClient(s, ApplicationRegistry, key).create({ application: { ids: { applicationId: id } }, collaborator: c });
    case "client":
      return grpcClient(s, ClientRegistry, key).create({ client: { ids: { clientId: id } }, collaborator: c });
    case "gateway":
      return grpcClient(s, GatewayRegistry, key).create({ gateway: { ids: { gatewayId: id } }, collaborator: c });
  }
}

/** The same over /api/v3. */
const createHttp = (s: TestServer, key: string, kind: Kind, owner: Account, id: string) =>
  api(s, "POST", `${accountPath(owner)}/${kind}s`, { key, body: { [kind]: { ids: { [`${kind}_id`]: id } } } });

const createOrg = (s: TestServer, key: string, userId: string, id: string, fields: Record<string, unknown> = {}) =>
  grpcClient(s, OrganizationRegistry, key).create({ organization: { ids: { organizationId: id }, ...fields }, collaborator: user(userId) });

const createDevice = (s: TestServer, key: string, app: string, id: string) =>
  grpcClient(s, EndDeviceRegistry, key).create({ endDevice: { ids: { applicationIds: { applicationId: app }, deviceId: id } } });

const getUser = (s: TestServer, key: string, id: string, paths: string[]) => grpcClient(s, UserRegistry, key).get({ userIds: { userId: id }, fieldMask: { paths } });
const userLimitPaths = ["application_limit", "client_limit", "gateway_limit", "organization_limit"];

// ---- defaults on create ----------------------------------------------------

it("a registered user starts with the user limits of the options; 0 leaves them unset (no limit)", async () => {
  const key = await register(limited, "defaults-user");
  const u = await getUser(limited, key, "defaults-user", userLimitPaths);
  assert.equal([u.applicationLimit, u.clientLimit, u.gatewayLimit, u.organizationLimit], [2n, 2n, 2n, 2n]);
  const res = await api(limited, "GET", "/users/defaults-user?field_mask=application_limit,organization_limit", { key });
  assert.is(res.status, 200);
  assert.equal([res.body.application_limit, res.body.organization_limit], ["2", "2"]);

  const openKey = await register(unlimited, "defaults-user");
  const o = await getUser(unlimited, openKey, "defaults-user", userLimitPaths);
  assert.equal([o.applicationLimit, o.clientLimit, o.gatewayLimit, o.organizationLimit], [undefined, undefined, undefined, undefined]);
});

it("limits are not returned without a field mask naming them", async () => {
  const key = await register(limited, "masked-user");
  const u = await getUser(limited, key, "masked-user", ["name"]);
  assert.is(u.applicationLimit, undefined);
  const res = await api(limited, "GET", "/users/masked-user", { key });
  assert.is(res.body.application_limit, undefined);
});

it("what a non-admin sends as limits on registration is replaced by the configured ones", async () => {
  await grpcClient(limited, UserRegistry).create({
    user: { ids: { userId: "greedy" }, primaryEmailAddress: "greedy@example.com", password: "Limits-Passw0rd", applicationLimit: 1000n, organizationLimit: 0n },
  });
  const key = await limited.population.apiKey(userRef("greedy"), RIGHT_ALL);
  const u = await getUser(limited, key, "greedy", userLimitPaths);
  assert.equal([u.applicationLimit, u.organizationLimit], [2n, 2n]);
  await grpcClient(unlimited, UserRegistry).create({ user: { ids: { userId: "greedy" }, primaryEmailAddress: "greedy@example.com", password: "Limits-Passw0rd", applicationLimit: 5n } });
  const o = await getUser(unlimited, unlimited.adminAPIKey, "greedy", userLimitPaths);
  assert.is(o.applicationLimit, undefined);
});

it("an admin may set limits on create; unset ones get the configured defaults", async () => {
  await grpcClient(limited, UserRegistry, limited.adminAPIKey).create({
    user: { ids: { userId: "vip" }, primaryEmailAddress: "vip@example.com", password: "Limits-Passw0rd", applicationLimit: 7n },
  });
  const u = await getUser(limited, limited.adminAPIKey, "vip", userLimitPaths);
  assert.equal([u.applicationLimit, u.clientLimit], [7n, 2n]);
  const o = await createOrg(limited, limited.adminAPIKey, "vip", "vip-org", { applicationLimit: 1n });
  assert.is(o.applicationLimit, 1n);
  assert.is(o.clientLimit, 2n);
});

it("new organizations and applications get their limits; reading them needs *_INFO", async () => {
  const key = await register(limited, "reader");
  const otherKey = await register(limited, "stranger");
  await createOrg(limited, key, "reader", "reader-org");
  const o = await grpcClient(limited, OrganizationRegistry, key).get({ organizationIds: { organizationId: "reader-org" }, fieldMask: { paths: ["application_limit", "client_limit", "gateway_limit"] } });
  assert.equal([o.applicationLimit, o.clientLimit, o.gatewayLimit], [2n, 2n, 2n]);
  await createGrpc(limited, key, "application", { kind: "user", id: "reader" }, "reader-app");
  const a = await grpcClient(limited, ApplicationRegistry, key).get({ applicationIds: { applicationId: "reader-app" }, fieldMask: { paths: ["end_device_limit"] } });
  assert.is(a.endDeviceLimit, 2n);
  const res = await api(limited, "GET", "/applications/reader-app?field_mask=end_device_limit", { key });
  assert.is(res.body.end_device_limit, "2");

  await rejects(getUser(limited, otherKey, "reader", ["application_limit"]), Code.PermissionDenied, "no_user_rights");
  await rejects(
    grpcClient(limited, OrganizationRegistry, otherKey).get({ organizationIds: { organizationId: "reader-org" }, fieldMask: { paths: ["application_limit"] } }),
    Code.PermissionDenied, "no_organization_rights",
  );
  await rejects(
    grpcClient(limited, ApplicationRegistry, otherKey).get({ applicationIds: { applicationId: "reader-app" }, fieldMask: { paths: ["end_device_limit"] } }),
    Code.PermissionDenied, "no_application_rights",
  );
  const unlimitedKey = await register(unlimited, "reader");
  await createGrpc(unlimited, unlimitedKey, "application", { kind: "user", id: "reader" }, "reader-app");
  const ua = await grpcClient(unlimited, ApplicationRegistry, unlimitedKey).get({ applicationIds: { applicationId: "reader-app" }, fieldMask: { paths: ["end_device_limit"] } });
  assert.is(ua.endDeviceLimit, undefined);
});

// ---- enforcement ------------------------------------------------------------

for (const kind of kinds) {
  it(`user ${kind} limit: two succeed (gRPC, HTTP), a third fails with ${kind}_limit_reached; 0 means no limit`, async () => {
    const id = `owner-of-${kind}s`;
    const key = await register(limited, id);
    const owner: Account = { kind: "user", id };
    await createGrpc(limited, key, kind, owner, `${kind}-one`);
    assert.is((await createHttp(limited, key, kind, owner, `${kind}-two`)).status, 200);
    const d = await rejects(createGrpc(limited, key, kind, owner, `${kind}-three`), Code.FailedPrecondition, `${kind}_limit_reached`);
    assert.equal(d.attributes, { owner_kind: "user", owner_id: id, limit: "2" });
    const h = httpError(await createHttp(limited, key, kind, owner, `${kind}-three`), 400, `${kind}_limit_reached`);
    assert.is(h.namespace, "pkg/identityserver");
    assert.match(h.message_format, "has reached its limit of");

    const openKey = await register(unlimited, id);
    for (const n of ["a", "b", "c"]) await createGrpc(unlimited, openKey, kind, owner, `${kind}-${n}`);
  });

  it(`organization ${kind} limit: counted on the organization, not on its members`, async () => {
    const userId = `org-owner-${kind}`;
    const key = await register(limited, userId);
    await createOrg(limited, key, userId, `org-of-${kind}s`);
    const owner: Account = { kind: "organization", id: `org-of-${kind}s` };
    await createGrpc(limited, key, kind, owner, `org-${kind}-one`);
    assert.is((await createHttp(limited, key, kind, owner, `org-${kind}-two`)).status, 200);
    const d = await rejects(createGrpc(limited, key, kind, owner, `org-${kind}-three`), Code.FailedPrecondition, `${kind}_limit_reached`);
    assert.equal(d.attributes, { owner_kind: "organization", owner_id: owner.id, limit: "2" });
    httpError(await createHttp(limited, key, kind, owner, `org-${kind}-three`), 400, `${kind}_limit_reached`);
    // The member's own limit still has room: memberships through the organization do not count.
    const mine: Account = { kind: "user", id: userId };
    await createGrpc(limited, key, kind, mine, `own-${kind}-one`);
    await createGrpc(limited, key, kind, mine, `own-${kind}-two`);
    await rejects(createGrpc(limited, key, kind, mine, `own-${kind}-three`), Code.FailedPrecondition, `${kind}_limit_reached`);

    const openKey = await register(unlimited, userId);
    await createOrg(unlimited, openKey, userId, `org-of-${kind}s`);
    for (const n of ["a", "b", "c"]) await createGrpc(unlimited, openKey, kind, owner, `org-${kind}-${n}`);
  });
}

it("user organization limit: two organizations, a third fails with organization_limit_reached (gRPC, HTTP)", async () => {
  const key = await register(limited, "founder");
  await createOrg(limited, key, "founder", "founded-one");
  const res = await api(limited, "POST", "/users/founder/organizations", { key, body: { organization: { ids: { organization_id: "founded-two" } } } });
  assert.is(res.status, 200);
  const d = await rejects(createOrg(limited, key, "founder", "founded-three"), Code.FailedPrecondition, "organization_limit_reached");
  assert.equal(d.attributes, { owner_kind: "user", owner_id: "founder", limit: "2" });
  httpError(await api(limited, "POST", "/users/founder/organizations", { key, body: { organization: { ids: { organization_id: "founded-three" } } } }), 400, "organization_limit_reached");

  const openKey = await register(unlimited, "founder");
  for (const n of ["a", "b", "c"]) await createOrg(unlimited, openKey, "founder", `founded-${n}`);
});

it("user limits count direct memberships: being a collaborator on someone else's application counts", async () => {
  const key = await register(limited, "helper");
  await limited.population.user({ id: "boss" });
  const bossApp = await limited.population.application(userRef("boss"), { id: "boss-app" });
  await limited.population.member({ kind: "application", id: bossApp }, userRef("helper"), R("RIGHT_APPLICATION_INFO"));
  await createGrpc(limited, key, "application", { kind: "user", id: "helper" }, "helper-app");
  await rejects(createGrpc(limited, key, "application", { kind: "user", id: "helper" }, "helper-app-2"), Code.FailedPrecondition, "application_limit_reached");
});

it("deleted entities do not count: deleting one makes room again", async () => {
  const key = await register(limited, "cleaner");
  const owner: Account = { kind: "user", id: "cleaner" };
  await createGrpc(limited, key, "application", owner, "clean-one");
  await createGrpc(limited, key, "application", owner, "clean-two");
  await rejects(createGrpc(limited, key, "application", owner, "clean-three"), Code.FailedPrecondition, "application_limit_reached");
  await grpcClient(limited, ApplicationRegistry, key).delete({ applicationId: "clean-one" });
  await createGrpc(limited, key, "application", owner, "clean-three");
});

it("concurrent creates: with a limit of 2, exactly 2 of 6 succeed", async () => {
  const key = await register(limited, "racer");
  const owner: Account = { kind: "user", id: "racer" };
  for (const kind of kinds) {
    const results = await Promise.allSettled([0, 1, 2, 3, 4, 5].map((n) => createGrpc(limited, key, kind, owner, `race-${kind}-${n}`)));
    assert.is(results.filter((r) => r.status === "fulfilled").length, 2, kind);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === "rejected")) {
      await rejects(Promise.reject(r.reason), Code.FailedPrecondition, `${kind}_limit_reached`);
    }
  }
  const orgs = await Promise.allSettled([0, 1, 2, 3, 4].map((n) => createOrg(limited, key, "racer", `race-org-${n}`)));
  assert.is(orgs.filter((r) => r.status === "fulfilled").length, 2);
});

it("limits apply to admins too: an admin creating for a user at the limit is refused", async () => {
  const key = await register(limited, "capped");
  const owner: Account = { kind: "user", id: "capped" };
  await createGrpc(limited, key, "gateway", owner, "capped-one");
  await createGrpc(limited, key, "gateway", owner, "capped-two");
  await rejects(createGrpc(limited, limited.adminAPIKey, "gateway", owner, "capped-admin"), Code.FailedPrecondition, "gateway_limit_reached");
});

// ---- who changes limits ----------------------------------------------------

it("an admin raises or removes a user's limit and creation works again; the user cannot change it", async () => {
  const key = await register(limited, "grower");
  const owner: Account = { kind: "user", id: "grower" };
  await createGrpc(limited, key, "application", owner, "grow-one");
  await createGrpc(limited, key, "application", owner, "grow-two");
  await rejects(createGrpc(limited, key, "application", owner, "grow-three"), Code.FailedPrecondition, "application_limit_reached");

  const d = await rejects(
    grpcClient(limited, UserRegistry, key).update({ user: { ids: { userId: "grower" }, applicationLimit: 100n }, fieldMask: { paths: ["application_limit"] } }),
    Code.PermissionDenied, "update_admin_field",
  );
  assert.equal(d.attributes, { field: "application_limit" });
  httpError(await api(limited, "PUT", "/users/grower", { key, body: { user: { application_limit: "100" }, field_mask: { paths: ["application_limit"] } } }), 403, "update_admin_field");

  const updated = await grpcClient(limited, UserRegistry, limited.adminAPIKey).update({ user: { ids: { userId: "grower" }, applicationLimit: 3n }, fieldMask: { paths: ["application_limit"] } });
  assert.is(updated.applicationLimit, 3n);
  assert.is((await getUser(limited, key, "grower", ["application_limit"])).applicationLimit, 3n);
  await createGrpc(limited, key, "application", owner, "grow-three");
  await rejects(createGrpc(limited, key, "application", owner, "grow-four"), Code.FailedPrecondition, "application_limit_reached");

  // Over HTTP, the admin clears the limit: no limit at all.
  const res = await api(limited, "PUT", "/users/grower", { key: limited.adminAPIKey, body: { user: {}, field_mask: { paths: ["application_limit"] } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is((await getUser(limited, key, "grower", ["application_limit"])).applicationLimit, undefined);
  for (const n of ["four", "five", "six"]) await createGrpc(limited, key, "application", owner, `grow-${n}`);
});

it("organization and application limits: only admins update them", async () => {
  const key = await register(limited, "manager");
  await createOrg(limited, key, "manager", "managed-org");
  const orgs = grpcClient(limited, OrganizationRegistry, key);
  await rejects(
    orgs.update({ organization: { ids: { organizationId: "managed-org" }, applicationLimit: 10n }, fieldMask: { paths: ["application_limit"] } }),
    Code.PermissionDenied, "update_admin_field",
  );
  const o = await grpcClient(limited, OrganizationRegistry, limited.adminAPIKey).update({
    organization: { ids: { organizationId: "managed-org" }, gatewayLimit: 5n }, fieldMask: { paths: ["gateway_limit"] },
  });
  assert.is(o.gatewayLimit, 5n);

  await createGrpc(limited, key, "application", { kind: "user", id: "manager" }, "managed-app");
  const apps = grpcClient(limited, ApplicationRegistry, key);
  await rejects(
    apps.update({ application: { ids: { applicationId: "managed-app" }, endDeviceLimit: 10n }, fieldMask: { paths: ["end_device_limit"] } }),
    Code.PermissionDenied, "update_admin_field",
  );
  httpError(await api(limited, "PUT", "/applications/managed-app", { key, body: { application: { end_device_limit: "10" }, field_mask: { paths: ["end_device_limit"] } } }), 403, "update_admin_field");
  const a = await grpcClient(limited, ApplicationRegistry, limited.adminAPIKey).update({
    application: { ids: { applicationId: "managed-app" }, endDeviceLimit: 3n }, fieldMask: { paths: ["end_device_limit"] },
  });
  assert.is(a.endDeviceLimit, 3n);
  // Other fields stay the owner's to change.
  await apps.update({ application: { ids: { applicationId: "managed-app" }, name: "Renamed" }, fieldMask: { paths: ["name"] } });
});

// ---- end devices -----------------------------------------------------------

it("end device limit: two succeed (gRPC, HTTP), a third fails with end_device_limit_reached; deleting makes room", async () => {
  const key = await register(limited, "fleet");
  await createGrpc(limited, key, "application", { kind: "user", id: "fleet" }, "fleet-app");
  await createDevice(limited, key, "fleet-app", "dev-one");
  const res = await api(limited, "POST", "/applications/fleet-app/devices", { key, body: { end_device: { ids: { device_id: "dev-two" } } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  const d = await rejects(createDevice(limited, key, "fleet-app", "dev-three"), Code.FailedPrecondition, "end_device_limit_reached");
  assert.equal(d.attributes, { owner_kind: "application", owner_id: "fleet-app", limit: "2" });
  httpError(await api(limited, "POST", "/applications/fleet-app/devices", { key, body: { end_device: { ids: { device_id: "dev-three" } } } }), 400, "end_device_limit_reached");
  await rejects(grpcClient(limited, EndDeviceRegistry, key).get({ endDeviceIds: { applicationIds: { applicationId: "fleet-app" }, deviceId: "dev-three" } }), Code.NotFound, "end_device_not_found");

  await grpcClient(limited, EndDeviceRegistry, key).delete({ applicationIds: { applicationId: "fleet-app" }, deviceId: "dev-one" });
  await createDevice(limited, key, "fleet-app", "dev-three");

  // An admin raises the limit; concurrent creates stop exactly there.
  await grpcClient(limited, ApplicationRegistry, limited.adminAPIKey).update({ application: { ids: { applicationId: "fleet-app" }, endDeviceLimit: 5n }, fieldMask: { paths: ["end_device_limit"] } });
  const results = await Promise.allSettled([0, 1, 2, 3, 4, 5].map((n) => createDevice(limited, key, "fleet-app", `race-${n}`)));
  assert.is(results.filter((r) => r.status === "fulfilled").length, 3);

  const openKey = await register(unlimited, "fleet");
  await createGrpc(unlimited, openKey, "application", { kind: "user", id: "fleet" }, "fleet-app");
  for (const n of ["a", "b", "c"]) await createDevice(unlimited, openKey, "fleet-app", `dev-${n}`);
});

// ---- organization membership -------------------------------------------------

it("adding a user to an organization respects the user's organization limit; changing a member's rights does not count", async () => {
  const ownerKey = await register(limited, "club-owner");
  await createOrg(limited, ownerKey, "club-owner", "club");
  const joinerKey = await register(limited, "joiner");
  const access = grpcClient(limited, OrganizationAccess, ownerKey);
  const member = (id: string, rights: number[]) => ({ organizationIds: { organizationId: "club" }, collaborator: { ids: user(id), rights } });
  await access.setCollaborator(member("joiner", [R("RIGHT_ORGANIZATION_INFO")]));
  await createOrg(limited, joinerKey, "joiner", "joiner-org"); // second organization: at the limit
  await rejects(createOrg(limited, joinerKey, "joiner", "joiner-org-2"), Code.FailedPrecondition, "organization_limit_reached");
  // An existing member's rights change freely.
  await access.setCollaborator(member("joiner", [R("RIGHT_ORGANIZATION_INFO"), R("RIGHT_ORGANIZATION_SETTINGS_BASIC")]));

  const fullKey = await register(limited, "full");
  await createOrg(limited, fullKey, "full", "full-one");
  await createOrg(limited, fullKey, "full", "full-two");
  const d = await rejects(access.setCollaborator(member("full", [R("RIGHT_ORGANIZATION_INFO")])), Code.FailedPrecondition, "organization_limit_reached");
  assert.equal(d.attributes, { owner_kind: "user", owner_id: "full", limit: "2" });
  httpError(
    await api(limited, "PUT", "/organizations/club/collaborators", { key: ownerKey, body: { collaborator: { ids: { user_ids: { user_id: "full" } }, rights: ["RIGHT_ORGANIZATION_INFO"] } } }),
    400, "organization_limit_reached",
  );
});

test.after(async () => {
  await limited.close();
  await unlimited.close();
});

test.run();
