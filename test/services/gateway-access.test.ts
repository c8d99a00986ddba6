// GatewayAccess (rights, API keys, collaborators through the shared code),
// GatewayBatchAccess.AssertRights and GatewayBatchRegistry.Delete (§4.5, §4.6),
// over gRPC and /api/v3: permission-denied cases first.
import { Code } from "@connectrpc/connect";
import * as assert from "uvu/assert";
import { test } from "uvu";
import { GatewayAccess, GatewayBatchAccess, GatewayBatchRegistry, GatewayRegistry } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { api, grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { gtwIds, gtwRef, httpError, it, org, orgRef, rejects, user, userRef } from "./gateway-helpers.js";

const server = await startTestServer();
const p = server.population;
const store = p.store;

const alice = await p.user({ id: "alice" });
const bob = await p.user({ id: "bob" });
const dave = await p.user({ id: "dave" });
const olga = await p.user({ id: "olga" });
await p.organization(userRef("dave"), { id: "dave-org" });
await p.organization(userRef("alice"), { id: "alice-org" });
await p.member(orgRef("alice-org"), userRef("olga"), R("RIGHT_ALL"));

const gtw = await p.gateway(userRef("alice"), { id: "alice-gtw" });
const statusGtw = await p.gateway(userRef("alice"), { id: "status-gtw", statusPublic: true });
const openGtw = await p.gateway(userRef("alice"), { id: "open-gtw", statusPublic: true, locationPublic: true });
await p.gateway(orgRef("dave-org"), { id: "dave-gtw" });
// alice's organization collaborates on this one with a few rights; olga reaches it through the organization.
const orgGtw = await p.gateway(userRef("alice"), { id: "org-gtw" });
await p.member(gtwRef(orgGtw), orgRef("alice-org"), R("RIGHT_GATEWAY_INFO"), R("RIGHT_GATEWAY_DELETE"));

const access = (key?: string) => grpcClient(server, GatewayAccess, key);
const batch = (key?: string) => grpcClient(server, GatewayBatchAccess, key);
const batchReg = (key?: string) => grpcClient(server, GatewayBatchRegistry, key);

// ---- permission denied ---------------------------------------------------

it("no credentials: every method answers unauthenticated", async () => {
  const a = access();
  const ids = gtwIds(gtw);
  await rejects(a.listRights(ids), Code.Unauthenticated, "unauthenticated");
  await rejects(a.createAPIKey({ gatewayIds: ids, name: "k", rights: [R("RIGHT_GATEWAY_INFO")] }), Code.Unauthenticated, "unauthenticated");
  await rejects(a.listAPIKeys({ gatewayIds: ids }), Code.Unauthenticated, "unauthenticated");
  await rejects(a.getAPIKey({ gatewayIds: ids, keyId: "x" }), Code.Unauthenticated, "unauthenticated");
  await rejects(a.updateAPIKey({ gatewayIds: ids, apiKey: { id: "x", name: "y" } }), Code.Unauthenticated, "unauthenticated");
  await rejects(a.deleteAPIKey({ gatewayIds: ids, keyId: "x" }), Code.Unauthenticated, "unauthenticated");
  await rejects(a.getCollaborator({ gatewayIds: ids, collaborator: user("alice") }), Code.Unauthenticated, "unauthenticated");
  await rejects(a.setCollaborator({ gatewayIds: ids, collaborator: { ids: user("bob"), rights: [R("RIGHT_GATEWAY_INFO")] } }), Code.Unauthenticated, "unauthenticated");
  await rejects(a.listCollaborators({ gatewayIds: ids }), Code.Unauthenticated, "unauthenticated");
  await rejects(a.deleteCollaborator({ gatewayIds: ids, collaboratorIds: user("alice") }), Code.Unauthenticated, "unauthenticated");
  await rejects(batch().assertRights({ gatewayIds: [ids], required: { rights: [R("RIGHT_GATEWAY_INFO")] } }), Code.Unauthenticated, "unauthenticated");
  await rejects(batchReg().delete({ gatewayIds: [ids] }), Code.Unauthenticated, "unauthenticated");
  // Even a public gateway's rights are for authenticated callers (ListRights is "authenticated").
  await rejects(a.listRights(gtwIds(openGtw)), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "GET", `/gateways/${gtw}/rights`), 401, "unauthenticated");
  httpError(await api(server, "GET", `/gateways/${gtw}/api-keys`), 401, "unauthenticated");
  httpError(await api(server, "DELETE", "/gateways/batch"), 401, "unauthenticated");
});

