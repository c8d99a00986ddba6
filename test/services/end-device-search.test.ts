// EndDeviceRegistrySearch.SearchEndDevices: conditions AND-ed, pagination and
// totals, field masks; APPLICATION_DEVICES_READ on the application.
import { Code } from "@connectrpc/connect";
import * as assert from "uvu/assert";
import { test } from "uvu";
import { EndDeviceRegistrySearch } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { api, grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { appIds, appRef, httpError, it, orgRef, rejects, userRef } from "./end-device-helpers.js";

const server = await startTestServer();
const p = server.population;
const alice = await p.user({ id: "alice" });
const bob = await p.user({ id: "bob" });
const carol = await p.user({ id: "carol" });
const app = await p.application(userRef("alice"), { id: "farm" });
await p.application(userRef("bob"), { id: "bob-app" });
const carolOrg = await p.organization(userRef("carol"), { id: "carol-org" });
await p.application(orgRef(carolOrg), { id: "carol-org-app" });

await p.endDevice(app, { id: "cow-tracker-1", name: "Bessie", description: "Tracks the cows in the north meadow", devEui: "0004A30B001C0A01", joinEui: "70B3D57ED0000001", attributes: { animal: "cow", zone: "north" } });
await p.endDevice(app, { id: "cow-tracker-2", name: "Daisy", description: "Tracks cows near the barn", devEui: "0004A30B001C0A02", joinEui: "70B3D57ED0000001", attributes: { animal: "cow", zone: "south" } });
await p.endDevice(app, { id: "goat-tracker", name: "Billy", description: "Goats climbing hills", devEui: "0004A30B001CFF03", joinEui: "70B3D57ED0000002", attributes: { animal: "goat" } });
await p.endDevice(app, { id: "soil-probe", name: "Soil moisture 50%", description: "Measures the moisture of the soil" });
await p.endDevice("bob-app", { id: "cow-elsewhere", name: "Not Alice's cow" });

const search = (key?: string) => grpcClient(server, EndDeviceRegistrySearch, key);
const ids = async (req: Record<string, unknown>, key = alice.apiKey) =>
  (await search(key).searchEndDevices({ applicationIds: appIds(app), ...req })).endDevices.map((d) => d.ids!.deviceId);

// ---- permission denied ---------------------------------------------------

it("no credentials: unauthenticated (gRPC and HTTP)", async () => {
  await rejects(search().searchEndDevices({ applicationIds: appIds(app) }), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "GET", `/search/applications/${app}/devices`), 401, "unauthenticated");
});

it("another user's key and a member of another organization: no_application_rights", async () => {
  await rejects(search(bob.apiKey).searchEndDevices({ applicationIds: appIds(app), idContains: "cow" }), Code.PermissionDenied, "no_application_rights");
  await rejects(search(carol.apiKey).searchEndDevices({ applicationIds: appIds(app) }), Code.PermissionDenied, "no_application_rights");
  httpError(await api(server, "GET", `/search/applications/${app}/devices?id_contains=cow`, { key: bob.apiKey }), 403, "no_application_rights");
});

it("a key without APPLICATION_DEVICES_READ: insufficient_application_rights", async () => {
  const infoOnly = await p.apiKey(appRef(app), R("RIGHT_APPLICATION_INFO"));
  const d = await rejects(search(infoOnly).searchEndDevices({ applicationIds: appIds(app) }), Code.PermissionDenied, "insufficient_application_rights");
  assert.equal(d.attributes.missing, ["RIGHT_APPLICATION_DEVICES_READ"]);
  const readOnly = await p.apiKey(appRef(app), R("RIGHT_APPLICATION_DEVICES_READ"));
  assert.is((await ids({}, readOnly)).length, 4);
});

// ---- conditions ----------------------------------------------------------

it("no conditions: every device of the application, by ID", async () => {
  assert.equal(await ids({}), ["cow-tracker-1", "cow-tracker-2", "goat-tracker", "soil-probe"]);
});

it("id_contains and name_contains: case-insensitive substrings; pattern characters are literal", async () => {
  assert.equal(await ids({ idContains: "TRACKER" }), ["cow-tracker-1", "cow-tracker-2", "goat-tracker"]);
  assert.equal(await ids({ idContains: "cow" }), ["cow-tracker-1", "cow-tracker-2"]);
  assert.equal(await ids({ nameContains: "dais" }), ["cow-tracker-2"]);
  assert.equal(await ids({ nameContains: "50%" }), ["soil-probe"]);
  assert.equal(await ids({ nameContains: "%" }), ["soil-probe"]);
  assert.equal(await ids({ idContains: "_" }), []);
});

