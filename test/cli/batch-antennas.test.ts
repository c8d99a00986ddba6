// is-cli for gateway antennas (location, gain, placement) and the batch
// methods: `gateways batch-delete` (GatewayBatchRegistry.Delete), `gateways
// assert-rights` (GatewayBatchAccess.AssertRights), `end-devices batch-get` and
// `end-devices batch-delete` (EndDeviceBatchRegistry), end to end against a
// real server over gRPC through runCli (the code bin/is-cli.js runs).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer } from "../helpers/harness.js";
import { cliRunner, failed, ok, usage } from "../helpers/cli.js";

const server = await startTestServer();
test.after(() => server.close());

const p = server.population;
const owner = await p.user({ id: "cb-owner" });
const other = await p.user({ id: "cb-other" });
const ownerRef = { kind: "user" as const, id: owner.id };
await p.gateway(ownerRef, { id: "cb-gw-1" });
await p.gateway(ownerRef, { id: "cb-gw-2" });
await p.gateway(ownerRef, { id: "cb-gw-3" });
await p.gateway({ kind: "user", id: other.id }, { id: "cb-gw-other" });
await p.application(ownerRef, { id: "cb-app" });
for (const id of ["cb-dev-1", "cb-dev-2", "cb-dev-3"]) await p.endDevice("cb-app", { id, name: `Device ${id}` });

const PERMISSION_DENIED = 7;
const NOT_FOUND = 5;
const INVALID_ARGUMENT = 3;

// ---- antennas ---------------------------------------------------------------

const cli = cliRunner(server, owner.apiKey);

test("gateways create with an antenna: gain, location and placement are stored and read back", async () => {
  const created = ok(
    await cli([
      "gateways", "create", "cb-gw-ant", "--user-id", owner.id, "--name", "Antenna",
      "--antenna-gain", "2.5", "--antenna-latitude", "52.37", "--antenna-longitude=4.89", "--antenna-altitude", "12",
      "--antenna-location-source", "registry", "--antenna-placement", "outdoor",
    ]),
    "create",
  );
  assert.is(created.ids.gateway_id, "cb-gw-ant");
  const got = ok(await cli(["gateways", "get", "cb-gw-ant", "--field-mask", "antennas,name"]), "get");
  assert.is(got.name, "Antenna");
  assert.is(got.antennas.length, 1);
  const [antenna] = got.antennas;
  assert.is(antenna.gain, 2.5);
  assert.is(antenna.placement, "OUTDOOR");
  assert.equal(antenna.location, { latitude: 52.37, longitude: 4.89, altitude: 12, source: "SOURCE_REGISTRY" });
});

test("gateways update with antenna flags replaces the antennas (mask: antennas) and leaves the rest", async () => {
  const updated = ok(await cli(["gateways", "update", "cb-gw-ant", "--antenna-latitude=-33.92", "--antenna-longitude=18.42"]), "update");
  assert.equal(updated.antennas, [{ location: { latitude: -33.92, longitude: 18.42 } }]);
  const got = ok(await cli(["gateways", "get", "cb-gw-ant", "--field-mask", "antennas,name"]), "get");
  assert.is(got.name, "Antenna");
  assert.equal(got.antennas, [{ location: { latitude: -33.92, longitude: 18.42 } }]);
  // Antenna flags alone are something to do.
  ok(await cli(["gateways", "update", "cb-gw-ant", "--antenna-placement", "indoor"]), "update placement");
  assert.equal(ok(await cli(["gateways", "get", "cb-gw-ant", "--field-mask", "antennas"]), "get").antennas, [{ placement: "INDOOR" }]);
});

test("antenna flags: bad values are usage errors; the server checks the ranges", async () => {
  usage(await cli(["gateways", "update", "cb-gw-ant", "--antenna-latitude", "north"]), /invalid value for --antenna-latitude: "north" is not a number/);
  usage(await cli(["gateways", "update", "cb-gw-ant", "--antenna-altitude", "1.5"]), /invalid value for --antenna-altitude: "1.5" is not an integer/);
  usage(await cli(["gateways", "update", "cb-gw-ant", "--antenna-placement", "sideways"]), /unknown value "sideways"/);
  failed(await cli(["gateways", "update", "cb-gw-ant", "--antenna-latitude", "91"]), "latitude out of range", INVALID_ARGUMENT, "validation");
});

// ---- gateway batches --------------------------------------------------------

test("gateways assert-rights: {} when every gateway grants the rights, else permission denied", async () => {
  assert.equal(ok(await cli(["gateways", "assert-rights", "--gateway-ids", "cb-gw-1,cb-gw-2", "--rights", "gateway_info,RIGHT_GATEWAY_DELETE"]), "assert"), {});
  failed(
    await cli(["gateways", "assert-rights", "--gateway-ids", "cb-gw-1", "--gateway-ids", "cb-gw-other", "--rights", "gateway_info"]),
    "one gateway of another user", PERMISSION_DENIED, "insufficient_rights",
  );
  usage(await cli(["gateways", "assert-rights", "--gateway-ids", "cb-gw-1"]), /--rights/);
});

test("gateways batch-delete: all or nothing", async () => {
  failed(await cli(["gateways", "batch-delete", "--gateway-ids", "cb-gw-1,cb-gw-other"]), "with another user's gateway", PERMISSION_DENIED, "insufficient_rights");
  ok(await cli(["gateways", "get", "cb-gw-1"]), "cb-gw-1 is still there");
  assert.equal(ok(await cli(["gateways", "batch-delete", "--gateway-ids", "cb-gw-1,cb-gw-2"]), "batch-delete"), {});
  const listed = ok(await cli(["gateways", "list", "--user-id", owner.id]), "list").gateways.map((g: any) => g.ids.gateway_id).sort();
  assert.equal(listed, ["cb-gw-3", "cb-gw-ant"]);
  usage(await cli(["gateways", "batch-delete"]), /--gateway-ids/);
});

// ---- end device batches -----------------------------------------------------

test("end-devices batch-get: the devices that exist, with the requested fields", async () => {
  const got = ok(await cli(["end-devices", "batch-get", "cb-app", "--device-ids", "cb-dev-2,cb-dev-1,cb-nope", "--field-mask", "name"]), "batch-get");
  assert.equal(got.end_devices.map((d: any) => [d.ids.device_id, d.name]), [["cb-dev-1", "Device cb-dev-1"], ["cb-dev-2", "Device cb-dev-2"]]);
  failed(await cli(["end-devices", "batch-get", "cb-app", "--device-ids", "cb-dev-1"], other.apiKey), "another user's key", PERMISSION_DENIED, "no_application_rights");
});

test("end-devices batch-delete: removes the named devices of the application", async () => {
  assert.equal(ok(await cli(["end-devices", "batch-delete", "cb-app", "--device-ids", "cb-dev-1,cb-dev-3"]), "batch-delete"), {});
  failed(await cli(["end-devices", "get", "cb-app", "cb-dev-1"]), "deleted device", NOT_FOUND, "end_device_not_found");
  assert.equal(ok(await cli(["end-devices", "list", "cb-app"]), "list").end_devices.map((d: any) => d.ids.device_id), ["cb-dev-2"]);
  usage(await cli(["end-devices", "batch-delete", "cb-app"]), /--device-ids/);
});

test.run();
