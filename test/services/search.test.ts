// EntityRegistrySearch against a real server: gRPC and /api/v3 JSON.
// Permission-denied cases first, then filters, visibility (direct and through
// organizations), public-field reduction, pagination and totals, deleted
// entities, and SearchAccounts (spec §1 EntityRegistrySearch, §3.2, §3.3).
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { GatewaySchema } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { OrganizationSchema } from "../../gen/ttn/lorawan/v3/organization_pb.js";
import { EntityRegistrySearch, type SearchAccountsResponse } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { api, grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { it, rejects, httpError, userRef, orgRef, appRef } from "../helpers/expect.js";

// ---- local helpers -------------------------------------------------------

const ids = (list: { ids?: unknown }[], key: string) => list.map((e) => (e.ids as Record<string, string>)[key]).sort();

// ---- the world -----------------------------------------------------------

const server = await startTestServer();
const clusterServer = await startTestServer({ "cluster.keys": ["00112233445566778899aabbccddeeff"] });
const p = server.population;
const store = p.store;
const search = (key?: string) => grpcClient(server, EntityRegistrySearch, key);

const alice = await p.user({ id: "alice" });
const bob = await p.user({ id: "bob" });
const carol = await p.user({ id: "carol" });
const dave = await p.user({ id: "dave" });
const admin = { apiKey: server.adminAPIKey };

// Applications: alice's two, bob's private one, one of the organization acme.
const describe = async (id: string, description: string, attributes: Record<string, string> = {}) =>
  store.applications.update(id, create(ApplicationSchema, { description, attributes }), ["description", "attributes"]);
await p.application(userRef("alice"), { id: "alpha-tracker", name: "Alpha Tracker" });
await describe("alpha-tracker", "Tracks cattle in the northern fields", { vendor: "Acme-Corp", site: "north" });
await p.application(userRef("alice"), { id: "beta-sensors", name: "Beta Sensors 100% uptime" });
await describe("beta-sensors", "Soil moisture probes", { vendor: "other" });
await p.application(userRef("bob"), { id: "bob-private", name: "Bob private tracker" });
await p.application(userRef("alice"), { id: "gamma-under", name: "gamma_under score" });
await p.organization(userRef("alice"), { id: "acme", name: "Acme Corp" });
await p.application(orgRef("acme"), { id: "acme-fleet", name: "Acme Fleet" });
// bob: a member of acme with all rights (reads acme-fleet in full through the organization);
// carol: a member with organization info only (sees acme-fleet, reduced to public fields).
await p.member(orgRef("acme"), userRef("bob"), R("RIGHT_ALL"));
await p.member(orgRef("acme"), userRef("carol"), R("RIGHT_ORGANIZATION_INFO"));
// dave: a direct collaborator of alpha-tracker without APPLICATION_INFO.
await p.member(appRef("alpha-tracker"), userRef("dave"), R("RIGHT_APPLICATION_TRAFFIC_READ"));
// A deleted application of alice's.
await p.application(userRef("alice"), { id: "old-tracker", name: "Old tracker" });
await store.applications.delete("old-tracker");

const appKey = await p.apiKey(appRef("alpha-tracker"), R("RIGHT_APPLICATION_ALL"));
const orgKey = await p.apiKey(orgRef("acme"), R("RIGHT_APPLICATION_ALL"), R("RIGHT_ORGANIZATION_ALL"));

// ---- permission denied ---------------------------------------------------

it("no credentials: every search answers unauthenticated (gRPC and HTTP)", async () => {
  const anon = search();
  await rejects(anon.searchApplications({}), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.searchClients({}), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.searchGateways({}), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.searchOrganizations({}), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.searchUsers({}), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.searchAccounts({ query: "al" }), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "GET", "/search/applications"), 401, "unauthenticated");
  httpError(await api(server, "GET", "/search/accounts?query=al"), 401, "unauthenticated");
});

