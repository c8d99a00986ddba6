// UserBookmarkRegistry against a real server: gRPC and /api/v3 JSON.
// Permission-denied cases first, then create/list/delete/batch delete, the
// deleted flag (bookmarks of soft-deleted entities) and purge (spec §1
// UserBookmarkRegistry, §2.5, §3.3).
import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { EntityIdentifiersSchema, type EntityIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import type { UserBookmarks } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UserBookmarkRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { api, grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { it, rejects, httpError, userRef, orgRef } from "../helpers/expect.js";

// ---- local helpers -------------------------------------------------------

const appEntity = (id: string) => create(EntityIdentifiersSchema, { ids: { case: "applicationIds", value: { applicationId: id } } });
const gtwEntity = (id: string) => create(EntityIdentifiersSchema, { ids: { case: "gatewayIds", value: { gatewayId: id } } });
const orgEntity = (id: string) => create(EntityIdentifiersSchema, { ids: { case: "organizationIds", value: { organizationId: id } } });
const clientEntity = (id: string) => create(EntityIdentifiersSchema, { ids: { case: "clientIds", value: { clientId: id } } });
const userEntity = (id: string) => create(EntityIdentifiersSchema, { ids: { case: "userIds", value: { userId: id } } });
const devEntity = (app: string, dev: string) =>
  create(EntityIdentifiersSchema, { ids: { case: "deviceIds", value: { deviceId: dev, applicationIds: { applicationId: app } } } });

/** `kind:id` of each bookmark, in response order. */
function names(res: UserBookmarks): string[] {
  return res.bookmarks.map((b) => {
    const e = b.entityIds as EntityIdentifiers;
    switch (e.ids.case) {
      case "applicationIds":
        return `application:${e.ids.value.applicationId}`;
      case "clientIds":
        return `client:${e.ids.value.clientId}`;
      case "gatewayIds":
        return `gateway:${e.ids.value.gatewayId}`;
      case "organizationIds":
        return `organization:${e.ids.value.organizationId}`;
      case "userIds":
        return `user:${e.ids.value.userId}`;
      case "deviceIds":
        return `end device:${e.ids.value.applicationIds?.applicationId}.${e.ids.value.deviceId}`;
      default:
        return "?";
    }
  });
}

// ---- the world -----------------------------------------------------------

const server = await startTestServer();
const p = server.population;
const store = p.store;
const reg = (key?: string) => grpcClient(server, UserBookmarkRegistry, key);

const alice = await p.user({ id: "alice" });
const bob = await p.user({ id: "bob" });
await p.application(userRef("alice"), { id: "alice-app" });
await p.application(userRef("bob"), { id: "bob-app" });
await p.application(userRef("alice"), { id: "doomed-app" });
await p.gateway(userRef("alice"), { id: "alice-gtw" });
await p.organization(userRef("alice"), { id: "alice-org" });
await p.oauthClient(userRef("alice"), { id: "alice-client" });
await p.endDevice("alice-app", { id: "dev-1" });
const orgKey = await p.apiKey(orgRef("alice-org"), R("RIGHT_ORGANIZATION_ALL"));
const aliceInfoOnly = await p.apiKey(userRef("alice"), R("RIGHT_USER_INFO"));
const aliceBasicOnly = await p.apiKey(userRef("alice"), R("RIGHT_USER_SETTINGS_BASIC"));
const aliceIds = { userId: "alice" };

// ---- permission denied ---------------------------------------------------

it("no credentials: every method answers unauthenticated (gRPC and HTTP)", async () => {
  const anon = reg();
  await rejects(anon.create({ userIds: aliceIds, entityIds: appEntity("alice-app") }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.list({ userIds: aliceIds }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.delete({ userIds: aliceIds, entityIds: appEntity("alice-app") }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.batchDelete({ userIds: aliceIds, entityIds: [appEntity("alice-app")] }), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "POST", "/users/alice/bookmarks", { body: { entity_ids: { application_ids: { application_id: "alice-app" } } } }), 401, "unauthenticated");
  httpError(await api(server, "GET", "/users/alice/bookmarks"), 401, "unauthenticated");
  httpError(await api(server, "DELETE", "/users/alice/bookmarks/applications/alice-app"), 401, "unauthenticated");
});

it("another user's key: no rights on the user", async () => {
  const bobs = reg(bob.apiKey);
  await rejects(bobs.create({ userIds: aliceIds, entityIds: appEntity("bob-app") }), Code.PermissionDenied, "no_user_rights");
  await rejects(bobs.list({ userIds: aliceIds }), Code.PermissionDenied, "no_user_rights");
  await rejects(bobs.delete({ userIds: aliceIds, entityIds: appEntity("alice-app") }), Code.PermissionDenied, "no_user_rights");
  await rejects(bobs.batchDelete({ userIds: aliceIds, entityIds: [appEntity("alice-app")] }), Code.PermissionDenied, "no_user_rights");
  httpError(await api(server, "GET", "/users/alice/bookmarks", { key: bob.apiKey }), 403, "no_user_rights");
  assert.is((await store.bookmarks.find("alice", { limit: 10, page: 1 })).total, 0);
});

it("an organization's key (the user's own organization): no rights on the user", async () => {
  await rejects(reg(orgKey).list({ userIds: aliceIds }), Code.PermissionDenied, "no_user_rights");
  await rejects(reg(orgKey).create({ userIds: aliceIds, entityIds: appEntity("alice-app") }), Code.PermissionDenied, "no_user_rights");
});

it("a key without the right: insufficient_user_rights naming it", async () => {
  const d = await rejects(reg(aliceInfoOnly).create({ userIds: aliceIds, entityIds: appEntity("alice-app") }), Code.PermissionDenied, "insufficient_user_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_USER_SETTINGS_BASIC"]);
  await rejects(reg(aliceInfoOnly).delete({ userIds: aliceIds, entityIds: appEntity("alice-app") }), Code.PermissionDenied, "insufficient_user_rights");
  await rejects(reg(aliceInfoOnly).batchDelete({ userIds: aliceIds, entityIds: [appEntity("alice-app")] }), Code.PermissionDenied, "insufficient_user_rights");
  const l = await rejects(reg(aliceBasicOnly).list({ userIds: aliceIds }), Code.PermissionDenied, "insufficient_user_rights");
  assert.equal(l.attributes?.missing, ["RIGHT_USER_INFO"]);
  httpError(await api(server, "GET", "/users/alice/bookmarks", { key: aliceBasicOnly }), 403, "insufficient_user_rights");
});

// ---- behaviour -------------------------------------------------------------

it("Create: every entity kind, answered with the bookmark", async () => {
  const c = reg(alice.apiKey);
  const before = Date.now();
  const made = await c.create({ userIds: aliceIds, entityIds: appEntity("alice-app") });
  assert.is(made.userIds?.userId, "alice");
  assert.equal(names({ bookmarks: [made] } as UserBookmarks), ["application:alice-app"]);
  assert.ok(timestampDate(made.createdAt!).getTime() >= before - 5000);
  await c.create({ userIds: aliceIds, entityIds: gtwEntity("alice-gtw") });
  await c.create({ userIds: aliceIds, entityIds: orgEntity("alice-org") });
  await c.create({ userIds: aliceIds, entityIds: clientEntity("alice-client") });
  await c.create({ userIds: aliceIds, entityIds: userEntity("bob") });
  await c.create({ userIds: aliceIds, entityIds: devEntity("alice-app", "dev-1") });
  // An entity of someone else may be bookmarked too (the bookmark only names it).
  const http = await api(server, "POST", "/users/alice/bookmarks", { key: alice.apiKey, body: { entity_ids: { application_ids: { application_id: "bob-app" } } } });
  assert.is(http.status, 200, JSON.stringify(http.body));
  assert.equal(http.body.entity_ids, { application_ids: { application_id: "bob-app" } });
  assert.is(http.body.user_ids.user_id, "alice");
});

it("Create: the entity must exist; a bookmark is made once", async () => {
  const c = reg(alice.apiKey);
  await rejects(c.create({ userIds: aliceIds, entityIds: appEntity("no-such-app") }), Code.NotFound, "application_not_found");
  await rejects(c.create({ userIds: aliceIds, entityIds: devEntity("alice-app", "no-such-dev") }), Code.NotFound, "end_device_not_found");
  await rejects(c.create({ userIds: aliceIds, entityIds: gtwEntity("no-such-gtw") }), Code.NotFound, "gateway_not_found");
  await rejects(c.create({ userIds: aliceIds, entityIds: appEntity("alice-app") }), Code.AlreadyExists, "already_exists");
  await rejects(c.create({ userIds: aliceIds }), Code.InvalidArgument, "validation");
  await rejects(c.create({ userIds: aliceIds, entityIds: appEntity("Bad ID") }), Code.InvalidArgument, "validation");
});

it("List: pagination, order, totals and the entity type filter (gRPC and HTTP)", async () => {
  const c = reg(alice.apiKey);
  let total: string | null = null;
  const all = await c.list({ userIds: aliceIds }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.is(total, "7");
  // Default order: creation time.
  assert.equal(names(all), [
    "application:alice-app", "gateway:alice-gtw", "organization:alice-org", "client:alice-client", "user:bob", "end device:alice-app.dev-1", "application:bob-app",
  ]);
  const page = await c.list({ userIds: aliceIds, order: "entity_id", limit: 3, page: 2 }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.is(total, "7");
  assert.equal(names(page), ["gateway:alice-gtw", "organization:alice-org", "user:bob"]);
  const desc = await c.list({ userIds: aliceIds, order: "-entity_type", limit: 2 });
  assert.equal(names(desc), ["user:bob", "organization:alice-org"]);
  const apps = await c.list({ userIds: aliceIds, entityTypes: ["application", "end device"] }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.equal(names(apps), ["application:alice-app", "end device:alice-app.dev-1", "application:bob-app"]);
  assert.is(total, "3");
  const past = await c.list({ userIds: aliceIds, limit: 5, page: 3 }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.equal(past.bookmarks, []);
  assert.is(total, "7");
  await rejects(c.list({ userIds: aliceIds, entityTypes: ["device"] }), Code.InvalidArgument, "validation");
  await rejects(c.list({ userIds: aliceIds, entityTypes: ["gateway", "gateway"] }), Code.InvalidArgument, "validation");
  await rejects(c.list({ userIds: aliceIds, order: "name" }), Code.InvalidArgument, "validation");

  const http = await api(server, "GET", "/users/alice/bookmarks?entity_types=gateway&entity_types=end%20device&order=-created_at", { key: alice.apiKey });
  assert.is(http.status, 200);
  assert.is(http.headers.get("x-total-count"), "2");
  assert.equal(http.body.bookmarks.map((b: { entity_ids: unknown }) => b.entity_ids), [
    { device_ids: { device_id: "dev-1", application_ids: { application_id: "alice-app" } } },
    { gateway_ids: { gateway_id: "alice-gtw" } },
  ]);
  // Admins read any user's bookmarks.
  assert.is((await reg(server.adminAPIKey).list({ userIds: aliceIds })).bookmarks.length, 7);
});

it("a soft-deleted entity's bookmarks list only with deleted=true, and come back on restore", async () => {
  const c = reg(alice.apiKey);
  await c.create({ userIds: aliceIds, entityIds: appEntity("doomed-app") });
  await store.applications.delete("doomed-app");
  await rejects(c.create({ userIds: aliceIds, entityIds: appEntity("doomed-app") }), Code.NotFound, "application_not_found");
  const live = await c.list({ userIds: aliceIds, entityTypes: ["application"] });
  assert.equal(names(live), ["application:alice-app", "application:bob-app"]);
  let total: string | null = null;
  const deleted = await c.list({ userIds: aliceIds, deleted: true }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.equal(names(deleted), ["application:doomed-app"]);
  assert.is(total, "1");
  await store.applications.restore("doomed-app");
  assert.equal(names(await c.list({ userIds: aliceIds, deleted: true })), []);
  assert.ok(names(await c.list({ userIds: aliceIds })).includes("application:doomed-app"));
});

it("purging an entity removes its bookmarks; purging a user removes theirs", async () => {
  const c = reg(alice.apiKey);
  await store.applications.delete("doomed-app");
  await store.applications.purge("doomed-app");
  assert.equal(names(await c.list({ userIds: aliceIds, deleted: true })), []);
  // The same ID registered again is a new entity: the old bookmark does not return.
  await p.application(userRef("bob"), { id: "doomed-app" });
  assert.ok(!names(await c.list({ userIds: aliceIds })).includes("application:doomed-app"));
  // A purged user's own bookmarks go with them.
  const temp = await p.user({ id: "temp-user" });
  await reg(temp.apiKey).create({ userIds: { userId: "temp-user" }, entityIds: appEntity("bob-app") });
  await store.users.purge("temp-user");
  assert.is((await store.bookmarks.find("temp-user", { limit: 10, page: 1 })).total, 0);
});

it("Delete: one bookmark per entity type path; unknown ones are user_bookmark_not_found", async () => {
  const c = reg(alice.apiKey);
  await c.delete({ userIds: aliceIds, entityIds: orgEntity("alice-org") });
  await rejects(c.delete({ userIds: aliceIds, entityIds: orgEntity("alice-org") }), Code.NotFound, "user_bookmark_not_found");
  let res = await api(server, "DELETE", "/users/alice/bookmarks/applications/alice-app/devices/dev-1", { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  res = await api(server, "DELETE", "/users/alice/bookmarks/users/bob", { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  res = await api(server, "DELETE", "/users/alice/bookmarks/clients/alice-client", { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  httpError(await api(server, "DELETE", "/users/alice/bookmarks/gateways/not-bookmarked", { key: alice.apiKey }), 404, "user_bookmark_not_found");
  assert.equal(names(await c.list({ userIds: aliceIds, order: "entity_id" })), ["application:alice-app", "gateway:alice-gtw", "application:bob-app"]);
});

it("BatchDelete: removes the listed bookmarks that exist; 1 to 20 entities", async () => {
  const c = reg(alice.apiKey);
  await rejects(c.batchDelete({ userIds: aliceIds, entityIds: [] }), Code.InvalidArgument, "validation");
  await rejects(c.batchDelete({ userIds: aliceIds, entityIds: Array.from({ length: 21 }, (_, i) => appEntity(`app-${i}`)) }), Code.InvalidArgument, "validation");
  await c.batchDelete({ userIds: aliceIds, entityIds: [appEntity("alice-app"), gtwEntity("alice-gtw"), appEntity("never-bookmarked")] });
  assert.equal(names(await c.list({ userIds: aliceIds })), ["application:bob-app"]);
  // Bob's bookmarks are his own.
  await reg(bob.apiKey).create({ userIds: { userId: "bob" }, entityIds: appEntity("bob-app") });
  await c.batchDelete({ userIds: aliceIds, entityIds: [appEntity("bob-app")] });
  assert.equal(names(await c.list({ userIds: aliceIds })), []);
  assert.equal(names(await reg(bob.apiKey).list({ userIds: { userId: "bob" } })), ["application:bob-app"]);
});

test.after(() => server.close());
test.run();