it("description_contains: words of the description (full text)", async () => {
  assert.equal(await ids({ descriptionContains: "cow" }), ["cow-tracker-1", "cow-tracker-2"]);
  assert.equal(await ids({ descriptionContains: "goat hill" }), ["goat-tracker"]);
  assert.equal(await ids({ descriptionContains: "barn -meadow" }), ["cow-tracker-2"]);
});

it("attributes_contain: every key present with a value containing the text", async () => {
  assert.equal(await ids({ attributesContain: { animal: "cow" } }), ["cow-tracker-1", "cow-tracker-2"]);
  assert.equal(await ids({ attributesContain: { animal: "O", zone: "nor" } }), ["cow-tracker-1"]);
  assert.equal(await ids({ attributesContain: { colour: "" } }), []);
});

it("dev_eui_contains and join_eui_contains: hex digits, either case", async () => {
  assert.equal(await ids({ devEuiContains: "1c0a" }), ["cow-tracker-1", "cow-tracker-2"]);
  assert.equal(await ids({ devEuiContains: "CFF03" }), ["goat-tracker"]);
  assert.equal(await ids({ joinEuiContains: "0000002" }), ["goat-tracker"]);
  // The device address is not held by the Identity Server and selects nothing more.
  assert.equal(await ids({ devAddrContains: "2601", idContains: "soil" }), ["soil-probe"]);
});

it("query: ID, EUIs or name, or words of the description; conditions are AND-ed", async () => {
  assert.equal(await ids({ query: "bessie" }), ["cow-tracker-1"]);
  assert.equal(await ids({ query: "moisture" }), ["soil-probe"]);
  assert.equal(await ids({ query: "cff0" }), ["goat-tracker"]);
  assert.equal(await ids({ query: "cows" }), ["cow-tracker-1", "cow-tracker-2"]);
  assert.equal(await ids({ query: "tracker", attributesContain: { zone: "south" } }), ["cow-tracker-2"]);
  assert.equal(await ids({ idContains: "cow", nameContains: "billy" }), []);
});

// ---- paging, order, masks, HTTP -------------------------------------------

it("pagination with totals, order by name, and field masks", async () => {
  let total: string | null = null;
  const page = await search(alice.apiKey).searchEndDevices(
    { applicationIds: appIds(app), idContains: "tracker", order: "-name", limit: 2, page: 1, fieldMask: { paths: ["name", "attributes"] } },
    { onHeader: (h) => (total = h.get("x-total-count")) },
  );
  assert.is(total, "3");
  assert.equal(page.endDevices.map((d) => d.name), ["Daisy", "Billy"]);
  assert.equal(page.endDevices[0]!.attributes, { animal: "cow", zone: "south" });
  assert.is(page.endDevices[0]!.description, "");
  const d = await rejects(search(alice.apiKey).searchEndDevices({ applicationIds: appIds(app), order: "animal" }), Code.InvalidArgument, "validation");
  assert.is(d.attributes.field, "order");
  await rejects(search(alice.apiKey).searchEndDevices({ applicationIds: appIds(app), fieldMask: { paths: ["mac_state"] } }), Code.InvalidArgument, "field_mask_paths");
});

it("over HTTP: query parameters, X-Total-Count, hex EUIs", async () => {
  const res = await api(server, "GET", `/search/applications/${app}/devices?id_contains=cow&dev_eui_contains=0a02&field_mask=name`, { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.headers.get("x-total-count"), "1");
  assert.equal(res.body.end_devices.map((d: any) => [d.ids.device_id, d.name, d.ids.dev_eui]), [["cow-tracker-2", "Daisy", "0004A30B001C0A02"]]);
  const paged = await api(server, "GET", `/search/applications/${app}/devices?limit=1&page=2&order=name`, { key: alice.apiKey });
  assert.is(paged.headers.get("x-total-count"), "4");
  assert.equal(paged.body.end_devices.map((d: any) => d.ids.device_id), ["goat-tracker"]); // Bessie, Billy, Daisy, Soil…
});

test.after(() => server.close());
test.run();
