// The notifications other services send (spec §6.8 template table): API keys
// created and changed for every entity kind, collaborators set, OAuth clients
// requested, user and client states changed, passwords changed, registrations
// waiting for approval. Each test checks who received what, and that the
// operation itself never fails because its notification could not be made.
import { create } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import * as assert from "uvu/assert";
import { test } from "uvu";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationAccess } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { CreateClientRequestSchema } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { ClientRegistry } from "../../gen/ttn/lorawan/v3/client_services_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { GatewayAccess } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import {
  EntityStateChangedNotificationSchema, NotificationReceiver, NotificationService, type Notification,
} from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import { OrganizationAccess } from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import { APIKeySchema, CollaboratorSchema, Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { CreateUserRequestSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UserAccess, UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { accountIdentifiers } from "../../src/auth/identifiers.js";
import type { Logger } from "../../src/log.js";
import { grpcClient } from "../helpers/clients.js";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { it, rejects, userRef } from "../helpers/expect.js";

const warnings: string[] = [];
const log: Logger = { debug() {}, info() {}, error() {}, warn: (fields, msg) => warnings.push(`${msg} ${JSON.stringify(fields)}`) };
const server = await startTestServer({}, { log });
test.after(() => server.close());
const p = server.population;
const store = p.store;

const admin2 = await p.user({ id: "admin2", admin: true });
const alice = await p.user({ id: "alice" });
const bob = await p.user({ id: "bob" });
await p.application(userRef("alice"), { id: "alice-app" });
await p.gateway(userRef("alice"), { id: "alice-gtw" });
await p.organization(userRef("alice"), { id: "alice-org" });
const keys: Record<string, string> = { admin: server.adminAPIKey, admin2: admin2.apiKey, alice: alice.apiKey, bob: bob.apiKey };

async function inboxOf(userId: string, server_: TestServer = server, key = keys[userId]!): Promise<Notification[]> {
  return (await grpcClient(server_, NotificationService, key).list({ receiverIds: { userId }, limit: 1000 })).notifications;
}

/** The notifications each user got during `fn`. */
async function during(fn: () => Promise<unknown>, users = Object.keys(keys), server_: TestServer = server, keysOf = keys): Promise<Record<string, Notification[]>> {
  const before = new Map<string, Set<string>>();
  for (const u of users) before.set(u, new Set((await inboxOf(u, server_, keysOf[u])).map((n) => n.id)));
  await fn();
  const out: Record<string, Notification[]> = {};
  for (const u of users) {
    const fresh = (await inboxOf(u, server_, keysOf[u])).filter((n) => !before.get(u)!.has(n.id));
    if (fresh.length) out[u] = fresh;
  }
  return out;
}

/** `user: type,type` of what `got` holds, for compact assertions. */
const summary = (got: Record<string, Notification[]>) =>
  Object.fromEntries(Object.entries(got).map(([u, list]) => [u, list.map((n) => n.notificationType).join(",")]));

// ---- API keys ------------------------------------------------------------------

it("api_key_created: for users, applications, gateways and organizations, to the administrative contact, with the key without its secret", async () => {
  const calls = {
    user: () => grpcClient(server, UserAccess, alice.apiKey).createAPIKey({ userIds: { userId: "alice" }, name: "u", rights: [Right.USER_INFO] }),
    application: () => grpcClient(server, ApplicationAccess, alice.apiKey).createAPIKey({ applicationIds: { applicationId: "alice-app" }, name: "a", rights: [Right.APPLICATION_INFO] }),
    gateway: () => grpcClient(server, GatewayAccess, alice.apiKey).createAPIKey({ gatewayIds: { gatewayId: "alice-gtw" }, name: "g", rights: [Right.GATEWAY_INFO] }),
    organization: () => grpcClient(server, OrganizationAccess, alice.apiKey).createAPIKey({ organizationIds: { organizationId: "alice-org" }, name: "o", rights: [Right.ORGANIZATION_INFO] }),
  };
  for (const [kind, call] of Object.entries(calls)) {
    let secret = "";
    const got = await during(async () => (secret = (await call()).key));
    assert.equal(summary(got), { alice: "api_key_created" }, kind);
    const n = got.alice![0]!;
    assert.is(n.entityIds?.ids.case, `${kind}Ids`, kind);
    assert.equal(n.receivers, [NotificationReceiver.ADMINISTRATIVE_CONTACT]);
    assert.is(n.email, true);
    assert.is(n.senderIds?.userId, "alice");
    const key = anyUnpack(n.data!, APIKeySchema)!;
    assert.is(key.key, "", "no secret");
    assert.ok(secret.includes(key.id), "the created key");
    assert.is(key.name, kind[0]);
  }
});

it("api_key_changed: on update, not when the update deletes the key", async () => {
  const apps = grpcClient(server, ApplicationAccess, alice.apiKey);
  const key = await apps.createAPIKey({ applicationIds: { applicationId: "alice-app" }, name: "before", rights: [Right.APPLICATION_INFO] });
  const changed = await during(() =>
    apps.updateAPIKey({ applicationIds: { applicationId: "alice-app" }, apiKey: { id: key.id, name: "after" }, fieldMask: { paths: ["name"] } }),
  );
  assert.equal(summary(changed), { alice: "api_key_changed" });
  assert.is(anyUnpack(changed.alice![0]!.data!, APIKeySchema)?.name, "after");
  const deleted = await during(() =>
    apps.updateAPIKey({ applicationIds: { applicationId: "alice-app" }, apiKey: { id: key.id, rights: [] }, fieldMask: { paths: ["rights"] } }),
  );
  assert.equal(summary(deleted), {});
});

// ---- collaborators -----------------------------------------------------------

it("collaborator_changed: a collaborator given rights, to the administrative contact, stored without e-mail; not on removal", async () => {
  const apps = grpcClient(server, ApplicationAccess, alice.apiKey);
  const added = await during(() =>
    apps.setCollaborator({ applicationIds: { applicationId: "alice-app" }, collaborator: { ids: accountIdentifiers(userRef("bob")), rights: [Right.APPLICATION_INFO] } }),
  );
  assert.equal(summary(added), { alice: "collaborator_changed" });
  const n = added.alice![0]!;
  assert.is(n.email, false);
  const c = anyUnpack(n.data!, CollaboratorSchema)!;
  assert.equal([c.ids?.ids.case, (c.ids?.ids.value as { userId: string }).userId, c.rights], ["userIds", "bob", [Right.APPLICATION_INFO]]);
  const removed = await during(() =>
    apps.setCollaborator({ applicationIds: { applicationId: "alice-app" }, collaborator: { ids: accountIdentifiers(userRef("bob")), rights: [] } }),
  );
  assert.equal(summary(removed), {});
});

// ---- clients -------------------------------------------------------------------

it("client_requested: a client created by a non-admin reaches every admin (not by an admin)", async () => {
  const got = await during(() =>
    grpcClient(server, ClientRegistry, alice.apiKey).create({
      client: { ids: { clientId: "alice-client" }, name: "Alice's client", secret: "very-secret-value", redirectUris: ["https://example.com/cb"] },
      collaborator: accountIdentifiers(userRef("alice")),
    }),
  );
  assert.equal(summary(got), { admin: "client_requested", admin2: "client_requested" });
  const n = got.admin![0]!;
  assert.is(n.entityIds?.ids.case, "clientIds");
  assert.is(n.senderIds?.userId, "alice");
  assert.is(n.email, true);
  const req = anyUnpack(n.data!, CreateClientRequestSchema)!;
  assert.is(req.client?.ids?.clientId, "alice-client");
  assert.is(req.client?.name, "Alice's client");
  assert.is(req.client?.secret, "", "no secret");
  assert.is((req.collaborator?.ids.value as { userId: string }).userId, "alice");

  const byAdmin = await during(() =>
    grpcClient(server, ClientRegistry, server.adminAPIKey).create({ client: { ids: { clientId: "admin-client" } }, collaborator: accountIdentifiers(userRef("admin")) }),
  );
  assert.equal(summary(byAdmin), {});
});

it("entity_state_changed: a client's new state reaches its administrative contact", async () => {
  const got = await during(() =>
    grpcClient(server, ClientRegistry, server.adminAPIKey).update({
      client: { ids: { clientId: "alice-client" }, state: State.APPROVED, stateDescription: "looks fine" },
      fieldMask: { paths: ["state", "state_description"] },
    }),
  );
  assert.equal(summary(got), { alice: "entity_state_changed" });
  const s = anyUnpack(got.alice![0]!.data!, EntityStateChangedNotificationSchema)!;
  assert.equal([s.state, s.stateDescription], [State.APPROVED, "looks fine"]);
  assert.is(got.alice![0]!.senderIds?.userId, "admin");
  // Other fields: no notification.
  const renamed = await during(() =>
    grpcClient(server, ClientRegistry, server.adminAPIKey).update({ client: { ids: { clientId: "alice-client" }, name: "renamed" }, fieldMask: { paths: ["name"] } }),
  );
  assert.equal(summary(renamed), {});
});

// ---- users -------------------------------------------------------------------

it("entity_state_changed: a user's new state reaches the user", async () => {
  const got = await during(() =>
    grpcClient(server, UserRegistry, server.adminAPIKey).update({ user: { ids: { userId: "bob" }, state: State.FLAGGED }, fieldMask: { paths: ["state"] } }),
  );
  assert.equal(summary(got), { bob: "entity_state_changed" });
  const n = got.bob![0]!;
  assert.equal(n.receivers, [NotificationReceiver.COLLABORATOR]);
  assert.equal(anyUnpack(n.data!, EntityStateChangedNotificationSchema)?.state, State.FLAGGED);
  await grpcClient(server, UserRegistry, server.adminAPIKey).update({ user: { ids: { userId: "bob" }, state: State.APPROVED }, fieldMask: { paths: ["state"] } });
});

it("password_changed: a successful UpdatePassword reaches the user; a failed one does not", async () => {
  const users = grpcClient(server, UserRegistry);
  const failed = await during(async () => {
    await rejects(users.updatePassword({ userIds: { userId: "bob" }, old: "wrong-password", new: "Another-Passw0rd" }), Code.Unauthenticated, "old_password");
  });
  assert.equal(summary(failed), {});
  const got = await during(() => users.updatePassword({ userIds: { userId: "bob" }, old: bob.password, new: "Another-Passw0rd" }));
  assert.equal(summary(got), { bob: "password_changed" });
  assert.is(got.bob![0]!.email, true);
});

it("user_requested: only registrations left waiting for approval reach every admin", async () => {
  // Here registrations are approved at once: nobody is told.
  const open = await during(() =>
    grpcClient(server, UserRegistry).create({ user: { ids: { userId: "walk-in" }, primaryEmailAddress: "walk-in@example.com", password: "Strolling-Passw0rd" } }),
  );
  assert.equal(summary(open), {});

  const approving = await startTestServer({ "is.user-registration.admin-approval.required": true });
  try {
    const other = await approving.population.user({ id: "other-admin", admin: true });
    const approvingKeys = { admin: approving.adminAPIKey, "other-admin": other.apiKey };
    const got = await during(
      () => grpcClient(approving, UserRegistry).create({ user: { ids: { userId: "newcomer" }, name: "New Comer", primaryEmailAddress: "newcomer@example.com", password: "Arriving-Passw0rd" } }),
      Object.keys(approvingKeys),
      approving,
      approvingKeys,
    );
    assert.equal(summary(got), { admin: "user_requested", "other-admin": "user_requested" });
    const n = got.admin![0]!;
    assert.is(n.entityIds?.ids.case, "userIds");
    const user = anyUnpack(n.data!, CreateUserRequestSchema)!.user!;
    assert.equal([user.ids?.userId, user.name, user.primaryEmailAddress, user.password], ["newcomer", "New Comer", "newcomer@example.com", ""]);
    assert.is(user.state, State.REQUESTED);
  } finally {
    await approving.close();
  }
});

// ---- failures ------------------------------------------------------------------

it("a notification that cannot be made does not fail the operation; it is logged", async () => {
  // The administrative contact of ghost-app is a user that no longer exists.
  const ghost = await p.user({ id: "ghost" });
  void ghost;
  await store.applications.create(
    create(ApplicationSchema, { ids: { applicationId: "ghost-app" }, administrativeContact: accountIdentifiers(userRef("ghost")), technicalContact: accountIdentifiers(userRef("ghost")) }),
  );
  await p.member({ kind: "application", id: "ghost-app" }, userRef("alice"), R("RIGHT_APPLICATION_ALL"));
  await store.users.delete("ghost");
  warnings.length = 0;
  const got = await during(() =>
    grpcClient(server, ApplicationAccess, alice.apiKey).createAPIKey({ applicationIds: { applicationId: "ghost-app" }, name: "k", rights: [Right.APPLICATION_INFO] }),
  );
  assert.equal(summary(got), {});
  assert.ok(warnings.some((w) => w.includes("notification not created") && w.includes("api_key_created") && w.includes("no_receiver_user_ids")), warnings.join("\n"));
});

test.run();
