// ClientAccess against a real server: rights and collaborators of OAuth
// clients (clients have no API keys). Permission-denied cases first, then
// behaviour (spec §1 ClientAccess, §4.5, §7 collaborators).
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ClientAccess, ClientRegistry } from "../../gen/ttn/lorawan/v3/client_services_pb.js";
import { OrganizationSchema } from "../../gen/ttn/lorawan/v3/organization_pb.js";
import type { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { rightName } from "../../src/rights/algebra.js";
import { api, grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { it, rejects, httpError, user, org, userRef, orgRef } from "../helpers/expect.js";

// ---- local helpers -------------------------------------------------------

const cliIds = (id: string) => ({ clientId: id });
const cliRef = (id: string) => ({ kind: "client" as const, id });
const names = (rights: readonly Right[]) => [...rights].sort((a, b) => a - b).map(rightName);
const ownerRights = ["RIGHT_CLIENT_ALL", "RIGHT_CLIENT_INFO", "RIGHT_CLIENT_SETTINGS_BASIC", "RIGHT_CLIENT_SETTINGS_COLLABORATORS", "RIGHT_CLIENT_DELETE"];

// ---- the world -----------------------------------------------------------

const server = await startTestServer();
const p = server.population;
const store = p.store;

const owen = await p.user({ id: "owen" }); // owner of acc-client
const bob = await p.user({ id: "bob" }); // not a member
const manny = await p.user({ id: "manny" }); // manages collaborators, may not delete
const alice = await p.user({ id: "alice" }); // reaches acc-client through acme
const carol = await p.user({ id: "carol" }); // member of other-org only

for (const [id, members] of [
  ["acme", { alice: [R("RIGHT_ORGANIZATION_ALL"), R("RIGHT_CLIENT_ALL")] }],
  ["other-org", { carol: [R("RIGHT_ALL")] }],
] as const) {
  await store.organizations.create(create(OrganizationSchema, { ids: { organizationId: id }, name: id }));
  for (const [member, rights] of Object.entries(members)) await p.member(orgRef(id), userRef(member), ...rights);
}

const client = await p.oauthClient(userRef("owen"), { id: "acc-client", name: "Access" });
await p.oauthClient(orgRef("other-org"), { id: "other-client" });
await p.member(cliRef(client), userRef("manny"), R("RIGHT_CLIENT_INFO"), R("RIGHT_CLIENT_SETTINGS_COLLABORATORS"));
await p.member(cliRef(client), orgRef("acme"), R("RIGHT_CLIENT_INFO"));

const access = (key?: string) => grpcClient(server, ClientAccess, key);
const reg = (key?: string) => grpcClient(server, ClientRegistry, key);

// ---- permission denied ---------------------------------------------------

it("no credentials: every method answers unauthenticated (gRPC and HTTP)", async () => {
  const anon = access();
  await rejects(anon.listRights(cliIds(client)), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.getCollaborator({ clientIds: cliIds(client), collaborator: user("owen") }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.setCollaborator({ clientIds: cliIds(client), collaborator: { ids: user("bob"), rights: [R("RIGHT_CLIENT_INFO")] } }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.listCollaborators({ clientIds: cliIds(client) }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.deleteCollaborator({ clientIds: cliIds(client), collaboratorIds: user("manny") }), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "GET", `/clients/${client}/rights`), 401, "unauthenticated");
  httpError(await api(server, "GET", `/clients/${client}/collaborators`), 401, "unauthenticated");
  httpError(await api(server, "GET", `/clients/${client}/collaborator/user/owen`), 401, "unauthenticated");
  httpError(await api(server, "PUT", `/clients/${client}/collaborators`, { body: { collaborator: { ids: { user_ids: { user_id: "bob" } }, rights: ["RIGHT_CLIENT_INFO"] } } }), 401, "unauthenticated");
  httpError(await api(server, "DELETE", `/clients/${client}/collaborators/user/manny`), 401, "unauthenticated");
  assert.is((await store.memberships.all(cliRef(client))).length, 3);
});

it("another user's key: no rights (ListRights answers the empty set)", async () => {
  const c = access(bob.apiKey);
  assert.equal((await c.listRights(cliIds(client))).rights, []);
  await rejects(c.getCollaborator({ clientIds: cliIds(client), collaborator: user("owen") }), Code.PermissionDenied, "no_client_rights");
  await rejects(c.setCollaborator({ clientIds: cliIds(client), collaborator: { ids: user("bob"), rights: [R("RIGHT_CLIENT_ALL")] } }), Code.PermissionDenied, "no_client_rights");
  await rejects(c.listCollaborators({ clientIds: cliIds(client) }), Code.PermissionDenied, "no_client_rights");
  await rejects(c.deleteCollaborator({ clientIds: cliIds(client), collaboratorIds: user("manny") }), Code.PermissionDenied, "no_client_rights");
  httpError(await api(server, "PUT", `/clients/${client}/collaborators`, { key: bob.apiKey, body: { collaborator: { ids: { user_ids: { user_id: "bob" } }, rights: ["RIGHT_CLIENT_ALL"] } } }), 403, "no_client_rights");
  httpError(await api(server, "DELETE", `/clients/${client}/collaborators/user/manny`, { key: bob.apiKey }), 403, "no_client_rights");
  const rights = await api(server, "GET", `/clients/${client}/rights`, { key: bob.apiKey });
  assert.is(rights.status, 200, JSON.stringify(rights.body));
  assert.equal(rights.body.rights ?? [], []);
  await rejects(store.memberships.get(cliRef(client), userRef("bob")), Code.NotFound, "membership_not_found");
  assert.is((await store.memberships.all(cliRef(client))).length, 3);
});

it("a key without the right: insufficient_client_rights naming CLIENT_SETTINGS_COLLABORATORS", async () => {
  const infoOnly = await p.apiKey(userRef("owen"), R("RIGHT_CLIENT_INFO"));
  const c = access(infoOnly);
  assert.equal(names((await c.listRights(cliIds(client))).rights), ["RIGHT_CLIENT_INFO"]);
  let d = await rejects(c.getCollaborator({ clientIds: cliIds(client), collaborator: user("owen") }), Code.PermissionDenied, "insufficient_client_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_CLIENT_SETTINGS_COLLABORATORS"]);
  d = await rejects(c.setCollaborator({ clientIds: cliIds(client), collaborator: { ids: user("bob"), rights: [R("RIGHT_CLIENT_INFO")] } }), Code.PermissionDenied, "insufficient_client_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_CLIENT_SETTINGS_COLLABORATORS"]);
  await rejects(c.deleteCollaborator({ clientIds: cliIds(client), collaboratorIds: user("manny") }), Code.PermissionDenied, "insufficient_client_rights");
  const h = httpError(await api(server, "GET", `/clients/${client}/collaborator/user/owen`, { key: infoOnly }), 403, "insufficient_client_rights");
  assert.equal(h.attributes.missing, ["RIGHT_CLIENT_SETTINGS_COLLABORATORS"]);
  // Listing collaborators works, but shows identifiers only.
  const listed = await c.listCollaborators({ clientIds: cliIds(client) });
  assert.is(listed.collaborators.length, 3);
  assert.ok(listed.collaborators.every((m) => m.rights.length === 0));
  await rejects(store.memberships.get(cliRef(client), userRef("bob")), Code.NotFound, "membership_not_found");
});

it("a member of another organization: no rights on this client", async () => {
  const c = access(carol.apiKey);
  assert.equal((await c.listRights(cliIds(client))).rights, []);
  assert.equal(names((await c.listRights(cliIds("other-client"))).rights), ownerRights);
  await rejects(c.getCollaborator({ clientIds: cliIds(client), collaborator: user("owen") }), Code.PermissionDenied, "no_client_rights");
  await rejects(c.setCollaborator({ clientIds: cliIds(client), collaborator: { ids: org("other-org"), rights: [R("RIGHT_CLIENT_ALL")] } }), Code.PermissionDenied, "no_client_rights");
  await rejects(c.deleteCollaborator({ clientIds: cliIds(client), collaboratorIds: org("acme") }), Code.PermissionDenied, "no_client_rights");
  await rejects(c.listCollaborators({ clientIds: cliIds(client) }), Code.PermissionDenied, "no_client_rights");
  await rejects(store.memberships.get(cliRef(client), orgRef("other-org")), Code.NotFound, "membership_not_found");
});

// ---- ListRights ------------------------------------------------------------

it("ListRights: owner, member through an organization, admin, and a missing client", async () => {
  assert.equal(names((await access(owen.apiKey).listRights(cliIds(client))).rights), ownerRights);
  // Through acme: alice's CLIENT_ALL in acme ∩ acme's CLIENT_INFO on the client.
  assert.equal(names((await access(alice.apiKey).listRights(cliIds(client))).rights), ["RIGHT_CLIENT_INFO"]);
  const res = await api(server, "GET", `/clients/${client}/rights`, { key: manny.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal([...res.body.rights].sort(), ["RIGHT_CLIENT_INFO", "RIGHT_CLIENT_SETTINGS_COLLABORATORS"]);
  // Admins: every client right but _ALL (is.admin-rights.all is off).
  assert.equal(names((await access(server.adminAPIKey).listRights(cliIds(client))).rights), ownerRights.filter((r) => r !== "RIGHT_CLIENT_ALL"));
  assert.equal((await access(owen.apiKey).listRights(cliIds("no-such-client"))).rights, []);
  await rejects(access(server.adminAPIKey).listRights(cliIds("no-such-client")), Code.NotFound, "client_not_found");
  const d = await rejects(access(owen.apiKey).listRights(cliIds("No")), Code.InvalidArgument, "validation");
  assert.is(d.attributes?.field, "client_id");
});

// ---- collaborators -------------------------------------------------------

it("GetCollaborator: users and organizations, singular path over HTTP", async () => {
  const c = access(owen.apiKey);
  const own = await c.getCollaborator({ clientIds: cliIds(client), collaborator: user("owen") });
  assert.equal(names(own.rights), ["RIGHT_CLIENT_ALL"]);
  const res = await api(server, "GET", `/clients/${client}/collaborator/organization/acme`, { key: owen.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.rights, ["RIGHT_CLIENT_INFO"]);
  assert.equal(res.body.ids, { organization_ids: { organization_id: "acme" } });
  await rejects(c.getCollaborator({ clientIds: cliIds(client), collaborator: user("bob") }), Code.NotFound, "membership_not_found");
  const d = await rejects(c.getCollaborator({ clientIds: cliIds(client) }), Code.InvalidArgument, "validation");
  assert.is(d.attributes?.field, "collaborator");
});

it("SetCollaborator: add, change, and the new collaborator's access follows at once", async () => {
  const res = await api(server, "PUT", `/clients/${client}/collaborators`, {
    key: owen.apiKey,
    body: { collaborator: { ids: { user_ids: { user_id: "bob" } }, rights: ["RIGHT_CLIENT_INFO"] } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(names((await access(bob.apiKey).listRights(cliIds(client))).rights), ["RIGHT_CLIENT_INFO"]);
  const got = await reg(bob.apiKey).get({ clientIds: cliIds(client), fieldMask: { paths: ["attributes", "name"] } });
  assert.is(got.name, "Access");
  await rejects(reg(bob.apiKey).update({ client: { ids: cliIds(client), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "insufficient_client_rights");

  await access(owen.apiKey).setCollaborator({ clientIds: cliIds(client), collaborator: { ids: user("bob"), rights: [R("RIGHT_CLIENT_INFO"), R("RIGHT_CLIENT_SETTINGS_BASIC")] } });
  const updated = await reg(bob.apiKey).update({ client: { ids: cliIds(client), description: "by bob" }, fieldMask: { paths: ["description"] } });
  assert.is(updated.description, "by bob");
  assert.equal(names((await store.memberships.get(cliRef(client), userRef("bob"))).rights), ["RIGHT_CLIENT_INFO", "RIGHT_CLIENT_SETTINGS_BASIC"]);
  // Bob's own clients now include this one.
  assert.ok((await reg(bob.apiKey).list({})).clients.some((x) => x.ids?.clientId === client));
});

it("SetCollaborator: nobody grants or takes away rights they do not hold", async () => {
  const m = access(manny.apiKey);
  let d = await rejects(m.setCollaborator({ clientIds: cliIds(client), collaborator: { ids: user("carol"), rights: [R("RIGHT_CLIENT_DELETE")] } }), Code.PermissionDenied, "insufficient_client_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_CLIENT_DELETE"]);
  d = await rejects(m.setCollaborator({ clientIds: cliIds(client), collaborator: { ids: user("carol"), rights: [R("RIGHT_CLIENT_ALL")] } }), Code.PermissionDenied, "insufficient_client_rights");
  // Taking SETTINGS_BASIC away from bob needs it too.
  d = await rejects(m.setCollaborator({ clientIds: cliIds(client), collaborator: { ids: user("bob"), rights: [R("RIGHT_CLIENT_INFO")] } }), Code.PermissionDenied, "insufficient_client_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_CLIENT_SETTINGS_BASIC"]);
  // Rights of other kinds are not client rights anybody holds here.
  d = await rejects(access(owen.apiKey).setCollaborator({ clientIds: cliIds(client), collaborator: { ids: user("carol"), rights: [R("RIGHT_APPLICATION_INFO")] } }), Code.PermissionDenied, "insufficient_client_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_APPLICATION_INFO"]);
  await rejects(store.memberships.get(cliRef(client), userRef("carol")), Code.NotFound, "membership_not_found");
  // What manny holds he may grant.
  await m.setCollaborator({ clientIds: cliIds(client), collaborator: { ids: user("carol"), rights: [R("RIGHT_CLIENT_INFO")] } });
  assert.equal(names((await store.memberships.get(cliRef(client), userRef("carol"))).rights), ["RIGHT_CLIENT_INFO"]);
  // Unknown accounts and unknown rights.
  await rejects(access(owen.apiKey).setCollaborator({ clientIds: cliIds(client), collaborator: { ids: user("nobody"), rights: [R("RIGHT_CLIENT_INFO")] } }), Code.NotFound, "account_not_found");
  d = await rejects(access(owen.apiKey).setCollaborator({ clientIds: cliIds(client), collaborator: { ids: user("carol"), rights: [9999 as Right] } }), Code.InvalidArgument, "validation");
  assert.is(d.attributes?.field, "collaborator.rights");
});

it("the last collaborator with all rights stays; contacts cannot be removed", async () => {
  const c = access(owen.apiKey);
  await rejects(c.setCollaborator({ clientIds: cliIds(client), collaborator: { ids: user("owen"), rights: [R("RIGHT_CLIENT_INFO")] } }), Code.FailedPrecondition, "client_needs_collaborator");
  await rejects(c.setCollaborator({ clientIds: cliIds(client), collaborator: { ids: user("owen"), rights: [] } }), Code.FailedPrecondition, "client_needs_collaborator");
  const d = await rejects(c.deleteCollaborator({ clientIds: cliIds(client), collaboratorIds: user("owen") }), Code.FailedPrecondition, "collaborator_is_contact");
  assert.is(d.attributes?.collaborator_id, "owen");
  assert.equal(names((await store.memberships.get(cliRef(client), userRef("owen"))).rights), ["RIGHT_CLIENT_ALL"]);
});

it("ListCollaborators: pagination and x-total-count", async () => {
  const c = access(owen.apiKey);
  const all = await c.listCollaborators({ clientIds: cliIds(client) });
  const ids = all.collaborators.map((m) => (m.ids?.ids.value as { userId?: string; organizationId?: string }));
  assert.is(all.collaborators.length, 5, JSON.stringify(ids));
  const owner = all.collaborators.find((m) => m.ids?.ids.case === "userIds" && m.ids.ids.value.userId === "owen")!;
  assert.equal(names(owner.rights), ["RIGHT_CLIENT_ALL"]);
  const res = await api(server, "GET", `/clients/${client}/collaborators?limit=2&page=2`, { key: owen.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.headers.get("x-total-count"), "5");
  assert.is(res.body.collaborators.length, 2);
  const last = await c.listCollaborators({ clientIds: cliIds(client), limit: 2, page: 3 });
  assert.is(last.collaborators.length, 1);
});

it("DeleteCollaborator: plural path over HTTP; the removed collaborator loses access at once", async () => {
  assert.equal(names((await access(bob.apiKey).listRights(cliIds(client))).rights), ["RIGHT_CLIENT_INFO", "RIGHT_CLIENT_SETTINGS_BASIC"]);
  const res = await api(server, "DELETE", `/clients/${client}/collaborators/user/bob`, { key: manny.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal((await access(bob.apiKey).listRights(cliIds(client))).rights, []);
  await rejects(reg(bob.apiKey).get({ clientIds: cliIds(client), fieldMask: { paths: ["attributes"] } }), Code.PermissionDenied, "no_client_rights");
  await rejects(store.memberships.get(cliRef(client), userRef("bob")), Code.NotFound, "membership_not_found");
  // An organization, and its members with it.
  const viaOrg = await api(server, "DELETE", `/clients/${client}/collaborators/organization/acme`, { key: owen.apiKey });
  assert.is(viaOrg.status, 200, JSON.stringify(viaOrg.body));
  assert.equal((await access(alice.apiKey).listRights(cliIds(client))).rights, []);
  await rejects(access(owen.apiKey).deleteCollaborator({ clientIds: cliIds(client), collaboratorIds: user("bob") }), Code.NotFound, "membership_not_found");
});

it("clients have no API keys: ClientAccess has no key methods and /api/v3 has no key routes", async () => {
  assert.equal(ClientAccess.methods.map((m) => m.name).sort(), ["DeleteCollaborator", "GetCollaborator", "ListCollaborators", "ListRights", "SetCollaborator"]);
  httpError(await api(server, "POST", `/clients/${client}/api-keys`, { key: owen.apiKey, body: { name: "k", rights: ["RIGHT_CLIENT_ALL"] } }), 404, "route_not_found");
  httpError(await api(server, "GET", `/clients/${client}/api-keys`, { key: owen.apiKey }), 404, "route_not_found");
});

test.after(() => server.close());
test.run();