it("a credential of neither a user nor an organization: search_forbidden", async () => {
  const c = search(appKey);
  await rejects(c.searchApplications({}), Code.PermissionDenied, "search_forbidden");
  await rejects(c.searchGateways({}), Code.PermissionDenied, "search_forbidden");
  await rejects(c.searchUsers({}), Code.PermissionDenied, "search_forbidden");
  httpError(await api(server, "GET", "/search/organizations", { key: appKey }), 403, "search_forbidden");
  // Cluster peers neither.
  const cluster = await api(clusterServer, "GET", "/search/applications", { headers: { authorization: "ClusterKey 00112233445566778899aabbccddeeff" } });
  httpError(cluster, 403, "search_forbidden");
});

it("SearchUsers: admins only, else search_forbidden (gRPC and HTTP)", async () => {
  await rejects(search(alice.apiKey).searchUsers({ query: "bob" }), Code.PermissionDenied, "search_forbidden");
  httpError(await api(server, "GET", "/search/users?query=bob", { key: bob.apiKey }), 403, "search_forbidden");
});

it("another user's search never shows a private application", async () => {
  const res = await search(carol.apiKey).searchApplications({ query: "tracker" });
  assert.equal(ids(res.applications, "applicationId"), []);
  const mine = await search(bob.apiKey).searchApplications({ query: "tracker" });
  assert.equal(ids(mine.applications, "applicationId"), ["bob-private"]);
});

it("invalid filters and orders are refused", async () => {
  const c = search(alice.apiKey);
  await rejects(c.searchApplications({ query: "x".repeat(51) }), Code.InvalidArgument, "validation");
  await rejects(c.searchApplications({ nameContains: "x".repeat(51) }), Code.InvalidArgument, "validation");
  await rejects(c.searchApplications({ attributesContain: { "Bad Key": "x" } }), Code.InvalidArgument, "validation");
  await rejects(c.searchApplications({ order: "description" }), Code.InvalidArgument, "validation");
  await rejects(c.searchApplications({ limit: 1001 }), Code.InvalidArgument, "validation");
  await rejects(c.searchGateways({ euiContains: "0".repeat(17) }), Code.InvalidArgument, "validation");
  await rejects(c.searchClients({ state: [State.APPROVED, State.APPROVED] }), Code.InvalidArgument, "validation");
  await rejects(c.searchApplications({ fieldMask: { paths: ["no_such_field"] } }), Code.InvalidArgument, "field_mask_paths");
  await rejects(c.searchClients({ fieldMask: { paths: ["secret"] } }), Code.InvalidArgument, "field_mask_paths");
  await rejects(search(admin.apiKey).searchUsers({ fieldMask: { paths: ["password"] } }), Code.InvalidArgument, "field_mask_paths");
});

// ---- visibility ------------------------------------------------------------

it("SearchApplications: a user sees what they collaborate on, directly and through organizations", async () => {
  const res = await search(alice.apiKey).searchApplications({});
  assert.equal(ids(res.applications, "applicationId"), ["acme-fleet", "alpha-tracker", "beta-sensors", "gamma-under"]);
  const viaOrg = await search(bob.apiKey).searchApplications({ fieldMask: { paths: ["name"] } });
  assert.equal(ids(viaOrg.applications, "applicationId"), ["acme-fleet", "bob-private"]);
  // bob holds all rights through acme: the whole entity.
  assert.is(viaOrg.applications.find((a) => a.ids?.applicationId === "acme-fleet")?.name, "Acme Fleet");
});

