// EndDeviceRegistry against a real server: gRPC and /api/v3 JSON. Permission
// denied first, then each method (spec §1 EndDeviceRegistry, §2.4, §3.1, §3.2).
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { EndDeviceRegistry } from "../../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { api, grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { appIds, appRef, devIds, eui, hex, httpError, it, orgRef, rejects, userRef } from "./end-device-helpers.js";

const clusterKey = "00112233445566778899aabbccddeeff";
const cluster = { headers: { authorization: `ClusterKey ${clusterKey}` } };
const server = await startTestServer({ "cluster.keys": [clusterKey] });
const p = server.population;
const store = p.store;

const alice = await p.user({ id: "alice" });
const bob = await p.user({ id: "bob" });
const carol = await p.user({ id: "carol" });
const aliceApp = await p.application(userRef("alice"), { id: "alice-app" });
await store.applications.update(aliceApp, { ...(await store.applications.get(aliceApp)), networkServerAddress: "ns.example.com", applicationServerAddress: "as.example.com:8884" }, ["network_server_address", "application_server_address"]);
const bobApp = await p.application(userRef("bob"), { id: "bob-app" });
const carolOrg = await p.organization(userRef("carol"), { id: "carol-org" });
await p.application(orgRef(carolOrg), { id: "carol-org-app" });

await p.endDevice(aliceApp, { id: "sensor-1", name: "Sensor one", devEui: "0004A30B001C0001", joinEui: "70B3D57ED0000001" });

const reg = (key?: string) => grpcClient(server, EndDeviceRegistry, key);
const dev = (app: string, id: string, fields: Record<string, unknown> = {}) => ({ endDevice: { ids: devIds(app, id), ...fields } });

// ---- permission denied ---------------------------------------------------

