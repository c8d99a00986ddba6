// ApplicationRegistry against a real server: gRPC, Connect and /api/v3 JSON.
// Permission-denied cases first, then each method's behaviour (spec §1, §3.1-3.3,
// §3.7, §4.5, §7.5).
import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationAccess, ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { api, connectClient, grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { it, rejects, httpError, user, org, userRef, appRef } from "../helpers/expect.js";

// ---- local helpers -------------------------------------------------------

const appIds = (id: string) => ({ applicationId: id });

// ---- the world -----------------------------------------------------------

let clockOffset = 0; // ms added to the server's clock (restore window tests)
const clusterKey = "00112233445566778899aabbccddeeff";
const server = await startTestServer({ "cluster.keys": [clusterKey] }, { now: () => new Date(Date.now() + clockOffset) });
const restricted = await startTestServer({ "is.user-rights.create-applications": false, "is.collaborator-rights.set-others-as-contacts": false });
const otherTenant = await startTestServer();
const p = server.population;
const store = p.store;

const alice = await p.user({ id: "alice" });
const bob = await p.user({ id: "bob" });
const carol = await p.user({ id: "carol" });

const reg = (key?: string) => grpcClient(server, ApplicationRegistry, key);
const access = (key?: string) => grpcClient(server, ApplicationAccess, key);

const aliceApp = await p.application(userRef("alice"), { id: "alice-app", name: "Alice's app" });
const bobApp = await p.application(userRef("bob"), { id: "bob-app" });
const bobAppKey = await p.apiKey(appRef(bobApp), R("RIGHT_APPLICATION_ALL"));

// ---- permission denied ---------------------------------------------------

it("no credentials: every method answers unauthenticated (gRPC and HTTP)", async () => {
  const anon = reg();
  await rejects(anon.create({ application: { ids: appIds("anon-app") }, collaborator: user("alice") }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.get({ applicationIds: appIds(aliceApp), fieldMask: { paths: ["administrative_contact"] } }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.list({}), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.update({ application: { ids: appIds(aliceApp), name: "x" }, fieldMask: { paths: ["name"] } }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.delete(appIds(aliceApp)), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.restore(appIds(aliceApp)), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.purge(appIds(aliceApp)), Code.Unauthenticated, "unauthenticated");

  httpError(await api(server, "POST", "/users/alice/applications", { body: { application: { ids: { application_id: "anon-app" } } } }), 401, "unauthenticated");
  httpError(await api(server, "GET", `/applications/${aliceApp}`), 401, "unauthenticated");
  httpError(await api(server, "GET", "/applications"), 401, "unauthenticated");
  httpError(await api(server, "DELETE", `/applications/${aliceApp}`), 401, "unauthenticated");
  await store.applications.get("alice-app"); // untouched
  await rejects(store.applications.get("anon-app", { includeDeleted: true }), Code.NotFound, "application_not_found");
});

it("a key of another tenant is unknown here", async () => {
  await rejects(reg(otherTenant.adminAPIKey).get({ applicationIds: appIds(aliceApp) }), Code.Unauthenticated, "api_key_not_found");
  httpError(await api(server, "GET", "/applications", { key: otherTenant.adminAPIKey }), 401, "api_key_not_found");
});

it("another user's key: no rights on the application, nor on its owner", async () => {
  const bobs = reg(bob.apiKey);
  await rejects(bobs.get({ applicationIds: appIds(aliceApp), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  await rejects(bobs.update({ application: { ids: appIds(aliceApp), name: "mine" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  await rejects(bobs.delete(appIds(aliceApp)), Code.PermissionDenied, "no_application_rights");
  await rejects(bobs.restore(appIds(aliceApp)), Code.PermissionDenied, "no_application_rights");
  await rejects(bobs.create({ application: { ids: appIds("bob-for-alice") }, collaborator: user("alice") }), Code.PermissionDenied, "no_user_rights");
  await rejects(bobs.list({ collaborator: user("alice") }), Code.PermissionDenied, "no_user_rights");
  httpError(await api(server, "PUT", `/applications/${aliceApp}`, { key: bob.apiKey, body: { application: { name: "mine" }, field_mask: { paths: ["name"] } } }), 403, "no_application_rights");
  const stored = await store.applications.get(aliceApp);
  assert.is(stored.name, "Alice's app");
});

it("a key without the right: insufficient rights naming the missing right", async () => {
  const infoOnly = await p.apiKey(userRef("alice"), R("RIGHT_APPLICATION_INFO"));
  const c = reg(infoOnly);
  assert.is((await c.get({ applicationIds: appIds(aliceApp), fieldMask: { paths: ["name"] } })).name, "Alice's app");
  const d = await rejects(c.update({ application: { ids: appIds(aliceApp), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "insufficient_application_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_APPLICATION_SETTINGS_BASIC"]);
  await rejects(c.delete(appIds(aliceApp)), Code.PermissionDenied, "insufficient_application_rights");
  // A user key with application rights only cannot create under the user (its rights on the
  // user are the key's own rights, which lack USER_APPLICATIONS_CREATE).
  const i = await rejects(c.create({ application: { ids: appIds("info-only-app") }, collaborator: user("alice") }), Code.PermissionDenied, "insufficient_user_rights");
  assert.equal(i.attributes?.missing, ["RIGHT_USER_APPLICATIONS_CREATE"]);
  const listOnly = await p.apiKey(userRef("alice"), R("RIGHT_USER_APPLICATIONS_LIST"));
  const d2 = await rejects(
    reg(listOnly).create({ application: { ids: appIds("list-only-app") }, collaborator: user("alice") }),
    Code.PermissionDenied,
    "insufficient_user_rights",
  );
  assert.equal(d2.attributes?.missing, ["RIGHT_USER_APPLICATIONS_CREATE"]);
  // A user key without any application right reaches nothing of the user's applications.
  const userInfo = await p.apiKey(userRef("alice"), R("RIGHT_USER_INFO"));
  await rejects(reg(userInfo).get({ applicationIds: appIds(aliceApp), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  await rejects(store.applications.get("info-only-app", { includeDeleted: true }), Code.NotFound, "application_not_found");
});

it("a key of another application: no rights on this one", async () => {
  const c = reg(bobAppKey);
  assert.is((await c.get({ applicationIds: appIds(bobApp), fieldMask: { paths: ["name"] } })).name, `Application ${bobApp}`);
  await rejects(c.get({ applicationIds: appIds(aliceApp), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  await rejects(c.update({ application: { ids: appIds(aliceApp), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  await rejects(c.delete(appIds(aliceApp)), Code.PermissionDenied, "no_application_rights");
  await rejects(c.create({ application: { ids: appIds("app-by-app") }, collaborator: user("bob") }), Code.PermissionDenied, "no_user_rights");
  await rejects(c.purge(appIds(aliceApp)), Code.PermissionDenied, "admins_purge_applications");
  // An application is not an account: it lists nothing of its own.
  const listed = await c.list({ fieldMask: { paths: ["name"] } });
  assert.is(listed.applications.length, 0);
});

it("a user who is not approved: refused, with the state's error", async () => {
  const sue = await p.user({ id: "sue", state: State.SUSPENDED });
  await p.member(appRef(aliceApp), userRef("sue"), R("RIGHT_APPLICATION_ALL"));
  const pete = await p.user({ id: "pete", state: State.REQUESTED });
  try {
    await rejects(reg(sue.apiKey).get({ applicationIds: appIds(aliceApp), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "user_suspended");
    await rejects(reg(sue.apiKey).list({}), Code.PermissionDenied, "user_suspended");
    // Its key is restricted to USER_INFO: no application rights at all.
    await rejects(reg(sue.apiKey).update({ application: { ids: appIds(aliceApp), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
    await rejects(reg(sue.apiKey).delete(appIds(aliceApp)), Code.PermissionDenied, "no_application_rights");
    await rejects(reg(pete.apiKey).get({ applicationIds: appIds(aliceApp) }), Code.PermissionDenied, "user_requested");
    await rejects(reg(pete.apiKey).create({ application: { ids: appIds("pete-app") }, collaborator: user("pete") }), Code.PermissionDenied, "insufficient_user_rights");
  } finally {
    await p.member(appRef(aliceApp), userRef("sue"));
  }
  assert.is((await store.applications.get(aliceApp)).name, "Alice's app");
});

// ---- Create --------------------------------------------------------------

it("Create over HTTP: the creator becomes a collaborator with all rights and both contacts", async () => {
  const res = await api(server, "POST", "/users/alice/applications", {
    key: alice.apiKey,
    body: { application: { ids: { application_id: "http-app" }, name: "Over HTTP", description: "d", attributes: { "some-key": "v" } } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.ids.application_id, "http-app");
  assert.is(res.body.name, "Over HTTP");
  assert.ok(res.body.created_at && res.body.updated_at, "timestamps set");
  assert.equal(res.body.administrative_contact, { user_ids: { user_id: "alice" } });
  assert.equal(res.body.technical_contact, { user_ids: { user_id: "alice" } });
  assert.is(res.body.dev_eui_counter, undefined);

  const m = await store.memberships.get(appRef("http-app"), userRef("alice"));
  assert.equal(m.rights, [R("RIGHT_APPLICATION_ALL")]);
  const collab = await access(alice.apiKey).getCollaborator({ applicationIds: appIds("http-app"), collaborator: user("alice") });
  assert.equal(collab.rights, [R("RIGHT_APPLICATION_ALL")]);
  const stored = await store.applications.get("http-app");
  assert.is(stored.description, "d");
  assert.equal(stored.attributes, { "some-key": "v" });
});

it("Create: dev_eui_counter and timestamps in the request are not taken over", async () => {
  const app = await reg(alice.apiKey).create({
    application: { ids: appIds("counter-app"), devEuiCounter: 42, createdAt: { seconds: 1n, nanos: 0 } },
    collaborator: user("alice"),
  });
  assert.is(app.devEuiCounter, 0);
  assert.ok(timestampDate(app.createdAt!).getFullYear() > 2000);
});

it("Create: contacts default to the creator; naming someone else is contact_no_collaborator", async () => {
  const c = reg(alice.apiKey);
  const own = await c.create({ application: { ids: appIds("own-contact"), administrativeContact: user("alice") }, collaborator: user("alice") });
  assert.is((own.technicalContact?.ids.value as { userId: string }).userId, "alice");
  const d = await rejects(
    c.create({ application: { ids: appIds("other-contact"), administrativeContact: user("bob") }, collaborator: user("alice") }),
    Code.InvalidArgument,
    "contact_no_collaborator",
  );
  assert.is(d.namespace, "pkg/identityserver");
  await rejects(
    c.create({ application: { ids: appIds("other-contact"), technicalContact: user("bob") }, collaborator: user("alice") }),
    Code.InvalidArgument,
    "contact_no_collaborator",
  );
  await rejects(store.applications.get("other-contact", { includeDeleted: true }), Code.NotFound, "application_not_found");
});

it("Create under another user is no_user_rights; under an organization no_organization_rights", async () => {
  httpError(await api(server, "POST", "/users/bob/applications", { key: alice.apiKey, body: { application: { ids: { application_id: "alice-for-bob" } } } }), 403, "no_user_rights");
  await rejects(reg(alice.apiKey).create({ application: { ids: appIds("alice-for-org") }, collaborator: org("some-org") }), Code.PermissionDenied, "no_organization_rights");
  httpError(await api(server, "POST", "/organizations/some-org/applications", { key: alice.apiKey, body: { application: { ids: { application_id: "alice-for-org" } } } }), 403, "no_organization_rights");
  await rejects(store.applications.get("alice-for-bob", { includeDeleted: true }), Code.NotFound, "application_not_found");
  await rejects(store.applications.get("alice-for-org", { includeDeleted: true }), Code.NotFound, "application_not_found");
});

it("Create without a collaborator is a validation error", async () => {
  const d = await rejects(reg(alice.apiKey).create({ application: { ids: appIds("no-collab") } }), Code.InvalidArgument, "validation");
  assert.is(d.attributes?.field, "collaborator");
});

it("is.user-rights.create-applications=false: non-admins get admins_create_applications, admins still create", async () => {
  const rp = restricted.population;
  const dave = await rp.user({ id: "dave" });
  const d = await rejects(
    grpcClient(restricted, ApplicationRegistry, dave.apiKey).create({ application: { ids: appIds("dave-app") }, collaborator: user("dave") }),
    Code.PermissionDenied,
    "admins_create_applications",
  );
  assert.is(d.namespace, "pkg/identityserver");
  httpError(await api(restricted, "POST", "/users/dave/applications", { key: dave.apiKey, body: { application: { ids: { application_id: "dave-app" } } } }), 403, "admins_create_applications");
  await rejects(rp.store.applications.get("dave-app", { includeDeleted: true }), Code.NotFound, "application_not_found");

  const own = await grpcClient(restricted, ApplicationRegistry, restricted.adminAPIKey).create({ application: { ids: appIds("admin-app") }, collaborator: user("admin") });
  assert.is(own.ids?.applicationId, "admin-app");
  // An admin may also create under another user's account (universal USER_APPLICATIONS_CREATE).
  const forDave = await api(restricted, "POST", "/users/dave/applications", { key: restricted.adminAPIKey, body: { application: { ids: { application_id: "for-dave" } } } });
  assert.is(forDave.status, 200, JSON.stringify(forDave.body));
  assert.equal(forDave.body.administrative_contact, { user_ids: { user_id: "dave" } });
  assert.equal((await rp.store.memberships.get(appRef("for-dave"), userRef("dave"))).rights, [R("RIGHT_APPLICATION_ALL")]);
});

it("Create: invalid application IDs are validation errors naming application.ids.application_id", async () => {
  const c = reg(alice.apiKey);
  for (const id of ["", "ab", "Upper-case", "-lead", "trail-", "dou--ble", "under_score", "a".repeat(37), "spa ce"]) {
    const d = await rejects(c.create({ application: { ids: appIds(id) }, collaborator: user("alice") }), Code.InvalidArgument, "validation");
    assert.is(d.namespace, "pkg/errors");
    assert.is(d.attributes?.field, "application.ids.application_id", `id ${JSON.stringify(id)}`);
  }
  const res = await api(server, "POST", "/users/alice/applications", { key: alice.apiKey, body: { application: { ids: { application_id: "Bad_ID" } } } });
  const d = httpError(res, 400, "validation");
  assert.is(d.attributes.field, "application.ids.application_id");
  assert.is(res.body.code, Code.InvalidArgument);
  // The longest and shortest valid IDs are fine.
  await c.create({ application: { ids: appIds("a".repeat(36)) }, collaborator: user("alice") });
  await c.create({ application: { ids: appIds("a1b") }, collaborator: user("alice") });
});

it("Create: other field validation (addresses, name length, attributes)", async () => {
  const c = reg(alice.apiKey);
  const cases: [Record<string, unknown>, string][] = [
    [{ networkServerAddress: "not a host!" }, "application.network_server_address"],
    [{ networkServerAddress: "host:123456" }, "application.network_server_address"],
    [{ applicationServerAddress: "http://as.example.com" }, "application.application_server_address"],
    [{ joinServerAddress: "-bad.example.com" }, "application.join_server_address"],
    [{ name: "n".repeat(51) }, "application.name"],
    [{ description: "d".repeat(2001) }, "application.description"],
    [{ attributes: { "Bad Key": "v" } }, "application.attributes"],
  ];
  for (const [fields, field] of cases) {
    const d = await rejects(c.create({ application: { ids: appIds("invalid-fields"), ...fields }, collaborator: user("alice") }), Code.InvalidArgument, "validation");
    assert.is(d.attributes?.field, field, JSON.stringify(fields));
  }
  await rejects(store.applications.get("invalid-fields", { includeDeleted: true }), Code.NotFound, "application_not_found");
  const ok = await c.create({
    application: { ids: appIds("good-addresses"), networkServerAddress: "ns.example.com:1884", applicationServerAddress: "localhost", joinServerAddress: "" },
    collaborator: user("alice"),
  });
  assert.is(ok.ids?.applicationId, "good-addresses");
  assert.is((await store.applications.get("good-addresses")).networkServerAddress, "ns.example.com:1884");
});

it("Create: a taken ID is id_taken, also while the first application is only deleted", async () => {
  const c = reg(alice.apiKey);
  await c.create({ application: { ids: appIds("dup-app") }, collaborator: user("alice") });
  const d = await rejects(c.create({ application: { ids: appIds("dup-app") }, collaborator: user("alice") }), Code.AlreadyExists, "id_taken");
  assert.is(d.namespace, "pkg/util/store");
  // Another user may not take it either, and the original membership is untouched.
  await rejects(reg(bob.apiKey).create({ application: { ids: appIds("dup-app") }, collaborator: user("bob") }), Code.AlreadyExists, "id_taken");
  httpError(await api(server, "POST", "/users/bob/applications", { key: bob.apiKey, body: { application: { ids: { application_id: "dup-app" } } } }), 409, "id_taken");
  await rejects(store.memberships.get(appRef("dup-app"), userRef("bob")), Code.NotFound, "membership_not_found");

  await c.delete(appIds("dup-app"));
  await rejects(reg(bob.apiKey).create({ application: { ids: appIds("dup-app") }, collaborator: user("bob") }), Code.AlreadyExists, "id_taken");
  await rejects(store.memberships.get(appRef("dup-app"), userRef("bob")), Code.NotFound, "membership_not_found");
});

it("Create: concurrent creates of one ID, exactly one succeeds", async () => {
  const callers = [alice, bob, carol, alice, bob, carol, alice, bob];
  const results = await Promise.allSettled(
    callers.map((u) => reg(u.apiKey).create({ application: { ids: appIds("race-app"), name: u.id }, collaborator: user(u.id) })),
  );
  const ok = results.filter((r) => r.status === "fulfilled");
  assert.is(ok.length, 1, JSON.stringify(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))));
  for (const r of results) {
    if (r.status === "rejected") {
      const err = ConnectError.from(r.reason);
      assert.is(`${Code[err.code]} ${err.findDetails(ErrorDetailsSchema)[0]?.name}`, "AlreadyExists id_taken", err.message);
    }
  }
  const winner = (ok[0] as PromiseFulfilledResult<{ name: string }>).value.name;
  const members = await store.memberships.all(appRef("race-app"));
  assert.equal(members.map((m) => m.account.id), [winner]);
  assert.is((await store.applications.get("race-app")).name, winner);
});

// ---- Get -----------------------------------------------------------------

const full = await reg(alice.apiKey).create({
  application: {
    ids: appIds("full-app"),
    name: "Full",
    description: "All fields",
    attributes: { "attr-one": "1" },
    networkServerAddress: "ns.example.com",
  },
  collaborator: user("alice"),
});

it("Get: only the masked fields plus ids, created_at, updated_at", async () => {
  const c = reg(alice.apiKey);
  const got = await c.get({ applicationIds: appIds("full-app"), fieldMask: { paths: ["name"] } });
  assert.is(got.name, "Full");
  assert.is(got.ids?.applicationId, "full-app");
  assert.ok(got.createdAt && got.updatedAt);
  assert.equal(timestampDate(got.createdAt!), timestampDate(full.createdAt!));
  assert.is(got.description, "");
  assert.equal(got.attributes, {});
  assert.is(got.networkServerAddress, "");
  assert.is(got.administrativeContact, undefined);
  assert.is(got.deletedAt, undefined);

  const empty = await c.get({ applicationIds: appIds("full-app") });
  assert.is(empty.name, "");
  assert.is(empty.ids?.applicationId, "full-app");

  const two = await c.get({ applicationIds: appIds("full-app"), fieldMask: { paths: ["description", "attributes", "network_server_address", "administrative_contact"] } });
  assert.is(two.name, "");
  assert.is(two.description, "All fields");
  assert.equal(two.attributes, { "attr-one": "1" });
  assert.is(two.networkServerAddress, "ns.example.com");
  assert.ok(two.administrativeContact);

  const res = await api(server, "GET", "/applications/full-app?field_mask=name,description", { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(Object.keys(res.body).sort(), ["created_at", "description", "ids", "name", "updated_at"]);
  // Nested paths are accepted.
  const nested = await c.get({ applicationIds: appIds("full-app"), fieldMask: { paths: ["administrative_contact.user_ids.user_id"] } });
  assert.is((nested.administrativeContact?.ids.value as { userId: string }).userId, "alice");

  // Connect protocol gives the same.
  const viaConnect = await connectClient(server, ApplicationRegistry, alice.apiKey).get({ applicationIds: appIds("full-app"), fieldMask: { paths: ["name"] } });
  assert.is(viaConnect.name, "Full");
});

it("Get: a non-collaborator may read public fields only", async () => {
  const c = reg(bob.apiKey);
  const pub = await c.get({ applicationIds: appIds("full-app"), fieldMask: { paths: ["administrative_contact", "technical_contact"] } });
  assert.is((pub.administrativeContact?.ids.value as { userId: string }).userId, "alice");
  assert.is(pub.name, "");
  assert.is(pub.ids?.applicationId, "full-app");
  await rejects(c.get({ applicationIds: appIds("full-app"), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  await rejects(c.get({ applicationIds: appIds("full-app"), fieldMask: { paths: ["administrative_contact", "description"] } }), Code.PermissionDenied, "no_application_rights");
  const res = await api(server, "GET", "/applications/full-app?field_mask=administrative_contact", { key: bob.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.administrative_contact, { user_ids: { user_id: "alice" } });
  assert.is(res.body.name, undefined);
  httpError(await api(server, "GET", "/applications/full-app?field_mask=name", { key: bob.apiKey }), 403, "no_application_rights");
  // A collaborator without APPLICATION_INFO is in the same position.
  await p.member(appRef("full-app"), userRef("carol"), R("RIGHT_APPLICATION_TRAFFIC_READ"));
  try {
    const d = await rejects(reg(carol.apiKey).get({ applicationIds: appIds("full-app"), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "insufficient_application_rights");
    assert.equal(d.attributes?.missing, ["RIGHT_APPLICATION_INFO"]);
    await reg(carol.apiKey).get({ applicationIds: appIds("full-app"), fieldMask: { paths: ["technical_contact"] } });
  } finally {
    await p.member(appRef("full-app"), userRef("carol"));
  }
});

it("Get: unknown mask paths are field_mask_paths", async () => {
  const d = await rejects(reg(alice.apiKey).get({ applicationIds: appIds("full-app"), fieldMask: { paths: ["nmae", "name"] } }), Code.InvalidArgument, "field_mask_paths");
  assert.is(d.namespace, "pkg/rpcmiddleware/validator");
  assert.equal(d.attributes?.forbidden_paths, ["nmae"]);
  const res = await api(server, "GET", "/applications/full-app?field_mask=name,bogus.path", { key: alice.apiKey });
  httpError(res, 400, "field_mask_paths");
});

it("Get: invalid and unknown IDs", async () => {
  const d = await rejects(reg(alice.apiKey).get({ applicationIds: appIds("NO") }), Code.InvalidArgument, "validation");
  assert.is(d.attributes?.field, "application_ids.application_id");
  await rejects(reg(alice.apiKey).get({ applicationIds: appIds("does-not-exist"), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  // Public fields only: like upstream, the rights failure is ignored and the store answers NotFound.
  await rejects(reg(alice.apiKey).get({ applicationIds: appIds("does-not-exist") }), Code.NotFound, "application_not_found");
  await rejects(reg(server.adminAPIKey).get({ applicationIds: appIds("does-not-exist"), fieldMask: { paths: ["name"] } }), Code.NotFound, "application_not_found");
  httpError(await api(server, "GET", "/applications/does-not-exist", { key: server.adminAPIKey }), 404, "application_not_found");
});

it("Get: an admin reads any application", async () => {
  const got = await reg(server.adminAPIKey).get({ applicationIds: appIds("full-app"), fieldMask: { paths: ["name", "description"] } });
  assert.is(got.name, "Full");
});

it("Get and List through an organization: rights of the chain are the intersection (§4.5)", async () => {
  const eve = await p.user({ id: "eve" });
  await p.organization(userRef("eve"), { id: "chain-org" });
  const frank = await p.user({ id: "frank" });
  const chainApp = await p.application(userRef("alice"), { id: "chain-app", name: "Via org" });
  await p.member({ kind: "organization", id: "chain-org" }, userRef("eve"), R("RIGHT_ALL"));
  await p.member({ kind: "organization", id: "chain-org" }, userRef("frank"), R("RIGHT_ORGANIZATION_INFO"));
  await p.member(appRef(chainApp), { kind: "organization", id: "chain-org" }, R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_TRAFFIC_READ"));

  const rights = await access(eve.apiKey).listRights(appIds(chainApp));
  assert.equal(rights.rights, [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_TRAFFIC_READ")]);
  assert.is((await reg(eve.apiKey).get({ applicationIds: appIds(chainApp), fieldMask: { paths: ["name"] } })).name, "Via org");
  await rejects(reg(eve.apiKey).update({ application: { ids: appIds(chainApp), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "insufficient_application_rights");
  const eveList = await reg(eve.apiKey).list({ fieldMask: { paths: ["name"] } });
  assert.equal(eveList.applications.map((a) => [a.ids?.applicationId, a.name]), [[chainApp, "Via org"]]);

  // Frank's organization rights carry no application rights: listed, but reduced to public fields.
  assert.equal((await access(frank.apiKey).listRights(appIds(chainApp))).rights, []);
  await rejects(reg(frank.apiKey).get({ applicationIds: appIds(chainApp), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  const frankList = await reg(frank.apiKey).list({ fieldMask: { paths: ["name", "administrative_contact"] } });
  assert.is(frankList.applications.length, 1);
  assert.is(frankList.applications[0]!.name, "");
  assert.ok(frankList.applications[0]!.administrativeContact);

  // The credential caps the chain: an Eve key with TRAFFIC_READ only.
  const eveTraffic = await p.apiKey(userRef("eve"), R("RIGHT_APPLICATION_TRAFFIC_READ"), R("RIGHT_APPLICATION_DELETE"));
  assert.equal((await access(eveTraffic).listRights(appIds(chainApp))).rights, [R("RIGHT_APPLICATION_TRAFFIC_READ")]);
});

// ---- List ----------------------------------------------------------------

const lister = await p.user({ id: "lister" });
for (const [id, name] of [["list-b", "bbb"], ["list-c", "ccc"], ["list-a", "aaa"]] as const) {
  await p.application(userRef("lister"), { id, name });
}

it("List: own applications only; another user's applications are not visible", async () => {
  const mine = await reg(lister.apiKey).list({ fieldMask: { paths: ["name"] } });
  assert.equal(mine.applications.map((a) => a.ids?.applicationId), ["list-a", "list-b", "list-c"]); // default order: ID
  assert.equal(mine.applications.map((a) => a.name), ["aaa", "bbb", "ccc"]);
  const bobs = await reg(bob.apiKey).list({});
  assert.ok(!bobs.applications.some((a) => a.ids?.applicationId.startsWith("list-")), "bob sees none of lister's applications");
  assert.ok(bobs.applications.some((a) => a.ids?.applicationId === bobApp));
  const viaUser = await reg(lister.apiKey).list({ collaborator: user("lister") });
  assert.equal(viaUser.applications.map((a) => a.ids?.applicationId), ["list-a", "list-b", "list-c"]);
  const res = await api(server, "GET", "/users/lister/applications?field_mask=name", { key: lister.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.applications.map((a: any) => a.name), ["aaa", "bbb", "ccc"]);
  assert.is(res.headers.get("x-total-count"), "3");
});

it("List: another user as collaborator is no_user_rights; an organization no_organization_rights", async () => {
  await rejects(reg(bob.apiKey).list({ collaborator: user("lister") }), Code.PermissionDenied, "no_user_rights");
  httpError(await api(server, "GET", "/users/lister/applications", { key: bob.apiKey }), 403, "no_user_rights");
  await rejects(reg(bob.apiKey).list({ collaborator: org("some-org") }), Code.PermissionDenied, "no_organization_rights");
  const noList = await p.apiKey(userRef("lister"), R("RIGHT_USER_INFO"));
  const d = await rejects(reg(noList).list({ collaborator: user("lister") }), Code.PermissionDenied, "insufficient_user_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_USER_APPLICATIONS_LIST"]);
});

it("List: an admin without a collaborator sees all applications", async () => {
  const all = await reg(server.adminAPIKey).list({ limit: 1000 });
  const ids = all.applications.map((a) => a.ids?.applicationId);
  for (const id of [aliceApp, bobApp, "list-a", "list-b", "list-c", "full-app"]) assert.ok(ids.includes(id), `admin sees ${id}`);
  const res = await api(server, "GET", "/applications?limit=1", { key: server.adminAPIKey });
  assert.is(res.status, 200);
  assert.is(Number(res.headers.get("x-total-count")), ids.length);
  // Admins see full entries, not public fields only.
  const named = await reg(server.adminAPIKey).list({ fieldMask: { paths: ["name"] }, collaborator: user("lister") });
  assert.equal(named.applications.map((a) => a.name), ["aaa", "bbb", "ccc"]);
});

it("List: cluster auth without a collaborator lists every application, identifiers only", async () => {
  const headers = { authorization: `ClusterKey ${clusterKey}` };
  const all = await reg(server.adminAPIKey).list({ limit: 1000 });
  const res = await api(server, "GET", "/applications?limit=1000&field_mask=name,description", { headers });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.applications.map((a: any) => a.ids.application_id), all.applications.map((a) => a.ids?.applicationId));
  assert.is(res.headers.get("x-total-count"), String(all.applications.length));
  for (const a of res.body.applications) assert.is(a.name, undefined);
  // Cluster rights are the _INFO/_READ rights: reading one application works, changing it does not.
  const got = await api(server, "GET", "/applications/list-a?field_mask=name", { headers });
  assert.is(got.body.name, "aaa");
  httpError(await api(server, "PUT", "/applications/list-a", { headers, body: { application: { name: "x" }, field_mask: { paths: ["name"] } } }), 403, "insufficient_application_rights");
  httpError(await api(server, "GET", "/applications", { headers: { authorization: "ClusterKey 0badc0de" } }), 401, "invalid_cluster_key");
});

it("List: limit, page, order and totals (HTTP X-Total-Count, gRPC x-total-count)", async () => {
  const c = reg(lister.apiKey);
  let total: string | null = null;
  const page1 = await c.list({ limit: 2, page: 1, order: "-name", fieldMask: { paths: ["name"] } }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.equal(page1.applications.map((a) => a.name), ["ccc", "bbb"]);
  assert.is(total, "3");
  const page2 = await c.list({ limit: 2, page: 2, order: "-name", fieldMask: { paths: ["name"] } });
  assert.equal(page2.applications.map((a) => a.name), ["aaa"]);
  const page3 = await c.list({ limit: 2, page: 3, order: "-name" }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.is(page3.applications.length, 0);
  assert.is(total, "3");
  const byName = await c.list({ order: "name", fieldMask: { paths: ["name"] } });
  assert.equal(byName.applications.map((a) => a.name), ["aaa", "bbb", "ccc"]);
  const byCreated = await c.list({ order: "created_at" });
  assert.equal(byCreated.applications.map((a) => a.ids?.applicationId), ["list-b", "list-c", "list-a"]);
  const byCreatedDesc = await c.list({ order: "-created_at" });
  assert.equal(byCreatedDesc.applications.map((a) => a.ids?.applicationId), ["list-a", "list-c", "list-b"]);
  const byIdDesc = await c.list({ order: "-application_id" });
  assert.equal(byIdDesc.applications.map((a) => a.ids?.applicationId), ["list-c", "list-b", "list-a"]);
  // page 0 is page 1.
  const page0 = await c.list({ limit: 1, page: 0, order: "name" });
  assert.equal(page0.applications.map((a) => a.ids?.applicationId), ["list-a"]);

  const res = await api(server, "GET", "/applications?limit=1&page=2&order=-name&field_mask=name", { key: lister.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.applications.map((a: any) => a.name), ["bbb"]);
  assert.is(res.headers.get("x-total-count"), "3");
  const past = await api(server, "GET", "/applications?limit=10&page=5", { key: lister.apiKey });
  assert.is(past.status, 200);
  assert.equal(past.body, {});
  assert.is(past.headers.get("x-total-count"), "3");
});

it("List: limit above 1000 and unknown order are validation errors", async () => {
  const c = reg(lister.apiKey);
  const d = await rejects(c.list({ limit: 1001 }), Code.InvalidArgument, "validation");
  assert.is(d.attributes?.field, "limit");
  await c.list({ limit: 1000 });
  const o = await rejects(c.list({ order: "bogus" }), Code.InvalidArgument, "validation");
  assert.is(o.attributes?.field, "order");
  await rejects(c.list({ order: "description" }), Code.InvalidArgument, "validation");
  httpError(await api(server, "GET", "/applications?limit=1001", { key: lister.apiKey }), 400, "validation");
  httpError(await api(server, "GET", "/applications?order=-bogus", { key: lister.apiKey }), 400, "validation");
  await rejects(c.list({ fieldMask: { paths: ["nope"] } }), Code.InvalidArgument, "field_mask_paths");
});

it("List: entries the caller may not read are reduced to public fields", async () => {
  await p.member(appRef("list-a"), userRef("carol"), R("RIGHT_APPLICATION_TRAFFIC_READ"));
  await p.member(appRef("list-b"), userRef("carol"), R("RIGHT_APPLICATION_INFO"));
  try {
    const got = await reg(carol.apiKey).list({ fieldMask: { paths: ["name", "administrative_contact"] } });
    const byId = new Map(got.applications.map((a) => [a.ids?.applicationId, a]));
    assert.is(byId.get("list-a")?.name, "");
    assert.ok(byId.get("list-a")?.administrativeContact);
    assert.is(byId.get("list-b")?.name, "bbb");
  } finally {
    await p.member(appRef("list-a"), userRef("carol"));
    await p.member(appRef("list-b"), userRef("carol"));
  }
});

it("List: deleted=true lists only soft-deleted applications", async () => {
  const c = reg(lister.apiKey);
  await p.application(userRef("lister"), { id: "list-gone", name: "gone" });
  await c.delete(appIds("list-gone"));
  const live = await c.list({});
  assert.equal(live.applications.map((a) => a.ids?.applicationId), ["list-a", "list-b", "list-c"]);
  let total: string | null = null;
  const deleted = await c.list({ deleted: true, fieldMask: { paths: ["name"] } }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.equal(deleted.applications.map((a) => a.ids?.applicationId), ["list-gone"]);
  assert.is(deleted.applications[0]!.name, "gone");
  assert.ok(deleted.applications[0]!.deletedAt, "deleted_at is returned");
  assert.is(total, "1");
  const res = await api(server, "GET", "/applications?deleted=true", { key: lister.apiKey });
  assert.equal(res.body.applications.map((a: any) => a.ids.application_id), ["list-gone"]);
  assert.ok(res.body.applications[0].deleted_at);
  await rejects(reg(bob.apiKey).list({ deleted: true, collaborator: user("lister") }), Code.PermissionDenied, "no_user_rights");
  const bobDeleted = await reg(bob.apiKey).list({ deleted: true });
  assert.ok(!bobDeleted.applications.some((a) => a.ids?.applicationId === "list-gone"));
});

// ---- Update --------------------------------------------------------------

it("Update: needs APPLICATION_SETTINGS_BASIC; the mask is honoured", async () => {
  const upd = await p.application(userRef("alice"), { id: "upd-app", name: "Before" });
  await store.applications.update(upd, create(ApplicationSchema, { description: "keep me" }), ["description"]);
  const basic = await p.apiKey(userRef("alice"), R("RIGHT_APPLICATION_SETTINGS_BASIC"));
  const before = await store.applications.get(upd);
  const got = await reg(basic).update({ application: { ids: appIds(upd), name: "After", description: "not masked" }, fieldMask: { paths: ["name"] } });
  assert.is(got.name, "After");
  assert.is(got.description, "");
  assert.ok(got.updatedAt);
  const stored = await store.applications.get(upd);
  assert.is(stored.name, "After");
  assert.is(stored.description, "keep me");
  assert.ok(timestampDate(stored.updatedAt!) >= timestampDate(before.updatedAt!));
  assert.equal(timestampDate(stored.createdAt!), timestampDate(before.createdAt!));

  // Over HTTP, the path ID wins and the body may omit ids.
  const res = await api(server, "PUT", `/applications/${upd}`, {
    key: alice.apiKey,
    body: { application: { description: "via http", attributes: { "new-attr": "x" } }, field_mask: { paths: ["description", "attributes"] } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.description, "via http");
  const after = await store.applications.get(upd);
  assert.is(after.name, "After");
  assert.equal(after.attributes, { "new-attr": "x" });

  // The path names the application; IDs in the body do not redirect the update.
  const redirected = await api(server, "PUT", `/applications/${upd}`, {
    key: alice.apiKey,
    body: { application: { ids: { application_id: aliceApp }, name: "Redirected?" }, field_mask: { paths: ["name"] } },
  });
  assert.is(redirected.status, 200, JSON.stringify(redirected.body));
  assert.is(redirected.body.ids.application_id, upd);
  assert.is((await store.applications.get(aliceApp)).name, "Alice's app");
  assert.is((await store.applications.get(upd)).name, "Redirected?");
  await reg(alice.apiKey).update({ application: { ids: appIds(upd), name: "After" }, fieldMask: { paths: ["name"] } });

  // Clearing a masked field.
  await reg(alice.apiKey).update({ application: { ids: appIds(upd) }, fieldMask: { paths: ["attributes"] } });
  assert.equal((await store.applications.get(upd)).attributes, {});
});

it("Update: an empty mask changes nothing but updated_at", async () => {
  const before = await store.applications.get("upd-app");
  const got = await reg(alice.apiKey).update({ application: { ids: appIds("upd-app"), name: "Ignored" } });
  assert.is(got.ids?.applicationId, "upd-app");
  const after = await store.applications.get("upd-app");
  assert.is(after.name, before.name);
  assert.is(after.description, before.description);
  assert.ok(timestampDate(after.updatedAt!) >= timestampDate(before.updatedAt!));
});

it("Update: ids/created_at/updated_at in the mask are ignored; dev_eui_counter and unknown paths are refused", async () => {
  const before = await store.applications.get("upd-app");
  await reg(alice.apiKey).update({ application: { ids: appIds("upd-app"), createdAt: { seconds: 1n, nanos: 0 } }, fieldMask: { paths: ["created_at", "ids"] } });
  assert.equal(timestampDate((await store.applications.get("upd-app")).createdAt!), timestampDate(before.createdAt!));
  const d = await rejects(
    reg(alice.apiKey).update({ application: { ids: appIds("upd-app"), devEuiCounter: 99 }, fieldMask: { paths: ["dev_eui_counter"] } }),
    Code.InvalidArgument,
    "field_mask_paths",
  );
  assert.equal(d.attributes?.forbidden_paths, ["dev_eui_counter"]);
  await rejects(reg(alice.apiKey).update({ application: { ids: appIds("upd-app") }, fieldMask: { paths: ["nmae"] } }), Code.InvalidArgument, "field_mask_paths");
  // Outside the mask it must be zero too.
  const z = await rejects(
    reg(alice.apiKey).update({ application: { ids: appIds("upd-app"), name: "x", devEuiCounter: 99 }, fieldMask: { paths: ["name"] } }),
    Code.InvalidArgument,
    "non_zero_path",
  );
  assert.is(z.namespace, "pkg/rpcmiddleware/validator");
  assert.is((await store.applications.get("upd-app")).devEuiCounter, 0);
  assert.is.not((await store.applications.get("upd-app")).name, "x");
});

it("Update: masked fields are validated", async () => {
  const d = await rejects(
    reg(alice.apiKey).update({ application: { ids: appIds("upd-app"), name: "n".repeat(51) }, fieldMask: { paths: ["name"] } }),
    Code.InvalidArgument,
    "validation",
  );
  assert.is(d.attributes?.field, "application.name");
  const a = await rejects(
    reg(alice.apiKey).update({ application: { ids: appIds("upd-app"), networkServerAddress: "bad host" }, fieldMask: { paths: ["network_server_address"] } }),
    Code.InvalidArgument,
    "validation",
  );
  assert.is(a.attributes?.field, "application.network_server_address");
  assert.is((await store.applications.get("upd-app")).networkServerAddress, "");
});

it("Update: new contacts must be collaborators", async () => {
  const c = reg(alice.apiKey);
  const d = await rejects(
    c.update({ application: { ids: appIds("upd-app"), administrativeContact: user("bob") }, fieldMask: { paths: ["administrative_contact"] } }),
    Code.InvalidArgument,
    "contact_no_collaborator",
  );
  assert.is(d.namespace, "pkg/identityserver");
  await rejects(
    c.update({ application: { ids: appIds("upd-app"), technicalContact: org("some-org") }, fieldMask: { paths: ["technical_contact"] } }),
    Code.InvalidArgument,
    "contact_no_collaborator",
  );
  assert.is(((await store.applications.get("upd-app")).administrativeContact?.ids.value as { userId: string }).userId, "alice");
  await p.member(appRef("upd-app"), userRef("bob"), R("RIGHT_APPLICATION_INFO"));
  const got = await c.update({ application: { ids: appIds("upd-app"), technicalContact: user("bob") }, fieldMask: { paths: ["technical_contact"] } });
  assert.is((got.technicalContact?.ids.value as { userId: string }).userId, "bob");
  assert.is(((await store.applications.get("upd-app")).technicalContact?.ids.value as { userId: string }).userId, "bob");
});

it("is.collaborator-rights.set-others-as-contacts=false: non-admins may only name themselves", async () => {
  const rp = restricted.population;
  const gina = await rp.user({ id: "gina" });
  await rp.user({ id: "hank" });
  const app = await rp.application(userRef("gina"), { id: "contacts-app" });
  await rp.member(appRef(app), userRef("hank"), R("RIGHT_APPLICATION_INFO"));
  const c = grpcClient(restricted, ApplicationRegistry, gina.apiKey);
  const d = await rejects(
    c.update({ application: { ids: appIds(app), technicalContact: user("hank") }, fieldMask: { paths: ["technical_contact"] } }),
    Code.PermissionDenied,
    "contact_info_restricted",
  );
  assert.is(d.namespace, "pkg/identityserver/store");
  assert.is(((await rp.store.applications.get(app)).technicalContact?.ids.value as { userId: string }).userId, "gina");
  // Naming herself is fine; an admin may name others.
  await c.update({ application: { ids: appIds(app), technicalContact: user("gina") }, fieldMask: { paths: ["technical_contact"] } });
  await grpcClient(restricted, ApplicationRegistry, restricted.adminAPIKey).update({ application: { ids: appIds(app), technicalContact: user("hank") }, fieldMask: { paths: ["technical_contact"] } });
  assert.is(((await rp.store.applications.get(app)).technicalContact?.ids.value as { userId: string }).userId, "hank");
});

it("Update: an invalid ID, an unknown application", async () => {
  const d = await rejects(reg(alice.apiKey).update({ application: { ids: appIds("X") }, fieldMask: { paths: ["name"] } }), Code.InvalidArgument, "validation");
  assert.is(d.attributes?.field, "application.ids.application_id");
  await rejects(reg(alice.apiKey).update({ application: { ids: appIds("no-such-app") }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  await rejects(reg(server.adminAPIKey).update({ application: { ids: appIds("no-such-app") }, fieldMask: { paths: ["name"] } }), Code.NotFound, "application_not_found");
});

// ---- Delete / Restore / Purge ----------------------------------------------

it("Delete: then Get is no_application_rights for the owner, NOT_FOUND for admins; List drops it", async () => {
  const del = await p.application(userRef("alice"), { id: "del-app" });
  const delKey = await p.apiKey(appRef(del), R("RIGHT_APPLICATION_ALL"));
  const noDelete = await p.apiKey(userRef("alice"), R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_SETTINGS_BASIC"));
  const d = await rejects(reg(noDelete).delete(appIds(del)), Code.PermissionDenied, "insufficient_application_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_APPLICATION_DELETE"]);

  const res = await api(server, "DELETE", `/applications/${del}`, { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body, {});
  await rejects(reg(alice.apiKey).get({ applicationIds: appIds(del), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  await rejects(reg(server.adminAPIKey).get({ applicationIds: appIds(del), fieldMask: { paths: ["name"] } }), Code.NotFound, "application_not_found");
  const listed = await reg(alice.apiKey).list({ limit: 1000 });
  assert.ok(!listed.applications.some((a) => a.ids?.applicationId === del));
  const adminList = await reg(server.adminAPIKey).list({ limit: 1000 });
  assert.ok(!adminList.applications.some((a) => a.ids?.applicationId === del));
  // Rights on it are gone too; a second delete finds nothing.
  assert.equal((await access(alice.apiKey).listRights(appIds(del))).rights, []);
  await rejects(reg(alice.apiKey).delete(appIds(del)), Code.PermissionDenied, "no_application_rights");
  await rejects(reg(server.adminAPIKey).delete(appIds(del)), Code.NotFound, "application_not_found");
  await rejects(reg(alice.apiKey).update({ application: { ids: appIds(del), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  // The application's own key no longer reaches it.
  await rejects(reg(delKey).get({ applicationIds: appIds(del), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  assert.equal((await access(delKey).listRights(appIds(del))).rights, []);
  // The row and membership are kept for restore.
  const stored = await store.applications.get(del, { includeDeleted: true });
  assert.ok(stored.deletedAt);
  assert.equal((await store.memberships.get(appRef(del), userRef("alice"))).rights, [R("RIGHT_APPLICATION_ALL")]);
});

it("Restore: within the window the application is back", async () => {
  const app = await p.application(userRef("alice"), { id: "restore-app", name: "Back" });
  await reg(alice.apiKey).delete(appIds(app));
  await rejects(reg(bob.apiKey).restore(appIds(app)), Code.PermissionDenied, "no_application_rights");
  const noDelete = await p.apiKey(userRef("alice"), R("RIGHT_APPLICATION_INFO"));
  await rejects(reg(noDelete).restore(appIds(app)), Code.PermissionDenied, "insufficient_application_rights");
  clockOffset = 23 * 3600 * 1000;
  try {
    const res = await api(server, "POST", `/applications/${app}/restore`, { key: alice.apiKey });
    assert.is(res.status, 200, JSON.stringify(res.body));
  } finally {
    clockOffset = 0;
  }
  assert.is((await reg(alice.apiKey).get({ applicationIds: appIds(app), fieldMask: { paths: ["name"] } })).name, "Back");
  assert.is((await store.applications.get(app)).deletedAt, undefined);
  const listed = await reg(alice.apiKey).list({ limit: 1000 });
  assert.ok(listed.applications.some((a) => a.ids?.applicationId === app));
});

it("Restore: after the window (fake clock) is restore_window_expired", async () => {
  const app = await p.application(userRef("alice"), { id: "late-app" });
  await reg(alice.apiKey).delete(appIds(app));
  clockOffset = 25 * 3600 * 1000;
  try {
    const d = await rejects(reg(alice.apiKey).restore(appIds(app)), Code.FailedPrecondition, "restore_window_expired");
    assert.is(d.namespace, "pkg/identityserver");
    httpError(await api(server, "POST", `/applications/${app}/restore`, { key: alice.apiKey }), 400, "restore_window_expired");
    await rejects(reg(server.adminAPIKey).restore(appIds(app)), Code.FailedPrecondition, "restore_window_expired");
  } finally {
    clockOffset = 0;
  }
  assert.ok((await store.applications.get(app, { includeDeleted: true })).deletedAt, "still deleted");
});

it("Restore: a live application cannot be restored", async () => {
  let err: ConnectError | undefined;
  try {
    await reg(alice.apiKey).restore(appIds(aliceApp));
  } catch (e) {
    err = ConnectError.from(e);
  }
  assert.ok(err, "restoring a live application fails");
  assert.ok([Code.FailedPrecondition, Code.NotFound].includes(err!.code), err!.message);
  assert.is((await store.applications.get(aliceApp)).deletedAt, undefined);
  // Unknown applications: no rights for users, NotFound for admins.
  await rejects(reg(alice.apiKey).restore(appIds("never-was")), Code.PermissionDenied, "no_application_rights");
  await rejects(reg(server.adminAPIKey).restore(appIds("never-was")), Code.NotFound, "application_not_found");
});

it("Purge: admins only; removes API keys and memberships; the ID is free again", async () => {
  const app = await p.application(userRef("alice"), { id: "purge-app", name: "Old" });
  await p.member(appRef(app), userRef("bob"), R("RIGHT_APPLICATION_INFO"));
  const appKey = await p.apiKey(appRef(app), R("RIGHT_APPLICATION_INFO"));
  const created = await access(alice.apiKey).createAPIKey({ applicationIds: appIds(app), name: "k", rights: [R("RIGHT_APPLICATION_INFO")] });

  const d = await rejects(reg(alice.apiKey).purge(appIds(app)), Code.PermissionDenied, "admins_purge_applications");
  assert.is(d.namespace, "pkg/identityserver");
  httpError(await api(server, "DELETE", `/applications/${app}/purge`, { key: alice.apiKey }), 403, "admins_purge_applications");
  await store.applications.get(app);

  await reg(alice.apiKey).delete(appIds(app)); // purge works on deleted applications too
  const res = await api(server, "DELETE", `/applications/${app}/purge`, { key: server.adminAPIKey });
  assert.is(res.status, 200, JSON.stringify(res.body));

  await rejects(store.applications.get(app, { includeDeleted: true }), Code.NotFound, "application_not_found");
  assert.equal(await store.memberships.all(appRef(app)), []);
  const keys = await store.apiKeys.find(appRef(app), { limit: 100, page: 1 });
  assert.is(keys.total, 0);
  assert.is(await store.apiKeys.lookup(created.id), undefined);
  await rejects(reg(appKey).get({ applicationIds: appIds(app) }), Code.Unauthenticated, "api_key_not_found");
  await rejects(reg(server.adminAPIKey).purge(appIds(app)), Code.NotFound, "application_not_found");

  // The ID is free: bob takes it and does not inherit anything.
  const again = await reg(bob.apiKey).create({ application: { ids: appIds(app), name: "New" }, collaborator: user("bob") });
  assert.is(again.name, "New");
  assert.equal((await store.memberships.all(appRef(app))).map((m) => [m.account.id, m.rights]), [["bob", [R("RIGHT_APPLICATION_ALL")]]]);
  await rejects(reg(alice.apiKey).get({ applicationIds: appIds(app), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
});

it("Purge of a live application by an admin", async () => {
  const app = await p.application(userRef("alice"), { id: "purge-live" });
  await reg(server.adminAPIKey).purge(appIds(app));
  await rejects(store.applications.get(app, { includeDeleted: true }), Code.NotFound, "application_not_found");
  assert.equal(await store.memberships.all(appRef(app)), []);
});

// ---- Bad input over HTTP ---------------------------------------------------

async function aliceAppCount(): Promise<number> {
  return (await store.applications.find({ limit: 1000, page: 1, memberOf: userRef("alice") })).total;
}

it("HTTP: malformed JSON is 400 and nothing is written", async () => {
  const before = await aliceAppCount();
  const res = await api(server, "POST", "/users/alice/applications", {
    key: alice.apiKey,
    rawBody: '{"application":{"ids":{"application_id":"broken-json"}',
    headers: { "content-type": "application/json" },
  });
  assert.is(res.status, 400, JSON.stringify(res.body));
  assert.is(res.body.code, Code.InvalidArgument);
  assert.ok(res.body.details?.[0]?.name, JSON.stringify(res.body));
  assert.is(await aliceAppCount(), before);
  await rejects(store.applications.get("broken-json", { includeDeleted: true }), Code.NotFound, "application_not_found");
});

it("HTTP: an unknown field is 400 naming it, and nothing is written", async () => {
  const before = await aliceAppCount();
  const res = await api(server, "POST", "/users/alice/applications", {
    key: alice.apiKey,
    body: { application: { ids: { application_id: "typo-app" }, nmae: "x" } },
  });
  assert.is(res.status, 400, JSON.stringify(res.body));
  assert.is(res.body.code, Code.InvalidArgument);
  assert.match(res.body.message, "application.nmae");
  assert.is(await aliceAppCount(), before);
  await rejects(store.applications.get("typo-app", { includeDeleted: true }), Code.NotFound, "application_not_found");
  // Also on update: the application keeps its name.
  const upd = await api(server, "PUT", `/applications/${aliceApp}`, { key: alice.apiKey, body: { application: { nmae: "x" }, field_mask: { paths: ["name"] } } });
  assert.is(upd.status, 400, JSON.stringify(upd.body));
  assert.is((await store.applications.get(aliceApp)).name, "Alice's app");
});

it("HTTP: a value of the wrong type is 400 naming the field, and nothing is written", async () => {
  const before = await aliceAppCount();
  const res = await api(server, "POST", "/users/alice/applications", {
    key: alice.apiKey,
    body: { application: { ids: { application_id: "typed-app" }, name: 5 } },
  });
  assert.is(res.status, 400, JSON.stringify(res.body));
  assert.match(res.body.message, "application.name");
  assert.is(await aliceAppCount(), before);
  await rejects(store.applications.get("typed-app", { includeDeleted: true }), Code.NotFound, "application_not_found");
  const upd = await api(server, "PUT", `/applications/${aliceApp}`, { key: alice.apiKey, body: { application: { name: ["x"] }, field_mask: { paths: ["name"] } } });
  assert.is(upd.status, 400, JSON.stringify(upd.body));
  assert.match(upd.body.message, "application.name");
  assert.is((await store.applications.get(aliceApp)).name, "Alice's app");
});

it("HTTP: camelCase input is accepted, snake_case output", async () => {
  const res = await api(server, "POST", "/users/alice/applications", {
    key: alice.apiKey,
    body: { application: { ids: { applicationId: "camel-app" }, networkServerAddress: "ns.example.com" } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.network_server_address, "ns.example.com");
});

test.after(async () => {
  await Promise.all([server.close(), restricted.close(), otherTenant.close()]);
});
test.run();
