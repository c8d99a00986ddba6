// ApplicationAccess against a real server: rights, API keys and collaborators
// of applications. Permission-denied cases first, then behaviour (spec §1,
// §3.2, §3.7, §4.5).
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationAccess, ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import type { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { rightName, rightsOfKind } from "../../src/rights/algebra.js";
import { api, grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { it, rejects, httpError, user, org, userRef, appRef } from "../helpers/expect.js";

// ---- local helpers -------------------------------------------------------

const appIds = (id: string) => ({ applicationId: id });
const names = (rights: readonly Right[]) => [...rights].sort((a, b) => a - b).map(rightName);
const allApplicationRights = names([...rightsOfKind.application]);

// ---- the world -----------------------------------------------------------

const server = await startTestServer();
const p = server.population;
const store = p.store;

const olive = await p.user({ id: "olive" }); // owner of acc-app
const bob = await p.user({ id: "bob" }); // not a member
const manny = await p.user({ id: "manny" }); // member who manages collaborators, without DELETE
const app = await p.application(userRef("olive"), { id: "acc-app", name: "Access" });
const otherApp = await p.application(userRef("bob"), { id: "other-app", name: "Other" });
const otherAppKey = await p.apiKey(appRef(otherApp), R("RIGHT_APPLICATION_ALL"));
await p.member(appRef(app), userRef("manny"), R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_SETTINGS_COLLABORATORS"), R("RIGHT_APPLICATION_SETTINGS_API_KEYS"), R("RIGHT_APPLICATION_TRAFFIC_READ"));

const acc = (key?: string) => grpcClient(server, ApplicationAccess, key);
const reg = (key?: string) => grpcClient(server, ApplicationRegistry, key);

// An API key of the application, to have something to get, update and delete.
const seedKey = await acc(olive.apiKey).createAPIKey({ applicationIds: appIds(app), name: "seed", rights: [R("RIGHT_APPLICATION_INFO")] });

// ---- permission denied ---------------------------------------------------

it("no credentials: unauthenticated on every method", async () => {
  const a = acc();
  const ids = appIds(app);
  // Thunks: a rejected call must not wait unhandled while an earlier one is awaited.
  const calls: (() => Promise<unknown>)[] = [
    () => a.listRights(ids),
    () => a.createAPIKey({ applicationIds: ids, rights: [R("RIGHT_APPLICATION_INFO")] }),
    () => a.listAPIKeys({ applicationIds: ids }),
    () => a.getAPIKey({ applicationIds: ids, keyId: seedKey.id }),
    () => a.updateAPIKey({ applicationIds: ids, apiKey: { id: seedKey.id, name: "x" }, fieldMask: { paths: ["name"] } }),
    () => a.deleteAPIKey({ applicationIds: ids, keyId: seedKey.id }),
    () => a.getCollaborator({ applicationIds: ids, collaborator: user("olive") }),
    () => a.setCollaborator({ applicationIds: ids, collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_INFO")] } }),
    () => a.listCollaborators({ applicationIds: ids }),
    () => a.deleteCollaborator({ applicationIds: ids, collaboratorIds: user("manny") }),
  ];
  for (const call of calls) await rejects(call(), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "GET", `/applications/${app}/rights`), 401, "unauthenticated");
  httpError(await api(server, "POST", `/applications/${app}/api-keys`, { body: { rights: ["RIGHT_APPLICATION_INFO"] } }), 401, "unauthenticated");
  httpError(await api(server, "PUT", `/applications/${app}/collaborators`, { body: { collaborator: { ids: { user_ids: { user_id: "bob" } }, rights: ["RIGHT_APPLICATION_INFO"] } } }), 401, "unauthenticated");
  // Nothing changed.
  assert.is((await store.apiKeys.get(appRef(app), seedKey.id)).name, "seed");
  await rejects(store.memberships.get(appRef(app), userRef("bob")), Code.NotFound, "membership_not_found");
  assert.is((await store.memberships.all(appRef(app))).length, 2);
});

it("another user's key: no rights on the application", async () => {
  const a = acc(bob.apiKey);
  const ids = appIds(app);
  assert.equal((await a.listRights(ids)).rights, []);
  await rejects(a.createAPIKey({ applicationIds: ids, rights: [R("RIGHT_APPLICATION_INFO")] }), Code.PermissionDenied, "no_application_rights");
  await rejects(a.listAPIKeys({ applicationIds: ids }), Code.PermissionDenied, "no_application_rights");
  await rejects(a.getAPIKey({ applicationIds: ids, keyId: seedKey.id }), Code.PermissionDenied, "no_application_rights");
  await rejects(a.updateAPIKey({ applicationIds: ids, apiKey: { id: seedKey.id, name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  await rejects(a.deleteAPIKey({ applicationIds: ids, keyId: seedKey.id }), Code.PermissionDenied, "no_application_rights");
  await rejects(a.getCollaborator({ applicationIds: ids, collaborator: user("olive") }), Code.PermissionDenied, "no_application_rights");
  await rejects(a.setCollaborator({ applicationIds: ids, collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_ALL")] } }), Code.PermissionDenied, "no_application_rights");
  await rejects(a.deleteCollaborator({ applicationIds: ids, collaboratorIds: user("manny") }), Code.PermissionDenied, "no_application_rights");
  httpError(await api(server, "GET", `/applications/${app}/api-keys`, { key: bob.apiKey }), 403, "no_application_rights");
  assert.is((await store.apiKeys.get(appRef(app), seedKey.id)).name, "seed");
  await rejects(store.memberships.get(appRef(app), userRef("bob")), Code.NotFound, "membership_not_found");
});

it("a non-member never sees collaborators' rights", async () => {
  // The stack lists collaborator IDs to any authenticated caller; this server may refuse instead.
  try {
    const listed = await acc(bob.apiKey).listCollaborators({ applicationIds: appIds(app) });
    for (const c of listed.collaborators) assert.equal(c.rights, []);
  } catch (e) {
    assert.is(ConnectError.from(e).code, Code.PermissionDenied);
  }
});

it("a key without the right: insufficient rights naming it", async () => {
  const infoOnly = await p.apiKey(userRef("olive"), R("RIGHT_APPLICATION_INFO"));
  const a = acc(infoOnly);
  const ids = appIds(app);
  assert.equal(names((await a.listRights(ids)).rights), ["RIGHT_APPLICATION_INFO"]);
  const keys = "RIGHT_APPLICATION_SETTINGS_API_KEYS";
  const collabs = "RIGHT_APPLICATION_SETTINGS_COLLABORATORS";
  const cases: [() => Promise<unknown>, string][] = [
    [() => a.createAPIKey({ applicationIds: ids, rights: [R("RIGHT_APPLICATION_INFO")] }), keys],
    [() => a.listAPIKeys({ applicationIds: ids }), keys],
    [() => a.getAPIKey({ applicationIds: ids, keyId: seedKey.id }), keys],
    [() => a.updateAPIKey({ applicationIds: ids, apiKey: { id: seedKey.id, name: "x" }, fieldMask: { paths: ["name"] } }), keys],
    [() => a.deleteAPIKey({ applicationIds: ids, keyId: seedKey.id }), keys],
    [() => a.getCollaborator({ applicationIds: ids, collaborator: user("olive") }), collabs],
    [() => a.setCollaborator({ applicationIds: ids, collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_INFO")] } }), collabs],
    [() => a.deleteCollaborator({ applicationIds: ids, collaboratorIds: user("manny") }), collabs],
  ];
  for (const [call, missing] of cases) {
    const d = await rejects(call(), Code.PermissionDenied, "insufficient_application_rights");
    assert.equal(d.attributes?.missing, [missing]);
  }
  assert.is((await store.apiKeys.find(appRef(app), { limit: 100, page: 1 })).total, 1);
});

it("a key of another application: no rights here", async () => {
  const a = acc(otherAppKey);
  const ids = appIds(app);
  assert.equal((await a.listRights(ids)).rights, []);
  await rejects(a.createAPIKey({ applicationIds: ids, rights: [R("RIGHT_APPLICATION_INFO")] }), Code.PermissionDenied, "no_application_rights");
  await rejects(a.listAPIKeys({ applicationIds: ids }), Code.PermissionDenied, "no_application_rights");
  await rejects(a.getAPIKey({ applicationIds: ids, keyId: seedKey.id }), Code.PermissionDenied, "no_application_rights");
  await rejects(a.deleteAPIKey({ applicationIds: ids, keyId: seedKey.id }), Code.PermissionDenied, "no_application_rights");
  await rejects(a.setCollaborator({ applicationIds: ids, collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_ALL")] } }), Code.PermissionDenied, "no_application_rights");
  await rejects(a.deleteCollaborator({ applicationIds: ids, collaboratorIds: user("manny") }), Code.PermissionDenied, "no_application_rights");
  // On its own application it holds all rights.
  assert.equal(names((await a.listRights(appIds(otherApp))).rights), allApplicationRights);
});

it("an expired key is refused", async () => {
  const expired = await p.apiKey(userRef("olive"), R("RIGHT_ALL"), { expiresAt: new Date(Date.now() - 1000) });
  await rejects(acc(expired).listRights(appIds(app)), Code.Unauthenticated, "api_key_expired");
});

// ---- ListRights ------------------------------------------------------------

it("ListRights: the owner has all application rights", async () => {
  const got = await acc(olive.apiKey).listRights(appIds(app));
  assert.equal(names(got.rights), allApplicationRights);
  const res = await api(server, "GET", `/applications/${app}/rights`, { key: olive.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal([...res.body.rights].sort(), [...allApplicationRights].sort());
});

it("ListRights: a key with 2 rights gets those 2; a non-member gets none", async () => {
  const two = await p.apiKey(userRef("olive"), R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_TRAFFIC_READ"));
  assert.equal(names((await acc(two).listRights(appIds(app))).rights), ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ"]);
  // Membership rights cap the key: manny's all-rights key yields manny's membership.
  assert.equal(names((await acc(manny.apiKey).listRights(appIds(app))).rights), [
    "RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_SETTINGS_API_KEYS", "RIGHT_APPLICATION_SETTINGS_COLLABORATORS", "RIGHT_APPLICATION_TRAFFIC_READ",
  ]);
  assert.equal((await acc(bob.apiKey).listRights(appIds(app))).rights, []);
  const res = await api(server, "GET", `/applications/${app}/rights`, { key: bob.apiKey });
  assert.is(res.status, 200);
  assert.equal(res.body, {});
  // Unknown applications: empty for users.
  assert.equal((await acc(olive.apiKey).listRights(appIds("no-such-app"))).rights, []);
});

it("ListRights: application keys and implication (APPLICATION_LINK)", async () => {
  const link = await p.apiKey(appRef(app), R("RIGHT_APPLICATION_LINK"));
  assert.equal(names((await acc(link).listRights(appIds(app))).rights), [
    "RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ", "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE", "RIGHT_APPLICATION_LINK",
  ].sort((a, b) => R(a) - R(b)));
});

it("ListRights: admins get the admin rights (no _KEYS, no _ALL)", async () => {
  const got = names((await acc(server.adminAPIKey).listRights(appIds(app))).rights);
  assert.ok(got.includes("RIGHT_APPLICATION_INFO"));
  assert.ok(got.includes("RIGHT_APPLICATION_DELETE"));
  for (const r of ["RIGHT_APPLICATION_ALL", "RIGHT_APPLICATION_SETTINGS_API_KEYS", "RIGHT_APPLICATION_DEVICES_READ_KEYS", "RIGHT_APPLICATION_DEVICES_WRITE_KEYS"]) {
    assert.not.ok(got.includes(r), r);
  }
  await rejects(acc(server.adminAPIKey).listRights(appIds("no-such-app")), Code.NotFound, "application_not_found");
});

// ---- API keys --------------------------------------------------------------

it("CreateAPIKey: the key is returned once and works within its rights", async () => {
  const created = await acc(olive.apiKey).createAPIKey({ applicationIds: appIds(app), name: "reader", rights: [R("RIGHT_APPLICATION_INFO")] });
  assert.match(created.key, /^NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}$/);
  assert.is(created.key.split(".")[1], created.id);
  assert.is(created.name, "reader");
  assert.equal(created.rights, [R("RIGHT_APPLICATION_INFO")]);
  assert.ok(created.createdAt);

  const got = await reg(created.key).get({ applicationIds: appIds(app), fieldMask: { paths: ["name"] } });
  assert.is(got.name, "Access");
  const d = await rejects(reg(created.key).update({ application: { ids: appIds(app), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "insufficient_application_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_APPLICATION_SETTINGS_BASIC"]);
  await rejects(acc(created.key).listAPIKeys({ applicationIds: appIds(app) }), Code.PermissionDenied, "insufficient_application_rights");
  await rejects(reg(created.key).get({ applicationIds: appIds(otherApp), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  assert.is((await reg(created.key).list({})).applications.length, 0);

  // Only a hash is stored; get never returns the key.
  const stored = await store.apiKeys.lookup(created.id);
  assert.ok(stored && !stored.secretHash.includes(created.key.split(".")[2]!));
  assert.equal(stored!.entity, appRef(app));
  assert.is((await acc(olive.apiKey).getAPIKey({ applicationIds: appIds(app), keyId: created.id })).key, "");
});

it("CreateAPIKey over HTTP, with short right names", async () => {
  const res = await api(server, "POST", `/applications/${app}/api-keys`, {
    key: olive.apiKey,
    body: { name: "http key", rights: ["RIGHT_APPLICATION_INFO", "APPLICATION_TRAFFIC_READ"] },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.match(res.body.key, /^NNSXS\./);
  assert.equal(res.body.rights, ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ"]);
  assert.equal(names((await acc(res.body.key).listRights(appIds(app))).rights), ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ"]);
});

it("CreateAPIKey: request validation", async () => {
  const a = acc(olive.apiKey);
  const ids = appIds(app);
  const before = (await store.apiKeys.find(appRef(app), { limit: 1000, page: 1 })).total;
  await rejects(a.createAPIKey({ applicationIds: ids, rights: [] }), Code.InvalidArgument, "validation");
  await rejects(a.createAPIKey({ applicationIds: ids, rights: [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_INFO")] }), Code.InvalidArgument, "validation");
  const n = await rejects(a.createAPIKey({ applicationIds: ids, name: "n".repeat(51), rights: [R("RIGHT_APPLICATION_INFO")] }), Code.InvalidArgument, "validation");
  assert.is(n.attributes?.field, "name");
  const e = await rejects(
    a.createAPIKey({ applicationIds: ids, rights: [R("RIGHT_APPLICATION_INFO")], expiresAt: timestampFromDate(new Date(Date.now() - 60_000)) }),
    Code.InvalidArgument,
    "validation",
  );
  assert.is(e.attributes?.field, "expires_at");
  await rejects(a.createAPIKey({ applicationIds: ids, rights: [9999 as Right] }), Code.InvalidArgument, "validation");
  const i = await rejects(a.createAPIKey({ applicationIds: appIds("BAD"), rights: [R("RIGHT_APPLICATION_INFO")] }), Code.InvalidArgument, "validation");
  assert.is(i.attributes?.field, "application_ids.application_id");
  assert.is((await store.apiKeys.find(appRef(app), { limit: 1000, page: 1 })).total, before);
  // A future expiry is fine and is kept.
  const future = new Date(Date.now() + 3600_000);
  const k = await a.createAPIKey({ applicationIds: ids, rights: [R("RIGHT_APPLICATION_INFO")], expiresAt: timestampFromDate(future) });
  assert.is(Number(k.expiresAt?.seconds), Math.floor(future.getTime() / 1000));
});

it("CreateAPIKey: cannot grant more than the caller has", async () => {
  const limited = await p.apiKey(userRef("olive"), R("RIGHT_APPLICATION_SETTINGS_API_KEYS"), R("RIGHT_APPLICATION_INFO"));
  const a = acc(limited);
  const before = (await store.apiKeys.find(appRef(app), { limit: 1000, page: 1 })).total;
  const d = await rejects(a.createAPIKey({ applicationIds: appIds(app), rights: [R("RIGHT_APPLICATION_DELETE")] }), Code.PermissionDenied, "insufficient_application_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_APPLICATION_DELETE"]);
  await rejects(a.createAPIKey({ applicationIds: appIds(app), rights: [R("RIGHT_APPLICATION_ALL")] }), Code.PermissionDenied, "insufficient_application_rights");
  await rejects(a.createAPIKey({ applicationIds: appIds(app), rights: [R("RIGHT_APPLICATION_LINK")] }), Code.PermissionDenied, "insufficient_application_rights");
  // A member cannot mint keys beyond their membership either.
  await rejects(acc(manny.apiKey).createAPIKey({ applicationIds: appIds(app), rights: [R("RIGHT_APPLICATION_DELETE")] }), Code.PermissionDenied, "insufficient_application_rights");
  assert.is((await store.apiKeys.find(appRef(app), { limit: 1000, page: 1 })).total, before);
  const ok = await a.createAPIKey({ applicationIds: appIds(app), rights: [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_SETTINGS_API_KEYS")] });
  assert.equal(ok.rights, [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_SETTINGS_API_KEYS")]);
});

it("ListAPIKeys and GetAPIKey", async () => {
  const keysApp = await p.application(userRef("olive"), { id: "keys-app" });
  const a = acc(olive.apiKey);
  for (const name of ["bravo", "alpha", "charlie"]) await a.createAPIKey({ applicationIds: appIds(keysApp), name, rights: [R("RIGHT_APPLICATION_INFO")] });
  let total: string | null = null;
  const all = await a.listAPIKeys({ applicationIds: appIds(keysApp), order: "name" }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.equal(all.apiKeys.map((k) => k.name), ["alpha", "bravo", "charlie"]);
  assert.is(total, "3");
  for (const k of all.apiKeys) assert.is(k.key, "");
  const page = await a.listAPIKeys({ applicationIds: appIds(keysApp), order: "-name", limit: 2, page: 2 });
  assert.equal(page.apiKeys.map((k) => k.name), ["alpha"]);
  const byCreated = await a.listAPIKeys({ applicationIds: appIds(keysApp), order: "created_at" });
  assert.equal(byCreated.apiKeys.map((k) => k.name), ["bravo", "alpha", "charlie"]);
  await rejects(a.listAPIKeys({ applicationIds: appIds(keysApp), order: "rights" }), Code.InvalidArgument, "validation");
  await rejects(a.listAPIKeys({ applicationIds: appIds(keysApp), limit: 1001 }), Code.InvalidArgument, "validation");

  const res = await api(server, "GET", `/applications/${keysApp}/api-keys?order=name&limit=1`, { key: olive.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.api_keys.map((k: any) => k.name), ["alpha"]);
  assert.is(res.headers.get("x-total-count"), "3");

  const one = all.apiKeys[0]!;
  const got = await a.getAPIKey({ applicationIds: appIds(keysApp), keyId: one.id });
  assert.is(got.id, one.id);
  assert.is(got.name, "alpha");
  assert.equal(got.rights, [R("RIGHT_APPLICATION_INFO")]);
  assert.is(got.key, "");
  const viaHttp = await api(server, "GET", `/applications/${keysApp}/api-keys/${one.id}`, { key: olive.apiKey });
  assert.is(viaHttp.body.name, "alpha");
  assert.is(viaHttp.body.key, undefined);
  const d = await rejects(a.getAPIKey({ applicationIds: appIds(keysApp), keyId: "NOSUCHKEY" }), Code.NotFound, "api_key_not_found");
  assert.is(d.namespace, "pkg/identityserver/store");
  // A key of one application is not found through another.
  await rejects(a.getAPIKey({ applicationIds: appIds(app), keyId: one.id }), Code.NotFound, "api_key_not_found");
});

it("UpdateAPIKey: name, rights, expiry; rights the caller lacks can be neither added nor removed", async () => {
  const a = acc(olive.apiKey);
  const k = await a.createAPIKey({ applicationIds: appIds(app), name: "to-update", rights: [R("RIGHT_APPLICATION_INFO")] });
  const renamed = await a.updateAPIKey({ applicationIds: appIds(app), apiKey: { id: k.id, name: "renamed", rights: [] }, fieldMask: { paths: ["name"] } });
  assert.is(renamed.name, "renamed");
  assert.equal(renamed.rights, [R("RIGHT_APPLICATION_INFO")]);
  assert.is(renamed.key, "");
  const more = await a.updateAPIKey({ applicationIds: appIds(app), apiKey: { id: k.id, rights: [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_SETTINGS_BASIC")] }, fieldMask: { paths: ["rights"] } });
  assert.equal(more.rights, [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_SETTINGS_BASIC")]);
  assert.is(more.name, "renamed");
  // The key works with its new rights at once.
  await reg(k.key).update({ application: { ids: appIds(app), description: "by key" }, fieldMask: { paths: ["description"] } });

  // A caller without DELETE can neither add nor remove DELETE.
  const limited = await p.apiKey(userRef("olive"), R("RIGHT_APPLICATION_SETTINGS_API_KEYS"), R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_SETTINGS_BASIC"));
  const add = await rejects(
    acc(limited).updateAPIKey({ applicationIds: appIds(app), apiKey: { id: k.id, rights: [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_DELETE")] }, fieldMask: { paths: ["rights"] } }),
    Code.PermissionDenied,
    "insufficient_application_rights",
  );
  assert.equal(add.attributes?.missing, ["RIGHT_APPLICATION_DELETE"]);
  await a.updateAPIKey({ applicationIds: appIds(app), apiKey: { id: k.id, rights: [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_DELETE")] }, fieldMask: { paths: ["rights"] } });
  await rejects(
    acc(limited).updateAPIKey({ applicationIds: appIds(app), apiKey: { id: k.id, rights: [R("RIGHT_APPLICATION_INFO")] }, fieldMask: { paths: ["rights"] } }),
    Code.PermissionDenied,
    "insufficient_application_rights",
  );
  assert.equal((await store.apiKeys.get(appRef(app), k.id)).rights, [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_DELETE")]);
  // But it may rename it.
  await acc(limited).updateAPIKey({ applicationIds: appIds(app), apiKey: { id: k.id, name: "limited renamed" }, fieldMask: { paths: ["name"] } });

  // Empty mask: name and rights.
  const both = await a.updateAPIKey({ applicationIds: appIds(app), apiKey: { id: k.id, name: "both", rights: [R("RIGHT_APPLICATION_TRAFFIC_READ")] } });
  assert.is(both.name, "both");
  assert.equal(both.rights, [R("RIGHT_APPLICATION_TRAFFIC_READ")]);

  // Over HTTP, with an expiry.
  const expires = new Date(Date.now() + 7200_000);
  const res = await api(server, "PUT", `/applications/${app}/api-keys/${k.id}`, {
    key: olive.apiKey,
    body: { api_key: { expires_at: expires.toISOString() }, field_mask: { paths: ["expires_at"] } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(Number((await store.apiKeys.get(appRef(app), k.id)).expiresAt?.seconds), Math.floor(expires.getTime() / 1000));

  // Validation and unknown paths.
  await rejects(a.updateAPIKey({ applicationIds: appIds(app), apiKey: { id: k.id, name: "n".repeat(51) }, fieldMask: { paths: ["name"] } }), Code.InvalidArgument, "validation");
  await rejects(a.updateAPIKey({ applicationIds: appIds(app), apiKey: { id: k.id }, fieldMask: { paths: ["nmae"] } }), Code.InvalidArgument, "field_mask_paths");
  await rejects(a.updateAPIKey({ applicationIds: appIds(app), apiKey: { id: "NOSUCHKEY", name: "x" }, fieldMask: { paths: ["name"] } }), Code.NotFound, "api_key_not_found");
  // Another application's key through this application: not found, and untouched.
  const otherKey = await acc(bob.apiKey).createAPIKey({ applicationIds: appIds(otherApp), name: "bob's", rights: [R("RIGHT_APPLICATION_INFO")] });
  await rejects(a.updateAPIKey({ applicationIds: appIds(app), apiKey: { id: otherKey.id, name: "stolen" }, fieldMask: { paths: ["name"] } }), Code.NotFound, "api_key_not_found");
  assert.is((await store.apiKeys.get(appRef(otherApp), otherKey.id)).name, "bob's");
});

it("UpdateAPIKey: empty rights in the mask delete the key", async () => {
  const a = acc(olive.apiKey);
  const k = await a.createAPIKey({ applicationIds: appIds(app), name: "doomed", rights: [R("RIGHT_APPLICATION_INFO")] });
  const res = await a.updateAPIKey({ applicationIds: appIds(app), apiKey: { id: k.id, rights: [] }, fieldMask: { paths: ["rights"] } });
  assert.is(res.id, "");
  assert.is(await store.apiKeys.lookup(k.id), undefined);
  await rejects(reg(k.key).get({ applicationIds: appIds(app) }), Code.Unauthenticated, "api_key_not_found");
});

it("DeleteAPIKey: the key stops working at once", async () => {
  const a = acc(olive.apiKey);
  const k = await a.createAPIKey({ applicationIds: appIds(app), name: "short-lived", rights: [R("RIGHT_APPLICATION_INFO")] });
  await reg(k.key).get({ applicationIds: appIds(app), fieldMask: { paths: ["name"] } });
  const res = await api(server, "DELETE", `/applications/${app}/api-keys/${k.id}`, { key: olive.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  await rejects(reg(k.key).get({ applicationIds: appIds(app), fieldMask: { paths: ["name"] } }), Code.Unauthenticated, "api_key_not_found");
  await rejects(a.deleteAPIKey({ applicationIds: appIds(app), keyId: k.id }), Code.NotFound, "api_key_not_found");
  await rejects(a.getAPIKey({ applicationIds: appIds(app), keyId: k.id }), Code.NotFound, "api_key_not_found");
});

it("an application key cannot act on another application", async () => {
  const own = await p.apiKey(appRef(app), R("RIGHT_APPLICATION_ALL"));
  const a = acc(own);
  // On its own application it manages keys.
  const child = await a.createAPIKey({ applicationIds: appIds(app), name: "child", rights: [R("RIGHT_APPLICATION_INFO")] });
  assert.ok(child.key);
  // On another one it has nothing.
  const bobsKey = await acc(bob.apiKey).createAPIKey({ applicationIds: appIds(otherApp), name: "bob-key", rights: [R("RIGHT_APPLICATION_INFO")] });
  await rejects(a.createAPIKey({ applicationIds: appIds(otherApp), rights: [R("RIGHT_APPLICATION_INFO")] }), Code.PermissionDenied, "no_application_rights");
  await rejects(a.getAPIKey({ applicationIds: appIds(otherApp), keyId: bobsKey.id }), Code.PermissionDenied, "no_application_rights");
  await rejects(a.deleteAPIKey({ applicationIds: appIds(otherApp), keyId: bobsKey.id }), Code.PermissionDenied, "no_application_rights");
  // Not through its own application either: the key ID belongs elsewhere.
  await rejects(a.deleteAPIKey({ applicationIds: appIds(app), keyId: bobsKey.id }), Code.NotFound, "api_key_not_found");
  await rejects(a.getAPIKey({ applicationIds: appIds(app), keyId: bobsKey.id }), Code.NotFound, "api_key_not_found");
  assert.ok(await store.apiKeys.lookup(bobsKey.id), "bob's key survives");
  assert.is((await reg(bobsKey.key).get({ applicationIds: appIds(otherApp), fieldMask: { paths: ["name"] } })).name, "Other");
  // An application key cannot reach users either.
  await rejects(reg(own).create({ application: { ids: appIds("by-app-key") }, collaborator: user("olive") }), Code.PermissionDenied, "no_user_rights");
});

// ---- Collaborators ---------------------------------------------------------

it("SetCollaborator: grants a user rights (HTTP), GetCollaborator reads them", async () => {
  const res = await api(server, "PUT", `/applications/${app}/collaborators`, {
    key: olive.apiKey,
    body: { collaborator: { ids: { user_ids: { user_id: "bob" } }, rights: ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ"] } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body, {});
  const got = await acc(olive.apiKey).getCollaborator({ applicationIds: appIds(app), collaborator: user("bob") });
  assert.equal(names(got.rights), ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ"]);
  assert.is((got.ids?.ids.value as { userId: string }).userId, "bob");
  const viaHttp = await api(server, "GET", `/applications/${app}/collaborator/user/bob`, { key: olive.apiKey });
  assert.is(viaHttp.status, 200, JSON.stringify(viaHttp.body));
  assert.equal(viaHttp.body.ids, { user_ids: { user_id: "bob" } });
  assert.equal([...viaHttp.body.rights].sort(), ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ"]);
  // Bob's next call has the rights.
  assert.is((await reg(bob.apiKey).get({ applicationIds: appIds(app), fieldMask: { paths: ["name"] } })).name, "Access");
  assert.equal(names((await acc(bob.apiKey).listRights(appIds(app))).rights), ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ"]);
});

it("SetCollaborator: cannot grant rights the caller lacks", async () => {
  const d = await rejects(
    acc(manny.apiKey).setCollaborator({ applicationIds: appIds(app), collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_DELETE")] } }),
    Code.PermissionDenied,
    "insufficient_application_rights",
  );
  assert.equal(d.attributes?.missing, ["RIGHT_APPLICATION_DELETE"]);
  await rejects(
    acc(manny.apiKey).setCollaborator({ applicationIds: appIds(app), collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_ALL")] } }),
    Code.PermissionDenied,
    "insufficient_application_rights",
  );
  // Manny may grant what he holds.
  await acc(manny.apiKey).setCollaborator({ applicationIds: appIds(app), collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_INFO")] } });
  assert.equal(names((await store.memberships.get(appRef(app), userRef("bob"))).rights), ["RIGHT_APPLICATION_INFO"]);
});

it("SetCollaborator: a key with SETTINGS_COLLABORATORS but without DELETE cannot grant DELETE", async () => {
  const key = await p.apiKey(userRef("olive"), R("RIGHT_APPLICATION_SETTINGS_COLLABORATORS"), R("RIGHT_APPLICATION_INFO"));
  const d = await rejects(
    acc(key).setCollaborator({ applicationIds: appIds(app), collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_DELETE")] } }),
    Code.PermissionDenied,
    "insufficient_application_rights",
  );
  assert.equal(d.attributes?.missing, ["RIGHT_APPLICATION_DELETE"]);
  assert.equal(names((await store.memberships.get(appRef(app), userRef("bob"))).rights), ["RIGHT_APPLICATION_INFO"]);
});

it("SetCollaborator: cannot remove rights the caller lacks, unless deleting the collaborator", async () => {
  await acc(olive.apiKey).setCollaborator({ applicationIds: appIds(app), collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_DELETE")] } });
  const d = await rejects(
    acc(manny.apiKey).setCollaborator({ applicationIds: appIds(app), collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_INFO")] } }),
    Code.PermissionDenied,
    "insufficient_application_rights",
  );
  assert.equal(d.attributes?.missing, ["RIGHT_APPLICATION_DELETE"]);
  assert.equal(names((await store.memberships.get(appRef(app), userRef("bob"))).rights), ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_DELETE"]);
  // Empty rights delete the collaborator; that needs only SETTINGS_COLLABORATORS.
  await acc(manny.apiKey).setCollaborator({ applicationIds: appIds(app), collaborator: { ids: user("bob"), rights: [] } });
  await rejects(store.memberships.get(appRef(app), userRef("bob")), Code.NotFound, "membership_not_found");
  await rejects(reg(bob.apiKey).get({ applicationIds: appIds(app), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
});

it("SetCollaborator: the last collaborator with APPLICATION_ALL cannot be downgraded or removed", async () => {
  const solo = await p.application(userRef("olive"), { id: "solo-app" });
  const a = acc(olive.apiKey);
  const d = await rejects(
    a.setCollaborator({ applicationIds: appIds(solo), collaborator: { ids: user("olive"), rights: [R("RIGHT_APPLICATION_INFO")] } }),
    Code.FailedPrecondition,
    "application_needs_collaborator",
  );
  assert.is(d.namespace, "pkg/identityserver");
  await rejects(a.setCollaborator({ applicationIds: appIds(solo), collaborator: { ids: user("olive"), rights: [] } }), Code.FailedPrecondition, "application_needs_collaborator");
  httpError(
    await api(server, "PUT", `/applications/${solo}/collaborators`, { key: olive.apiKey, body: { collaborator: { ids: { user_ids: { user_id: "olive" } }, rights: ["RIGHT_APPLICATION_INFO"] } } }),
    400,
    "application_needs_collaborator",
  );
  assert.equal((await store.memberships.get(appRef(solo), userRef("olive"))).rights, [R("RIGHT_APPLICATION_ALL")]);
  // RIGHT_ALL implies every right (user, gateway, ...), which nobody holds on an application.
  await rejects(a.setCollaborator({ applicationIds: appIds(solo), collaborator: { ids: user("bob"), rights: [R("RIGHT_ALL")] } }), Code.PermissionDenied, "insufficient_application_rights");
  // With a second owner, downgrading works.
  await a.setCollaborator({ applicationIds: appIds(solo), collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_ALL")] } });
  await a.setCollaborator({ applicationIds: appIds(solo), collaborator: { ids: user("olive"), rights: [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_SETTINGS_COLLABORATORS")] } });
  // Now bob is the last owner.
  await rejects(
    acc(bob.apiKey).setCollaborator({ applicationIds: appIds(solo), collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_INFO")] } }),
    Code.FailedPrecondition,
    "application_needs_collaborator",
  );
  // Olive cannot take bob's ownership away: she lacks the rights.
  await rejects(
    acc(olive.apiKey).setCollaborator({ applicationIds: appIds(solo), collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_INFO")] } }),
    Code.PermissionDenied,
    "insufficient_application_rights",
  );
  // Setting the same rights again is no downgrade.
  await acc(bob.apiKey).setCollaborator({ applicationIds: appIds(solo), collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_ALL")] } });
  // An owner through the membership RIGHT_ALL (as fixtures write it) counts as an owner too.
  await p.member(appRef(solo), userRef("manny"), R("RIGHT_ALL"));
  await acc(bob.apiKey).setCollaborator({ applicationIds: appIds(solo), collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_INFO")] } });
  assert.equal((await store.memberships.get(appRef(solo), userRef("bob"))).rights, [R("RIGHT_APPLICATION_INFO")]);
});

it("SetCollaborator: two owners downgrading themselves at once leave one owner", async () => {
  for (let round = 0; round < 5; round++) {
    const race = await p.application(userRef("olive"), { id: `race-owner-${round}` });
    await p.member(appRef(race), userRef("bob"), R("RIGHT_APPLICATION_ALL"));
    const results = await Promise.allSettled(
      [olive, bob].map((u) =>
        acc(u.apiKey).setCollaborator({ applicationIds: appIds(race), collaborator: { ids: user(u.id), rights: [R("RIGHT_APPLICATION_INFO")] } }),
      ),
    );
    const owners = (await store.memberships.all(appRef(race))).filter((m) => m.rights.includes(R("RIGHT_APPLICATION_ALL")));
    assert.is(owners.length, 1, `round ${round}: ${JSON.stringify(results.map((r) => r.status))}`);
    const refused = results.filter((r) => r.status === "rejected");
    assert.is(refused.length, 1);
    const err = ConnectError.from((refused[0] as PromiseRejectedResult).reason);
    assert.is(err.findDetails(ErrorDetailsSchema)[0]?.name, "application_needs_collaborator", err.message);
  }
});

it("SetCollaborator: unknown users and organizations are account_not_found", async () => {
  const a = acc(olive.apiKey);
  const d = await rejects(a.setCollaborator({ applicationIds: appIds(app), collaborator: { ids: org("some-org"), rights: [R("RIGHT_APPLICATION_INFO")] } }), Code.NotFound, "account_not_found");
  assert.is(d.namespace, "pkg/identityserver/store");
  await rejects(a.setCollaborator({ applicationIds: appIds(app), collaborator: { ids: user("nobody"), rights: [R("RIGHT_APPLICATION_INFO")] } }), Code.NotFound, "account_not_found");
  httpError(
    await api(server, "PUT", `/applications/${app}/collaborators`, { key: olive.apiKey, body: { collaborator: { ids: { organization_ids: { organization_id: "some-org" } }, rights: ["RIGHT_APPLICATION_INFO"] } } }),
    404,
    "account_not_found",
  );
  await rejects(store.memberships.get(appRef(app), { kind: "organization", id: "some-org" }), Code.NotFound, "membership_not_found");
  const v = await rejects(a.setCollaborator({ applicationIds: appIds(app), collaborator: { rights: [R("RIGHT_APPLICATION_INFO")] } }), Code.InvalidArgument, "validation");
  assert.match(String(v.attributes?.field), "collaborator");
  await rejects(a.getCollaborator({ applicationIds: appIds(app), collaborator: org("some-org") }), Code.NotFound, "membership_not_found");
});

it("DeleteCollaborator: takes effect at once", async () => {
  await acc(olive.apiKey).setCollaborator({ applicationIds: appIds(app), collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_INFO")] } });
  assert.is((await reg(bob.apiKey).get({ applicationIds: appIds(app), fieldMask: { paths: ["name"] } })).name, "Access");
  const res = await api(server, "DELETE", `/applications/${app}/collaborator/user/bob`, { key: olive.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  await rejects(reg(bob.apiKey).get({ applicationIds: appIds(app), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  assert.equal((await acc(bob.apiKey).listRights(appIds(app))).rights, []);
  await rejects(acc(olive.apiKey).getCollaborator({ applicationIds: appIds(app), collaborator: user("bob") }), Code.NotFound, "membership_not_found");
});

it("DeleteCollaborator: a non-member is NOT_FOUND; contacts cannot be removed", async () => {
  const a = acc(olive.apiKey);
  await rejects(a.deleteCollaborator({ applicationIds: appIds(app), collaboratorIds: user("bob") }), Code.NotFound, "membership_not_found");
  httpError(await api(server, "DELETE", `/applications/${app}/collaborator/user/nobody`, { key: olive.apiKey }), 404, "membership_not_found");
  await rejects(a.deleteCollaborator({ applicationIds: appIds(app), collaboratorIds: org("some-org") }), Code.NotFound, "membership_not_found");
  const d = await rejects(a.deleteCollaborator({ applicationIds: appIds(app), collaboratorIds: user("olive") }), Code.FailedPrecondition, "collaborator_is_contact");
  assert.is(d.attributes?.collaborator_id, "olive");
  // A technical contact who is not the owner is protected as well.
  const contacts = await p.application(userRef("olive"), { id: "contact-app" });
  await p.member(appRef(contacts), userRef("manny"), R("RIGHT_APPLICATION_INFO"));
  await reg(olive.apiKey).update({ application: { ids: appIds(contacts), technicalContact: user("manny") }, fieldMask: { paths: ["technical_contact"] } });
  await rejects(a.deleteCollaborator({ applicationIds: appIds(contacts), collaboratorIds: user("manny") }), Code.FailedPrecondition, "collaborator_is_contact");
  assert.ok(await store.memberships.get(appRef(contacts), userRef("manny")));
});

it("DeleteCollaborator: the last collaborator with APPLICATION_ALL stays", async () => {
  const lone = await p.application(userRef("olive"), { id: "lone-app" });
  await p.member(appRef(lone), userRef("manny"), R("RIGHT_APPLICATION_INFO"));
  // Manny becomes both contacts, so olive is no contact any more.
  await reg(olive.apiKey).update({
    application: { ids: appIds(lone), administrativeContact: user("manny"), technicalContact: user("manny") },
    fieldMask: { paths: ["administrative_contact", "technical_contact"] },
  });
  await rejects(acc(olive.apiKey).deleteCollaborator({ applicationIds: appIds(lone), collaboratorIds: user("olive") }), Code.FailedPrecondition, "application_needs_collaborator");
  assert.equal((await store.memberships.get(appRef(lone), userRef("olive"))).rights, [R("RIGHT_APPLICATION_ALL")]);
  // With another owner she can leave.
  await acc(olive.apiKey).setCollaborator({ applicationIds: appIds(lone), collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_ALL")] } });
  await acc(olive.apiKey).deleteCollaborator({ applicationIds: appIds(lone), collaboratorIds: user("olive") });
  await rejects(reg(olive.apiKey).get({ applicationIds: appIds(lone), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
});

it("ListCollaborators: rights only with SETTINGS_COLLABORATORS; pagination and order", async () => {
  const listed = await p.application(userRef("olive"), { id: "listed-app" });
  await p.member(appRef(listed), userRef("bob"), R("RIGHT_APPLICATION_INFO"));
  await p.member(appRef(listed), userRef("manny"), R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_TRAFFIC_READ"));

  let total: string | null = null;
  const full = await acc(olive.apiKey).listCollaborators({ applicationIds: appIds(listed) }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.equal(full.collaborators.map((c) => (c.ids?.ids.value as { userId: string }).userId), ["bob", "manny", "olive"]);
  assert.equal(full.collaborators.map((c) => names(c.rights)), [["RIGHT_APPLICATION_INFO"], ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ"], ["RIGHT_APPLICATION_ALL"]]);
  assert.is(total, "3");

  // Bob (INFO only): ids, no rights.
  const idsOnly = await acc(bob.apiKey).listCollaborators({ applicationIds: appIds(listed) });
  assert.equal(idsOnly.collaborators.map((c) => (c.ids?.ids.value as { userId: string }).userId), ["bob", "manny", "olive"]);
  for (const c of idsOnly.collaborators) assert.equal(c.rights, []);
  const res = await api(server, "GET", `/applications/${listed}/collaborators`, { key: bob.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.collaborators, [
    { ids: { user_ids: { user_id: "bob" } } },
    { ids: { user_ids: { user_id: "manny" } } },
    { ids: { user_ids: { user_id: "olive" } } },
  ]);
  assert.is(res.headers.get("x-total-count"), "3");

  const page2 = await acc(olive.apiKey).listCollaborators({ applicationIds: appIds(listed), limit: 2, page: 2 });
  assert.equal(page2.collaborators.map((c) => (c.ids?.ids.value as { userId: string }).userId), ["olive"]);
  const desc = await acc(olive.apiKey).listCollaborators({ applicationIds: appIds(listed), order: "-id" });
  assert.equal(desc.collaborators.map((c) => (c.ids?.ids.value as { userId: string }).userId), ["olive", "manny", "bob"]);
  const byRights = await acc(olive.apiKey).listCollaborators({ applicationIds: appIds(listed), order: "rights" });
  assert.is(byRights.collaborators.length, 3);
  await rejects(acc(olive.apiKey).listCollaborators({ applicationIds: appIds(listed), order: "name" }), Code.InvalidArgument, "validation");
  await rejects(acc(olive.apiKey).listCollaborators({ applicationIds: appIds(listed), limit: 1001 }), Code.InvalidArgument, "validation");
});

it("collaborators of a deleted application are out of reach", async () => {
  const gone = await p.application(userRef("olive"), { id: "gone-app" });
  await reg(olive.apiKey).delete(appIds(gone));
  await rejects(acc(olive.apiKey).setCollaborator({ applicationIds: appIds(gone), collaborator: { ids: user("bob"), rights: [R("RIGHT_APPLICATION_INFO")] } }), Code.PermissionDenied, "no_application_rights");
  await rejects(acc(olive.apiKey).createAPIKey({ applicationIds: appIds(gone), rights: [R("RIGHT_APPLICATION_INFO")] }), Code.PermissionDenied, "no_application_rights");
  await rejects(acc(server.adminAPIKey).getCollaborator({ applicationIds: appIds(gone), collaborator: user("olive") }), Code.NotFound, "application_not_found");
});

test.after(() => server.close());
test.run();