it("no credentials: every method answers unauthenticated (gRPC and HTTP)", async () => {
  const anon = reg();
  await rejects(anon.create(dev(aliceApp, "anon-dev")), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.get({ endDeviceIds: devIds(aliceApp, "sensor-1") }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.getIdentifiersForEUIs({ joinEui: eui("70B3D57ED0000001"), devEui: eui("0004A30B001C0001") }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.list({ applicationIds: appIds(aliceApp) }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.update({ endDevice: { ids: devIds(aliceApp, "sensor-1"), name: "x" }, fieldMask: { paths: ["name"] } }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.batchUpdateLastSeen({ updates: [{ ids: devIds(aliceApp, "sensor-1"), lastSeenAt: timestampFromDate(new Date()) }] }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.delete(devIds(aliceApp, "sensor-1")), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "POST", `/applications/${aliceApp}/devices`, { body: { end_device: { ids: { device_id: "anon-dev" } } } }), 401, "unauthenticated");
  httpError(await api(server, "GET", `/applications/${aliceApp}/devices/sensor-1`), 401, "unauthenticated");
  httpError(await api(server, "GET", `/applications/${aliceApp}/devices`), 401, "unauthenticated");
  httpError(await api(server, "DELETE", `/applications/${aliceApp}/devices/sensor-1`), 401, "unauthenticated");
  assert.is((await store.endDevices.get(aliceApp, "sensor-1")).name, "Sensor one");
});

it("another user's key: no_application_rights on every method", async () => {
  const c = reg(bob.apiKey);
  await rejects(c.create(dev(aliceApp, "bobs-dev")), Code.PermissionDenied, "no_application_rights");
  await rejects(c.get({ endDeviceIds: devIds(aliceApp, "sensor-1") }), Code.PermissionDenied, "no_application_rights");
  await rejects(c.list({ applicationIds: appIds(aliceApp) }), Code.PermissionDenied, "no_application_rights");
  await rejects(c.update({ endDevice: { ids: devIds(aliceApp, "sensor-1"), name: "mine" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  await rejects(c.delete(devIds(aliceApp, "sensor-1")), Code.PermissionDenied, "no_application_rights");
  httpError(await api(server, "GET", `/applications/${aliceApp}/devices/sensor-1`, { key: bob.apiKey }), 403, "no_application_rights");
  httpError(await api(server, "PUT", `/applications/${aliceApp}/devices/sensor-1`, { key: bob.apiKey, body: { end_device: { name: "mine" }, field_mask: { paths: ["name"] } } }), 403, "no_application_rights");
  assert.is((await store.endDevices.get(aliceApp, "sensor-1")).name, "Sensor one");
});

it("a key without the right: insufficient_application_rights naming it", async () => {
  const readOnly = reg(await p.apiKey(userRef("alice"), R("RIGHT_APPLICATION_DEVICES_READ")));
  assert.is((await readOnly.get({ endDeviceIds: devIds(aliceApp, "sensor-1"), fieldMask: { paths: ["name"] } })).name, "Sensor one");
  let d = await rejects(readOnly.create(dev(aliceApp, "ro-dev")), Code.PermissionDenied, "insufficient_application_rights");
  assert.equal(d.attributes.missing, ["RIGHT_APPLICATION_DEVICES_WRITE"]);
  await rejects(readOnly.update({ endDevice: { ids: devIds(aliceApp, "sensor-1"), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "insufficient_application_rights");
  await rejects(readOnly.delete(devIds(aliceApp, "sensor-1")), Code.PermissionDenied, "insufficient_application_rights");
  const infoOnly = await p.apiKey(appRef(aliceApp), R("RIGHT_APPLICATION_INFO"));
  d = await rejects(reg(infoOnly).get({ endDeviceIds: devIds(aliceApp, "sensor-1") }), Code.PermissionDenied, "insufficient_application_rights");
  assert.equal(d.attributes.missing, ["RIGHT_APPLICATION_DEVICES_READ"]);
  await rejects(reg(infoOnly).list({ applicationIds: appIds(aliceApp) }), Code.PermissionDenied, "insufficient_application_rights");
  const res = httpError(await api(server, "GET", `/applications/${aliceApp}/devices`, { key: infoOnly }), 403, "insufficient_application_rights");
  assert.equal(res.attributes.missing, ["RIGHT_APPLICATION_DEVICES_READ"]);
});

it("a member of another organization: no_application_rights", async () => {
  const c = reg(carol.apiKey);
  await rejects(c.get({ endDeviceIds: devIds(aliceApp, "sensor-1") }), Code.PermissionDenied, "no_application_rights");
  await rejects(c.create(dev(aliceApp, "carols-dev")), Code.PermissionDenied, "no_application_rights");
  await rejects(c.list({ applicationIds: appIds(aliceApp) }), Code.PermissionDenied, "no_application_rights");
  // Through her organization she does manage the organization's application.
  const created = await c.create(dev("carol-org-app", "org-dev", { name: "Org device" }));
  assert.is(created.name, "Org device");
});

it("BatchUpdateLastSeen: cluster peers only; a wrong cluster key is refused", async () => {
  const update = { updates: [{ ids: devIds(aliceApp, "sensor-1"), lastSeenAt: timestampFromDate(new Date()) }] };
  await rejects(reg(alice.apiKey).batchUpdateLastSeen(update), Code.PermissionDenied, "permission_denied");
  await rejects(reg(server.adminAPIKey).batchUpdateLastSeen(update), Code.PermissionDenied, "permission_denied");
  await rejects(reg().batchUpdateLastSeen(update, { headers: { authorization: "ClusterKey 0badc0de" } }), Code.Unauthenticated, "invalid_cluster_key");
  assert.is((await store.endDevices.get(aliceApp, "sensor-1")).lastSeenAt, undefined);
});

// ---- Create --------------------------------------------------------------

it("Create stores the Identity Server's fields and returns them (gRPC)", async () => {
  const created = await reg(alice.apiKey).create(
    dev(aliceApp, "thermo-1", {
      name: "Thermometer",
      description: "In the cellar",
      attributes: { floor: "basement" },
      versionIds: { brandId: "acme", modelId: "thermo", hardwareVersion: "1.0", firmwareVersion: "2.1", bandId: "EU_863_870" },
      serviceProfileId: "default",
      networkServerAddress: "ns.example.com:1884",
      joinServerAddress: "js.example.com",
      locations: { user: { latitude: 52.1, longitude: 4.3, altitude: 5 } },
      claimAuthenticationCode: { value: "ABC123" },
      serialNumber: "sn-0001",
      loraAllianceProfileIds: { vendorId: 42, vendorProfileId: 7 },
      ids: { ...devIds(aliceApp, "thermo-1"), devEui: eui("0004A30B001C0002"), joinEui: eui("70B3D57ED0000001") },
    }),
  );
  assert.is(created.ids?.deviceId, "thermo-1");
  assert.is(created.ids?.applicationIds?.applicationId, aliceApp);
  assert.is(hex(created.ids?.devEui), "0004A30B001C0002");
  assert.is(created.name, "Thermometer");
  assert.is(created.versionIds?.modelId, "thermo");
  assert.is(created.locations.user?.latitude, 52.1);
  assert.is(created.claimAuthenticationCode?.value, "ABC123");
  assert.is(created.loraAllianceProfileIds?.vendorId, 42);
  assert.ok(created.createdAt && created.updatedAt);
  const stored = await store.endDevices.get(aliceApp, "thermo-1");
  assert.equal(stored.attributes, { floor: "basement" });
  assert.is(stored.serialNumber, "sn-0001");
});

it("Create over HTTP: EUIs as hex in and out", async () => {
  const res = await api(server, "POST", `/applications/${aliceApp}/devices`, {
    key: alice.apiKey,
    body: { end_device: { ids: { device_id: "http-dev", dev_eui: "0004A30B001C0003", join_eui: "70B3D57ED0000001" }, name: "Over HTTP" } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.ids.dev_eui, "0004A30B001C0003");
  assert.is(res.body.ids.join_eui, "70B3D57ED0000001");
  assert.is(res.body.ids.application_ids.application_id, aliceApp);
  assert.is(res.body.name, "Over HTTP");
});

it("Create: a taken device ID is id_taken; the same ID in another application is fine", async () => {
  await rejects(reg(alice.apiKey).create(dev(aliceApp, "sensor-1")), Code.AlreadyExists, "id_taken");
  const other = await reg(bob.apiKey).create(dev(bobApp, "sensor-1"));
  assert.is(other.ids?.applicationIds?.applicationId, bobApp);
});

it("Create: JoinEUI + DevEUI taken by another device (in any application) is end_device_euis_taken", async () => {
  const taken = { ...devIds(bobApp, "clash"), joinEui: eui("70B3D57ED0000001"), devEui: eui("0004A30B001C0001") };
  const d = await rejects(reg(bob.apiKey).create({ endDevice: { ids: taken } }), Code.AlreadyExists, "end_device_euis_taken");
  assert.equal(d.attributes, { join_eui: "70B3D57ED0000001", dev_eui: "0004A30B001C0001", device_id: "sensor-1", application_id: aliceApp });
  const res = await api(server, "POST", `/applications/${bobApp}/devices`, {
    key: bob.apiKey,
    body: { end_device: { ids: { device_id: "clash", join_eui: "70B3D57ED0000001", dev_eui: "0004A30B001C0001" } } },
  });
  httpError(res, 409, "end_device_euis_taken");
  // The same DevEUI under another JoinEUI, and devices without EUIs, do not clash.
  await reg(bob.apiKey).create({ endDevice: { ids: { ...taken, joinEui: eui("70B3D57ED0000002") } } });
  await reg(bob.apiKey).create(dev(bobApp, "no-eui-1"));
  await reg(bob.apiKey).create(dev(bobApp, "no-eui-2"));
});

it("concurrent creates: one device ID, or one EUI pair, goes to exactly one of them", async () => {
  const c = reg(bob.apiKey);
  const sameId = await Promise.allSettled(Array.from({ length: 6 }, () => c.create(dev(bobApp, "race-id"))));
  assert.is(sameId.filter((r) => r.status === "fulfilled").length, 1);
  for (const r of sameId) if (r.status === "rejected") assert.match(String(r.reason), /id_taken/);
  const pair = { joinEui: eui("70B3D57ED00000AA"), devEui: eui("0004A30B001C00AA") };
  const sameEUIs = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => c.create({ endDevice: { ids: { ...devIds(bobApp, `race-eui-${i}`), ...pair } } })));
  const winners = sameEUIs.flatMap((r) => (r.status === "fulfilled" ? [r.value.ids!.deviceId] : []));
  assert.is(winners.length, 1);
  for (const r of sameEUIs) if (r.status === "rejected") assert.match(String(r.reason), /end_device_euis_taken/);
  const held = await store.endDevices.findByEUIs(pair.joinEui, pair.devEui);
  assert.is(held?.ids?.deviceId, winners[0]);
});

it("Create: invalid identifiers and fields are validation errors; reserved IDs forbidden_id", async () => {
  const c = reg(alice.apiKey);
  let d = await rejects(c.create(dev(aliceApp, "Bad_ID")), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "end_device.ids.device_id");
  d = await rejects(c.create(dev(aliceApp, "")), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "end_device.ids.device_id");
  await rejects(c.create(dev(aliceApp, "admin")), Code.InvalidArgument, "forbidden_id");
  d = await rejects(c.create({ endDevice: { ids: { ...devIds(aliceApp, "short-eui"), devEui: eui("0102") } } }), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "end_device.ids.dev_eui");
  d = await rejects(c.create(dev(aliceApp, "long-name", { name: "x".repeat(51) })), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "end_device.name");
  d = await rejects(c.create(dev(aliceApp, "bad-addr", { networkServerAddress: "not a host" })), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "end_device.network_server_address");
  d = await rejects(c.create(dev(aliceApp, "bad-code", { claimAuthenticationCode: { value: "no spaces!" } })), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "end_device.claim_authentication_code");
  d = await rejects(c.create(dev(aliceApp, "bad-brand", { versionIds: { brandId: "Not An ID" } })), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "end_device.version_ids");
  d = await rejects(c.create(dev(aliceApp, "bad-attr", { attributes: { "Bad Key": "x" } })), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "end_device.attributes");
  d = await rejects(c.create(dev(aliceApp, "bad-loc", { locations: { "Not Valid": {} } })), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "end_device.locations");
  httpError(await api(server, "POST", `/applications/${aliceApp}/devices`, { key: alice.apiKey, body: { end_device: { ids: { device_id: "devices" } } } }), 400, "forbidden_id");
  await rejects(store.endDevices.get(aliceApp, "Bad_ID"), Code.NotFound, "end_device_not_found");
});

it("Create: server addresses must match the application's hosts when both are set", async () => {
  const c = reg(alice.apiKey);
  let d = await rejects(c.create(dev(aliceApp, "ns-mismatch", { networkServerAddress: "other.example.com" })), Code.InvalidArgument, "network_server_address_mismatch");
  assert.equal(d.attributes, { address: "other.example.com", expected: "ns.example.com" });
  d = await rejects(c.create(dev(aliceApp, "as-mismatch", { applicationServerAddress: "as.example.org:8884" })), Code.InvalidArgument, "application_server_address_mismatch");
  assert.equal(d.attributes, { address: "as.example.org:8884", expected: "as.example.com:8884" });
  // Another port on the same host matches; the application names no Join Server, so any is fine.
  await c.create(dev(aliceApp, "as-port", { applicationServerAddress: "as.example.com:1884", joinServerAddress: "anything.example.net" }));
  httpError(
    await api(server, "POST", `/applications/${aliceApp}/devices`, { key: alice.apiKey, body: { end_device: { ids: { device_id: "ns-mismatch" }, network_server_address: "x.example.com" } } }),
    400,
    "network_server_address_mismatch",
  );
});

it("Create in an application that does not exist: no rights for users, not found for admins", async () => {
  await rejects(reg(alice.apiKey).create(dev("no-such-app", "dev")), Code.PermissionDenied, "no_application_rights");
  await rejects(reg(server.adminAPIKey).create(dev("no-such-app", "dev")), Code.NotFound, "application_not_found");
});

// ---- Get -------------------------------------------------------------------

it("Get: the field mask selects fields; identifiers and timestamps always come back", async () => {
  const c = reg(alice.apiKey);
  const bare = await c.get({ endDeviceIds: devIds(aliceApp, "thermo-1") });
  assert.is(bare.name, "");
  assert.is(hex(bare.ids?.devEui), "0004A30B001C0002");
  assert.ok(bare.createdAt && bare.updatedAt);
  const some = await c.get({ endDeviceIds: devIds(aliceApp, "thermo-1"), fieldMask: { paths: ["name", "version_ids.model_id", "claim_authentication_code"] } });
  assert.is(some.name, "Thermometer");
  assert.is(some.description, "");
  assert.is(some.versionIds?.modelId, "thermo");
  assert.is(some.versionIds?.brandId, "");
  assert.is(some.claimAuthenticationCode?.value, "ABC123");
  const res = await api(server, "GET", `/applications/${aliceApp}/devices/thermo-1?field_mask=name,locations,lora_alliance_profile_ids`, { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.name, "Thermometer");
  assert.is(res.body.ids.dev_eui, "0004A30B001C0002");
  assert.is(res.body.locations.user.latitude, 52.1);
  assert.equal(res.body.lora_alliance_profile_ids, { vendor_id: 42, vendor_profile_id: 7 });
  assert.is(res.body.description, undefined);
});

it("Get: paths outside the Identity Server's fields are field_mask_paths", async () => {
  const c = reg(alice.apiKey);
  const d = await rejects(c.get({ endDeviceIds: devIds(aliceApp, "thermo-1"), fieldMask: { paths: ["name", "mac_state", "ids.dev_addr", "picture.embedded"] } }), Code.InvalidArgument, "field_mask_paths");
  assert.equal(d.attributes.forbidden_paths, ["mac_state", "ids.dev_addr", "picture.embedded"]);
  httpError(await api(server, "GET", `/applications/${aliceApp}/devices/thermo-1?field_mask=session`, { key: alice.apiKey }), 400, "field_mask_paths");
});

it("Get: an unknown device is end_device_not_found", async () => {
  const d = await rejects(reg(alice.apiKey).get({ endDeviceIds: devIds(aliceApp, "nope") }), Code.NotFound, "end_device_not_found");
  assert.equal(d.attributes, { application_id: aliceApp, device_id: "nope" });
  httpError(await api(server, "GET", `/applications/${aliceApp}/devices/nope`, { key: alice.apiKey }), 404, "end_device_not_found");
});

// ---- GetIdentifiersForEUIs ---------------------------------------------------

it("GetIdentifiersForEUIs: any authenticated caller learns the device's identifiers", async () => {
  const ids = await reg(bob.apiKey).getIdentifiersForEUIs({ joinEui: eui("70B3D57ED0000001"), devEui: eui("0004A30B001C0002") });
  assert.is(ids.deviceId, "thermo-1");
  assert.is(ids.applicationIds?.applicationId, aliceApp);
  assert.is(hex(ids.devEui), "0004A30B001C0002");
  assert.is(hex(ids.joinEui), "70B3D57ED0000001");
  const viaCluster = await reg().getIdentifiersForEUIs({ joinEui: eui("70B3D57ED0000001"), devEui: eui("0004A30B001C0001") }, cluster);
  assert.is(viaCluster.deviceId, "sensor-1");
  await rejects(reg(bob.apiKey).getIdentifiersForEUIs({ joinEui: eui("70B3D57ED0000001"), devEui: eui("FFFFFFFFFFFFFFFF") }), Code.NotFound, "end_device_not_found");
  const d = await rejects(reg(bob.apiKey).getIdentifiersForEUIs({ joinEui: eui("70B3"), devEui: eui("0004A30B001C0002") }), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "join_eui");
});

// ---- List --------------------------------------------------------------------

const listServer = await startTestServer({ "cluster.keys": [clusterKey], "is.pagination.default-limit": 3 });
const lp = listServer.population;
const dana = await lp.user({ id: "dana" });
const listApp = await lp.application(userRef("dana"), { id: "list-app" });
const otherApp = await lp.application(userRef("dana"), { id: "other-app" });
for (const [id, name] of [["dev-c", "Charlie"], ["dev-a", "Bravo"], ["dev-e", "Alpha"], ["dev-b", "Echo"], ["dev-d", "Delta"]]) {
  await lp.endDevice(listApp, { id: id!, name: name! });
}
await lp.endDevice(otherApp, { id: "elsewhere" });
const lreg = (key?: string) => grpcClient(listServer, EndDeviceRegistry, key);

it("List: by device ID, default page size from the config, totals over gRPC and HTTP", async () => {
  let total: string | null = null;
  const page1 = await lreg(dana.apiKey).list({ applicationIds: appIds(listApp) }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.equal(page1.endDevices.map((d) => d.ids?.deviceId), ["dev-a", "dev-b", "dev-c"]);
  assert.is(total, "5");
  assert.is(page1.endDevices[0]!.name, "");
  const res = await api(listServer, "GET", `/applications/${listApp}/devices?limit=2&page=3&field_mask=name`, { key: dana.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.headers.get("x-total-count"), "5");
  assert.equal(res.body.end_devices.map((d: any) => [d.ids.device_id, d.name]), [["dev-e", "Alpha"]]);
  const past = await api(listServer, "GET", `/applications/${listApp}/devices?limit=2&page=4`, { key: dana.apiKey });
  assert.equal(past.body, {});
  assert.is(past.headers.get("x-total-count"), "5");
});

it("List: order by name, descending; unknown orders are validation errors", async () => {
  const byName = await lreg(dana.apiKey).list({ applicationIds: appIds(listApp), order: "-name", limit: 10, fieldMask: { paths: ["name"] } });
  assert.equal(byName.endDevices.map((d) => d.name), ["Echo", "Delta", "Charlie", "Bravo", "Alpha"]);
  const d = await rejects(lreg(dana.apiKey).list({ applicationIds: appIds(listApp), order: "mac_state" }), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "order");
  httpError(await api(listServer, "GET", `/applications/${listApp}/devices?limit=1001`, { key: dana.apiKey }), 400, "validation");
  httpError(await api(listServer, "GET", `/applications/${listApp}/devices?field_mask=mac_settings`, { key: dana.apiKey }), 400, "field_mask_paths");
});

it("List through POST /devices/filter: updated_since keeps the recently changed devices", async () => {
  await new Promise((r) => setTimeout(r, 20));
  const since = new Date();
  await new Promise((r) => setTimeout(r, 20));
  await lreg(dana.apiKey).update({ endDevice: { ids: devIds(listApp, "dev-d"), description: "touched" }, fieldMask: { paths: ["description"] } });
  const res = await api(listServer, "POST", `/applications/${listApp}/devices/filter`, {
    key: dana.apiKey,
    body: { filters: [{ updated_since: since.toISOString() }], field_mask: { paths: ["description"] } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.end_devices.map((d: any) => [d.ids.device_id, d.description]), [["dev-d", "touched"]]);
  assert.is(res.headers.get("x-total-count"), "1");
  const future = timestampFromDate(new Date(Date.now() + 3_600_000));
  const d = await rejects(lreg(dana.apiKey).list({ applicationIds: appIds(listApp), filters: [{ field: { case: "updatedSince", value: future } }] }), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "filters.updated_since");
});

it("List: cluster peers without an application get every device, identifiers only", async () => {
  let total: string | null = null;
  const all = await lreg().list({ limit: 100, fieldMask: { paths: ["name"] } }, { ...cluster, onHeader: (h) => (total = h.get("x-total-count")) });
  assert.equal(all.endDevices.map((d) => `${d.ids?.applicationIds?.applicationId}/${d.ids?.deviceId}`), [
    "list-app/dev-a", "list-app/dev-b", "list-app/dev-c", "list-app/dev-d", "list-app/dev-e", "other-app/elsewhere",
  ]);
  assert.is(total, "6");
  for (const d of all.endDevices) assert.is(d.name, "");
  const res = await api(listServer, "GET", `/applications/${listApp}/devices?field_mask=name&limit=1`, { headers: cluster.headers });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.end_devices[0].name, "Bravo");
  // Users must name the application.
  const d = await rejects(lreg(dana.apiKey).list({}), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "application_ids.application_id");
});

// ---- Update ------------------------------------------------------------------

it("Update changes the masked fields only and returns them", async () => {
  const before = await store.endDevices.get(aliceApp, "thermo-1");
  const updated = await reg(alice.apiKey).update({
    endDevice: { ids: devIds(aliceApp, "thermo-1"), name: "Renamed", description: "ignored", versionIds: { firmwareVersion: "3.0" }, attributes: { room: "kitchen" } },
    fieldMask: { paths: ["name", "version_ids.firmware_version", "attributes"] },
  });
  assert.is(updated.name, "Renamed");
  assert.is(updated.description, "");
  assert.is(updated.versionIds?.firmwareVersion, "3.0");
  const stored = await store.endDevices.get(aliceApp, "thermo-1");
  assert.is(stored.description, "In the cellar");
  assert.is(stored.versionIds?.modelId, "thermo");
  assert.is(stored.versionIds?.firmwareVersion, "3.0");
  assert.equal(stored.attributes, { room: "kitchen" });
  assert.ok(timestampDate(stored.updatedAt!) > timestampDate(before.updatedAt!));
  assert.is(hex(stored.ids?.devEui), "0004A30B001C0002");
});

it("Update over HTTP; an empty mask only touches updated_at", async () => {
  const res = await api(server, "PUT", `/applications/${aliceApp}/devices/thermo-1`, {
    key: alice.apiKey,
    body: { end_device: { description: "Over HTTP" }, field_mask: { paths: ["description"] } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.description, "Over HTTP");
  const before = await store.endDevices.get(aliceApp, "thermo-1");
  const same = await reg(alice.apiKey).update({ endDevice: { ids: devIds(aliceApp, "thermo-1"), name: "not written" } });
  assert.is(same.name, "");
  const after = await store.endDevices.get(aliceApp, "thermo-1");
  assert.is(after.name, before.name);
  assert.ok(timestampDate(after.updatedAt!) >= timestampDate(before.updatedAt!));
});

it("Update: identifiers, timestamps and unknown paths are field_mask_paths", async () => {
  const c = reg(alice.apiKey);
  const d = await rejects(
    c.update({ endDevice: { ids: devIds(aliceApp, "thermo-1") }, fieldMask: { paths: ["ids.dev_eui", "created_at", "mac_state", "name"] } }),
    Code.InvalidArgument,
    "field_mask_paths",
  );
  assert.equal(d.attributes.forbidden_paths, ["ids.dev_eui", "created_at", "mac_state"]);
  httpError(
    await api(server, "PUT", `/applications/${aliceApp}/devices/thermo-1`, { key: alice.apiKey, body: { end_device: {}, field_mask: { paths: ["ids.join_eui"] } } }),
    400,
    "field_mask_paths",
  );
});

it("Update: validation of the masked fields, address matching, unknown devices", async () => {
  const c = reg(alice.apiKey);
  const d = await rejects(c.update({ endDevice: { ids: devIds(aliceApp, "thermo-1"), serialNumber: "NOT VALID" }, fieldMask: { paths: ["serial_number"] } }), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "end_device.serial_number");
  // An invalid field outside the mask is not looked at.
  await c.update({ endDevice: { ids: devIds(aliceApp, "thermo-1"), serialNumber: "NOT VALID", name: "ok" }, fieldMask: { paths: ["name"] } });
  await rejects(c.update({ endDevice: { ids: devIds(aliceApp, "thermo-1"), networkServerAddress: "elsewhere.example.com" }, fieldMask: { paths: ["network_server_address"] } }), Code.InvalidArgument, "network_server_address_mismatch");
  await rejects(c.update({ endDevice: { ids: devIds(aliceApp, "nope"), name: "x" }, fieldMask: { paths: ["name"] } }), Code.NotFound, "end_device_not_found");
});

it("Update: activated_at cannot be unset once set", async () => {
  const c = reg(alice.apiKey);
  const at = new Date("2024-05-01T10:00:00Z");
  const set = await c.update({ endDevice: { ids: devIds(aliceApp, "thermo-1"), activatedAt: timestampFromDate(at) }, fieldMask: { paths: ["activated_at"] } });
  assert.is(timestampDate(set.activatedAt!).toISOString(), at.toISOString());
  await c.update({ endDevice: { ids: devIds(aliceApp, "thermo-1") }, fieldMask: { paths: ["activated_at"] } });
  assert.is(timestampDate((await store.endDevices.get(aliceApp, "thermo-1")).activatedAt!).toISOString(), at.toISOString());
});

it("Update by cluster peers: only activated_at, locations and last_seen_at are written", async () => {
  const seen = new Date("2025-01-02T03:04:05Z");
  const updated = await reg().update(
    {
      endDevice: { ids: devIds(aliceApp, "sensor-1"), name: "cluster rename", locations: { "frm-payload": { latitude: 1, longitude: 2 } }, lastSeenAt: timestampFromDate(seen) },
      fieldMask: { paths: ["name", "locations", "last_seen_at"] },
    },
    cluster,
  );
  assert.is(updated.name, "");
  const stored = await store.endDevices.get(aliceApp, "sensor-1");
  assert.is(stored.name, "Sensor one");
  assert.is(stored.locations["frm-payload"]?.longitude, 2);
  assert.is(timestampDate(stored.lastSeenAt!).toISOString(), seen.toISOString());
});

// ---- BatchUpdateLastSeen ---------------------------------------------------------

it("BatchUpdateLastSeen moves last_seen_at forward only; unknown devices are skipped", async () => {
  const later = new Date("2025-06-01T00:00:00Z");
  const earlier = new Date("2024-01-01T00:00:00Z");
  await reg().batchUpdateLastSeen(
    {
      updates: [
        { ids: devIds(aliceApp, "sensor-1"), lastSeenAt: timestampFromDate(later) },
        { ids: devIds(aliceApp, "thermo-1"), lastSeenAt: timestampFromDate(earlier) },
        { ids: devIds(aliceApp, "ghost"), lastSeenAt: timestampFromDate(later) },
      ],
    },
    cluster,
  );
  assert.is(timestampDate((await store.endDevices.get(aliceApp, "sensor-1")).lastSeenAt!).toISOString(), later.toISOString());
  assert.is(timestampDate((await store.endDevices.get(aliceApp, "thermo-1")).lastSeenAt!).toISOString(), earlier.toISOString());
  await reg().batchUpdateLastSeen({ updates: [{ ids: devIds(aliceApp, "sensor-1"), lastSeenAt: timestampFromDate(earlier) }] }, cluster);
  assert.is(timestampDate((await store.endDevices.get(aliceApp, "sensor-1")).lastSeenAt!).toISOString(), later.toISOString());
  const d = await rejects(reg().batchUpdateLastSeen({ updates: [{ ids: devIds(aliceApp, "sensor-1") }] }, cluster), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "updates[0].last_seen_at");
});

// ---- Delete and the application's lifecycle ---------------------------------------

it("Delete is a hard delete: the ID and the EUIs are free again", async () => {
  const c = reg(alice.apiKey);
  await c.delete(devIds(aliceApp, "http-dev"));
  await rejects(c.get({ endDeviceIds: devIds(aliceApp, "http-dev") }), Code.NotFound, "end_device_not_found");
  await rejects(c.delete(devIds(aliceApp, "http-dev")), Code.NotFound, "end_device_not_found");
  await c.create({ endDevice: { ids: { ...devIds(aliceApp, "http-dev"), devEui: eui("0004A30B001C0003"), joinEui: eui("70B3D57ED0000001") } } });
  const res = await api(server, "DELETE", `/applications/${aliceApp}/devices/http-dev`, { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  httpError(await api(server, "DELETE", `/applications/${aliceApp}/devices/http-dev`, { key: alice.apiKey }), 404, "end_device_not_found");
});

it("an application with devices can be neither deleted nor purged", async () => {
  const apps = grpcClient(server, ApplicationRegistry, server.adminAPIKey);
  const owner = grpcClient(server, ApplicationRegistry, alice.apiKey);
  const app = await p.application(userRef("alice"), { id: "short-lived" });
  await p.endDevice(app, { id: "dev1" });
  await p.endDevice(app, { id: "dev2" });
  const d = await rejects(owner.delete(appIds(app)), Code.FailedPrecondition, "application_has_devices");
  assert.is(d.attributes.count, 2);
  await rejects(apps.purge(appIds(app)), Code.FailedPrecondition, "application_has_devices");
  httpError(await api(server, "DELETE", `/applications/${app}`, { key: alice.apiKey }), 400, "application_has_devices");
  await reg(alice.apiKey).delete(devIds(app, "dev1"));
  await reg(alice.apiKey).delete(devIds(app, "dev2"));
  await owner.delete(appIds(app));
  await apps.purge(appIds(app));
});

test.after(async () => {
  await Promise.all([server.close(), listServer.close()]);
});
test.run();