it("SearchApplications: results the caller may not read in full are reduced to public fields", async () => {
  const mask = { paths: ["name", "description", "administrative_contact"] };
  // carol reaches acme-fleet through acme with organization info only.
  const carols = await search(carol.apiKey).searchApplications({ fieldMask: mask });
  assert.equal(ids(carols.applications, "applicationId"), ["acme-fleet"]);
  const reduced = carols.applications[0]!;
  assert.is(reduced.name, "");
  assert.is(reduced.administrativeContact?.ids.case, "organizationIds");
  assert.ok(reduced.createdAt);
  // dave collaborates on alpha-tracker without APPLICATION_INFO.
  const daves = await search(dave.apiKey).searchApplications({ fieldMask: mask });
  assert.equal(ids(daves.applications, "applicationId"), ["alpha-tracker"]);
  assert.is(daves.applications[0]!.description, "");
  // alice's key that may list her applications but lacks APPLICATION_INFO: her own applications, reduced.
  const narrow = await p.apiKey(userRef("alice"), R("RIGHT_USER_APPLICATIONS_LIST"));
  const narrowed = await search(narrow).searchApplications({ fieldMask: mask });
  assert.is(narrowed.applications.length, 4);
  assert.ok(narrowed.applications.every((a) => a.name === "" && a.description === ""));
  // The same key with APPLICATION_INFO reads them in full.
  const full = await search(await p.apiKey(userRef("alice"), R("RIGHT_USER_APPLICATIONS_LIST"), R("RIGHT_APPLICATION_INFO"))).searchApplications({ fieldMask: mask });
  assert.is(full.applications.find((a) => a.ids?.applicationId === "alpha-tracker")?.name, "Alpha Tracker");
});

it("SearchApplications: an organization's key sees the organization's applications", async () => {
  const res = await search(orgKey).searchApplications({ fieldMask: { paths: ["name"] } });
  assert.equal(ids(res.applications, "applicationId"), ["acme-fleet"]);
  assert.is(res.applications[0]!.name, "Acme Fleet");
});

it("SearchApplications: admins see every application in full", async () => {
  const res = await search(admin.apiKey).searchApplications({ fieldMask: { paths: ["name"] } });
  assert.equal(ids(res.applications, "applicationId"), ["acme-fleet", "alpha-tracker", "beta-sensors", "bob-private", "gamma-under"]);
  assert.is(res.applications.find((a) => a.ids?.applicationId === "bob-private")?.name, "Bob private tracker");
});

// ---- filters ---------------------------------------------------------------

it("query: ID or name contains it (case-insensitive), or the description matches its words", async () => {
  const c = search(admin.apiKey);
  assert.equal(ids((await c.searchApplications({ query: "ALPHA" })).applications, "applicationId"), ["alpha-tracker"]);
  assert.equal(ids((await c.searchApplications({ query: "fleet" })).applications, "applicationId"), ["acme-fleet"]);
  assert.equal(ids((await c.searchApplications({ query: "private tr" })).applications, "applicationId"), ["bob-private"]);
  // Full text: "cattle" and the stemmed "field" are words of alpha-tracker's description.
  assert.equal(ids((await c.searchApplications({ query: "cattle" })).applications, "applicationId"), ["alpha-tracker"]);
  assert.equal(ids((await c.searchApplications({ query: "field" })).applications, "applicationId"), ["alpha-tracker"]);
  assert.equal(ids((await c.searchApplications({ query: "nothing-like-this" })).applications, "applicationId"), []);
});

it("id_contains, name_contains, description_contains and attributes_contain are AND-ed", async () => {
  const c = search(admin.apiKey);
  assert.equal(ids((await c.searchApplications({ idContains: "tracker" })).applications, "applicationId"), ["alpha-tracker"]);
  assert.equal(ids((await c.searchApplications({ nameContains: "TRACKER" })).applications, "applicationId"), ["alpha-tracker", "bob-private"]);
  assert.equal(ids((await c.searchApplications({ nameContains: "tracker", idContains: "bob" })).applications, "applicationId"), ["bob-private"]);
  assert.equal(ids((await c.searchApplications({ descriptionContains: "moisture" })).applications, "applicationId"), ["beta-sensors"]);
  assert.equal(ids((await c.searchApplications({ attributesContain: { vendor: "acme" } })).applications, "applicationId"), ["alpha-tracker"]);
  assert.equal(ids((await c.searchApplications({ attributesContain: { vendor: "o" } })).applications, "applicationId"), ["alpha-tracker", "beta-sensors"]);
  assert.equal(ids((await c.searchApplications({ attributesContain: { vendor: "acme", site: "south" } })).applications, "applicationId"), []);
  assert.equal(ids((await c.searchApplications({ attributesContain: { missing: "a" } })).applications, "applicationId"), []);
});