it("another user's key, a key without the right, a member of another organization", async () => {
  const ids = gtwIds(gtw);
  for (const key of [bob.apiKey, dave.apiKey]) {
    const a = access(key);
    await rejects(a.createAPIKey({ gatewayIds: ids, name: "k", rights: [R("RIGHT_GATEWAY_INFO")] }), Code.PermissionDenied, "no_gateway_rights");
    await rejects(a.listAPIKeys({ gatewayIds: ids }), Code.PermissionDenied, "no_gateway_rights");
    await rejects(a.setCollaborator({ gatewayIds: ids, collaborator: { ids: user("bob"), rights: [R("RIGHT_GATEWAY_ALL")] } }), Code.PermissionDenied, "no_gateway_rights");
    await rejects(a.deleteCollaborator({ gatewayIds: ids, collaboratorIds: user("alice") }), Code.PermissionDenied, "no_gateway_rights");
    await rejects(batchReg(key).delete({ gatewayIds: [ids] }), Code.PermissionDenied, "insufficient_rights");
  }
  httpError(await api(server, "GET", `/gateways/${gtw}/api-keys`, { key: bob.apiKey }), 403, "no_gateway_rights");
  const infoOnly = await p.apiKey(userRef("alice"), R("RIGHT_GATEWAY_INFO"));
  const d = await rejects(access(infoOnly).listAPIKeys({ gatewayIds: ids }), Code.PermissionDenied, "insufficient_gateway_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_GATEWAY_SETTINGS_API_KEYS"]);
  const c = await rejects(access(infoOnly).setCollaborator({ gatewayIds: ids, collaborator: { ids: user("bob"), rights: [R("RIGHT_GATEWAY_INFO")] } }), Code.PermissionDenied, "insufficient_gateway_rights");
  assert.equal(c.attributes?.missing, ["RIGHT_GATEWAY_SETTINGS_COLLABORATORS"]);
  await rejects(batchReg(infoOnly).delete({ gatewayIds: [ids] }), Code.PermissionDenied, "insufficient_rights");
  await store.gateways.get(gtw); // untouched
});

// ---- ListRights ----------------------------------------------------------

it("ListRights: the owner's rights; public flags lend STATUS_READ / LOCATION_READ to anyone authenticated", async () => {
  const own = await access(alice.apiKey).listRights(gtwIds(gtw));
  assert.ok(own.rights.includes(R("RIGHT_GATEWAY_ALL")) && own.rights.includes(R("RIGHT_GATEWAY_READ_SECRETS")));
  assert.equal((await access(bob.apiKey).listRights(gtwIds(gtw))).rights, []);
  assert.equal((await access(bob.apiKey).listRights(gtwIds(statusGtw))).rights, [R("RIGHT_GATEWAY_STATUS_READ")]);
  assert.equal((await access(bob.apiKey).listRights(gtwIds(openGtw))).rights.sort(), [R("RIGHT_GATEWAY_STATUS_READ"), R("RIGHT_GATEWAY_LOCATION_READ")].sort());
  // Through an organization: the organization's rights on the gateway.
  const viaOrg = await access(olga.apiKey).listRights(gtwIds(orgGtw));
  assert.equal(viaOrg.rights.sort(), [R("RIGHT_GATEWAY_INFO"), R("RIGHT_GATEWAY_DELETE")].sort());
  // A missing gateway: nothing for users, not found for admins.
  assert.equal((await access(bob.apiKey).listRights(gtwIds("no-such-gtw"))).rights, []);
  await rejects(access(server.adminAPIKey).listRights(gtwIds("no-such-gtw")), Code.NotFound, "gateway_not_found");
  const res = await api(server, "GET", `/gateways/${statusGtw}/rights`, { key: bob.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.rights, ["RIGHT_GATEWAY_STATUS_READ"]);
});

it("public rights do not open anything else: Get of non-public fields still needs GATEWAY_INFO", async () => {
  const reg = grpcClient(server, GatewayRegistry, bob.apiKey);
  const d = await rejects(reg.get({ gatewayIds: gtwIds(openGtw), fieldMask: { paths: ["attributes"] } }), Code.PermissionDenied, "insufficient_gateway_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_GATEWAY_INFO"]);
  await rejects(reg.delete(gtwIds(openGtw)), Code.PermissionDenied, "insufficient_gateway_rights");
});

