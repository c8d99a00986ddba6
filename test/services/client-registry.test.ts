// ClientRegistry against a real server: gRPC, Connect and /api/v3 JSON.
// Permission-denied cases first, then each method's behaviour (spec §1
// ClientRegistry, §2.3 Client, §2.7 client state, §3.1, §5.2).
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ClientSchema, GrantType } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { ClientAccess, ClientRegistry } from "../../gen/ttn/lorawan/v3/client_services_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { OrganizationSchema } from "../../gen/ttn/lorawan/v3/organization_pb.js";
import type { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { verifyClientSecret } from "../../src/auth/client-secrets.js";
import { createHashPool } from "../../src/auth/hash-pool.js";
import { createPasswordHasher } from "../../src/auth/passwords.js";
import { rightName } from "../../src/rights/algebra.js";
import type { Store } from "../../src/store/interfaces.js";
import { api, connectClient, grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { it, rejects, httpError, user, org, userRef, orgRef } from "../helpers/expect.js";

// ---- local helpers -------------------------------------------------------

// Client secrets: a keyed hash when generated, argon2id when chosen, PBKDF2 for fixtures.
const verifySecret = (secret: string, stored: string) => verifyClientSecret(createPasswordHasher({ memoryCost: 64, timeCost: 1 }, createHashPool()), secret, stored);
const cliIds = (id: string) => ({ clientId: id });
const cliRef = (id: string) => ({ kind: "client" as const, id });
const names = (rights: readonly Right[]) => [...rights].sort((a, b) => a - b).map(rightName);
const clientRights = ["RIGHT_CLIENT_ALL", "RIGHT_CLIENT_INFO", "RIGHT_CLIENT_SETTINGS_BASIC", "RIGHT_CLIENT_SETTINGS_COLLABORATORS", "RIGHT_CLIENT_DELETE"];

/** An organization with `members` (user ID -> rights), written straight to the store. */
async function organization(store: Store, id: string, members: Record<string, Right[]>): Promise<void> {
  await store.organizations.create(create(OrganizationSchema, { ids: { organizationId: id }, name: `Organization ${id}` }));
  for (const [member, rights] of Object.entries(members)) await store.memberships.set(orgRef(id), userRef(member), rights);
}

// ---- the world -----------------------------------------------------------

let clockOffset = 0; // ms added to the server's clock (restore window tests)
const server = await startTestServer({}, { now: () => new Date(Date.now() + clockOffset) });
const restricted = await startTestServer({ "is.user-rights.create-clients": false });
const otherTenant = await startTestServer();
const p = server.population;
const store = p.store;

const alice = await p.user({ id: "alice" });
const bob = await p.user({ id: "bob" });
const carol = await p.user({ id: "carol" });
const olga = await p.user({ id: "olga" }); // member of acme with ORGANIZATION_INFO only

// A member's rights on acme's clients are the intersection of her rights in acme and acme's rights on the client.
await organization(store, "acme", { alice: [R("RIGHT_ORGANIZATION_ALL"), R("RIGHT_CLIENT_ALL")], olga: [R("RIGHT_ORGANIZATION_INFO")] });
await organization(store, "other-org", { carol: [R("RIGHT_ORGANIZATION_ALL")] });

const reg = (key?: string) => grpcClient(server, ClientRegistry, key);
const access = (key?: string) => grpcClient(server, ClientAccess, key);
const adminReg = reg(server.adminAPIKey);

const aliceClient = await p.oauthClient(userRef("alice"), { id: "alice-client", name: "Alice's client" });
await store.clients.update(aliceClient, create(ClientSchema, {
  description: "private description",
  attributes: { "some-key": "v" },
  redirectUris: ["https://alice.example.com/callback"],
  rights: [R("RIGHT_USER_INFO")],
}), ["description", "attributes", "redirect_uris", "rights"]);
const acmeClient = await p.oauthClient(orgRef("acme"), { id: "acme-client", name: "Acme's client" });

// ---- permission denied ---------------------------------------------------

it("no credentials: every method answers unauthenticated (gRPC and HTTP)", async () => {
  const anon = reg();
  await rejects(anon.create({ client: { ids: cliIds("anon-client") }, collaborator: user("alice") }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.get({ clientIds: cliIds(aliceClient), fieldMask: { paths: ["name"] } }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.list({}), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.update({ client: { ids: cliIds(aliceClient), name: "x" }, fieldMask: { paths: ["name"] } }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.delete(cliIds(aliceClient)), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.restore(cliIds(aliceClient)), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.purge(cliIds(aliceClient)), Code.Unauthenticated, "unauthenticated");

  httpError(await api(server, "POST", "/users/alice/clients", { body: { client: { ids: { client_id: "anon-client" } } } }), 401, "unauthenticated");
  httpError(await api(server, "GET", `/clients/${aliceClient}?field_mask=name`), 401, "unauthenticated");
  httpError(await api(server, "GET", "/clients"), 401, "unauthenticated");
  httpError(await api(server, "PUT", `/clients/${aliceClient}`, { body: { client: { name: "x" }, field_mask: { paths: ["name"] } } }), 401, "unauthenticated");
  httpError(await api(server, "DELETE", `/clients/${aliceClient}`), 401, "unauthenticated");
  httpError(await api(server, "POST", `/clients/${aliceClient}/restore`), 401, "unauthenticated");
  httpError(await api(server, "DELETE", `/clients/${aliceClient}/purge`), 401, "unauthenticated");
  assert.is((await store.clients.get(aliceClient)).name, "Alice's client");
  await rejects(store.clients.get("anon-client", { includeDeleted: true }), Code.NotFound, "client_not_found");
});

it("a key of another tenant is unknown here", async () => {
  await rejects(reg(otherTenant.adminAPIKey).get({ clientIds: cliIds(aliceClient) }), Code.Unauthenticated, "api_key_not_found");
  httpError(await api(server, "GET", "/clients", { key: otherTenant.adminAPIKey }), 401, "api_key_not_found");
});

it("another user's key: no rights on the client, nor on its owner", async () => {
  const bobs = reg(bob.apiKey);
  await rejects(bobs.get({ clientIds: cliIds(aliceClient), fieldMask: { paths: ["attributes"] } }), Code.PermissionDenied, "no_client_rights");
  await rejects(bobs.update({ client: { ids: cliIds(aliceClient), name: "mine" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_client_rights");
  await rejects(bobs.delete(cliIds(aliceClient)), Code.PermissionDenied, "no_client_rights");
  await rejects(bobs.restore(cliIds(aliceClient)), Code.PermissionDenied, "no_client_rights");
  await rejects(bobs.purge(cliIds(aliceClient)), Code.PermissionDenied, "admins_purge_clients");
  await rejects(bobs.create({ client: { ids: cliIds("bob-for-alice") }, collaborator: user("alice") }), Code.PermissionDenied, "no_user_rights");
  await rejects(bobs.list({ collaborator: user("alice") }), Code.PermissionDenied, "no_user_rights");
  httpError(await api(server, "PUT", `/clients/${aliceClient}`, { key: bob.apiKey, body: { client: { name: "mine" }, field_mask: { paths: ["name"] } } }), 403, "no_client_rights");
  httpError(await api(server, "DELETE", `/clients/${aliceClient}`, { key: bob.apiKey }), 403, "no_client_rights");
  httpError(await api(server, "POST", "/users/alice/clients", { key: bob.apiKey, body: { client: { ids: { client_id: "bob-for-alice" } } } }), 403, "no_user_rights");
  httpError(await api(server, "DELETE", `/clients/${aliceClient}/purge`, { key: bob.apiKey }), 403, "admins_purge_clients");
  const stored = await store.clients.get(aliceClient);
  assert.is(stored.name, "Alice's client");
  assert.is(stored.deletedAt, undefined);
  await rejects(store.clients.get("bob-for-alice", { includeDeleted: true }), Code.NotFound, "client_not_found");
});

it("a key without the right: insufficient rights naming the missing right", async () => {
  const infoOnly = await p.apiKey(userRef("alice"), R("RIGHT_CLIENT_INFO"));
  const c = reg(infoOnly);
  assert.is((await c.get({ clientIds: cliIds(aliceClient), fieldMask: { paths: ["description"] } })).description, "private description");
  let d = await rejects(c.update({ client: { ids: cliIds(aliceClient), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "insufficient_client_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_CLIENT_SETTINGS_BASIC"]);
  d = await rejects(c.delete(cliIds(aliceClient)), Code.PermissionDenied, "insufficient_client_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_CLIENT_DELETE"]);
  d = await rejects(c.restore(cliIds(aliceClient)), Code.PermissionDenied, "insufficient_client_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_CLIENT_DELETE"]);
  // Its rights on the user are the key's own, which lack USER_CLIENTS_CREATE / _LIST.
  d = await rejects(c.create({ client: { ids: cliIds("info-only-client") }, collaborator: user("alice") }), Code.PermissionDenied, "insufficient_user_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_USER_CLIENTS_CREATE"]);
  d = await rejects(c.list({ collaborator: user("alice") }), Code.PermissionDenied, "insufficient_user_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_USER_CLIENTS_LIST"]);
  const h = httpError(await api(server, "PUT", `/clients/${aliceClient}`, { key: infoOnly, body: { client: { name: "x" }, field_mask: { paths: ["name"] } } }), 403, "insufficient_client_rights");
  assert.equal(h.attributes.missing, ["RIGHT_CLIENT_SETTINGS_BASIC"]);
  // A user key with USER_CLIENTS_CREATE but not the list right, and the other way round.
  const createOnly = await p.apiKey(userRef("alice"), R("RIGHT_USER_CLIENTS_CREATE"));
  await rejects(reg(createOnly).list({ collaborator: user("alice") }), Code.PermissionDenied, "insufficient_user_rights");
  const listOnly = await p.apiKey(userRef("alice"), R("RIGHT_USER_CLIENTS_LIST"));
  await rejects(reg(listOnly).create({ client: { ids: cliIds("list-only-client") }, collaborator: user("alice") }), Code.PermissionDenied, "insufficient_user_rights");
  // A key without client rights reaches nothing of the user's clients.
  const userInfo = await p.apiKey(userRef("alice"), R("RIGHT_USER_INFO"));
  await rejects(reg(userInfo).get({ clientIds: cliIds(aliceClient), fieldMask: { paths: ["attributes"] } }), Code.PermissionDenied, "no_client_rights");
  assert.is((await store.clients.get(aliceClient)).name, "Alice's client");
  await rejects(store.clients.get("info-only-client", { includeDeleted: true }), Code.NotFound, "client_not_found");
  await rejects(store.clients.get("list-only-client", { includeDeleted: true }), Code.NotFound, "client_not_found");
});

it("a member of another organization: no rights on the organization's client", async () => {
  const c = reg(carol.apiKey);
  await rejects(c.get({ clientIds: cliIds(acmeClient), fieldMask: { paths: ["attributes"] } }), Code.PermissionDenied, "no_client_rights");
  await rejects(c.update({ client: { ids: cliIds(acmeClient), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_client_rights");
  await rejects(c.delete(cliIds(acmeClient)), Code.PermissionDenied, "no_client_rights");
  await rejects(c.create({ client: { ids: cliIds("carol-in-acme") }, collaborator: org("acme") }), Code.PermissionDenied, "no_organization_rights");
  await rejects(c.list({ collaborator: org("acme") }), Code.PermissionDenied, "no_organization_rights");
  httpError(await api(server, "POST", "/organizations/acme/clients", { key: carol.apiKey, body: { client: { ids: { client_id: "carol-in-acme" } } } }), 403, "no_organization_rights");
  httpError(await api(server, "GET", "/organizations/acme/clients", { key: carol.apiKey }), 403, "no_organization_rights");
  // Her own organization's clients list does not include acme's.
  assert.equal((await c.list({ collaborator: org("other-org") })).clients, []);
  // A member of acme with ORGANIZATION_INFO only may not create there: the missing right is named.
  const d = await rejects(reg(olga.apiKey).create({ client: { ids: cliIds("olga-in-acme") }, collaborator: org("acme") }), Code.PermissionDenied, "insufficient_organization_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_ORGANIZATION_CLIENTS_CREATE"]);
  await rejects(store.clients.get("carol-in-acme", { includeDeleted: true }), Code.NotFound, "client_not_found");
  await rejects(store.clients.get("olga-in-acme", { includeDeleted: true }), Code.NotFound, "client_not_found");
});

it("a user who is not approved cannot read or create clients", async () => {
  const pete = await p.user({ id: "pete", state: State.REQUESTED });
  await rejects(reg(pete.apiKey).get({ clientIds: cliIds(aliceClient), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "user_requested");
  await rejects(reg(pete.apiKey).create({ client: { ids: cliIds("pete-client") }, collaborator: user("pete") }), Code.PermissionDenied, "insufficient_user_rights");
  await rejects(store.clients.get("pete-client", { includeDeleted: true }), Code.NotFound, "client_not_found");
});

// ---- Create --------------------------------------------------------------

it("Create by a non-admin: requested state, no privileges, creator owns it, secret returned once and stored hashed", async () => {
  const created = await reg(alice.apiKey).create({
    client: {
      ids: cliIds("alice-new"),
      name: "New",
      secret: "my-client-secret",
      redirectUris: ["https://app.example.com/oauth/callback", "myapp:/callback"],
      logoutRedirectUris: ["http://localhost:8080/logged-out"],
      grants: [GrantType.GRANT_AUTHORIZATION_CODE, GrantType.GRANT_REFRESH_TOKEN],
      rights: [R("RIGHT_USER_INFO"), R("RIGHT_APPLICATION_INFO")],
      // Asked for, but not granted to non-admins:
      state: State.APPROVED,
      stateDescription: "looks fine to me",
      skipAuthorization: true,
      endorsed: true,
    },
    collaborator: user("alice"),
  });
  assert.is(created.ids?.clientId, "alice-new");
  assert.is(created.secret, "my-client-secret");
  assert.is(created.state, State.REQUESTED);
  assert.is(created.stateDescription, "admin approval required");
  assert.is(created.skipAuthorization, false);
  assert.is(created.endorsed, false);
  assert.equal(created.grants, [GrantType.GRANT_AUTHORIZATION_CODE, GrantType.GRANT_REFRESH_TOKEN]);
  assert.equal(created.redirectUris, ["https://app.example.com/oauth/callback", "myapp:/callback"]);
  assert.is((created.administrativeContact?.ids.value as { userId: string }).userId, "alice");
  assert.is((created.technicalContact?.ids.value as { userId: string }).userId, "alice");

  const stored = await store.clients.get("alice-new");
  assert.is.not(stored.secret, "my-client-secret");
  assert.ok(!stored.secret.includes("my-client-secret"));
  assert.ok(await verifySecret("my-client-secret", stored.secret), "the stored hash verifies the secret");
  assert.not.ok(await verifySecret("another-secret", stored.secret));
  assert.is(stored.state, State.REQUESTED);
  assert.is(stored.stateDescription, "admin approval required");
  assert.is(stored.skipAuthorization, false);
  assert.is(stored.endorsed, false);
  assert.equal(stored.rights, [R("RIGHT_USER_INFO"), R("RIGHT_APPLICATION_INFO")]);
  assert.equal((await store.memberships.get(cliRef("alice-new"), userRef("alice"))).rights, [R("RIGHT_CLIENT_ALL")]);
  assert.equal(names((await access(alice.apiKey).listRights(cliIds("alice-new"))).rights), clientRights);
});

it("Create without a secret: the server generates one, returns it once and stores its hash", async () => {
  const res = await api(server, "POST", "/users/alice/clients", { key: alice.apiKey, body: { client: { ids: { client_id: "generated-secret" }, name: "Over HTTP" } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  const secret: string = res.body.secret;
  assert.ok(typeof secret === "string" && secret.length >= 32, `generated secret ${secret}`);
  assert.is(res.body.state, undefined, "STATE_REQUESTED is the zero value, omitted from JSON");
  assert.is(res.body.state_description, "admin approval required");
  assert.equal(res.body.administrative_contact, { user_ids: { user_id: "alice" } });
  const stored = await store.clients.get("generated-secret");
  assert.ok(await verifySecret(secret, stored.secret));
  assert.is.not(stored.secret, secret);
  // Another create gets another secret.
  const other = await reg(alice.apiKey).create({ client: { ids: cliIds("generated-secret-2") }, collaborator: user("alice") });
  assert.ok(other.secret.length >= 32 && other.secret !== secret);
});

it("the secret is never readable after Create: forbidden in read masks, absent from every response", async () => {
  const c = reg(alice.apiKey);
  let d = await rejects(c.get({ clientIds: cliIds("alice-new"), fieldMask: { paths: ["secret"] } }), Code.InvalidArgument, "field_mask_paths");
  assert.equal(d.attributes?.forbidden_paths, ["secret"]);
  d = await rejects(c.list({ fieldMask: { paths: ["name", "secret"] } }), Code.InvalidArgument, "field_mask_paths");
  assert.is(d.namespace, "pkg/rpcmiddleware/validator");
  await rejects(adminReg.get({ clientIds: cliIds("alice-new"), fieldMask: { paths: ["secret"] } }), Code.InvalidArgument, "field_mask_paths");
  httpError(await api(server, "GET", "/clients/alice-new?field_mask=secret", { key: alice.apiKey }), 400, "field_mask_paths");
  // Every other field at once: no secret.
  const everything = ["name", "description", "attributes", "contact_info", "administrative_contact", "technical_contact", "redirect_uris", "logout_redirect_uris", "state", "state_description", "skip_authorization", "endorsed", "grants", "rights"];
  const got = await c.get({ clientIds: cliIds("alice-new"), fieldMask: { paths: everything } });
  assert.is(got.secret, "");
  assert.is(got.name, "New");
  const res = await api(server, "GET", `/clients/alice-new?field_mask=${everything.join(",")}`, { key: server.adminAPIKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.secret, undefined);
  const listed = await adminReg.list({ fieldMask: { paths: everything } });
  assert.ok(listed.clients.length > 0);
  assert.ok(listed.clients.every((x) => x.secret === ""));
});

it("Create by an admin: state, description, skip_authorization and endorsed are kept", async () => {
  const created = await adminReg.create({
    client: { ids: cliIds("admin-client"), state: State.APPROVED, stateDescription: "official", skipAuthorization: true, endorsed: true, grants: [GrantType.GRANT_PASSWORD] },
    collaborator: user("admin"),
  });
  assert.is(created.state, State.APPROVED);
  assert.is(created.stateDescription, "official");
  assert.is(created.skipAuthorization, true);
  assert.is(created.endorsed, true);
  const stored = await store.clients.get("admin-client");
  assert.is(stored.state, State.APPROVED);
  assert.is(stored.skipAuthorization, true);
  assert.is(stored.endorsed, true);
  // For another user's account too; the client is not forced into review since an admin made it.
  const res = await api(server, "POST", "/users/bob/clients", { key: server.adminAPIKey, body: { client: { ids: { client_id: "for-bob" }, state: "STATE_APPROVED" } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.state, "STATE_APPROVED");
  assert.equal((await store.memberships.get(cliRef("for-bob"), userRef("bob"))).rights, [R("RIGHT_CLIENT_ALL")]);
  assert.equal(res.body.administrative_contact, { user_ids: { user_id: "bob" } });
});

it("Create under an organization: the organization owns it, members reach it through the organization", async () => {
  const res = await api(server, "POST", "/organizations/acme/clients", { key: alice.apiKey, body: { client: { ids: { client_id: "acme-new" }, name: "Acme new" } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.state_description, "admin approval required");
  assert.equal(res.body.administrative_contact, { organization_ids: { organization_id: "acme" } });
  assert.equal((await store.memberships.get(cliRef("acme-new"), orgRef("acme"))).rights, [R("RIGHT_CLIENT_ALL")]);
  await rejects(store.memberships.get(cliRef("acme-new"), userRef("alice")), Code.NotFound, "membership_not_found");
  assert.equal(names((await access(alice.apiKey).listRights(cliIds("acme-new"))).rights), clientRights);
  // olga's membership in acme carries no client rights.
  assert.equal((await access(olga.apiKey).listRights(cliIds("acme-new"))).rights, []);
  // Contacts may only name the collaborator.
  await rejects(
    reg(alice.apiKey).create({ client: { ids: cliIds("acme-contact"), technicalContact: user("alice") }, collaborator: org("acme") }),
    Code.InvalidArgument,
    "contact_no_collaborator",
  );
});

it("Create without a collaborator is a validation error naming collaborator", async () => {
  const d = await rejects(reg(alice.apiKey).create({ client: { ids: cliIds("no-collab") } }), Code.InvalidArgument, "validation");
  assert.is(d.attributes?.field, "collaborator");
});

it("is.user-rights.create-clients=false: non-admins get admins_create_clients, organizations and admins still create", async () => {
  const rp = restricted.population;
  const dave = await rp.user({ id: "dave" });
  const d = await rejects(
    grpcClient(restricted, ClientRegistry, dave.apiKey).create({ client: { ids: cliIds("dave-client") }, collaborator: user("dave") }),
    Code.PermissionDenied,
    "admins_create_clients",
  );
  assert.is(d.namespace, "pkg/identityserver");
  httpError(await api(restricted, "POST", "/users/dave/clients", { key: dave.apiKey, body: { client: { ids: { client_id: "dave-client" } } } }), 403, "admins_create_clients");
  await rejects(rp.store.clients.get("dave-client", { includeDeleted: true }), Code.NotFound, "client_not_found");

  await organization(rp.store, "dave-org", { dave: [R("RIGHT_ORGANIZATION_ALL")] });
  const inOrg = await grpcClient(restricted, ClientRegistry, dave.apiKey).create({ client: { ids: cliIds("dave-org-client") }, collaborator: org("dave-org") });
  assert.is(inOrg.state, State.REQUESTED);

  const own = await grpcClient(restricted, ClientRegistry, restricted.adminAPIKey).create({ client: { ids: cliIds("admin-own") }, collaborator: user("admin") });
  assert.is(own.ids?.clientId, "admin-own");
});

it("Create: invalid client IDs and reserved IDs name client.ids.client_id", async () => {
  const c = reg(alice.apiKey);
  for (const id of ["", "ab", "Upper-case", "-lead", "trail-", "dou--ble", "under_score", "a".repeat(37)]) {
    const d = await rejects(c.create({ client: { ids: cliIds(id) }, collaborator: user("alice") }), Code.InvalidArgument, "validation");
    assert.is(d.attributes?.field, "client.ids.client_id", `id ${JSON.stringify(id)}`);
  }
  const d = httpError(await api(server, "POST", "/users/alice/clients", { key: alice.apiKey, body: { client: { ids: { client_id: "Bad_ID" } } } }), 400, "validation");
  assert.is(d.attributes.field, "client.ids.client_id");
  const f = await rejects(c.create({ client: { ids: cliIds("admin") }, collaborator: user("alice") }), Code.InvalidArgument, "forbidden_id");
  assert.is(f.namespace, "pkg/identityserver/blocklist");
});

it("Create: field validation names the field", async () => {
  const c = reg(alice.apiKey);
  const long = `https://example.com/${"p".repeat(110)}`;
  const many = Array.from({ length: 11 }, (_, i) => `https://example.com/cb${i}`);
  const cases: [Record<string, unknown>, string][] = [
    [{ name: "n".repeat(51) }, "client.name"],
    [{ description: "d".repeat(2001) }, "client.description"],
    [{ attributes: { "Bad Key": "v" } }, "client.attributes"],
    [{ secret: "s".repeat(129) }, "client.secret"],
    // The stack's `local-callback`, `code` and paths on this server are taken (test/oauth/cli-redirect.test.ts); not other relative ones.
    [{ redirectUris: ["callback"] }, "client.redirect_uris"],
    [{ redirectUris: ["//elsewhere.example.com/cb"] }, "client.redirect_uris"],
    [{ logoutRedirectUris: ["local-callback"] }, "client.logout_redirect_uris"],
    [{ redirectUris: ["https://example.com/cb", "not a uri"] }, "client.redirect_uris"],
    [{ redirectUris: ["https://example.com/cb#fragment"] }, "client.redirect_uris"],
    [{ redirectUris: [long] }, "client.redirect_uris"],
    [{ redirectUris: many }, "client.redirect_uris"],
    [{ logoutRedirectUris: ["example.com/logout"] }, "client.logout_redirect_uris"],
    [{ logoutRedirectUris: many }, "client.logout_redirect_uris"],
    [{ grants: [GrantType.GRANT_PASSWORD, 7] }, "client.grants"],
    [{ rights: [R("RIGHT_USER_INFO"), 9999] }, "client.rights"],
    [{ rights: [R("RIGHT_USER_INFO"), R("RIGHT_USER_INFO")] }, "client.rights"],
    [{ stateDescription: "s".repeat(129) }, "client.state_description"],
    [{ state: 9 }, "client.state"],
  ];
  for (const [fields, field] of cases) {
    const d = await rejects(c.create({ client: { ids: cliIds("invalid-fields"), ...fields }, collaborator: user("alice") }), Code.InvalidArgument, "validation");
    assert.is(d.attributes?.field, field, JSON.stringify(fields));
    assert.is(d.namespace, "pkg/errors");
  }
  const h = httpError(
    await api(server, "POST", "/users/alice/clients", { key: alice.apiKey, body: { client: { ids: { client_id: "invalid-fields" }, redirect_uris: ["nope"] } } }),
    400,
    "validation",
  );
  assert.is(h.attributes.field, "client.redirect_uris");
  await rejects(store.clients.get("invalid-fields", { includeDeleted: true }), Code.NotFound, "client_not_found");
  // The limits themselves are fine: 10 URIs of 128 characters, a 128-character secret.
  const exact = `https://example.com/${"p".repeat(108)}`;
  assert.is(exact.length, 128);
  const ok = await c.create({
    client: { ids: cliIds("at-the-limits"), secret: "s".repeat(128), redirectUris: Array(10).fill(exact), logoutRedirectUris: [exact] },
    collaborator: user("alice"),
  });
  assert.is(ok.redirectUris.length, 10);
});

it("Create: a taken ID is id_taken, also while the first client is only deleted", async () => {
  const c = reg(alice.apiKey);
  await c.create({ client: { ids: cliIds("dup-client") }, collaborator: user("alice") });
  await rejects(c.create({ client: { ids: cliIds("dup-client") }, collaborator: user("alice") }), Code.AlreadyExists, "id_taken");
  httpError(await api(server, "POST", "/users/bob/clients", { key: bob.apiKey, body: { client: { ids: { client_id: "dup-client" } } } }), 409, "id_taken");
  await c.delete(cliIds("dup-client"));
  await rejects(reg(bob.apiKey).create({ client: { ids: cliIds("dup-client") }, collaborator: user("bob") }), Code.AlreadyExists, "id_taken");
  await rejects(store.memberships.get(cliRef("dup-client"), userRef("bob")), Code.NotFound, "membership_not_found");
});

// ---- Get -----------------------------------------------------------------

it("Get: only the masked fields plus ids, created_at, updated_at (gRPC, Connect, HTTP)", async () => {
  const c = reg(alice.apiKey);
  const got = await c.get({ clientIds: cliIds(aliceClient), fieldMask: { paths: ["name", "redirect_uris"] } });
  assert.is(got.name, "Alice's client");
  assert.equal(got.redirectUris, ["https://alice.example.com/callback"]);
  assert.is(got.description, "");
  assert.equal(got.attributes, {});
  assert.ok(got.createdAt && got.updatedAt);
  const empty = await c.get({ clientIds: cliIds(aliceClient) });
  assert.is(empty.name, "");
  assert.is(empty.ids?.clientId, aliceClient);
  const res = await api(server, "GET", `/clients/${aliceClient}?field_mask=name,description,state`, { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(Object.keys(res.body).sort(), ["created_at", "description", "ids", "name", "state", "updated_at"]);
  assert.is(res.body.state, "STATE_APPROVED");
  const viaConnect = await connectClient(server, ClientRegistry, alice.apiKey).get({ clientIds: cliIds(aliceClient), fieldMask: { paths: ["description"] } });
  assert.is(viaConnect.description, "private description");
  // An unknown path is refused.
  await rejects(c.get({ clientIds: cliIds(aliceClient), fieldMask: { paths: ["no_such_field"] } }), Code.InvalidArgument, "field_mask_paths");
});

it("Get: other users read the public fields only", async () => {
  const c = reg(bob.apiKey);
  const pub = await c.get({
    clientIds: cliIds(aliceClient),
    fieldMask: { paths: ["name", "redirect_uris", "state", "rights", "grants", "endorsed", "skip_authorization", "administrative_contact", "description"] },
  });
  assert.is(pub.name, "Alice's client");
  assert.is(pub.description, "private description");
  assert.equal(pub.redirectUris, ["https://alice.example.com/callback"]);
  assert.equal(pub.rights, [R("RIGHT_USER_INFO")]);
  assert.is(pub.state, State.APPROVED);
  await rejects(c.get({ clientIds: cliIds(aliceClient), fieldMask: { paths: ["name", "attributes"] } }), Code.PermissionDenied, "no_client_rights");
  await rejects(c.get({ clientIds: cliIds(aliceClient), fieldMask: { paths: ["state_description"] } }), Code.PermissionDenied, "no_client_rights");
  httpError(await api(server, "GET", `/clients/${aliceClient}?field_mask=attributes`, { key: bob.apiKey }), 403, "no_client_rights");
});

it("Get of a client that does not exist: no rights for users, not found for admins", async () => {
  await rejects(reg(alice.apiKey).get({ clientIds: cliIds("no-such-client"), fieldMask: { paths: ["attributes"] } }), Code.PermissionDenied, "no_client_rights");
  await rejects(adminReg.get({ clientIds: cliIds("no-such-client") }), Code.NotFound, "client_not_found");
  httpError(await api(server, "GET", "/clients/no-such-client", { key: server.adminAPIKey }), 404, "client_not_found");
});

// ---- List ----------------------------------------------------------------

const listIds = (clients: { ids?: { clientId: string } }[]) => clients.map((c) => c.ids!.clientId).sort();

it("List without collaborator: the caller's clients, direct and through organizations; admins see all", async () => {
  const mine = await reg(alice.apiKey).list({ fieldMask: { paths: ["name"] } });
  const ids = listIds(mine.clients);
  for (const id of [aliceClient, acmeClient, "acme-new", "alice-new", "generated-secret"]) assert.ok(ids.includes(id), `${id} in ${ids}`);
  assert.not.ok(ids.includes("for-bob"));
  assert.not.ok(ids.includes("admin-client"));
  assert.not.ok(ids.includes("dup-client"), "deleted clients are not listed");
  const bobs = listIds((await reg(bob.apiKey).list({})).clients);
  assert.equal(bobs, ["for-bob"]);
  assert.equal((await reg(carol.apiKey).list({})).clients, []);
  const all = listIds((await adminReg.list({})).clients);
  for (const id of [aliceClient, acmeClient, "for-bob", "admin-client"]) assert.ok(all.includes(id), `${id} in ${all}`);
  const res = await api(server, "GET", "/clients?field_mask=name", { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(Number(res.headers.get("x-total-count")), ids.length);
});

it("List of an account: the user's or the organization's clients", async () => {
  const viaOrg = await api(server, "GET", "/organizations/acme/clients?field_mask=name", { key: alice.apiKey });
  assert.is(viaOrg.status, 200, JSON.stringify(viaOrg.body));
  assert.equal(viaOrg.body.clients.map((c: any) => c.ids.client_id).sort(), ["acme-client", "acme-new"]);
  const viaUser = await api(server, "GET", "/users/bob/clients", { key: bob.apiKey });
  assert.equal(viaUser.body.clients.map((c: any) => c.ids.client_id), ["for-bob"]);
  // Admins may list any account's clients.
  assert.equal(listIds((await adminReg.list({ collaborator: user("bob") })).clients), ["for-bob"]);
});

it("List: entries the caller may not read in full are reduced to public fields", async () => {
  const listOnly = await p.apiKey(userRef("alice"), R("RIGHT_USER_CLIENTS_LIST"));
  const listed = await reg(listOnly).list({ collaborator: user("alice"), fieldMask: { paths: ["name", "description", "attributes", "state_description"] } });
  const entry = listed.clients.find((c) => c.ids?.clientId === aliceClient)!;
  assert.is(entry.name, "Alice's client");
  assert.is(entry.description, "private description");
  assert.equal(entry.attributes, {});
  const full = await reg(alice.apiKey).list({ fieldMask: { paths: ["attributes"] } });
  assert.equal(full.clients.find((c) => c.ids?.clientId === aliceClient)!.attributes, { "some-key": "v" });
});

it("List: pagination, order and x-total-count", async () => {
  const pc = await p.user({ id: "pager" });
  for (const id of ["page-c", "page-a", "page-b"]) await p.oauthClient(userRef("pager"), { id, name: `Name ${id}` });
  const c = reg(pc.apiKey);
  const first = await api(server, "GET", "/clients?limit=2&page=1&order=client_id", { key: pc.apiKey });
  assert.is(first.headers.get("x-total-count"), "3");
  assert.equal(first.body.clients.map((x: any) => x.ids.client_id), ["page-a", "page-b"]);
  const second = await c.list({ limit: 2, page: 2, order: "client_id" });
  assert.equal(second.clients.map((x) => x.ids!.clientId), ["page-c"]);
  const desc = await c.list({ order: "-name", fieldMask: { paths: ["name"] } });
  assert.equal(desc.clients.map((x) => x.name), ["Name page-c", "Name page-b", "Name page-a"]);
  const d = await rejects(c.list({ order: "secret" }), Code.InvalidArgument, "validation");
  assert.is(d.attributes?.field, "order");
});

// ---- Update --------------------------------------------------------------

it("Update by a collaborator: masked fields change, others stay", async () => {
  const c = reg(alice.apiKey);
  const updated = await c.update({
    client: { ids: cliIds(aliceClient), name: "Renamed", description: "not in the mask", logoutRedirectUris: ["https://alice.example.com/bye"] },
    fieldMask: { paths: ["name", "logout_redirect_uris"] },
  });
  assert.is(updated.name, "Renamed");
  assert.equal(updated.logoutRedirectUris, ["https://alice.example.com/bye"]);
  assert.is(updated.description, "");
  const stored = await store.clients.get(aliceClient);
  assert.is(stored.name, "Renamed");
  assert.is(stored.description, "private description");
  assert.equal(stored.redirectUris, ["https://alice.example.com/callback"]);
  const res = await api(server, "PUT", `/clients/${aliceClient}`, { key: alice.apiKey, body: { client: { rights: ["RIGHT_USER_INFO", "RIGHT_GATEWAY_INFO"] }, field_mask: { paths: ["rights"] } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.rights, ["RIGHT_USER_INFO", "RIGHT_GATEWAY_INFO"]);
});

it("Update: admin-only fields are update_admin_field for collaborators", async () => {
  const c = reg(alice.apiKey);
  const values: Record<string, Record<string, unknown>> = {
    state: { state: State.APPROVED },
    state_description: { stateDescription: "please" },
    skip_authorization: { skipAuthorization: true },
    endorsed: { endorsed: true },
    grants: { grants: [GrantType.GRANT_PASSWORD] },
  };
  for (const [field, value] of Object.entries(values)) {
    const d = await rejects(c.update({ client: { ids: cliIds("alice-new"), ...value }, fieldMask: { paths: ["name", field] } }), Code.PermissionDenied, "update_admin_field");
    assert.is(d.attributes?.field, field);
    assert.is(d.namespace, "pkg/identityserver");
  }
  const h = httpError(await api(server, "PUT", "/clients/alice-new", { key: alice.apiKey, body: { client: { state: "STATE_APPROVED" }, field_mask: { paths: ["state"] } } }), 403, "update_admin_field");
  assert.is(h.attributes.field, "state");
  const stored = await store.clients.get("alice-new");
  assert.is(stored.state, State.REQUESTED);
  assert.is(stored.endorsed, false);
  assert.is(stored.name, "New");
});

it("Update by an admin: approval, and a state change without a description clears it", async () => {
  const approved = await adminReg.update({
    client: { ids: cliIds("alice-new"), state: State.APPROVED, stateDescription: "reviewed", endorsed: true, skipAuthorization: true, grants: [GrantType.GRANT_AUTHORIZATION_CODE] },
    fieldMask: { paths: ["state", "state_description", "endorsed", "skip_authorization", "grants"] },
  });
  assert.is(approved.state, State.APPROVED);
  assert.is(approved.stateDescription, "reviewed");
  let stored = await store.clients.get("alice-new");
  assert.is(stored.state, State.APPROVED);
  assert.is(stored.stateDescription, "reviewed");
  assert.is(stored.endorsed, true);
  assert.is(stored.skipAuthorization, true);
  assert.equal(stored.grants, [GrantType.GRANT_AUTHORIZATION_CODE]);
  // The owner now sees it approved.
  assert.is((await reg(alice.apiKey).get({ clientIds: cliIds("alice-new"), fieldMask: { paths: ["state"] } })).state, State.APPROVED);

  const res = await api(server, "PUT", "/clients/alice-new", { key: server.adminAPIKey, body: { client: { state: "STATE_SUSPENDED" }, field_mask: { paths: ["state"] } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.state, "STATE_SUSPENDED");
  stored = await store.clients.get("alice-new");
  assert.is(stored.state, State.SUSPENDED);
  assert.is(stored.stateDescription, "");
  const d = await rejects(adminReg.update({ client: { ids: cliIds("alice-new"), state: 42 as State }, fieldMask: { paths: ["state"] } }), Code.InvalidArgument, "validation");
  assert.is(d.attributes?.field, "client.state");
});

it("Update: a new secret is stored hashed and never returned", async () => {
  const updated = await reg(alice.apiKey).update({ client: { ids: cliIds(aliceClient), secret: "rotated-secret" }, fieldMask: { paths: ["secret"] } });
  assert.is(updated.secret, "");
  const stored = await store.clients.get(aliceClient);
  assert.ok(await verifySecret("rotated-secret", stored.secret));
  assert.not.ok(await verifySecret(`secret-of-${aliceClient}`, stored.secret));
  assert.is.not(stored.secret, "rotated-secret");
  const res = await api(server, "PUT", `/clients/${aliceClient}`, { key: alice.apiKey, body: { client: { secret: "over-http" }, field_mask: { paths: ["secret"] } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.secret, undefined);
  assert.ok(await verifySecret("over-http", (await store.clients.get(aliceClient)).secret));
});

it("Update: validation names the field; only masked fields are validated", async () => {
  const c = reg(alice.apiKey);
  let d = await rejects(c.update({ client: { ids: cliIds(aliceClient), redirectUris: ["relative"] }, fieldMask: { paths: ["redirect_uris"] } }), Code.InvalidArgument, "validation");
  assert.is(d.attributes?.field, "client.redirect_uris");
  d = await rejects(c.update({ client: { ids: cliIds(aliceClient), rights: [12345 as Right] }, fieldMask: { paths: ["rights"] } }), Code.InvalidArgument, "validation");
  assert.is(d.attributes?.field, "client.rights");
  d = await rejects(c.update({ client: { ids: cliIds(aliceClient), name: "n".repeat(51) }, fieldMask: { paths: ["name"] } }), Code.InvalidArgument, "validation");
  assert.is(d.attributes?.field, "client.name");
  const h = httpError(await api(server, "PUT", `/clients/${aliceClient}`, { key: alice.apiKey, body: { client: { logout_redirect_uris: ["x"] }, field_mask: { paths: ["logout_redirect_uris"] } } }), 400, "validation");
  assert.is(h.attributes.field, "client.logout_redirect_uris");
  // An invalid value outside the mask is ignored.
  const ok = await c.update({ client: { ids: cliIds(aliceClient), name: "Fine", redirectUris: ["relative"] }, fieldMask: { paths: ["name"] } });
  assert.is(ok.name, "Fine");
  await rejects(c.update({ client: { ids: cliIds(aliceClient) }, fieldMask: { paths: ["no_such_field"] } }), Code.InvalidArgument, "field_mask_paths");
  d = await rejects(c.update({ client: { ids: cliIds("X") }, fieldMask: { paths: ["name"] } }), Code.InvalidArgument, "validation");
  assert.is(d.attributes?.field, "client.ids.client_id");
});

it("Update: contacts must be collaborators", async () => {
  const d = await rejects(
    reg(alice.apiKey).update({ client: { ids: cliIds(aliceClient), technicalContact: user("bob") }, fieldMask: { paths: ["technical_contact"] } }),
    Code.InvalidArgument,
    "contact_no_collaborator",
  );
  assert.is(d.attributes?.contact, "bob");
});

// ---- Delete, Restore, Purge ----------------------------------------------

it("Delete: soft delete hides the client; Restore brings it back within the window", async () => {
  const c = reg(alice.apiKey);
  await c.create({ client: { ids: cliIds("to-delete"), name: "Doomed" }, collaborator: user("alice") });
  const res = await api(server, "DELETE", "/clients/to-delete", { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.ok((await store.clients.get("to-delete", { includeDeleted: true })).deletedAt);
  await rejects(c.get({ clientIds: cliIds("to-delete"), fieldMask: { paths: ["attributes"] } }), Code.PermissionDenied, "no_client_rights");
  // Public fields of live clients are readable by anyone signed in; a deleted one is gone.
  await rejects(c.get({ clientIds: cliIds("to-delete"), fieldMask: { paths: ["name"] } }), Code.NotFound, "client_not_found");
  await rejects(adminReg.get({ clientIds: cliIds("to-delete") }), Code.NotFound, "client_not_found");
  assert.not.ok(listIds((await c.list({})).clients).includes("to-delete"));
  const deleted = await c.list({ deleted: true, fieldMask: { paths: ["name"] } });
  const entry = deleted.clients.find((x) => x.ids?.clientId === "to-delete");
  assert.ok(entry?.deletedAt, "listed with deleted_at");
  assert.is(entry!.name, "Doomed");
  await rejects(c.delete(cliIds("to-delete")), Code.PermissionDenied, "no_client_rights");

  // Restore needs CLIENT_DELETE too; bob has none.
  await rejects(reg(bob.apiKey).restore(cliIds("to-delete")), Code.PermissionDenied, "no_client_rights");
  const restored = await api(server, "POST", "/clients/to-delete/restore", { key: alice.apiKey });
  assert.is(restored.status, 200, JSON.stringify(restored.body));
  assert.is((await store.clients.get("to-delete")).deletedAt, undefined);
  assert.is((await c.get({ clientIds: cliIds("to-delete"), fieldMask: { paths: ["name"] } })).name, "Doomed");
  await rejects(c.restore(cliIds("to-delete")), Code.FailedPrecondition, "not_deleted");
});

it("Restore after the restore window: restore_window_expired", async () => {
  const c = reg(alice.apiKey);
  await c.create({ client: { ids: cliIds("too-late") }, collaborator: user("alice") });
  await c.delete(cliIds("too-late"));
  clockOffset = 25 * 3600_000;
  try {
    await rejects(c.restore(cliIds("too-late")), Code.FailedPrecondition, "restore_window_expired");
  } finally {
    clockOffset = 0;
  }
  assert.ok((await store.clients.get("too-late", { includeDeleted: true })).deletedAt);
});

it("Purge: admins only; removes the client and its memberships and frees the ID", async () => {
  const c = reg(alice.apiKey);
  await c.create({ client: { ids: cliIds("to-purge") }, collaborator: user("alice") });
  await p.member(cliRef("to-purge"), userRef("bob"), R("RIGHT_CLIENT_INFO"));
  const d = await rejects(c.purge(cliIds("to-purge")), Code.PermissionDenied, "admins_purge_clients");
  assert.is(d.namespace, "pkg/identityserver");
  const res = await api(server, "DELETE", "/clients/to-purge/purge", { key: server.adminAPIKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  await rejects(store.clients.get("to-purge", { includeDeleted: true }), Code.NotFound, "client_not_found");
  assert.equal(await store.memberships.all(cliRef("to-purge")), []);
  // A deleted client can be purged as well, and the ID is free again.
  await c.delete(cliIds("dup-client")).catch(() => undefined);
  await adminReg.purge(cliIds("dup-client"));
  const again = await reg(bob.apiKey).create({ client: { ids: cliIds("dup-client") }, collaborator: user("bob") });
  assert.is(again.ids?.clientId, "dup-client");
  await rejects(adminReg.purge(cliIds("never-existed")), Code.NotFound, "client_not_found");
});

test.after(async () => {
  await server.close();
  await restricted.close();
  await otherTenant.close();
});
test.run();
