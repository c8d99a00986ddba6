// OrganizationRegistry against a real server: gRPC and /api/v3 JSON.
// Permission-denied cases first, then each method's behaviour (spec §1
// OrganizationRegistry, §3 per-method behaviour, §4.5), and the shared user and
// organization ID namespace.
import { Code, ConnectError } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { OrganizationRegistry } from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { RIGHT_ALL } from "../../src/rights/algebra.js";
import { api, grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { it, rejects, httpError, user, org, userRef, orgRef } from "../helpers/expect.js";

// ---- local helpers -------------------------------------------------------

const orgIds = (id: string) => ({ organizationId: id });

// ---- the world -----------------------------------------------------------

let clockOffset = 0; // ms added to the server's clock (restore window tests)
const server = await startTestServer({}, { now: () => new Date(Date.now() + clockOffset) });
const restricted = await startTestServer({ "is.user-rights.create-organizations": false });
const otherTenant = await startTestServer();
const p = server.population;
const store = p.store;

const alice = await p.user({ id: "alice" });
const bob = await p.user({ id: "bob" });
const carol = await p.user({ id: "carol" });

const reg = (key?: string) => grpcClient(server, OrganizationRegistry, key);

const aliceOrg = await p.organization(userRef("alice"), { id: "alice-org", name: "Alice's org" });
const bobOrg = await p.organization(userRef("bob"), { id: "bob-org" });
const bobOrgKey = await p.apiKey(orgRef(bobOrg), R("RIGHT_ORGANIZATION_ALL"));
// Carol is a member of bob-org only: a member of another organization.
await p.member(orgRef(bobOrg), userRef("carol"), R("RIGHT_ALL"));

// ---- permission denied ---------------------------------------------------

it("no credentials: every method answers unauthenticated (gRPC and HTTP)", async () => {
  const anon = reg();
  await rejects(anon.create({ organization: { ids: orgIds("anon-org") }, collaborator: user("alice") }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.get({ organizationIds: orgIds(aliceOrg), fieldMask: { paths: ["name"] } }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.list({}), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.update({ organization: { ids: orgIds(aliceOrg), name: "x" }, fieldMask: { paths: ["name"] } }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.delete(orgIds(aliceOrg)), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.restore(orgIds(aliceOrg)), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.purge(orgIds(aliceOrg)), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "POST", "/users/alice/organizations", { body: { organization: { ids: { organization_id: "anon-org" } } } }), 401, "unauthenticated");
  httpError(await api(server, "GET", `/organizations/${aliceOrg}`), 401, "unauthenticated");
  httpError(await api(server, "GET", "/organizations"), 401, "unauthenticated");
  httpError(await api(server, "DELETE", `/organizations/${aliceOrg}`), 401, "unauthenticated");
  assert.is((await store.organizations.get(aliceOrg)).name, "Alice's org");
  await rejects(store.organizations.get("anon-org", { includeDeleted: true }), Code.NotFound, "organization_not_found");
});

it("a key of another tenant is unknown here", async () => {
  await rejects(reg(otherTenant.adminAPIKey).get({ organizationIds: orgIds(aliceOrg) }), Code.Unauthenticated, "api_key_not_found");
});

it("another user's key: no rights on the organization, nor on its owner", async () => {
  const bobs = reg(bob.apiKey);
  await rejects(bobs.get({ organizationIds: orgIds(aliceOrg), fieldMask: { paths: ["description"] } }), Code.PermissionDenied, "no_organization_rights");
  await rejects(bobs.update({ organization: { ids: orgIds(aliceOrg), name: "mine" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_organization_rights");
  await rejects(bobs.delete(orgIds(aliceOrg)), Code.PermissionDenied, "no_organization_rights");
  await rejects(bobs.restore(orgIds(aliceOrg)), Code.PermissionDenied, "no_organization_rights");
  await rejects(bobs.purge(orgIds(aliceOrg)), Code.PermissionDenied, "admins_purge_organizations");
  await rejects(bobs.create({ organization: { ids: orgIds("bob-for-alice") }, collaborator: user("alice") }), Code.PermissionDenied, "no_user_rights");
  await rejects(bobs.list({ collaborator: user("alice") }), Code.PermissionDenied, "no_user_rights");
  httpError(await api(server, "PUT", `/organizations/${aliceOrg}`, { key: bob.apiKey, body: { organization: { name: "mine" }, field_mask: { paths: ["name"] } } }), 403, "no_organization_rights");
  httpError(await api(server, "POST", "/users/alice/organizations", { key: bob.apiKey, body: { organization: { ids: { organization_id: "bob-for-alice" } } } }), 403, "no_user_rights");
  assert.is((await store.organizations.get(aliceOrg)).name, "Alice's org");
  await rejects(store.organizations.get("bob-for-alice", { includeDeleted: true }), Code.NotFound, "organization_not_found");
});

it("a member of another organization: no rights on this one", async () => {
  const c = reg(carol.apiKey);
  await rejects(c.get({ organizationIds: orgIds(aliceOrg), fieldMask: { paths: ["description"] } }), Code.PermissionDenied, "no_organization_rights");
  await rejects(c.update({ organization: { ids: orgIds(aliceOrg), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_organization_rights");
  await rejects(c.delete(orgIds(aliceOrg)), Code.PermissionDenied, "no_organization_rights");
  // Carol's own organization is fine.
  assert.is((await c.get({ organizationIds: orgIds(bobOrg), fieldMask: { paths: ["name"] } })).name, `Organization ${bobOrg}`);
});

it("a key without the right: insufficient rights naming the missing right", async () => {
  const infoOnly = await p.apiKey(userRef("alice"), R("RIGHT_ORGANIZATION_INFO"));
  const c = reg(infoOnly);
  assert.is((await c.get({ organizationIds: orgIds(aliceOrg), fieldMask: { paths: ["name"] } })).name, "Alice's org");
  const d = await rejects(c.update({ organization: { ids: orgIds(aliceOrg), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "insufficient_organization_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_ORGANIZATION_SETTINGS_BASIC"]);
  const del = await rejects(c.delete(orgIds(aliceOrg)), Code.PermissionDenied, "insufficient_organization_rights");
  assert.equal(del.attributes?.missing, ["RIGHT_ORGANIZATION_DELETE"]);
  const listOnly = await p.apiKey(userRef("alice"), R("RIGHT_USER_ORGANIZATIONS_LIST"));
  const cr = await rejects(reg(listOnly).create({ organization: { ids: orgIds("list-only-org") }, collaborator: user("alice") }), Code.PermissionDenied, "insufficient_user_rights");
  assert.equal(cr.attributes?.missing, ["RIGHT_USER_ORGANIZATIONS_CREATE"]);
  const l = await rejects(c.list({ collaborator: user("alice") }), Code.PermissionDenied, "insufficient_user_rights");
  assert.equal(l.attributes?.missing, ["RIGHT_USER_ORGANIZATIONS_LIST"]);
  httpError(await api(server, "DELETE", `/organizations/${aliceOrg}`, { key: infoOnly }), 403, "insufficient_organization_rights");
  await store.organizations.get(aliceOrg);
});

it("a key of another organization: no rights on this one, and it creates no organizations", async () => {
  const c = reg(bobOrgKey);
  assert.is((await c.get({ organizationIds: orgIds(bobOrg), fieldMask: { paths: ["name"] } })).name, `Organization ${bobOrg}`);
  await rejects(c.get({ organizationIds: orgIds(aliceOrg), fieldMask: { paths: ["description"] } }), Code.PermissionDenied, "no_organization_rights");
  await rejects(c.update({ organization: { ids: orgIds(aliceOrg), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_organization_rights");
  await rejects(c.create({ organization: { ids: orgIds("org-by-org") }, collaborator: user("bob") }), Code.PermissionDenied, "no_user_rights");
  // An organization is not a member of organizations: it lists none.
  assert.is((await c.list({})).organizations.length, 0);
});

// ---- Create --------------------------------------------------------------

it("Create over HTTP: the creator becomes a member with RIGHT_ALL and both contacts", async () => {
  const res = await api(server, "POST", "/users/alice/organizations", {
    key: alice.apiKey,
    body: { organization: { ids: { organization_id: "http-org" }, name: "Over HTTP", description: "d", attributes: { "some-key": "v" }, fanout_notifications: true } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.ids.organization_id, "http-org");
  assert.is(res.body.name, "Over HTTP");
  assert.ok(res.body.created_at && res.body.updated_at);
  assert.equal(res.body.administrative_contact, { user_ids: { user_id: "alice" } });
  assert.equal(res.body.technical_contact, { user_ids: { user_id: "alice" } });
  const m = await store.memberships.get(orgRef("http-org"), userRef("alice"));
  assert.equal(m.rights, [RIGHT_ALL]);
  const stored = await store.organizations.get("http-org");
  assert.is(stored.description, "d");
  assert.equal(stored.attributes, { "some-key": "v" });
  assert.is(stored.fanoutNotifications, true);
});

it("Create with an organization as collaborator is nested_organizations", async () => {
  const d = await rejects(reg(alice.apiKey).create({ organization: { ids: orgIds("nested-org") }, collaborator: org(aliceOrg) }), Code.InvalidArgument, "nested_organizations");
  assert.is(d.namespace, "pkg/identityserver");
  // Even for admins.
  await rejects(reg(server.adminAPIKey).create({ organization: { ids: orgIds("nested-org") }, collaborator: org(aliceOrg) }), Code.InvalidArgument, "nested_organizations");
  await rejects(store.organizations.get("nested-org", { includeDeleted: true }), Code.NotFound, "organization_not_found");
});

it("Create without a collaborator is a validation error; invalid IDs and fields too", async () => {
  const c = reg(alice.apiKey);
  const d = await rejects(c.create({ organization: { ids: orgIds("no-collab") } }), Code.InvalidArgument, "validation");
  assert.is(d.attributes?.field, "collaborator");
  for (const id of ["", "ab", "Upper", "under_score", "a".repeat(37)]) {
    const v = await rejects(c.create({ organization: { ids: orgIds(id) }, collaborator: user("alice") }), Code.InvalidArgument, "validation");
    assert.is(v.attributes?.field, "organization.ids.organization_id");
  }
  const n = await rejects(c.create({ organization: { ids: orgIds("long-name"), name: "n".repeat(51) }, collaborator: user("alice") }), Code.InvalidArgument, "validation");
  assert.is(n.attributes?.field, "organization.name");
  const a = await rejects(c.create({ organization: { ids: orgIds("bad-attr"), attributes: { "Bad Key": "v" } }, collaborator: user("alice") }), Code.InvalidArgument, "validation");
  assert.is(a.attributes?.field, "organization.attributes");
  await rejects(c.create({ organization: { ids: orgIds("applications") }, collaborator: user("alice") }), Code.InvalidArgument, "forbidden_id");
  httpError(await api(server, "POST", "/users/alice/organizations", { key: alice.apiKey, body: { organization: { ids: { organization_id: "Bad_ID" } } } }), 400, "validation");
});

it("Create: contacts may only name the creator", async () => {
  await rejects(
    reg(alice.apiKey).create({ organization: { ids: orgIds("other-contact"), technicalContact: user("bob") }, collaborator: user("alice") }),
    Code.InvalidArgument,
    "contact_no_collaborator",
  );
  await rejects(store.organizations.get("other-contact", { includeDeleted: true }), Code.NotFound, "organization_not_found");
});

it("Create: a taken ID is id_taken, also when a user holds it or the organization is deleted", async () => {
  const c = reg(alice.apiKey);
  await c.create({ organization: { ids: orgIds("dup-org") }, collaborator: user("alice") });
  const d = await rejects(c.create({ organization: { ids: orgIds("dup-org") }, collaborator: user("alice") }), Code.AlreadyExists, "id_taken");
  assert.is(d.namespace, "pkg/util/store");
  await rejects(reg(bob.apiKey).create({ organization: { ids: orgIds("dup-org") }, collaborator: user("bob") }), Code.AlreadyExists, "id_taken");
  await rejects(store.memberships.get(orgRef("dup-org"), userRef("bob")), Code.NotFound, "membership_not_found");
  // Users and organizations share one namespace.
  await rejects(c.create({ organization: { ids: orgIds("bob") }, collaborator: user("alice") }), Code.AlreadyExists, "id_taken");
  httpError(await api(server, "POST", "/users/alice/organizations", { key: alice.apiKey, body: { organization: { ids: { organization_id: "carol" } } } }), 409, "id_taken");
  await rejects(store.organizations.get("bob", { includeDeleted: true }), Code.NotFound, "organization_not_found");
  await c.delete(orgIds("dup-org"));
  await rejects(reg(bob.apiKey).create({ organization: { ids: orgIds("dup-org") }, collaborator: user("bob") }), Code.AlreadyExists, "id_taken");
});

it("a user cannot be created with an organization's ID (shared namespace)", async () => {
  const res = await api(server, "POST", "/users", {
    body: { user: { ids: { user_id: aliceOrg }, primary_email_address: "someone@example.com", password: "Str0ng-Passw0rd!" } },
  });
  httpError(res, 409, "id_taken");
  await rejects(
    grpcClient(server, UserRegistry, server.adminAPIKey).create({ user: { ids: { userId: aliceOrg }, primaryEmailAddress: "x@example.com", password: "Str0ng-Passw0rd!" } }),
    Code.AlreadyExists,
    "id_taken",
  );
  await rejects(store.users.get(aliceOrg, { includeDeleted: true }), Code.NotFound, "user_not_found");
  assert.is((await store.organizations.get(aliceOrg)).name, "Alice's org");
});

it("Create: concurrent creates of one ID, exactly one succeeds", async () => {
  const callers = [alice, bob, carol, alice, bob, carol];
  const results = await Promise.allSettled(callers.map((u) => reg(u.apiKey).create({ organization: { ids: orgIds("race-org"), name: u.id }, collaborator: user(u.id) })));
  const ok = results.filter((r) => r.status === "fulfilled");
  assert.is(ok.length, 1);
  for (const r of results) {
    if (r.status === "rejected") {
      const err = ConnectError.from(r.reason);
      assert.is(`${Code[err.code]} ${err.findDetails(ErrorDetailsSchema)[0]?.name}`, "AlreadyExists id_taken", err.message);
    }
  }
  const winner = (ok[0] as PromiseFulfilledResult<{ name: string }>).value.name;
  assert.equal((await store.memberships.all(orgRef("race-org"))).map((m) => m.account.id), [winner]);
});

it("is.user-rights.create-organizations=false: non-admins get admins_create_organizations, admins still create", async () => {
  const rp = restricted.population;
  const dave = await rp.user({ id: "dave" });
  const d = await rejects(
    grpcClient(restricted, OrganizationRegistry, dave.apiKey).create({ organization: { ids: orgIds("dave-org") }, collaborator: user("dave") }),
    Code.PermissionDenied,
    "admins_create_organizations",
  );
  assert.is(d.namespace, "pkg/identityserver");
  httpError(await api(restricted, "POST", "/users/dave/organizations", { key: dave.apiKey, body: { organization: { ids: { organization_id: "dave-org" } } } }), 403, "admins_create_organizations");
  await rejects(rp.store.organizations.get("dave-org", { includeDeleted: true }), Code.NotFound, "organization_not_found");
  const own = await grpcClient(restricted, OrganizationRegistry, restricted.adminAPIKey).create({ organization: { ids: orgIds("admin-org") }, collaborator: user("admin") });
  assert.is(own.ids?.organizationId, "admin-org");
  const forDave = await api(restricted, "POST", "/users/dave/organizations", { key: restricted.adminAPIKey, body: { organization: { ids: { organization_id: "for-dave" } } } });
  assert.is(forDave.status, 200, JSON.stringify(forDave.body));
  assert.equal((await rp.store.memberships.get(orgRef("for-dave"), userRef("dave"))).rights, [RIGHT_ALL]);
});

// ---- Get -----------------------------------------------------------------

await reg(alice.apiKey).create({
  organization: { ids: orgIds("full-org"), name: "Full", description: "All fields", attributes: { "attr-one": "1" } },
  collaborator: user("alice"),
});

it("Get: only the masked fields plus ids and timestamps", async () => {
  const c = reg(alice.apiKey);
  const got = await c.get({ organizationIds: orgIds("full-org"), fieldMask: { paths: ["name"] } });
  assert.is(got.name, "Full");
  assert.is(got.description, "");
  assert.ok(got.createdAt && got.updatedAt);
  assert.is(got.administrativeContact, undefined);
  const two = await c.get({ organizationIds: orgIds("full-org"), fieldMask: { paths: ["description", "attributes"] } });
  assert.is(two.name, "");
  assert.is(two.description, "All fields");
  assert.equal(two.attributes, { "attr-one": "1" });
  const res = await api(server, "GET", "/organizations/full-org?field_mask=name,description", { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(Object.keys(res.body).sort(), ["created_at", "description", "ids", "name", "updated_at"]);
  await rejects(c.get({ organizationIds: orgIds("full-org"), fieldMask: { paths: ["nmae"] } }), Code.InvalidArgument, "field_mask_paths");
});

it("Get: others read the public fields (name and contacts) only", async () => {
  const c = reg(bob.apiKey);
  const pub = await c.get({ organizationIds: orgIds("full-org"), fieldMask: { paths: ["name", "administrative_contact", "technical_contact"] } });
  assert.is(pub.name, "Full");
  assert.is((pub.administrativeContact?.ids.value as { userId: string }).userId, "alice");
  await rejects(c.get({ organizationIds: orgIds("full-org"), fieldMask: { paths: ["name", "description"] } }), Code.PermissionDenied, "no_organization_rights");
  const res = await api(server, "GET", "/organizations/full-org?field_mask=name", { key: bob.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.name, "Full");
  httpError(await api(server, "GET", "/organizations/full-org?field_mask=attributes", { key: bob.apiKey }), 403, "no_organization_rights");
});

it("Get: unknown IDs; admins read any organization", async () => {
  await rejects(reg(alice.apiKey).get({ organizationIds: orgIds("no-such-org"), fieldMask: { paths: ["description"] } }), Code.PermissionDenied, "no_organization_rights");
  await rejects(reg(alice.apiKey).get({ organizationIds: orgIds("no-such-org") }), Code.NotFound, "organization_not_found");
  httpError(await api(server, "GET", "/organizations/no-such-org", { key: server.adminAPIKey }), 404, "organization_not_found");
  const got = await reg(server.adminAPIKey).get({ organizationIds: orgIds("full-org"), fieldMask: { paths: ["description"] } });
  assert.is(got.description, "All fields");
});

// ---- List ----------------------------------------------------------------

const lister = await p.user({ id: "lister" });
for (const [id, name] of [["list-b", "bbb"], ["list-c", "ccc"], ["list-a", "aaa"]] as const) await p.organization(userRef("lister"), { id, name });
// A member without ORGANIZATION_INFO: listed, reduced to public fields.
await p.member(orgRef("full-org"), userRef("lister"), R("RIGHT_ORGANIZATION_APPLICATIONS_LIST"));

it("List: the caller's organizations, paginated, ordered, with public fields where rights lack", async () => {
  const mine = await reg(lister.apiKey).list({ fieldMask: { paths: ["name", "description"] } });
  assert.equal(mine.organizations.map((o) => o.ids?.organizationId), ["full-org", "list-a", "list-b", "list-c"]);
  assert.equal(mine.organizations.map((o) => o.name), ["Full", "aaa", "bbb", "ccc"]);
  assert.is(mine.organizations[0]!.description, "");
  const byName = await reg(lister.apiKey).list({ order: "-name", limit: 2, page: 1, fieldMask: { paths: ["name"] } });
  assert.equal(byName.organizations.map((o) => o.name), ["ccc", "bbb"]);
  const page2 = await reg(lister.apiKey).list({ order: "-name", limit: 2, page: 2, fieldMask: { paths: ["name"] } });
  assert.equal(page2.organizations.map((o) => o.name), ["aaa", "Full"]);
  const res = await api(server, "GET", "/users/lister/organizations?field_mask=name&limit=3", { key: lister.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.organizations.length, 3);
  assert.is(res.headers.get("x-total-count"), "4");
  // Bob sees none of these (he may own the organization of the creation race above).
  const bobs = (await reg(bob.apiKey).list({})).organizations.map((o) => o.ids?.organizationId);
  assert.ok(bobs.includes(bobOrg));
  for (const id of ["full-org", "list-a", "list-b", "list-c"]) assert.not.ok(bobs.includes(id), id);
});

it("List with an organization as collaborator is nested_organizations", async () => {
  await rejects(reg(alice.apiKey).list({ collaborator: org(aliceOrg) }), Code.InvalidArgument, "nested_organizations");
});

it("List: admins without a collaborator see all organizations", async () => {
  const all = await reg(server.adminAPIKey).list({ limit: 1000, fieldMask: { paths: ["name"] } });
  const ids = all.organizations.map((o) => o.ids?.organizationId);
  for (const id of [aliceOrg, bobOrg, "list-a", "full-org"]) assert.ok(ids.includes(id), id);
  assert.is(all.organizations.find((o) => o.ids?.organizationId === "full-org")?.name, "Full");
});

// ---- Update --------------------------------------------------------------

it("Update: masked fields only; contacts must be members", async () => {
  const c = reg(alice.apiKey);
  const updated = await c.update({ organization: { ids: orgIds("full-org"), name: "Renamed", description: "ignored" }, fieldMask: { paths: ["name"] } });
  assert.is(updated.name, "Renamed");
  const stored = await store.organizations.get("full-org");
  assert.is(stored.name, "Renamed");
  assert.is(stored.description, "All fields");
  await rejects(
    c.update({ organization: { ids: orgIds("full-org"), technicalContact: user("bob") }, fieldMask: { paths: ["technical_contact"] } }),
    Code.InvalidArgument,
    "contact_no_collaborator",
  );
  await c.update({ organization: { ids: orgIds("full-org"), technicalContact: user("lister") }, fieldMask: { paths: ["technical_contact"] } });
  assert.is(((await store.organizations.get("full-org")).technicalContact?.ids.value as { userId: string }).userId, "lister");
  const res = await api(server, "PUT", "/organizations/full-org", { key: alice.apiKey, body: { organization: { description: "Over HTTP" }, field_mask: { paths: ["description"] } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is((await store.organizations.get("full-org")).description, "Over HTTP");
  const v = await rejects(c.update({ organization: { ids: orgIds("full-org"), name: "n".repeat(51) }, fieldMask: { paths: ["name"] } }), Code.InvalidArgument, "validation");
  assert.is(v.attributes?.field, "organization.name");
});

// ---- Delete, Restore, Purge ----------------------------------------------

it("Delete: soft delete hides the organization; members lose its rights; Restore brings it back", async () => {
  const c = reg(alice.apiKey);
  await c.create({ organization: { ids: orgIds("del-org"), name: "To delete" }, collaborator: user("alice") });
  await c.delete(orgIds("del-org"));
  await rejects(store.organizations.get("del-org"), Code.NotFound, "organization_not_found");
  await rejects(c.get({ organizationIds: orgIds("del-org"), fieldMask: { paths: ["description"] } }), Code.PermissionDenied, "no_organization_rights");
  await rejects(c.update({ organization: { ids: orgIds("del-org"), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_organization_rights");
  assert.ok(!(await c.list({})).organizations.some((o) => o.ids?.organizationId === "del-org"));
  const deleted = await c.list({ deleted: true, fieldMask: { paths: ["name"] } });
  assert.equal(deleted.organizations.map((o) => o.ids?.organizationId), ["del-org", "dup-org"]);
  assert.is(deleted.organizations[0]!.name, "To delete");
  await rejects(c.delete(orgIds("del-org")), Code.PermissionDenied, "no_organization_rights");
  httpError(await api(server, "DELETE", "/organizations/del-org", { key: server.adminAPIKey }), 404, "organization_not_found");
  // Restore needs ORGANIZATION_DELETE.
  const infoOnly = await p.apiKey(userRef("alice"), R("RIGHT_ORGANIZATION_INFO"));
  await rejects(reg(infoOnly).restore(orgIds("del-org")), Code.PermissionDenied, "insufficient_organization_rights");
  await rejects(reg(bob.apiKey).restore(orgIds("del-org")), Code.PermissionDenied, "no_organization_rights");
  const res = await api(server, "POST", "/organizations/del-org/restore", { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is((await c.get({ organizationIds: orgIds("del-org"), fieldMask: { paths: ["name"] } })).name, "To delete");
  await rejects(c.restore(orgIds("del-org")), Code.FailedPrecondition, "not_deleted");
});

it("Restore after the restore window is restore_window_expired", async () => {
  const c = reg(alice.apiKey);
  await c.create({ organization: { ids: orgIds("old-org") }, collaborator: user("alice") });
  await c.delete(orgIds("old-org"));
  clockOffset = 25 * 3600 * 1000;
  try {
    await rejects(c.restore(orgIds("old-org")), Code.FailedPrecondition, "restore_window_expired");
  } finally {
    clockOffset = 0;
  }
  await rejects(store.organizations.get("old-org"), Code.NotFound, "organization_not_found");
});

it("Purge: admins only; removes memberships both ways and API keys, and frees the ID", async () => {
  const c = reg(alice.apiKey);
  await c.create({ organization: { ids: orgIds("purge-org") }, collaborator: user("alice") });
  const app = await p.application(orgRef("purge-org"), { id: "purge-org-app" });
  await p.member(orgRef("purge-org"), userRef("bob"), R("RIGHT_ORGANIZATION_INFO"));
  await p.apiKey(orgRef("purge-org"), R("RIGHT_ORGANIZATION_INFO"));
  await rejects(c.purge(orgIds("purge-org")), Code.PermissionDenied, "admins_purge_organizations");
  httpError(await api(server, "DELETE", "/organizations/purge-org/purge", { key: alice.apiKey }), 403, "admins_purge_organizations");
  const res = await api(server, "DELETE", "/organizations/purge-org/purge", { key: server.adminAPIKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  await rejects(store.organizations.get("purge-org", { includeDeleted: true }), Code.NotFound, "organization_not_found");
  assert.equal(await store.memberships.all(orgRef("purge-org")), []);
  await rejects(store.memberships.get({ kind: "application", id: app }, orgRef("purge-org")), Code.NotFound, "membership_not_found");
  assert.is((await store.apiKeys.find(orgRef("purge-org"), { limit: 10, page: 1 })).total, 0);
  // The ID is free again, for an organization or a user.
  await c.create({ organization: { ids: orgIds("purge-org") }, collaborator: user("alice") });
  await rejects(reg(server.adminAPIKey).purge(orgIds("no-such-org")), Code.NotFound, "organization_not_found");
});

test.after(async () => {
  await server.close();
  await restricted.close();
  await otherTenant.close();
});
test.run();