// ---- API keys ------------------------------------------------------------

it("API keys: create, list, get, update, delete; a gateway key acts on its gateway only", async () => {
  const a = access(alice.apiKey);
  const created = await a.createAPIKey({ gatewayIds: gtwIds(gtw), name: "link", rights: [R("RIGHT_GATEWAY_INFO"), R("RIGHT_GATEWAY_LINK")] });
  assert.ok(created.key.startsWith("NNSXS."));
  const listed = await a.listAPIKeys({ gatewayIds: gtwIds(gtw) });
  assert.ok(listed.apiKeys.some((k) => k.id === created.id && k.key === ""));
  assert.is((await a.getAPIKey({ gatewayIds: gtwIds(gtw), keyId: created.id })).name, "link");
  const reg = grpcClient(server, GatewayRegistry, created.key);
  assert.is((await reg.get({ gatewayIds: gtwIds(gtw), fieldMask: { paths: ["name"] } })).ids?.gatewayId, gtw);
  await rejects(reg.get({ gatewayIds: gtwIds(orgGtw), fieldMask: { paths: ["attributes"] } }), Code.PermissionDenied, "no_gateway_rights");
  const updated = await a.updateAPIKey({ gatewayIds: gtwIds(gtw), apiKey: { id: created.id, name: "renamed", rights: [R("RIGHT_GATEWAY_INFO")] }, fieldMask: { paths: ["name", "rights"] } });
  assert.equal([updated.name, updated.rights], ["renamed", [R("RIGHT_GATEWAY_INFO")]]);
  const res = await api(server, "GET", `/gateways/${gtw}/api-keys/${created.id}`, { key: alice.apiKey });
  assert.is(res.body.name, "renamed");
  await a.deleteAPIKey({ gatewayIds: gtwIds(gtw), keyId: created.id });
  await rejects(a.getAPIKey({ gatewayIds: gtwIds(gtw), keyId: created.id }), Code.NotFound, "api_key_not_found");
  // Nobody hands out rights they lack.
  const keysOnly = await p.apiKey(gtwRef(gtw), R("RIGHT_GATEWAY_SETTINGS_API_KEYS"));
  const d = await rejects(access(keysOnly).createAPIKey({ gatewayIds: gtwIds(gtw), name: "x", rights: [R("RIGHT_GATEWAY_READ_SECRETS")] }), Code.PermissionDenied, "insufficient_gateway_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_GATEWAY_READ_SECRETS"]);
});

// ---- Collaborators -------------------------------------------------------

