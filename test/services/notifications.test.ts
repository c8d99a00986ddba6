// NotificationService against a real server: Create (cluster keys only) and
// how it resolves receivers (contacts, organization contacts with and without
// fanout, collaborators, end devices), List (status filter, paging,
// X-Total-Count, newest first) and UpdateStatus, over gRPC and /api/v3
// (spec §1 NotificationService, §2.5, §6.8).
import { create } from "@bufbuild/protobuf";
import { anyPack, anyUnpack, timestampDate } from "@bufbuild/protobuf/wkt";
import { Code, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import * as assert from "uvu/assert";
import { test } from "uvu";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import {
  NotificationReceiver, NotificationService, NotificationStatus, type CreateNotificationRequest,
} from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import { OrganizationSchema } from "../../gen/ttn/lorawan/v3/organization_pb.js";
import { APIKeySchema, Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { CreateNotificationRequestSchema } from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import { accountIdentifiers } from "../../src/auth/identifiers.js";
import { api, grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { appRef, httpError, it, orgRef, rejects, userRef } from "../helpers/expect.js";

const CLUSTER_KEY = "00112233445566778899aabbccddeeff";
const { ADMINISTRATIVE_CONTACT, TECHNICAL_CONTACT, COLLABORATOR } = NotificationReceiver;

const server = await startTestServer({ "cluster.keys": [CLUSTER_KEY] });
test.after(() => server.close());
const p = server.population;
const store = p.store;

function clusterClient(key = CLUSTER_KEY): Client<typeof NotificationService> {
  return createClient(
    NotificationService,
    createGrpcTransport({
      baseUrl: `http://${server.grpcAddress}`,
      interceptors: [
        (next) => (req) => {
          req.header.set("authorization", `ClusterKey ${key}`);
          return next(req);
        },
      ],
    }),
  );
}
const cluster = clusterClient();
const notifications = (key?: string) => grpcClient(server, NotificationService, key);

// ---- the world -------------------------------------------------------------
// alice owns alice-app and the organization acme (admin contact alice,
// technical contact bob); bob owns the organization fan, which fans
// notifications out to its members bob, carol and dave; eve is on her own.

const users = Object.fromEntries(await Promise.all(["alice", "bob", "carol", "dave", "eve", "frank"].map(async (id) => [id, await p.user({ id })] as const)));
const everyone = Object.keys(users);
const keyOf = (id: string) => users[id]!.apiKey;

await p.application(userRef("alice"), { id: "alice-app" });
await p.endDevice("alice-app", { id: "alice-dev" });
await p.organization(userRef("alice"), { id: "acme" });
await p.member(orgRef("acme"), userRef("bob"), R("RIGHT_ORGANIZATION_INFO"));
await store.organizations.update("acme", create(OrganizationSchema, { technicalContact: accountIdentifiers(userRef("bob")) }), ["technical_contact"]);
await p.organization(userRef("bob"), { id: "fan" });
await p.member(orgRef("fan"), userRef("carol"), R("RIGHT_ORGANIZATION_INFO"));
await p.member(orgRef("fan"), userRef("dave"), R("RIGHT_ORGANIZATION_INFO"));
await store.organizations.update("fan", create(OrganizationSchema, { fanoutNotifications: true }), ["fanout_notifications"]);

/** An application whose contacts are an organization (members as given). */
async function orgApp(id: string, org: string): Promise<void> {
  await store.applications.create(
    create(ApplicationSchema, { ids: { applicationId: id }, administrativeContact: accountIdentifiers(orgRef(org)), technicalContact: accountIdentifiers(orgRef(org)) }),
  );
  await p.member(appRef(id), orgRef(org), R("RIGHT_APPLICATION_ALL"));
}
await orgApp("acme-app", "acme");
await orgApp("fan-app", "fan");
// Collaborators: eve directly, the fan organization (bob, carol, dave) through it.
await p.application(userRef("eve"), { id: "mixed-app" });
await p.member(appRef("mixed-app"), orgRef("fan"), R("RIGHT_APPLICATION_INFO"));
// No contacts at all.
await store.applications.create(create(ApplicationSchema, { ids: { applicationId: "lonely-app" } }));

type CreateInit = MessageInitShape<typeof CreateNotificationRequestSchema>;
const appIds = (applicationId: string) => ({ ids: { case: "applicationIds" as const, value: { applicationId } } });
const userIds = (userId: string) => ({ ids: { case: "userIds" as const, value: { userId } } });

async function notify(init: CreateInit): Promise<string> {
  const res = await cluster.create({ notificationType: "test_notification", ...init });
  assert.is(res.id.length, 36, `a UUID: ${res.id}`);
  return res.id;
}

/** The users (of all test users) whose list holds notification `id`. */
async function receiversOf(id: string): Promise<string[]> {
  const out: string[] = [];
  for (const user of everyone) {
    const res = await notifications(keyOf(user)).list({ receiverIds: { userId: user }, limit: 1000 });
    if (res.notifications.some((n) => n.id === id)) out.push(user);
  }
  return out;
}

// ---- permission denied -------------------------------------------------------

it("Create: without credentials unauthenticated; with a user's (even an admin's) key permission denied; a wrong cluster key refused", async () => {
  const req = { entityIds: userIds("alice"), notificationType: "x", receivers: [COLLABORATOR] };
  await rejects(notifications().create(req), Code.Unauthenticated, "unauthenticated");
  await rejects(notifications(keyOf("alice")).create(req), Code.PermissionDenied, "permission_denied");
  await rejects(notifications(server.adminAPIKey).create(req), Code.PermissionDenied, "permission_denied");
  await rejects(clusterClient("ffeeddccbbaa99887766554433221100").create(req), Code.Unauthenticated, "invalid_cluster_key");
  // Create has no HTTP binding.
  const res = await api(server, "POST", "/users/alice/notifications", { key: server.adminAPIKey, body: {} });
  assert.ok(res.status === 404 || res.status === 501 || res.status === 405, `status ${res.status}`);
});

it("List and UpdateStatus: another user's key gets no rights, a key without USER_NOTIFICATIONS_READ insufficient rights", async () => {
  await rejects(notifications().list({ receiverIds: { userId: "alice" } }), Code.Unauthenticated, "unauthenticated");
  await rejects(notifications(keyOf("bob")).list({ receiverIds: { userId: "alice" } }), Code.PermissionDenied, "no_user_rights");
  const infoOnly = await p.apiKey(userRef("alice"), R("RIGHT_USER_INFO"));
  await rejects(notifications(infoOnly).list({ receiverIds: { userId: "alice" } }), Code.PermissionDenied, "insufficient_user_rights");
  const ids = ["00000000-0000-7000-8000-000000000000"];
  await rejects(notifications(keyOf("bob")).updateStatus({ receiverIds: { userId: "alice" }, ids, status: NotificationStatus.SEEN }), Code.PermissionDenied, "no_user_rights");
  await rejects(notifications(infoOnly).updateStatus({ receiverIds: { userId: "alice" }, ids, status: NotificationStatus.SEEN }), Code.PermissionDenied, "insufficient_user_rights");
  httpError(await api(server, "GET", "/users/alice/notifications", { key: keyOf("bob") }), 403, "no_user_rights");
  httpError(await api(server, "PATCH", "/users/alice/notifications", { key: keyOf("bob"), body: { ids, status: "NOTIFICATION_STATUS_SEEN" } }), 403, "no_user_rights");
  // A key of only the right works.
  const readOnly = await p.apiKey(userRef("alice"), R("RIGHT_USER_NOTIFICATIONS_READ"));
  await notifications(readOnly).list({ receiverIds: { userId: "alice" } });
});

// ---- Create: validation -------------------------------------------------------

it("Create: validation of type, receivers, entity and data", async () => {
  const ok = { entityIds: userIds("alice"), notificationType: "x", receivers: [COLLABORATOR] };
  const field = async (req: CreateInit, name: string) => {
    const err = await rejects(cluster.create(req), Code.InvalidArgument, "validation");
    assert.is(err.attributes.field, name);
  };
  await field({ ...ok, notificationType: "" }, "notification_type");
  await field({ ...ok, notificationType: "x".repeat(101) }, "notification_type");
  await cluster.create({ ...ok, notificationType: "y".repeat(100) });
  await field({ ...ok, receivers: [] }, "receivers");
  await field({ ...ok, receivers: [COLLABORATOR, COLLABORATOR] }, "receivers");
  await field({ ...ok, receivers: [2 as NotificationReceiver] }, "receivers");
  await field({ ...ok, entityIds: undefined }, "entity_ids");
  await field({ ...ok, entityIds: appIds("No Such ID") }, "entity_ids.application_ids.application_id");
  await field({ ...ok, senderIds: { userId: "-bad-" } }, "sender_ids.user_id");
  await field({ ...ok, data: { typeUrl: "type.googleapis.com/nobody.Knows", value: new Uint8Array([1]) } }, "data");
});

it("Create: no receiver users is no_receiver_user_ids", async () => {
  await rejects(cluster.create({ entityIds: userIds("nobody-here"), notificationType: "x", receivers: [COLLABORATOR] }), Code.FailedPrecondition, "no_receiver_user_ids");
  // An entity without contacts asked for its contacts; collaborators it has none either.
  await rejects(cluster.create({ entityIds: appIds("lonely-app"), notificationType: "x", receivers: [ADMINISTRATIVE_CONTACT, TECHNICAL_CONTACT, COLLABORATOR] }), Code.FailedPrecondition, "no_receiver_user_ids");
});

it("Create: an entity that does not exist is not found", async () => {
  await rejects(cluster.create({ entityIds: appIds("no-such-app"), notificationType: "x", receivers: [ADMINISTRATIVE_CONTACT] }), Code.NotFound, "application_not_found");
});

// ---- Create: receivers ---------------------------------------------------------

it("receivers: a user entity reaches the user itself, whatever the groups", async () => {
  const id = await notify({ entityIds: userIds("eve"), receivers: [ADMINISTRATIVE_CONTACT] });
  assert.equal(await receiversOf(id), ["eve"]);
});

it("receivers: a user contact is that user; technical and administrative contacts", async () => {
  assert.equal(await receiversOf(await notify({ entityIds: appIds("alice-app"), receivers: [ADMINISTRATIVE_CONTACT] })), ["alice"]);
  assert.equal(await receiversOf(await notify({ entityIds: appIds("alice-app"), receivers: [TECHNICAL_CONTACT] })), ["alice"]);
});

it("receivers: an organization contact without fanout is the organization's own contact of that role", async () => {
  assert.equal(await receiversOf(await notify({ entityIds: appIds("acme-app"), receivers: [ADMINISTRATIVE_CONTACT] })), ["alice"]);
  assert.equal(await receiversOf(await notify({ entityIds: appIds("acme-app"), receivers: [TECHNICAL_CONTACT] })), ["bob"]);
  assert.equal(await receiversOf(await notify({ entityIds: appIds("acme-app"), receivers: [ADMINISTRATIVE_CONTACT, TECHNICAL_CONTACT] })), ["alice", "bob"]);
});

it("receivers: an organization contact with fanout_notifications is every member", async () => {
  assert.equal(await receiversOf(await notify({ entityIds: appIds("fan-app"), receivers: [ADMINISTRATIVE_CONTACT] })), ["bob", "carol", "dave"]);
});

it("receivers: COLLABORATOR is the direct members with organizations expanded to their members, each once", async () => {
  assert.equal(await receiversOf(await notify({ entityIds: appIds("mixed-app"), receivers: [COLLABORATOR] })), ["bob", "carol", "dave", "eve"]);
  // eve is contact and collaborator: one receiver row, listed once.
  const id = await notify({ entityIds: appIds("mixed-app"), receivers: [COLLABORATOR, ADMINISTRATIVE_CONTACT] });
  const list = await notifications(keyOf("eve")).list({ receiverIds: { userId: "eve" }, limit: 1000 });
  assert.is(list.notifications.filter((n) => n.id === id).length, 1);
  // An organization as entity: its members.
  assert.equal(await receiversOf(await notify({ entityIds: { ids: { case: "organizationIds", value: { organizationId: "acme" } } }, receivers: [COLLABORATOR] })), ["alice", "bob"]);
});

it("receivers: an end device reaches its application's contacts; the notification keeps the device's identifiers", async () => {
  const deviceIds = { ids: { case: "deviceIds" as const, value: { deviceId: "alice-dev", applicationIds: { applicationId: "alice-app" } } } };
  const id = await notify({ entityIds: deviceIds, receivers: [ADMINISTRATIVE_CONTACT] });
  assert.equal(await receiversOf(id), ["alice"]);
  const list = await notifications(keyOf("alice")).list({ receiverIds: { userId: "alice" }, limit: 1000 });
  const got = list.notifications.find((n) => n.id === id)!;
  assert.is(got.entityIds?.ids.case, "deviceIds");
  const dev = got.entityIds?.ids.value as { deviceId: string; applicationIds?: { applicationId: string } };
  assert.is(`${dev.applicationIds?.applicationId}/${dev.deviceId}`, "alice-app/alice-dev");
});

it("Create: the stored notification as its receiver lists it (gRPC and HTTP)", async () => {
  const key = create(APIKeySchema, { id: "SOMEKEYID", name: "a key", rights: [Right.APPLICATION_INFO] });
  const before = Date.now();
  const id = await notify({
    entityIds: appIds("alice-app"),
    notificationType: "api_key_created",
    data: anyPack(APIKeySchema, key),
    senderIds: { userId: "bob" },
    receivers: [ADMINISTRATIVE_CONTACT, TECHNICAL_CONTACT],
    email: true,
  });
  const list = await notifications(keyOf("alice")).list({ receiverIds: { userId: "alice" }, limit: 1000 });
  const got = list.notifications.find((n) => n.id === id)!;
  assert.ok(got, "listed");
  assert.is(got.notificationType, "api_key_created");
  assert.is(got.entityIds?.ids.case, "applicationIds");
  assert.is(got.senderIds?.userId, "bob");
  assert.equal(got.receivers, [ADMINISTRATIVE_CONTACT, TECHNICAL_CONTACT]);
  assert.is(got.email, true);
  assert.is(got.status, NotificationStatus.UNSEEN);
  assert.is(got.statusUpdatedAt, undefined);
  const created = timestampDate(got.createdAt!).getTime();
  assert.ok(created >= before - 1000 && created <= Date.now() + 1000, "created now");
  assert.equal(anyUnpack(got.data!, APIKeySchema)?.name, "a key");

  const res = await api(server, "GET", "/users/alice/notifications?limit=1000", { key: keyOf("alice") });
  assert.is(res.status, 200);
  const json = res.body.notifications.find((n: { id: string }) => n.id === id);
  assert.is(json.notification_type, "api_key_created");
  assert.equal(json.entity_ids, { application_ids: { application_id: "alice-app" } });
  assert.equal(json.sender_ids, { user_id: "bob" });
  assert.equal(json.receivers, ["NOTIFICATION_RECEIVER_ADMINISTRATIVE_CONTACT", "NOTIFICATION_RECEIVER_TECHNICAL_CONTACT"]);
  assert.is(json.data["@type"], "type.googleapis.com/ttn.lorawan.v3.APIKey");
  assert.is(json.data.name, "a key");
  assert.equal(json.data.rights, ["RIGHT_APPLICATION_INFO"]);
  assert.match(json.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
});

// ---- List ----------------------------------------------------------------------

// frank gets five notifications, oldest first; the first two he will have seen, the third archived.
const frankIds: string[] = [];
for (let i = 0; i < 5; i++) frankIds.push(await notify({ entityIds: userIds("frank"), notificationType: `n${i}`, receivers: [COLLABORATOR] }));
const frank = notifications(keyOf("frank"));
const frankReceiver = { userId: "frank" };

it("List: newest first, paginated with X-Total-Count (gRPC and HTTP)", async () => {
  const all = await frank.list({ receiverIds: frankReceiver });
  assert.equal(all.notifications.map((n) => n.id), [...frankIds].reverse());
  assert.equal(all.notifications.map((n) => n.notificationType), ["n4", "n3", "n2", "n1", "n0"]);

  let total: string | null = null;
  const page2 = await frank.list({ receiverIds: frankReceiver, limit: 2, page: 2 }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.equal(page2.notifications.map((n) => n.notificationType), ["n2", "n1"]);
  assert.is(total, "5");

  const res = await api(server, "GET", "/users/frank/notifications?limit=2&page=3", { key: keyOf("frank") });
  assert.is(res.status, 200);
  assert.is(res.headers.get("x-total-count"), "5");
  assert.equal(res.body.notifications.map((n: { notification_type: string }) => n.notification_type), ["n0"]);
  // Past the last page: empty, the total still told.
  const past = await api(server, "GET", "/users/frank/notifications?limit=2&page=9", { key: keyOf("frank") });
  assert.equal(past.body.notifications ?? [], []);
  assert.is(past.headers.get("x-total-count"), "5");
  // limit is at most 1000.
  await rejects(frank.list({ receiverIds: frankReceiver, limit: 1001 }), Code.InvalidArgument, "validation");
});

it("UpdateStatus: sets the status and its time for this receiver only; List filters by status (any of)", async () => {
  const before = Date.now();
  await frank.updateStatus({ receiverIds: frankReceiver, ids: [frankIds[0]!, frankIds[1]!], status: NotificationStatus.SEEN });
  const res = await api(server, "PATCH", "/users/frank/notifications", { key: keyOf("frank"), body: { ids: [frankIds[2]], status: "NOTIFICATION_STATUS_ARCHIVED" } });
  assert.is(res.status, 200, JSON.stringify(res.body));

  const seen = await frank.list({ receiverIds: frankReceiver, status: [NotificationStatus.SEEN] });
  assert.equal(seen.notifications.map((n) => n.notificationType), ["n1", "n0"]);
  for (const n of seen.notifications) {
    assert.is(n.status, NotificationStatus.SEEN);
    const at = timestampDate(n.statusUpdatedAt!).getTime();
    assert.ok(at >= before - 1000 && at <= Date.now() + 1000, "status_updated_at is now");
  }
  let total: string | null = null;
  const notUnseen = await frank.list({ receiverIds: frankReceiver, status: [NotificationStatus.SEEN, NotificationStatus.ARCHIVED] }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.equal(notUnseen.notifications.map((n) => n.notificationType), ["n2", "n1", "n0"]);
  assert.is(total, "3");
  const unseen = await api(server, "GET", "/users/frank/notifications?status=NOTIFICATION_STATUS_UNSEEN", { key: keyOf("frank") });
  assert.equal(unseen.body.notifications.map((n: { notification_type: string }) => n.notification_type), ["n4", "n3"]);
  assert.is(unseen.headers.get("x-total-count"), "2");
  // Back to unseen.
  await frank.updateStatus({ receiverIds: frankReceiver, ids: [frankIds[1]!], status: NotificationStatus.UNSEEN });
  assert.equal((await frank.list({ receiverIds: frankReceiver, status: [NotificationStatus.SEEN] })).notifications.map((n) => n.notificationType), ["n0"]);
  await rejects(frank.list({ receiverIds: frankReceiver, status: [NotificationStatus.SEEN, NotificationStatus.SEEN] }), Code.InvalidArgument, "validation");
  await rejects(frank.list({ receiverIds: frankReceiver, status: [9 as NotificationStatus] }), Code.InvalidArgument, "validation");
});

it("UpdateStatus: one receiver's status does not touch another's; other users' notification IDs are ignored", async () => {
  const id = await notify({ entityIds: appIds("fan-app"), receivers: [ADMINISTRATIVE_CONTACT] });
  await notifications(keyOf("carol")).updateStatus({ receiverIds: { userId: "carol" }, ids: [id], status: NotificationStatus.ARCHIVED });
  const statusOf = async (user: string) =>
    (await notifications(keyOf(user)).list({ receiverIds: { userId: user }, limit: 1000 })).notifications.find((n) => n.id === id)?.status;
  assert.is(await statusOf("carol"), NotificationStatus.ARCHIVED);
  assert.is(await statusOf("dave"), NotificationStatus.UNSEEN);
  // eve names dave's notification: no error, no change, nothing learned.
  await notifications(keyOf("eve")).updateStatus({ receiverIds: { userId: "eve" }, ids: [id], status: NotificationStatus.SEEN });
  assert.is(await statusOf("dave"), NotificationStatus.UNSEEN);
  assert.is(await statusOf("eve"), undefined);
});

it("UpdateStatus: validation of ids and status", async () => {
  const field = async (req: Parameters<typeof frank.updateStatus>[0], name: string) => {
    const err = await rejects(frank.updateStatus(req), Code.InvalidArgument, "validation");
    assert.is(err.attributes.field, name);
  };
  await field({ receiverIds: frankReceiver, ids: [], status: NotificationStatus.SEEN }, "ids");
  await field({ receiverIds: frankReceiver, ids: ["short"], status: NotificationStatus.SEEN }, "ids");
  await field({ receiverIds: frankReceiver, ids: [frankIds[0]!, frankIds[0]!], status: NotificationStatus.SEEN }, "ids");
  await field({ receiverIds: frankReceiver, ids: Array.from({ length: 1001 }, (_, i) => `00000000-0000-7000-8000-${String(i).padStart(12, "0")}`), status: NotificationStatus.SEEN }, "ids");
  await field({ receiverIds: frankReceiver, ids: [frankIds[0]!], status: 7 as NotificationStatus }, "status");
  await field({ receiverIds: { userId: "" }, ids: [frankIds[0]!], status: NotificationStatus.SEEN }, "receiver_ids.user_id");
  // 1000 IDs are fine.
  await frank.updateStatus({ receiverIds: frankReceiver, ids: Array.from({ length: 1000 }, (_, i) => `00000000-0000-7000-8000-${String(i).padStart(12, "0")}`), status: NotificationStatus.SEEN });
});

test.run();
