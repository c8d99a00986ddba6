// GatewayRegistry against a real server over gRPC and /api/v3: permission-denied
// cases first, then each method (spec §1, §2.3, "Additional per-method behaviour"),
// and the gateway secrets encrypted at rest (§7.3).
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { and, eq } from "drizzle-orm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GatewayRegistry } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { createLogger } from "../../src/log.js";
import { staticKeyVault } from "../../src/secrets/key-vault.js";
import { gateways as gatewaysTable } from "../../src/store/pg/schema/index.js";
import { api, grpcClient } from "../helpers/clients.js";
import { testDatabase } from "../helpers/database.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { bytes, eui, gtwIds, gtwRef, httpError, it, org, orgRef, rejects, text, user, userRef } from "./gateway-helpers.js";

// ---- the world -----------------------------------------------------------

const k1 = "000102030405060708090a0b0c0d0e0f";
const k2 = "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f";
let clockOffset = 0;
const server = await startTestServer(
  { "is.gateways.encryption-key-id": "k1", "key-vault.static": [`k1=${k1}`, `k2=${k2}`] },
  { now: () => new Date(Date.now() + clockOffset) },
);
const plain = await startTestServer();
const restricted = await startTestServer({ "is.user-rights.create-gateways": false });
const p = server.population;
const store = p.store;

const alice = await p.user({ id: "alice" });
const bob = await p.user({ id: "bob" });
const dave = await p.user({ id: "dave" });
await p.organization(userRef("dave"), { id: "dave-org" });
await p.organization(userRef("alice"), { id: "alice-org" });

const aliceGtw = await p.gateway(userRef("alice"), { id: "alice-gtw", name: "Alice's gateway", eui: "0102030405060708" });
// dave's organization collaborates on another gateway only: it reaches nothing of alice's.
await p.gateway(orgRef("dave-org"), { id: "dave-org-gtw" });

const reg = (key?: string) => grpcClient(server, GatewayRegistry, key);
const secretMask = { paths: ["lbs_lns_secret", "target_cups_key", "claim_authentication_code"] };
const vault = staticKeyVault(new Map([["k1", Buffer.from(k1, "hex")], ["k2", Buffer.from(k2, "hex")]]));

/** The gateway's secret columns as stored, read with raw SQL. */
async function storedRow(tenantId: string, id: string) {
  const db = (await testDatabase()).db;
  const [row] = await db
    .select({ lns: gatewaysTable.lbs_lns_secret, cups: gatewaysTable.target_cups_key, claim: gatewaysTable.claim_authentication_code })
    .from(gatewaysTable)
    .where(and(eq(gatewaysTable.tenant_id, tenantId), eq(gatewaysTable.gateway_id, id)));
  return row!;
}

// ---- permission denied ---------------------------------------------------