it("Collaborators: set, get, list, delete; the last owner stays", async () => {
  const a = access(alice.apiKey);
  const g = await p.gateway(userRef("alice"), { id: "collab-gtw" });
  await a.setCollaborator({ gatewayIds: gtwIds(g), collaborator: { ids: user("bob"), rights: [R("RIGHT_GATEWAY_INFO"), R("RIGHT_GATEWAY_LINK")] } });
  const got = await a.getCollaborator({ gatewayIds: gtwIds(g), collaborator: user("bob") });
  assert.equal(got.rights.sort(), [R("RIGHT_GATEWAY_INFO"), R("RIGHT_GATEWAY_LINK")].sort());
  assert.equal((await access(bob.apiKey).listRights(gtwIds(g))).rights.sort(), [R("RIGHT_GATEWAY_INFO"), R("RIGHT_GATEWAY_LINK")].sort());
  const res = await api(server, "GET", `/gateways/${g}/collaborators`, { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.collaborators.map((c: any) => c.ids.user_ids.user_id).sort(), ["alice", "bob"]);
  await a.setCollaborator({ gatewayIds: gtwIds(g), collaborator: { ids: org("alice-org"), rights: [R("RIGHT_GATEWAY_INFO")] } });
  assert.equal((await access(olga.apiKey).listRights(gtwIds(g))).rights, [R("RIGHT_GATEWAY_INFO")]);
  await rejects(a.deleteCollaborator({ gatewayIds: gtwIds(g), collaboratorIds: user("alice") }), Code.FailedPrecondition, "collaborator_is_contact");
  await rejects(a.setCollaborator({ gatewayIds: gtwIds(g), collaborator: { ids: user("alice"), rights: [R("RIGHT_GATEWAY_INFO")] } }), Code.FailedPrecondition, "gateway_needs_collaborator");
  const h = await api(server, "DELETE", `/gateways/${g}/collaborators/user/bob`, { key: alice.apiKey });
  assert.is(h.status, 200, JSON.stringify(h.body));
  // Removal takes effect at once.
  assert.equal((await access(bob.apiKey).listRights(gtwIds(g))).rights, []);
});

// ---- GatewayBatchAccess.AssertRights ------------------------------------

it("AssertRights: request checks, caller kind and credential rights", async () => {
  const b = batch(alice.apiKey);
  const info = [R("RIGHT_GATEWAY_INFO")];
  await rejects(b.assertRights({ gatewayIds: [gtwIds(gtw)], required: { rights: [] } }), Code.InvalidArgument, "empty_request");
  await rejects(b.assertRights({ gatewayIds: [], required: { rights: info } }), Code.InvalidArgument, "empty_request");
  const d = await rejects(b.assertRights({ gatewayIds: [gtwIds(gtw)], required: { rights: [R("RIGHT_APPLICATION_INFO")] } }), Code.InvalidArgument, "non_gateway_rights");
  assert.equal(d.attributes?.rights, ["RIGHT_APPLICATION_INFO"]);
  const gatewayKey = await p.apiKey(gtwRef(gtw), R("RIGHT_GATEWAY_ALL"));
  await rejects(batch(gatewayKey).assertRights({ gatewayIds: [gtwIds(gtw)], required: { rights: info } }), Code.PermissionDenied, "neither_user_nor_organization");
  const statusOnly = await p.apiKey(userRef("alice"), R("RIGHT_GATEWAY_STATUS_READ"));
  await rejects(batch(statusOnly).assertRights({ gatewayIds: [gtwIds(gtw)], required: { rights: info } }), Code.PermissionDenied, "insufficient_rights");
  await rejects(b.assertRights({ gatewayIds: [gtwIds("Bad_ID")], required: { rights: info } }), Code.InvalidArgument, "validation");
});

it("AssertRights: every gateway must grant the rights; public flags cover status/location reads; admins pass", async () => {
  const info = { rights: [R("RIGHT_GATEWAY_INFO")] };
  const all = [gtwIds(gtw), gtwIds(statusGtw), gtwIds(openGtw), gtwIds(orgGtw), gtwIds(gtw)];
  await batch(alice.apiKey).assertRights({ gatewayIds: all, required: info });
  await rejects(batch(bob.apiKey).assertRights({ gatewayIds: [gtwIds(gtw)], required: info }), Code.PermissionDenied, "insufficient_rights");
  // olga reaches org-gtw through the organization, but not alice-gtw.
  await batch(olga.apiKey).assertRights({ gatewayIds: [gtwIds(orgGtw)], required: { rights: [R("RIGHT_GATEWAY_INFO"), R("RIGHT_GATEWAY_DELETE")] } });
  await rejects(batch(olga.apiKey).assertRights({ gatewayIds: [gtwIds(orgGtw), gtwIds(gtw)], required: info }), Code.PermissionDenied, "insufficient_rights");
  // Public status covers STATUS_READ for anyone; location needs location_public as well.
  const status = { rights: [R("RIGHT_GATEWAY_STATUS_READ")] };
  await batch(bob.apiKey).assertRights({ gatewayIds: [gtwIds(statusGtw), gtwIds(openGtw)], required: status });
  const both = { rights: [R("RIGHT_GATEWAY_STATUS_READ"), R("RIGHT_GATEWAY_LOCATION_READ")] };
  await batch(bob.apiKey).assertRights({ gatewayIds: [gtwIds(openGtw)], required: both });
  await rejects(batch(bob.apiKey).assertRights({ gatewayIds: [gtwIds(statusGtw)], required: both }), Code.PermissionDenied, "insufficient_rights");
  // Missing gateways: admins learn it, others do not.
  await rejects(batch(alice.apiKey).assertRights({ gatewayIds: [gtwIds(gtw), gtwIds("no-such-gtw")], required: info }), Code.PermissionDenied, "insufficient_rights");
  await rejects(batch(server.adminAPIKey).assertRights({ gatewayIds: [gtwIds(gtw), gtwIds("no-such-gtw")], required: info }), Code.NotFound, "some_gateways_not_found");
  await batch(server.adminAPIKey).assertRights({ gatewayIds: [gtwIds(gtw), gtwIds("dave-gtw")], required: info });
  // Admins pass through their universal rights, even without any membership.
  await batch(server.adminAPIKey).assertRights({ gatewayIds: [gtwIds("dave-gtw"), gtwIds(openGtw)], required: { rights: [R("RIGHT_GATEWAY_DELETE")] } });
});

// ---- GatewayBatchRegistry.Delete ----------------------------------------

it("Batch Delete: all or nothing, GATEWAY_DELETE on every gateway", async () => {
  const ids = ["batch-a", "batch-b", "batch-c"];
  for (const id of ids) await p.gateway(userRef("alice"), { id });
  await p.member(gtwRef("batch-a"), userRef("bob"), R("RIGHT_GATEWAY_DELETE"));
  await p.member(gtwRef("batch-b"), userRef("bob"), R("RIGHT_GATEWAY_DELETE"));
  // bob may delete a and b, not c: nothing is deleted.
  await rejects(batchReg(bob.apiKey).delete({ gatewayIds: ids.map(gtwIds) }), Code.PermissionDenied, "insufficient_rights");
  for (const id of ids) await store.gateways.get(id);
  await batchReg(bob.apiKey).delete({ gatewayIds: [gtwIds("batch-a"), gtwIds("batch-b"), gtwIds("batch-a")] });
  await rejects(store.gateways.get("batch-a"), Code.NotFound, "gateway_not_found");
  await rejects(store.gateways.get("batch-b"), Code.NotFound, "gateway_not_found");
  await store.gateways.get("batch-c");
  // Deleted gateways count as missing.
  await rejects(batchReg(alice.apiKey).delete({ gatewayIds: [gtwIds("batch-a"), gtwIds("batch-c")] }), Code.PermissionDenied, "insufficient_rights");
  await rejects(batchReg(server.adminAPIKey).delete({ gatewayIds: [gtwIds("batch-a")] }), Code.NotFound, "some_gateways_not_found");
  await rejects(batchReg(alice.apiKey).delete({ gatewayIds: [] }), Code.InvalidArgument, "empty_request");
  await rejects(batchReg(alice.apiKey).delete({ gatewayIds: Array.from({ length: 21 }, (_, i) => gtwIds(`many-${i}`)) }), Code.InvalidArgument, "validation");
  await batchReg(alice.apiKey).delete({ gatewayIds: [gtwIds("batch-c")] });
  await rejects(store.gateways.get("batch-c"), Code.NotFound, "gateway_not_found");
});

test.after(() => server.close());
test.run();
