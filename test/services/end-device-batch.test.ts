// EndDeviceBatchRegistry: Get and Delete of up to 20 devices of one application
// (spec §1 EndDeviceBatchRegistry). Permission denied first.
import { Code } from "@connectrpc/connect";
import * as assert from "uvu/assert";
import { test } from "uvu";
import { EndDeviceBatchRegistry } from "../../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { api, grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { appIds, appRef, httpError, it, orgRef, rejects, userRef } from "./end-device-helpers.js";

const clusterKey = "0123456789abcdef0123456789abcdef";
const cluster = { headers: { authorization: `ClusterKey ${clusterKey}` } };
const server = await startTestServer({ "cluster.keys": [clusterKey] });
const p = server.population;
const store = p.store;

const alice = await p.user({ id: "alice" });
const bob = await p.user({ id: "bob" });
const carol = await p.user({ id: "carol" });
const app = await p.application(userRef("alice"), { id: "alice-app" });
await p.application(userRef("bob"), { id: "bob-app" });
const carolOrg = await p.organization(userRef("carol"), { id: "carol-org" });
await p.application(orgRef(carolOrg), { id: "carol-org-app" });
for (const id of ["dev-1", "dev-2", "dev-3", "dev-4", "dev-5"]) await p.endDevice(app, { id, name: `Name of ${id}`, devEui: `00000000000000${id.slice(-1)}0` });
await p.endDevice("bob-app", { id: "dev-1", name: "Bob's" });

const batch = (key?: string) => grpcClient(server, EndDeviceBatchRegistry, key);
const names = async () => (await store.endDevices.find({ applicationId: app }, { limit: 100, page: 1 })).items.map((d) => d.ids!.deviceId);

// ---- permission denied ---------------------------------------------------

it("no credentials: unauthenticated (gRPC and HTTP)", async () => {
  await rejects(batch().get({ applicationIds: appIds(app), deviceIds: ["dev-1"] }), Code.Unauthenticated, "unauthenticated");
  await rejects(batch().delete({ applicationIds: appIds(app), deviceIds: ["dev-1"] }), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "GET", `/applications/${app}/devices/batch?device_ids=dev-1`), 401, "unauthenticated");
  httpError(await api(server, "DELETE", `/applications/${app}/devices/batch?device_ids=dev-1`), 401, "unauthenticated");
  assert.is((await names()).length, 5);
});

it("another user's key and a member of another organization: no_application_rights", async () => {
  for (const key of [bob.apiKey, carol.apiKey]) {
    await rejects(batch(key).get({ applicationIds: appIds(app), deviceIds: ["dev-1"] }), Code.PermissionDenied, "no_application_rights");
    await rejects(batch(key).delete({ applicationIds: appIds(app), deviceIds: ["dev-1"] }), Code.PermissionDenied, "no_application_rights");
  }
  httpError(await api(server, "DELETE", `/applications/${app}/devices/batch?device_ids=dev-1`, { key: bob.apiKey }), 403, "no_application_rights");
  assert.is((await names()).length, 5);
});

it("a key without the right: insufficient_application_rights naming it", async () => {
  const readOnly = await p.apiKey(appRef(app), R("RIGHT_APPLICATION_DEVICES_READ"));
  const d = await rejects(batch(readOnly).delete({ applicationIds: appIds(app), deviceIds: ["dev-1"] }), Code.PermissionDenied, "insufficient_application_rights");
  assert.equal(d.attributes.missing, ["RIGHT_APPLICATION_DEVICES_WRITE"]);
  const infoOnly = await p.apiKey(userRef("alice"), R("RIGHT_APPLICATION_INFO"));
  const e = await rejects(batch(infoOnly).get({ applicationIds: appIds(app), deviceIds: ["dev-1"] }), Code.PermissionDenied, "insufficient_application_rights");
  assert.equal(e.attributes.missing, ["RIGHT_APPLICATION_DEVICES_READ"]);
  // Cluster peers read, but do not delete.
  const got = await batch().get({ applicationIds: appIds(app), deviceIds: ["dev-1"] }, cluster);
  assert.is(got.endDevices.length, 1);
  await rejects(batch().delete({ applicationIds: appIds(app), deviceIds: ["dev-1"] }, cluster), Code.PermissionDenied, "insufficient_application_rights");
});

// ---- Get -----------------------------------------------------------------

it("Get returns the devices that exist, in ID order, with the masked fields", async () => {
  const got = await batch(alice.apiKey).get({ applicationIds: appIds(app), deviceIds: ["dev-3", "nope", "dev-1", "dev-3"], fieldMask: { paths: ["name"] } });
  assert.equal(got.endDevices.map((d) => [d.ids?.deviceId, d.name]), [["dev-1", "Name of dev-1"], ["dev-3", "Name of dev-3"]]);
  const bare = await batch(alice.apiKey).get({ applicationIds: appIds(app), deviceIds: ["dev-2"] });
  assert.is(bare.endDevices[0]!.name, "");
});

it("Get over HTTP: /devices/batch with repeated device_ids", async () => {
  const res = await api(server, "GET", `/applications/${app}/devices/batch?device_ids=dev-2&device_ids=dev-4&field_mask=name`, { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.end_devices.map((d: any) => [d.ids.device_id, d.name, d.ids.dev_eui]), [["dev-2", "Name of dev-2", "0000000000000020"], ["dev-4", "Name of dev-4", "0000000000000040"]]);
});

it("Get and Delete: 1 to 20 valid device IDs; masks from the allow-list", async () => {
  const c = batch(alice.apiKey);
  let d = await rejects(c.get({ applicationIds: appIds(app), deviceIds: [] }), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "device_ids");
  const many = Array.from({ length: 21 }, (_, i) => `dev-x${i}`);
  await rejects(c.delete({ applicationIds: appIds(app), deviceIds: many }), Code.InvalidArgument, "validation");
  d = await rejects(c.get({ applicationIds: appIds(app), deviceIds: ["dev-1", "Bad"] }), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "device_ids[1]");
  d = await rejects(c.get({ applicationIds: appIds(app), deviceIds: ["dev-1"], fieldMask: { paths: ["mac_state"] } }), Code.InvalidArgument, "field_mask_paths");
  httpError(await api(server, "GET", `/applications/${app}/devices/batch`, { key: alice.apiKey }), 400, "validation");
  assert.is((await names()).length, 5);
});

// ---- Delete --------------------------------------------------------------

it("Delete removes the named devices that exist, in this application only", async () => {
  await batch(alice.apiKey).delete({ applicationIds: appIds(app), deviceIds: ["dev-1", "dev-2", "never-was"] });
  assert.equal(await names(), ["dev-3", "dev-4", "dev-5"]);
  assert.is((await store.endDevices.get("bob-app", "dev-1")).name, "Bob's");
  const res = await api(server, "DELETE", `/applications/${app}/devices/batch?device_ids=dev-3&device_ids=dev-5`, { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(await names(), ["dev-4"]);
});

test.after(() => server.close());
test.run();