it("% and _ in a filter match only themselves", async () => {
  const c = search(admin.apiKey);
  assert.equal(ids((await c.searchApplications({ nameContains: "%" })).applications, "applicationId"), ["beta-sensors"]);
  assert.equal(ids((await c.searchApplications({ nameContains: "_" })).applications, "applicationId"), ["gamma-under"]);
  assert.equal(ids((await c.searchApplications({ query: "a_u" })).applications, "applicationId"), ["gamma-under"]);
  assert.equal(ids((await c.searchApplications({ idContains: "%" })).applications, "applicationId"), []);
});

it("the searched fields are returned with the masked ones", async () => {
  const res = await search(admin.apiKey).searchApplications({ nameContains: "alpha", attributesContain: { site: "nor" } });
  const [app] = res.applications;
  assert.is(app?.name, "Alpha Tracker");
  assert.equal(app?.attributes, { vendor: "Acme-Corp", site: "north" });
  assert.is(app?.description, "");
});

// ---- pagination, order, totals -------------------------------------------------

it("order, limit, page and the total (gRPC x-total-count, HTTP X-Total-Count)", async () => {
  const c = search(admin.apiKey);
  let total: string | null = null;
  const page1 = await c.searchApplications({ order: "-name", limit: 2, page: 1, fieldMask: { paths: ["name"] } }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.is(total, "5");
  assert.equal(page1.applications.map((a) => a.name), ["gamma_under score", "Bob private tracker"]);
  const page3 = await c.searchApplications({ order: "-name", limit: 2, page: 3 }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.equal(page3.applications.map((a) => a.ids?.applicationId), ["acme-fleet"]);
  const past = await c.searchApplications({ limit: 2, page: 9 }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.is(past.applications.length, 0);
  assert.is(total, "5");
  const byId = await c.searchApplications({ order: "application_id", limit: 3 });
  assert.equal(byId.applications.map((a) => a.ids?.applicationId), ["acme-fleet", "alpha-tracker", "beta-sensors"]);

  const res = await api(server, "GET", "/search/applications?query=tracker&limit=1&order=application_id&field_mask=name", { key: alice.apiKey });
  assert.is(res.status, 200);
  assert.is(res.headers.get("x-total-count"), "1");
  assert.equal(res.body.applications, [{ ids: { application_id: "alpha-tracker" }, name: "Alpha Tracker", created_at: res.body.applications[0].created_at, updated_at: res.body.applications[0].updated_at }]);
});

it("deleted=true: only soft-deleted entities, under the same visibility", async () => {
  const c = search(alice.apiKey);
  assert.equal(ids((await c.searchApplications({ deleted: true })).applications, "applicationId"), ["old-tracker"]);
  assert.equal(ids((await c.searchApplications({ query: "old" })).applications, "applicationId"), []);
  assert.equal(ids((await search(bob.apiKey).searchApplications({ deleted: true })).applications, "applicationId"), []);
  const adminDeleted = await search(admin.apiKey).searchApplications({ deleted: true, fieldMask: { paths: ["name"] } });
  assert.equal(ids(adminDeleted.applications, "applicationId"), ["old-tracker"]);
  assert.ok(adminDeleted.applications[0]!.deletedAt);
});

// ---- the other kinds ---------------------------------------------------------

await p.gateway(userRef("alice"), { id: "roof-gateway", eui: "70B3D57ED0001234", name: "Roof" });
await p.gateway(userRef("bob"), { id: "bob-gateway", eui: "AA555A0000000001", name: "Bob's" });
await store.gateways.update(
  "roof-gateway",
  create(GatewaySchema, { gatewayServerAddress: "gs.example.com", frequencyPlanIds: ["EU_863_870"], attributes: { floor: "top" } }),
  ["gateway_server_address", "frequency_plan_ids", "attributes"],
);
await p.member({ kind: "gateway", id: "roof-gateway" }, userRef("carol"), R("RIGHT_GATEWAY_STATUS_READ"));
await p.gateway(userRef("alice"), { id: "public-gateway", name: "Public", statusPublic: true });
await store.gateways.update(
  "public-gateway",
  create(GatewaySchema, { gatewayServerAddress: "gs.example.com", lbsLnsSecret: { keyId: "", value: Buffer.from("lns-secret") } }),
  ["gateway_server_address", "lbs_lns_secret"],
);
await p.member({ kind: "gateway", id: "public-gateway" }, userRef("carol"), R("RIGHT_GATEWAY_STATUS_READ"));

it("SearchGateways: eui_contains on the hex EUI, query on the EUI, visibility and public fields", async () => {
  const c = search(admin.apiKey);
  assert.equal(ids((await c.searchGateways({ euiContains: "d57e" })).gateways, "gatewayId"), ["roof-gateway"]);
  assert.equal(ids((await c.searchGateways({ query: "gateway" })).gateways, "gatewayId"), ["bob-gateway", "public-gateway", "roof-gateway"]);
  assert.equal(ids((await c.searchGateways({ euiContains: "00" })).gateways, "gatewayId"), ["bob-gateway", "roof-gateway"]);
  assert.equal(ids((await c.searchGateways({ query: "aa555a" })).gateways, "gatewayId"), ["bob-gateway"]);
  assert.equal(ids((await c.searchGateways({ attributesContain: { floor: "to" } })).gateways, "gatewayId"), ["roof-gateway"]);
  const ordered = await c.searchGateways({ euiContains: "0", order: "-gateway_eui" });
  assert.equal(ordered.gateways.map((g) => g.ids?.gatewayId), ["bob-gateway", "roof-gateway"]);

  const mine = await search(alice.apiKey).searchGateways({ idContains: "roof", fieldMask: { paths: ["name", "gateway_server_address", "frequency_plan_id"] } });
  assert.equal(ids(mine.gateways, "gatewayId"), ["roof-gateway"]);
  assert.is(mine.gateways[0]!.gatewayServerAddress, "gs.example.com");
  assert.is(mine.gateways[0]!.frequencyPlanId, "EU_863_870");
  assert.equal(Buffer.from(mine.gateways[0]!.ids!.eui).toString("hex"), "70b3d57ed0001234");
  // carol without GATEWAY_INFO: public fields only; the server address only with public status.
  const carols = await search(carol.apiKey).searchGateways({ order: "gateway_id", fieldMask: { paths: ["name", "gateway_server_address", "attributes"] } });
  assert.equal(carols.gateways.map((g) => [g.ids?.gatewayId, g.name, g.gatewayServerAddress]), [["public-gateway", "Public", "gs.example.com"], ["roof-gateway", "Roof", ""]]);
  assert.equal(carols.gateways[1]!.attributes, {});
  // Secrets never come with search results, not even to admins.
  const secrets = await c.searchGateways({ idContains: "public", fieldMask: { paths: ["lbs_lns_secret", "name"] } });
  assert.is(secrets.gateways[0]!.name, "Public");
  assert.is(secrets.gateways[0]!.lbsLnsSecret, undefined);

  const http = await api(server, "GET", "/search/gateways?eui_contains=1234", { key: alice.apiKey });
  assert.is(http.status, 200);
  assert.is(http.body.gateways[0].ids.eui, "70B3D57ED0001234");
});

await p.oauthClient(userRef("alice"), { id: "alice-cli", name: "Alice CLI", state: State.APPROVED });
await p.oauthClient(userRef("alice"), { id: "alice-pending", name: "Pending", state: State.REQUESTED });
await p.oauthClient(userRef("bob"), { id: "bob-web", name: "Bob web", state: State.REJECTED });

it("SearchClients: state is any-of; a user sees their own clients; the secret is never readable", async () => {
  const c = search(alice.apiKey);
  assert.equal(ids((await c.searchClients({})).clients, "clientId"), ["alice-cli", "alice-pending"]);
  const requested = await c.searchClients({ state: [State.REQUESTED] });
  assert.equal(ids(requested.clients, "clientId"), ["alice-pending"]);
  assert.is(requested.clients[0]!.state, State.REQUESTED); // a searched field is returned
  const admins = await search(admin.apiKey).searchClients({ state: [State.REQUESTED, State.REJECTED], fieldMask: { paths: ["name"] } });
  assert.equal(ids(admins.clients, "clientId"), ["alice-pending", "bob-web"]);
  assert.ok(admins.clients.every((cl) => cl.secret === ""));
  const stored = await store.clients.get("alice-cli");
  assert.ok(stored.secret !== "");
});

await store.organizations.update("acme", create(OrganizationSchema, { description: "Logistics and cattle" }), ["description"]);
await p.organization(userRef("bob"), { id: "bobs-club", name: "Bob's club" });

it("SearchOrganizations: members see their organizations; others nothing", async () => {
  assert.equal(ids((await search(carol.apiKey).searchOrganizations({})).organizations, "organizationId"), ["acme"]);
  assert.equal(ids((await search(bob.apiKey).searchOrganizations({})).organizations, "organizationId"), ["acme", "bobs-club"]);
  assert.equal(ids((await search(dave.apiKey).searchOrganizations({})).organizations, "organizationId"), []);
  // carol holds ORGANIZATION_INFO: name and description.
  const carols = await search(carol.apiKey).searchOrganizations({ query: "cattle", fieldMask: { paths: ["description"] } });
  assert.is(carols.organizations[0]?.description, "Logistics and cattle");
  assert.equal(ids((await search(admin.apiKey).searchOrganizations({ idContains: "club" })).organizations, "organizationId"), ["bobs-club"]);
});

await p.user({ id: "erin", state: State.SUSPENDED });
await store.users.update("erin", create(UserSchema, { description: "Night shift operator" }), ["description"]);

it("SearchUsers (admin): filters, state any-of, deleted users", async () => {
  const c = search(admin.apiKey);
  assert.equal(ids((await c.searchUsers({ state: [State.SUSPENDED] })).users, "userId"), ["erin"]);
  assert.equal(ids((await c.searchUsers({ query: "operator" })).users, "userId"), ["erin"]);
  assert.equal(ids((await c.searchUsers({ idContains: "o" })).users, "userId"), ["bob", "carol"]);
  const named = await c.searchUsers({ nameContains: "user al", fieldMask: { paths: ["primary_email_address"] } });
  assert.equal(named.users.map((u) => [u.ids?.userId, u.name, u.primaryEmailAddress, u.password]), [["alice", "User alice", "alice@example.com", ""]]);
  await p.user({ id: "gone-user" });
  await store.users.delete("gone-user");
  assert.equal(ids((await c.searchUsers({ deleted: true })).users, "userId"), ["gone-user"]);
  assert.equal(ids((await c.searchUsers({ idContains: "gone" })).users, "userId"), []);
  const http = await api(server, "GET", "/search/users?state=STATE_SUSPENDED&field_mask=state", { key: admin.apiKey });
  assert.is(http.status, 200);
  assert.equal(http.body.users.map((u: { ids: { user_id: string }; state: string }) => [u.ids.user_id, u.state]), [["erin", "STATE_SUSPENDED"]]);
});

// ---- SearchAccounts ------------------------------------------------------------

for (let i = 1; i <= 12; i++) await p.user({ id: `member-${String(i).padStart(2, "0")}` });
await p.organization(userRef("alice"), { id: "member-org" });
await p.member(appRef("alpha-tracker"), userRef("member-01"), R("RIGHT_APPLICATION_INFO"));
await p.member(appRef("alpha-tracker"), orgRef("member-org"), R("RIGHT_APPLICATION_INFO"));

const accountIds = (res: SearchAccountsResponse) =>
  res.accountIds.map((a) => (a.ids.case === "userIds" ? `user:${a.ids.value.userId}` : `org:${a.ids.value?.organizationId}`));

it("SearchAccounts: non-admins without collaborator_of need 2 characters and get at most 10", async () => {
  const c = search(carol.apiKey);
  let total: string | null = "unset";
  const short = await c.searchAccounts({ query: "m" }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.equal(short.accountIds, []);
  const many = await c.searchAccounts({ query: "MEMBER" }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.is(many.accountIds.length, 10);
  assert.is(total, "13");
  assert.equal(accountIds(many).slice(0, 2), ["user:member-01", "user:member-02"]);
  const onlyUsers = await c.searchAccounts({ query: "acm" });
  assert.equal(accountIds(onlyUsers), ["org:acme"]);
  assert.equal(accountIds(await c.searchAccounts({ query: "acm", onlyUsers: true })), []);
  // Deleted accounts are not found.
  assert.equal(accountIds(await c.searchAccounts({ query: "gone" })), []);
});

it("SearchAccounts: admins get every match", async () => {
  const res = await search(admin.apiKey).searchAccounts({ query: "member" });
  assert.is(res.accountIds.length, 13);
  assert.ok(accountIds(res).includes("org:member-org"));
});

it("SearchAccounts with collaborator_of: members of the entity, or with complement the others", async () => {
  const c = search(dave.apiKey);
  const members = await c.searchAccounts({ collaboratorOf: { case: "applicationIds", value: { applicationId: "alpha-tracker" } } });
  assert.equal(accountIds(members), ["user:alice", "user:dave", "user:member-01", "org:member-org"]);
  const users = await c.searchAccounts({ query: "a", onlyUsers: true, collaboratorOf: { case: "applicationIds", value: { applicationId: "alpha-tracker" } } });
  assert.equal(accountIds(users), ["user:alice", "user:dave"]);
  const others = await c.searchAccounts({ query: "member", complementCollaborators: true, collaboratorOf: { case: "applicationIds", value: { applicationId: "alpha-tracker" } } });
  assert.is(others.accountIds.length, 11);
  assert.ok(!accountIds(others).includes("user:member-01") && !accountIds(others).includes("org:member-org"));
  // Members are shown on ListCollaborators' terms: a missing entity gives no rights, as the gate answers.
  await rejects(c.searchAccounts({ collaboratorOf: { case: "applicationIds", value: { applicationId: "no-such-app" } } }), Code.PermissionDenied, "no_application_rights");
  await rejects(search(admin.apiKey).searchAccounts({ collaboratorOf: { case: "applicationIds", value: { applicationId: "no-such-app" } } }), Code.NotFound, "application_not_found");

  // carol holds some right on acme and on roof-gateway; dave on neither.
  const http = await api(server, "GET", "/organizations/acme/collaborators/search?query=ca", { key: carol.apiKey });
  assert.is(http.status, 200);
  assert.equal(http.body.account_ids, [{ user_ids: { user_id: "carol" } }]);
  const byGateway = await api(server, "GET", "/gateways/roof-gateway/collaborators/search", { key: carol.apiKey });
  assert.equal(byGateway.body.account_ids, [{ user_ids: { user_id: "alice" } }, { user_ids: { user_id: "carol" } }]);
  httpError(await api(server, "GET", "/organizations/acme/collaborators/search?query=ca", { key: dave.apiKey }), 403, "no_organization_rights");
  httpError(await api(server, "GET", "/gateways/roof-gateway/collaborators/search", { key: dave.apiKey }), 403, "no_gateway_rights");
});

test.after(async () => {
  await server.close();
  await clusterServer.close();
});
test.run();