it("no credentials: every method answers unauthenticated (gRPC and HTTP)", async () => {
  const anon = reg();
  await rejects(anon.create({ gateway: { ids: gtwIds("anon-gtw") }, collaborator: user("alice") }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.get({ gatewayIds: gtwIds(aliceGtw), fieldMask: { paths: ["name"] } }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.getIdentifiersForEUI({ eui: eui("0102030405060708") }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.list({}), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.update({ gateway: { ids: gtwIds(aliceGtw), name: "x" }, fieldMask: { paths: ["name"] } }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.delete(gtwIds(aliceGtw)), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.restore(gtwIds(aliceGtw)), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.purge(gtwIds(aliceGtw)), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "POST", "/users/alice/gateways", { body: { gateway: { ids: { gateway_id: "anon-gtw" } } } }), 401, "unauthenticated");
  httpError(await api(server, "GET", `/gateways/${aliceGtw}`), 401, "unauthenticated");
  httpError(await api(server, "GET", "/gateways"), 401, "unauthenticated");
  httpError(await api(server, "DELETE", `/gateways/${aliceGtw}`), 401, "unauthenticated");
  await rejects(store.gateways.get("anon-gtw", { includeDeleted: true }), Code.NotFound, "gateway_not_found");
});

it("another user's key: no rights on the gateway, nor on its owner", async () => {
  const bobs = reg(bob.apiKey);
  await rejects(bobs.get({ gatewayIds: gtwIds(aliceGtw), fieldMask: { paths: ["attributes"] } }), Code.PermissionDenied, "no_gateway_rights");
  await rejects(bobs.update({ gateway: { ids: gtwIds(aliceGtw), name: "mine" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_gateway_rights");
  await rejects(bobs.delete(gtwIds(aliceGtw)), Code.PermissionDenied, "no_gateway_rights");
  await rejects(bobs.restore(gtwIds(aliceGtw)), Code.PermissionDenied, "no_gateway_rights");
  await rejects(bobs.purge(gtwIds(aliceGtw)), Code.PermissionDenied, "admins_purge_gateways");
  await rejects(bobs.create({ gateway: { ids: gtwIds("bob-for-alice") }, collaborator: user("alice") }), Code.PermissionDenied, "no_user_rights");
  await rejects(bobs.list({ collaborator: user("alice") }), Code.PermissionDenied, "no_user_rights");
  httpError(await api(server, "PUT", `/gateways/${aliceGtw}`, { key: bob.apiKey, body: { gateway: { name: "mine" }, field_mask: { paths: ["name"] } } }), 403, "no_gateway_rights");
  httpError(await api(server, "GET", `/gateways/${aliceGtw}?field_mask=attributes`, { key: bob.apiKey }), 403, "no_gateway_rights");
  assert.is((await store.gateways.get(aliceGtw)).name, "Alice's gateway");
});

it("a key without the right: insufficient rights naming the missing right", async () => {
  const infoOnly = await p.apiKey(userRef("alice"), R("RIGHT_GATEWAY_INFO"));
  const c = reg(infoOnly);
  assert.is((await c.get({ gatewayIds: gtwIds(aliceGtw), fieldMask: { paths: ["name", "attributes"] } })).name, "Alice's gateway");
  const d = await rejects(c.update({ gateway: { ids: gtwIds(aliceGtw), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "insufficient_gateway_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_GATEWAY_SETTINGS_BASIC"]);
  await rejects(c.delete(gtwIds(aliceGtw)), Code.PermissionDenied, "insufficient_gateway_rights");
  const s = await rejects(c.get({ gatewayIds: gtwIds(aliceGtw), fieldMask: { paths: ["lbs_lns_secret"] } }), Code.PermissionDenied, "insufficient_gateway_rights");
  assert.equal(s.attributes?.missing, ["RIGHT_GATEWAY_READ_SECRETS"]);
  const i = await rejects(c.create({ gateway: { ids: gtwIds("info-only-gtw") }, collaborator: user("alice") }), Code.PermissionDenied, "insufficient_user_rights");
  assert.equal(i.attributes?.missing, ["RIGHT_USER_GATEWAYS_CREATE"]);
  httpError(await api(server, "DELETE", `/gateways/${aliceGtw}`, { key: infoOnly }), 403, "insufficient_gateway_rights");
  await rejects(store.gateways.get("info-only-gtw", { includeDeleted: true }), Code.NotFound, "gateway_not_found");
});

it("a member of another organization: no rights through it", async () => {
  const c = reg(dave.apiKey);
  await rejects(c.get({ gatewayIds: gtwIds(aliceGtw), fieldMask: { paths: ["attributes"] } }), Code.PermissionDenied, "no_gateway_rights");
  await rejects(c.update({ gateway: { ids: gtwIds(aliceGtw), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_gateway_rights");
  await rejects(c.delete(gtwIds(aliceGtw)), Code.PermissionDenied, "no_gateway_rights");
  await rejects(c.create({ gateway: { ids: gtwIds("dave-in-alice-org") }, collaborator: org("alice-org") }), Code.PermissionDenied, "no_organization_rights");
  // Through its own organization dave reaches that organization's gateway.
  assert.is((await c.get({ gatewayIds: gtwIds("dave-org-gtw"), fieldMask: { paths: ["attributes"] } })).ids?.gatewayId, "dave-org-gtw");
});

it("creation restricted to admins: admins_create_gateways; organizations still create", async () => {
  const rp = restricted.population;
  const u = await rp.user({ id: "ursula" });
  await rp.organization(userRef("ursula"), { id: "ursula-org" });
  const c = grpcClient(restricted, GatewayRegistry, u.apiKey);
  await rejects(c.create({ gateway: { ids: gtwIds("ursula-gtw") }, collaborator: user("ursula") }), Code.PermissionDenied, "admins_create_gateways");
  const viaOrg = await c.create({ gateway: { ids: gtwIds("ursula-org-gtw") }, collaborator: org("ursula-org") });
  assert.is(viaOrg.ids?.gatewayId, "ursula-org-gtw");
  const byAdmin = await grpcClient(restricted, GatewayRegistry, restricted.adminAPIKey).create({ gateway: { ids: gtwIds("admin-made") }, collaborator: user("ursula") });
  assert.is(byAdmin.ids?.gatewayId, "admin-made");
});

// ---- Create --------------------------------------------------------------

it("Create over HTTP: contacts default to the creator, frequency_plan_id fills frequency_plan_ids, EUI in hex", async () => {
  const res = await api(server, "POST", "/users/alice/gateways", {
    key: alice.apiKey,
    body: { gateway: { ids: { gateway_id: "http-gtw", eui: "AABBCCDDEEFF0011" }, name: "Over HTTP", frequency_plan_id: "EU_863_870", gateway_server_address: "wss://gs.example.com:8887" } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.ids.gateway_id, "http-gtw");
  assert.is(res.body.ids.eui, "AABBCCDDEEFF0011");
  assert.equal(res.body.frequency_plan_ids, ["EU_863_870"]);
  assert.is(res.body.frequency_plan_id, "EU_863_870");
  assert.equal(res.body.administrative_contact, { user_ids: { user_id: "alice" } });
  assert.equal(res.body.technical_contact, { user_ids: { user_id: "alice" } });
  const m = await store.memberships.get(gtwRef("http-gtw"), userRef("alice"));
  assert.equal(m.rights, [R("RIGHT_GATEWAY_ALL")]);
});

it("Create: bad input is refused with the field named", async () => {
  const c = reg(alice.apiKey);
  const mk = (gateway: object) => c.create({ gateway: { ids: gtwIds("bad-gtw"), ...gateway } as never, collaborator: user("alice") });
  const badId = await rejects(c.create({ gateway: { ids: gtwIds("Bad_ID") }, collaborator: user("alice") }), Code.InvalidArgument, "validation");
  assert.is(badId.attributes?.field, "gateway.ids.gateway_id");
  await rejects(c.create({ gateway: { ids: gtwIds("admin") }, collaborator: user("alice") }), Code.InvalidArgument, "forbidden_id");
  assert.is((await rejects(mk({ ids: { gatewayId: "bad-gtw", eui: eui("0102") } }), Code.InvalidArgument, "validation")).attributes?.field, "gateway.ids.eui");
  assert.is((await rejects(mk({ name: "n".repeat(51) }), Code.InvalidArgument, "validation")).attributes?.field, "gateway.name");
  assert.is((await rejects(mk({ gatewayServerAddress: "not an address" }), Code.InvalidArgument, "validation")).attributes?.field, "gateway.gateway_server_address");
  assert.is((await rejects(mk({ frequencyPlanIds: Array(9).fill("EU") }), Code.InvalidArgument, "validation")).attributes?.field, "gateway.frequency_plan_ids");
  assert.is((await rejects(mk({ antennas: [{ location: { latitude: 91 } }] }), Code.InvalidArgument, "validation")).attributes?.field, "gateway.antennas");
  assert.is((await rejects(mk({ targetCupsUri: "::nope" }), Code.InvalidArgument, "validation")).attributes?.field, "gateway.target_cups_uri");
  assert.is((await rejects(mk({ lbsLnsSecret: { value: new Uint8Array(2049) } }), Code.InvalidArgument, "validation")).attributes?.field, "gateway.lbs_lns_secret");
  // A claim code needs a secret, and may not end before it starts.
  await rejects(mk({ claimAuthenticationCode: { validFrom: timestampFromDate(new Date()) } }), Code.InvalidArgument, "claim_authentication_code");
  await rejects(
    mk({ claimAuthenticationCode: { secret: { value: bytes("x") }, validFrom: timestampFromDate(new Date(2030, 1)), validTo: timestampFromDate(new Date(2029, 1)) } }),
    Code.InvalidArgument,
    "claim_authentication_code",
  );
  await rejects(c.create({ gateway: { ids: gtwIds("no-collab") } }), Code.InvalidArgument, "validation");
  await rejects(store.gateways.get("bad-gtw", { includeDeleted: true }), Code.NotFound, "gateway_not_found");
});

it("Create: concurrent creates of one ID: exactly one succeeds, the others already exist", async () => {
  const c = reg(alice.apiKey);
  const results = await Promise.allSettled(Array.from({ length: 5 }, () => c.create({ gateway: { ids: gtwIds("race-gtw") }, collaborator: user("alice") })));
  assert.is(results.filter((r) => r.status === "fulfilled").length, 1);
  for (const r of results.filter((r): r is PromiseRejectedResult => r.status === "rejected")) {
    await rejects(Promise.reject(r.reason), Code.AlreadyExists, "id_taken");
  }
});

it("EUI: unique among live gateways, named in gateway_eui_taken; reusable once deleted", async () => {
  const c = reg(alice.apiKey);
  const d = await rejects(c.create({ gateway: { ids: { gatewayId: "eui-clash", eui: eui("0102030405060708") } }, collaborator: user("alice") }), Code.AlreadyExists, "gateway_eui_taken");
  assert.is(d.attributes?.gateway_eui, "0102030405060708");
  assert.is(d.attributes?.gateway_id, aliceGtw);
  const h = httpError(
    await api(server, "POST", "/users/alice/gateways", { key: alice.apiKey, body: { gateway: { ids: { gateway_id: "eui-clash", eui: "0102030405060708" } } } }),
    409,
    "gateway_eui_taken",
  );
  assert.is(h.attributes.gateway_id, aliceGtw);
  // Deleting the holder frees the EUI; restoring it then clashes.
  await c.create({ gateway: { ids: { gatewayId: "eui-first", eui: eui("1111111111111111") } }, collaborator: user("alice") });
  await c.delete(gtwIds("eui-first"));
  const second = await c.create({ gateway: { ids: { gatewayId: "eui-second", eui: eui("1111111111111111") } }, collaborator: user("alice") });
  assert.is(text(second.ids?.eui), text(eui("1111111111111111")));
  const r = await rejects(c.restore(gtwIds("eui-first")), Code.AlreadyExists, "gateway_eui_taken");
  assert.is(r.attributes?.gateway_eui, "1111111111111111");
});

// ---- Get -----------------------------------------------------------------

it("Get: public fields for anyone authenticated; server address and antenna locations only when public", async () => {
  const c = reg(alice.apiKey);
  const antennas = [{ gain: 3, location: { latitude: 52, longitude: 4, altitude: 10 } }];
  await c.create({ gateway: { ids: gtwIds("hidden-gtw"), name: "Hidden", gatewayServerAddress: "gs.example.com", antennas, attributes: { "a-key": "v" } }, collaborator: user("alice") });
  await c.create({
    gateway: { ids: gtwIds("open-gtw"), name: "Open", gatewayServerAddress: "gs.example.com", antennas, statusPublic: true, locationPublic: true, lrfhss: { supported: true } },
    collaborator: user("alice"),
  });
  const mask = { paths: ["name", "gateway_server_address", "antennas", "status_public", "location_public", "lrfhss", "administrative_contact"] };
  const hidden = await reg(bob.apiKey).get({ gatewayIds: gtwIds("hidden-gtw"), fieldMask: mask });
  assert.is(hidden.name, "Hidden");
  assert.is(hidden.gatewayServerAddress, "");
  assert.is(hidden.antennas.length, 1);
  assert.is(hidden.antennas[0]!.location, undefined);
  assert.is(hidden.antennas[0]!.gain, 3);
  assert.is(hidden.attributes["a-key"], undefined);
  const open = await reg(bob.apiKey).get({ gatewayIds: gtwIds("open-gtw"), fieldMask: mask });
  assert.is(open.gatewayServerAddress, "gs.example.com");
  assert.is(open.antennas[0]!.location?.latitude, 52);
  assert.is(open.lrfhss?.supported, true);
  // Over HTTP the same, and a non-public path needs GATEWAY_INFO.
  const res = await api(server, "GET", "/gateways/hidden-gtw?field_mask=name,gateway_server_address", { key: bob.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.name, "Hidden");
  assert.is(res.body.gateway_server_address, undefined);
  const own = await c.get({ gatewayIds: gtwIds("hidden-gtw"), fieldMask: { paths: ["gateway_server_address", "antennas", "attributes"] } });
  assert.is(own.gatewayServerAddress, "gs.example.com");
  assert.is(own.antennas[0]!.location?.latitude, 52);
  assert.is(own.attributes["a-key"], "v");
});

it("Get: frequency_plan_id in a mask implies frequency_plan_ids; unknown paths refused; missing gateways", async () => {
  const c = reg(alice.apiKey);
  await c.create({ gateway: { ids: gtwIds("fp-gtw"), frequencyPlanIds: ["US_902_928_FSB_2", "EU_863_870"] }, collaborator: user("alice") });
  const got = await c.get({ gatewayIds: gtwIds("fp-gtw"), fieldMask: { paths: ["frequency_plan_id"] } });
  assert.is(got.frequencyPlanId, "US_902_928_FSB_2");
  assert.equal(got.frequencyPlanIds, ["US_902_928_FSB_2", "EU_863_870"]);
  await rejects(c.get({ gatewayIds: gtwIds("fp-gtw"), fieldMask: { paths: ["no_such_field"] } }), Code.InvalidArgument, "field_mask_paths");
  await rejects(c.get({ gatewayIds: gtwIds("nope-gtw") }), Code.PermissionDenied, "no_gateway_rights");
  await rejects(reg(server.adminAPIKey).get({ gatewayIds: gtwIds("nope-gtw") }), Code.NotFound, "gateway_not_found");
});

// ---- GetIdentifiersForEUI ------------------------------------------------

it("GetIdentifiersForEUI: any authenticated caller finds the live gateway with the EUI", async () => {
  const ids = await reg(bob.apiKey).getIdentifiersForEUI({ eui: eui("0102030405060708") });
  assert.is(ids.gatewayId, aliceGtw);
  assert.is(Buffer.from(ids.eui).toString("hex"), "0102030405060708");
  await rejects(reg(bob.apiKey).getIdentifiersForEUI({ eui: eui("ffffffffffffffff") }), Code.NotFound, "gateway_not_found_by_eui");
  await rejects(reg(bob.apiKey).getIdentifiersForEUI({ eui: eui("0102") }), Code.InvalidArgument, "validation");
  // A deleted gateway's EUI belongs to nobody.
  await rejects(reg(bob.apiKey).getIdentifiersForEUI({ eui: eui("1111111111111110") }), Code.NotFound, "gateway_not_found_by_eui");
  const c = reg(alice.apiKey);
  await c.create({ gateway: { ids: { gatewayId: "eui-gone", eui: eui("2222222222222222") } }, collaborator: user("alice") });
  assert.is((await reg(dave.apiKey).getIdentifiersForEUI({ eui: eui("2222222222222222") })).gatewayId, "eui-gone");
  await c.delete(gtwIds("eui-gone"));
  await rejects(reg(dave.apiKey).getIdentifiersForEUI({ eui: eui("2222222222222222") }), Code.NotFound, "gateway_not_found_by_eui");
});

// ---- List ----------------------------------------------------------------

it("List: own gateways (direct and through organizations), paging, order, deleted, updated_since", async () => {
  const lp = plain.population;
  const lena = await lp.user({ id: "lena" });
  await lp.organization(userRef("lena"), { id: "lena-org" });
  for (const [id, e] of [["gw-c", "0000000000000003"], ["gw-a", "0000000000000001"], ["gw-b", "0000000000000002"]] as const) await lp.gateway(userRef("lena"), { id, eui: e });
  await lp.gateway(orgRef("lena-org"), { id: "gw-org", eui: "0000000000000000" });
  const c = grpcClient(plain, GatewayRegistry, lena.apiKey);
  const all = await c.list({ fieldMask: { paths: ["name"] }, order: "gateway_id" });
  assert.equal(all.gateways.map((g) => g.ids?.gatewayId), ["gw-a", "gw-b", "gw-c", "gw-org"]);
  const byEUI = await c.list({ order: "-gateway_eui" });
  assert.equal(byEUI.gateways.map((g) => g.ids?.gatewayId), ["gw-c", "gw-b", "gw-a", "gw-org"]);
  // Naming the collaborator lists the same set (the store's memberOf includes organizations).
  const named = await c.list({ collaborator: user("lena"), order: "gateway_id" });
  assert.equal(named.gateways.map((g) => g.ids?.gatewayId), ["gw-a", "gw-b", "gw-c", "gw-org"]);
  const ofOrg = await c.list({ collaborator: org("lena-org") });
  assert.equal(ofOrg.gateways.map((g) => g.ids?.gatewayId), ["gw-org"]);
  const res = await api(plain, "GET", "/gateways?limit=2&page=2&order=gateway_id&field_mask=name", { key: lena.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.headers.get("x-total-count"), "4");
  assert.equal(res.body.gateways.map((g: any) => g.ids.gateway_id), ["gw-c", "gw-org"]);
  assert.is(res.body.gateways[0].name, "Gateway gw-c");
  await rejects(c.list({ order: "description" }), Code.InvalidArgument, "validation");
  // Changed since: only what changed after the moment.
  const since = new Date(Date.now() - 1000);
  await new Promise((r) => setTimeout(r, 5));
  const mark = new Date();
  await new Promise((r) => setTimeout(r, 5));
  await c.update({ gateway: { ids: gtwIds("gw-b"), name: "changed" }, fieldMask: { paths: ["name"] } });
  const changed = await c.list({ filters: [{ field: { case: "updatedSince", value: timestampFromDate(mark) } }] });
  assert.equal(changed.gateways.map((g) => g.ids?.gatewayId), ["gw-b"]);
  assert.is((await c.list({ filters: [{ field: { case: "updatedSince", value: timestampFromDate(since) } }] })).gateways.length >= 1, true);
  await rejects(c.list({ filters: [{ field: { case: "updatedSince", value: timestampFromDate(new Date(Date.now() + 3_600_000)) } }] }), Code.InvalidArgument, "validation");
  // Deleted ones are listed only on request.
  await c.delete(gtwIds("gw-a"));
  assert.equal((await c.list({ order: "gateway_id" })).gateways.map((g) => g.ids?.gatewayId), ["gw-b", "gw-c", "gw-org"]);
  assert.equal((await c.list({ deleted: true })).gateways.map((g) => g.ids?.gatewayId), ["gw-a"]);
});

it("List: entries the caller may not read in full are reduced to public fields", async () => {
  const c = reg(alice.apiKey);
  await c.create({ gateway: { ids: gtwIds("shared-gtw"), name: "Shared", attributes: { "x-key": "v" }, gatewayServerAddress: "gs.example.com" }, collaborator: user("alice") });
  await p.member(gtwRef("shared-gtw"), userRef("bob"), R("RIGHT_GATEWAY_STATUS_READ"));
  const listed = await reg(bob.apiKey).list({ fieldMask: { paths: ["name", "attributes", "gateway_server_address"] } });
  const shared = listed.gateways.find((g) => g.ids?.gatewayId === "shared-gtw")!;
  assert.is(shared.name, "Shared");
  assert.equal(shared.attributes, {});
  assert.is(shared.gatewayServerAddress, "");
});

// ---- Update --------------------------------------------------------------

it("Update: masked fields change; GATEWAY_LINK alone may change antennas and attributes only", async () => {
  const c = reg(alice.apiKey);
  await c.create({ gateway: { ids: gtwIds("upd-gtw"), name: "Before", description: "keep" }, collaborator: user("alice") });
  const updated = await c.update({ gateway: { ids: gtwIds("upd-gtw"), name: "After", description: "ignored" }, fieldMask: { paths: ["name"] } });
  assert.is(updated.name, "After");
  assert.is((await store.gateways.get("upd-gtw")).description, "keep");
  const res = await api(server, "PUT", "/gateways/upd-gtw", { key: alice.apiKey, body: { gateway: { frequency_plan_id: "AU_915_928" }, field_mask: { paths: ["frequency_plan_id"] } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal((await store.gateways.get("upd-gtw")).frequencyPlanIds, ["AU_915_928"]);
  const link = await p.apiKey(gtwRef("upd-gtw"), R("RIGHT_GATEWAY_LINK"));
  const l = reg(link);
  await l.update({ gateway: { ids: gtwIds("upd-gtw"), antennas: [{ gain: 2, location: { latitude: 1, longitude: 2 } }] }, fieldMask: { paths: ["antennas"] } });
  assert.is((await store.gateways.get("upd-gtw")).antennas[0]!.gain, 2);
  const d = await rejects(l.update({ gateway: { ids: gtwIds("upd-gtw"), name: "link" }, fieldMask: { paths: ["name", "antennas"] } }), Code.PermissionDenied, "insufficient_gateway_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_GATEWAY_SETTINGS_BASIC"]);
  await rejects(c.update({ gateway: { ids: gtwIds("upd-gtw"), name: "n".repeat(51) }, fieldMask: { paths: ["name"] } }), Code.InvalidArgument, "validation");
  await rejects(c.update({ gateway: { ids: gtwIds("upd-gtw"), administrativeContact: user("bob") }, fieldMask: { paths: ["administrative_contact"] } }), Code.InvalidArgument, "contact_no_collaborator");
});

it("Update: ids.eui in the mask sets, changes or clears the EUI; a taken EUI is refused", async () => {
  const c = reg(alice.apiKey);
  await c.create({ gateway: { ids: gtwIds("no-eui-gtw") }, collaborator: user("alice") });
  const set = await c.update({ gateway: { ids: { gatewayId: "no-eui-gtw", eui: eui("3333333333333333") } }, fieldMask: { paths: ["ids.eui"] } });
  assert.is(Buffer.from(set.ids!.eui!).toString("hex"), "3333333333333333");
  assert.is((await c.getIdentifiersForEUI({ eui: eui("3333333333333333") })).gatewayId, "no-eui-gtw");
  const clash = await rejects(
    c.update({ gateway: { ids: { gatewayId: "no-eui-gtw", eui: eui("0102030405060708") } }, fieldMask: { paths: ["ids.eui"] } }),
    Code.AlreadyExists,
    "gateway_eui_taken",
  );
  assert.is(clash.attributes?.gateway_id, aliceGtw);
  // Without ids.eui in the mask the EUI stays.
  await c.update({ gateway: { ids: { gatewayId: "no-eui-gtw", eui: eui("4444444444444444") }, name: "n" }, fieldMask: { paths: ["name"] } });
  assert.is(Buffer.from((await store.gateways.get("no-eui-gtw")).ids!.eui!).toString("hex"), "3333333333333333");
  await c.update({ gateway: { ids: { gatewayId: "no-eui-gtw" } }, fieldMask: { paths: ["ids.eui"] } });
  assert.is((await store.gateways.get("no-eui-gtw")).ids!.eui.length, 0);
  await rejects(c.update({ gateway: { ids: { gatewayId: "no-eui-gtw", eui: eui("01") } }, fieldMask: { paths: ["ids.eui"] } }), Code.InvalidArgument, "validation");
});

// ---- Delete, Restore, Purge ----------------------------------------------

it("Delete, Restore within the window, Purge by admins only", async () => {
  const c = reg(alice.apiKey);
  await c.create({ gateway: { ids: gtwIds("life-gtw") }, collaborator: user("alice") });
  await c.delete(gtwIds("life-gtw"));
  await rejects(c.get({ gatewayIds: gtwIds("life-gtw") }), Code.PermissionDenied, "no_gateway_rights");
  await rejects(c.delete(gtwIds("life-gtw")), Code.PermissionDenied, "no_gateway_rights");
  await rejects(c.create({ gateway: { ids: gtwIds("life-gtw") }, collaborator: user("alice") }), Code.AlreadyExists, "id_taken");
  await c.restore(gtwIds("life-gtw"));
  await rejects(c.restore(gtwIds("life-gtw")), Code.FailedPrecondition, "not_deleted");
  await c.delete(gtwIds("life-gtw"));
  clockOffset = 25 * 3600 * 1000;
  try {
    await rejects(c.restore(gtwIds("life-gtw")), Code.FailedPrecondition, "restore_window_expired");
  } finally {
    clockOffset = 0;
  }
  await rejects(c.purge(gtwIds("life-gtw")), Code.PermissionDenied, "admins_purge_gateways");
  const res = await api(server, "DELETE", "/gateways/life-gtw/purge", { key: server.adminAPIKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  await rejects(store.gateways.get("life-gtw", { includeDeleted: true }), Code.NotFound, "gateway_not_found");
  await rejects(store.memberships.get(gtwRef("life-gtw"), userRef("alice")), Code.NotFound, "membership_not_found");
  // A purged ID is free again.
  await c.create({ gateway: { ids: gtwIds("life-gtw") }, collaborator: user("alice") });
});

// ---- Secrets at rest -----------------------------------------------------

const secrets = () => ({
  lbsLnsSecret: { value: bytes("lns-secret-value") },
  targetCupsKey: { value: bytes("cups-key-value") },
  claimAuthenticationCode: { secret: { value: bytes("claim-secret-value") }, validFrom: timestampFromDate(new Date(2020, 0)), validTo: timestampFromDate(new Date(2040, 0)) },
});

it("Secrets: stored encrypted with the configured key, returned in plaintext with GATEWAY_READ_SECRETS only", async () => {
  const c = reg(alice.apiKey);
  const created = await c.create({ gateway: { ids: gtwIds("secret-gtw"), ...secrets() }, collaborator: user("alice") });
  assert.is(text(created.lbsLnsSecret?.value), "lns-secret-value");
  // Through the store: sealed values under key k1, not the plaintext.
  const stored = await store.gateways.get("secret-gtw");
  assert.is(stored.lbsLnsSecret?.keyId, "k1");
  assert.is(stored.claimAuthenticationCode?.secret?.keyId, "k1");
  assert.not.equal(text(stored.lbsLnsSecret?.value), "lns-secret-value");
  assert.is(text(vault.decrypt(stored.lbsLnsSecret!.value, "k1")), "lns-secret-value");
  assert.is(text(vault.decrypt(stored.targetCupsKey!.value, "k1")), "cups-key-value");
  assert.is(stored.lbsLnsSecret!.value.length, 12 + "lns-secret-value".length + 16);
  // Raw SQL: no plaintext (nor its base64) anywhere in the row.
  const raw = JSON.stringify(await storedRow(server.tenantId, "secret-gtw"));
  for (const s of ["lns-secret-value", "cups-key-value", "claim-secret-value"]) {
    assert.not.ok(raw.includes(s) || raw.includes(Buffer.from(s).toString("base64")), `plaintext of ${s} stored`);
  }
  // Read back with the right.
  const got = await c.get({ gatewayIds: gtwIds("secret-gtw"), fieldMask: secretMask });
  assert.is(text(got.lbsLnsSecret?.value), "lns-secret-value");
  assert.is(got.lbsLnsSecret?.keyId, "k1");
  assert.is(text(got.targetCupsKey?.value), "cups-key-value");
  assert.is(text(got.claimAuthenticationCode?.secret?.value), "claim-secret-value");
  const res = await api(server, "GET", "/gateways/secret-gtw?field_mask=lbs_lns_secret", { key: alice.apiKey });
  assert.is(Buffer.from(res.body.lbs_lns_secret.value, "base64").toString(), "lns-secret-value");
  // Without the right: Get refuses, List leaves them out silently.
  const infoKey = await p.apiKey(userRef("alice"), R("RIGHT_GATEWAY_INFO"), R("RIGHT_USER_GATEWAYS_LIST"));
  for (const path of secretMask.paths) {
    await rejects(reg(infoKey).get({ gatewayIds: gtwIds("secret-gtw"), fieldMask: { paths: [path] } }), Code.PermissionDenied, "insufficient_gateway_rights");
  }
  httpError(await api(server, "GET", "/gateways/secret-gtw?field_mask=target_cups_key", { key: infoKey }), 403, "insufficient_gateway_rights");
  const listed = (await reg(infoKey).list({ fieldMask: { paths: ["name", ...secretMask.paths] } })).gateways.find((g) => g.ids?.gatewayId === "secret-gtw")!;
  assert.ok(listed, "listed without secrets");
  assert.is(listed.lbsLnsSecret, undefined);
  assert.is(listed.targetCupsKey, undefined);
  assert.is(listed.claimAuthenticationCode, undefined);
  const ownList = (await c.list({ fieldMask: { paths: secretMask.paths } })).gateways.find((g) => g.ids?.gatewayId === "secret-gtw")!;
  assert.is(text(ownList.lbsLnsSecret?.value), "lns-secret-value");
  // Without asking, nobody gets them.
  assert.is((await c.get({ gatewayIds: gtwIds("secret-gtw"), fieldMask: { paths: ["name"] } })).lbsLnsSecret, undefined);
});

it("Secrets: writing needs GATEWAY_WRITE_SECRETS; Update returns what it wrote", async () => {
  const c = reg(alice.apiKey);
  await c.create({ gateway: { ids: gtwIds("write-gtw") }, collaborator: user("alice") });
  const basic = await p.apiKey(gtwRef("write-gtw"), R("RIGHT_GATEWAY_SETTINGS_BASIC"), R("RIGHT_GATEWAY_INFO"));
  const d = await rejects(
    reg(basic).update({ gateway: { ids: gtwIds("write-gtw"), lbsLnsSecret: { value: bytes("x") } }, fieldMask: { paths: ["lbs_lns_secret"] } }),
    Code.PermissionDenied,
    "insufficient_gateway_rights",
  );
  assert.equal(d.attributes?.missing, ["RIGHT_GATEWAY_WRITE_SECRETS"]);
  const updated = await c.update({ gateway: { ids: gtwIds("write-gtw"), targetCupsKey: { value: bytes("new-cups") } }, fieldMask: { paths: ["target_cups_key"] } });
  assert.is(text(updated.targetCupsKey?.value), "new-cups");
  assert.is((await store.gateways.get("write-gtw")).targetCupsKey?.keyId, "k1");
  await rejects(
    c.update({ gateway: { ids: gtwIds("write-gtw"), claimAuthenticationCode: {} }, fieldMask: { paths: ["claim_authentication_code"] } }),
    Code.InvalidArgument,
    "claim_authentication_code",
  );
  // Clearing a secret.
  await c.update({ gateway: { ids: gtwIds("write-gtw") }, fieldMask: { paths: ["target_cups_key"] } });
  assert.is((await store.gateways.get("write-gtw")).targetCupsKey, undefined);
});

it("Secrets: rotating the configured key ID keeps old values readable; new writes use the new key", async () => {
  await reg(alice.apiKey).create({ gateway: { ids: gtwIds("rotate-gtw"), lbsLnsSecret: { value: bytes("under-k1") } }, collaborator: user("alice") });
  // Rotation is a restart with another key ID and the old key still in the vault.
  const rotated = await startTestServer({ "is.gateways.encryption-key-id": "k2", "key-vault.static": [`k1=${k1}`, `k2=${k2}`] }, { tenantId: server.tenantId });
  const c = grpcClient(rotated, GatewayRegistry, alice.apiKey);
  try {
    const got = await c.get({ gatewayIds: gtwIds("rotate-gtw"), fieldMask: { paths: ["lbs_lns_secret"] } });
    assert.is(text(got.lbsLnsSecret?.value), "under-k1");
    assert.is((await store.gateways.get("rotate-gtw")).lbsLnsSecret?.keyId, "k1");
    await c.update({ gateway: { ids: gtwIds("rotate-gtw"), targetCupsKey: { value: bytes("under-k2") } }, fieldMask: { paths: ["target_cups_key"] } });
    const stored = await store.gateways.get("rotate-gtw");
    assert.is(stored.targetCupsKey?.keyId, "k2");
    assert.is(stored.lbsLnsSecret?.keyId, "k1");
    assert.is(text(vault.decrypt(stored.targetCupsKey!.value, "k2")), "under-k2");
    const both = await c.get({ gatewayIds: gtwIds("rotate-gtw"), fieldMask: { paths: ["lbs_lns_secret", "target_cups_key"] } });
    assert.equal([text(both.lbsLnsSecret?.value), text(both.targetCupsKey?.value)], ["under-k1", "under-k2"]);
  } finally {
    await rotated.close();
  }
});

it("Secrets: without a configured key they are stored as given with an empty key ID, still guarded by the right", async () => {
  const pp = plain.population;
  const paula = await pp.user({ id: "paula" });
  const c = grpcClient(plain, GatewayRegistry, paula.apiKey);
  await c.create({ gateway: { ids: gtwIds("plain-gtw"), lbsLnsSecret: { value: bytes("plain-lns") } }, collaborator: user("paula") });
  const stored = await pp.store.gateways.get("plain-gtw");
  assert.is(stored.lbsLnsSecret?.keyId, "");
  assert.is(text(stored.lbsLnsSecret?.value), "plain-lns");
  assert.is(text((await c.get({ gatewayIds: gtwIds("plain-gtw"), fieldMask: { paths: ["lbs_lns_secret"] } })).lbsLnsSecret?.value), "plain-lns");
  const info = await pp.apiKey(userRef("paula"), R("RIGHT_GATEWAY_INFO"));
  await rejects(grpcClient(plain, GatewayRegistry, info).get({ gatewayIds: gtwIds("plain-gtw"), fieldMask: { paths: ["lbs_lns_secret"] } }), Code.PermissionDenied, "insufficient_gateway_rights");
});

it("Secrets never reach the log, nor do key-vault keys; a missing or malformed key is an internal error naming only its ID", async () => {
  const lines: string[] = [];
  const log = createLogger({ level: "debug", format: "json", write: (line) => lines.push(line) });
  const broken = await startTestServer({ "is.gateways.encryption-key-id": "gone", "key-vault.static": [`k1=${k1}`] }, { log });
  // A malformed vault entry stops the start, naming only the key ID.
  const refused = await startTestServer({ "is.gateways.encryption-key-id": "bad", "key-vault.static": ["bad=0123zz-not-hex"] }, { log }).then(
    (s) => s.close().then(() => assert.unreachable("started with a malformed key vault")),
    (err: Error) => err,
  );
  assert.match(String(refused), "key_vault");
  assert.match(String(refused), "`bad`");
  assert.not.match(String(refused), "0123zz");
  try {
    const bu = await broken.population.user({ id: "bruno" });
    const e = await rejects(
      grpcClient(broken, GatewayRegistry, bu.apiKey).create({ gateway: { ids: gtwIds("b-gtw"), lbsLnsSecret: { value: bytes("log-canary-1") } }, collaborator: user("bruno") }),
      Code.Internal,
      "key_vault",
    );
    assert.is(e.attributes?.key_id, "gone");
    // Refused and successful requests that carry secrets.
    await rejects(
      grpcClient(broken, GatewayRegistry, bu.apiKey).create({ gateway: { ids: gtwIds("canary-gtw"), claimAuthenticationCode: { secret: { value: bytes("log-canary-3") }, validFrom: timestampFromDate(new Date(2030, 1)), validTo: timestampFromDate(new Date(2020, 1)) } }, collaborator: user("bruno") }),
      Code.InvalidArgument,
      "claim_authentication_code",
    );
  } finally {
    await broken.close();
  }
  assert.ok(lines.length > 0, "something was logged");
  const all = lines.join("\n");
  for (const s of ["log-canary-1", "log-canary-3", k1, "0123zz-not-hex"]) {
    assert.not.ok(all.includes(s) || all.includes(Buffer.from(s).toString("base64")), `${s} in the log`);
  }
});

test.after(async () => {
  await server.close();
  await plain.close();
  await restricted.close();
});
test.run();
