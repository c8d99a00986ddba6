// The deprecated `contact_info` of entities, emulated as The Things Stack does:
// a read mask naming it gets EMAIL entries made from the contacts (OTHER: the
// administrative contact, TECHNICAL: the technical one; an organization stands
// for its own contact) or, for users, from their primary address; callers seeing
// only public fields get none; what the column holds is never returned; Create
// and Update store nothing of it and warn (gRPC `warning`, HTTP `X-Warning`).
import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationSchema, type Application } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { ContactMethod, ContactType, type ContactInfo } from "../../gen/ttn/lorawan/v3/contact_info_pb.js";
import { GatewaySchema } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { GatewayRegistry } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { OrganizationRegistry } from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import { EntityRegistrySearch } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { accountIdentifiers } from "../../src/auth/identifiers.js";
import { api, connectClient, grpcClient } from "../helpers/clients.js";
import { it, org, user } from "../helpers/expect.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";

const DEPRECATED = "Contact info is deprecated and will be removed in the next major release";

const server = await startTestServer({ "is.user-registration.contact-info-validation.required": true });
test.after(() => server.close());
const pop = server.population;
const store = pop.store;

const alice = await pop.user({ id: "lci-alice", email: "alice@lci.example" });
const carol = await pop.user({ id: "lci-carol", email: "carol@lci.example" });
const bob = await pop.user({ id: "lci-bob" });
const dave = await pop.user({ id: "lci-dave" });
// The organization's own contacts are carol.
const orgId = await pop.organization({ kind: "user", id: carol.id }, { id: "lci-org" });
const orgRef = { kind: "organization", id: orgId } as const;

// alice's application: she is its administrative contact, the organization its technical one;
// dave collaborates without APPLICATION_INFO (traffic only). The deprecated column holds a stale entry.
const appId = await pop.application({ kind: "user", id: alice.id }, { id: "lci-app" });
await pop.member({ kind: "application", id: appId }, orgRef, R("APPLICATION_INFO"));
await pop.member({ kind: "application", id: appId }, { kind: "user", id: dave.id }, R("APPLICATION_TRAFFIC_READ"));
const stale = [{ contactType: ContactType.BILLING, contactMethod: ContactMethod.EMAIL, value: "stale@lci.example" }];
await store.applications.update(appId, create(ApplicationSchema, { technicalContact: accountIdentifiers(orgRef), contactInfo: stale }), ["technical_contact", "contact_info"]);
// A gateway of the organization: both contacts are the organization, so both entries are carol's.
const gtwId = await pop.gateway(orgRef, { id: "lci-gtw" });
await store.gateways.update(gtwId, create(GatewaySchema, { contactInfo: stale }), ["contact_info"]);

const apps = (key?: string) => grpcClient(server, ApplicationRegistry, key);
const gateways = (key?: string) => grpcClient(server, GatewayRegistry, key);
const users = (key?: string) => grpcClient(server, UserRegistry, key);
const appIds = { applicationId: appId };
const gtwIds = { gatewayId: gtwId };

const validatedAt = async (userId: string) => (await store.users.get(userId)).primaryEmailAddressValidatedAt;

/** Entries as [type, method, value, validated_at in ms]. */
const entries = (list: ContactInfo[]) => list.map((c) => [c.contactType, c.contactMethod, c.value, c.validatedAt ? timestampDate(c.validatedAt).getTime() : undefined]);
const expected = async (...contacts: [ContactType, string, string][]) =>
  Promise.all(contacts.map(async ([type, value, userId]) => [type, ContactMethod.EMAIL, value, timestampDate((await validatedAt(userId))!).getTime()]));
const appContactInfo = () => expected([ContactType.OTHER, "alice@lci.example", alice.id], [ContactType.TECHNICAL, "carol@lci.example", carol.id]);
const gtwContactInfo = () => expected([ContactType.OTHER, "carol@lci.example", carol.id], [ContactType.TECHNICAL, "carol@lci.example", carol.id]);

/** JSON entries as [type, method, value] (the zero enum value is left out of JSON). */
const jsonEntries = (list: { contact_type?: string; contact_method?: string; value: string; validated_at?: string }[]) =>
  list.map((c) => [c.contact_type ?? "CONTACT_TYPE_OTHER", c.contact_method, c.value, c.validated_at !== undefined]);

// ---- Get --------------------------------------------------------------------------------------

it("Get with contact_info in the mask: emulated from the contacts (an organization stands for its contact), with the contacts", async () => {
  const got = await apps(alice.apiKey).get({ applicationIds: appIds, fieldMask: { paths: ["name", "contact_info"] } });
  assert.equal(entries(got.contactInfo), await appContactInfo());
  assert.is(got.name, `Application ${appId}`);
  assert.equal(got.administrativeContact, accountIdentifiers({ kind: "user", id: alice.id }));
  assert.equal(got.technicalContact, accountIdentifiers(orgRef));
  const gtw = await gateways(carol.apiKey).get({ gatewayIds: gtwIds, fieldMask: { paths: ["contact_info"] } });
  assert.equal(entries(gtw.contactInfo), await gtwContactInfo());
});

it("Get over HTTP with field_mask=contact_info: the same entries in JSON", async () => {
  const res = await api(server, "GET", `/applications/${appId}?field_mask=contact_info`, { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(jsonEntries(res.body.contact_info), [
    ["CONTACT_TYPE_OTHER", "CONTACT_METHOD_EMAIL", "alice@lci.example", true],
    ["CONTACT_TYPE_TECHNICAL", "CONTACT_METHOD_EMAIL", "carol@lci.example", true],
  ]);
  assert.equal(res.body.technical_contact, { organization_ids: { organization_id: orgId } });
  const gtw = await api(server, "GET", `/gateways/${gtwId}?field_mask=contact_info,name`, { key: carol.apiKey });
  assert.is(gtw.status, 200, JSON.stringify(gtw.body));
  assert.equal(gtw.body.contact_info.map((c: { value: string }) => c.value), ["carol@lci.example", "carol@lci.example"]);
});

it("Get without contact_info in the mask: none, and never what the column holds", async () => {
  for (const paths of [[], ["name", "description"]]) {
    const got = await apps(alice.apiKey).get({ applicationIds: appIds, fieldMask: { paths } });
    assert.equal(got.contactInfo, []);
    const gtw = await gateways(carol.apiKey).get({ gatewayIds: gtwIds, fieldMask: { paths } });
    assert.equal(gtw.contactInfo, []);
  }
  const res = await api(server, "GET", `/applications/${appId}?field_mask=name`, { key: alice.apiKey });
  assert.is(res.status, 200);
  assert.is(res.body.contact_info, undefined);
});

it("Get by a caller without <ENTITY>_INFO: contact_info is public but shows no entries", async () => {
  // bob has no rights on the application: only public fields, and the emulated entries are not public.
  const got = await apps(bob.apiKey).get({ applicationIds: appIds, fieldMask: { paths: ["contact_info"] } });
  assert.equal(got.contactInfo, []);
  assert.equal(got.administrativeContact, accountIdentifiers({ kind: "user", id: alice.id }));
  const res = await api(server, "GET", `/gateways/${gtwId}?field_mask=contact_info`, { key: bob.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.contact_info, undefined);
  assert.equal(res.body.administrative_contact, { organization_ids: { organization_id: orgId } });
});

// ---- List and Search --------------------------------------------------------------------------

it("List with contact_info: emulated for entries read in full, none for public ones; without it: none", async () => {
  const listed = await apps(alice.apiKey).list({ collaborator: user(alice.id), fieldMask: { paths: ["contact_info"] } });
  const app = listed.applications.find((a) => a.ids?.applicationId === appId)!;
  assert.equal(entries(app.contactInfo), await appContactInfo());
  // dave collaborates with APPLICATION_TRAFFIC_READ only: his list shows the public view.
  const public_ = await apps(dave.apiKey).list({ collaborator: user(dave.id), fieldMask: { paths: ["contact_info"] } });
  assert.equal(public_.applications.map((a: Application) => [a.ids?.applicationId, a.contactInfo]), [[appId, []]]);
  const plain = await apps(alice.apiKey).list({ collaborator: user(alice.id), fieldMask: { paths: ["name"] } });
  assert.equal(plain.applications.find((a) => a.ids?.applicationId === appId)!.contactInfo, []);
  const gtws = await gateways(carol.apiKey).list({ collaborator: org(orgId), fieldMask: { paths: ["contact_info"] } });
  assert.equal(entries(gtws.gateways[0]!.contactInfo), await gtwContactInfo());
});

it("List over HTTP with and without field_mask=contact_info", async () => {
  const res = await api(server, "GET", `/users/${alice.id}/applications?field_mask=contact_info`, { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  const app = res.body.applications.find((a: { ids: { application_id: string } }) => a.ids.application_id === appId);
  assert.equal(app.contact_info.map((c: { value: string }) => c.value), ["alice@lci.example", "carol@lci.example"]);
  const plain = await api(server, "GET", `/organizations/${orgId}/gateways?field_mask=name`, { key: carol.apiKey });
  assert.is(plain.status, 200, JSON.stringify(plain.body));
  assert.is(plain.body.gateways[0].contact_info, undefined);
});

it("Search with contact_info: emulated as in List", async () => {
  const found = await grpcClient(server, EntityRegistrySearch, alice.apiKey).searchApplications({ idContains: "lci-", fieldMask: { paths: ["contact_info"] } });
  assert.equal(entries(found.applications.find((a) => a.ids?.applicationId === appId)!.contactInfo), await appContactInfo());
  const orgs = await grpcClient(server, EntityRegistrySearch, carol.apiKey).searchOrganizations({ idContains: "lci-", fieldMask: { paths: ["contact_info"] } });
  assert.equal(entries(orgs.organizations[0]!.contactInfo), await expected([ContactType.OTHER, "carol@lci.example", carol.id], [ContactType.TECHNICAL, "carol@lci.example", carol.id]));
  const plain = await grpcClient(server, EntityRegistrySearch, alice.apiKey).searchApplications({ idContains: "lci-" });
  assert.equal(plain.applications.find((a) => a.ids?.applicationId === appId)!.contactInfo, []);
});

it("a deleted entity listed with deleted=true has its contact info too (made from the listed contacts)", async () => {
  const gone = await pop.application({ kind: "user", id: alice.id }, { id: "lci-gone" });
  await apps(alice.apiKey).delete({ applicationId: gone });
  const listed = await apps(alice.apiKey).list({ collaborator: user(alice.id), deleted: true, fieldMask: { paths: ["contact_info"] } });
  assert.equal(listed.applications.map((a) => a.ids?.applicationId), [gone]);
  assert.equal(entries(listed.applications[0]!.contactInfo), await expected([ContactType.OTHER, "alice@lci.example", alice.id], [ContactType.TECHNICAL, "alice@lci.example", alice.id]));
});

// ---- Update and Create ------------------------------------------------------------------------

it("Update with contact_info in the mask: ignored (nothing stored, other paths are), with the warning over gRPC and Connect", async () => {
  for (const client of [apps(alice.apiKey), connectClient(server, ApplicationRegistry, alice.apiKey)]) {
    let warning: string | null = null;
    const updated = await client.update(
      { application: { ids: appIds, name: "Renamed", contactInfo: [{ value: "new@lci.example" }] }, fieldMask: { paths: ["name", "contact_info"] } },
      { onHeader: (h) => (warning = h.get("warning")) },
    );
    assert.is(warning, DEPRECATED);
    assert.is(updated.name, "Renamed");
    assert.equal(updated.contactInfo, []);
  }
  const stored = await store.applications.get(appId);
  assert.is(stored.name, "Renamed");
  assert.equal(stored.contactInfo.map((c) => c.value), ["stale@lci.example"]);
  // Without contact_info: no warning.
  let warning: string | null = "unset";
  await apps(alice.apiKey).update({ application: { ids: appIds, name: "Again" }, fieldMask: { paths: ["name"] } }, { onHeader: (h) => (warning = h.get("warning")) });
  assert.is(warning, null);
});

it("Update over HTTP with contact_info: X-Warning, nothing stored", async () => {
  const res = await api(server, "PUT", `/gateways/${gtwId}`, {
    key: carol.apiKey,
    body: { gateway: { contact_info: [{ value: "new@lci.example" }] }, field_mask: { paths: ["contact_info"] } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.headers.get("x-warning"), DEPRECATED);
  assert.is(res.body.contact_info, undefined);
  assert.equal((await store.gateways.get(gtwId)).contactInfo.map((c) => c.value), ["stale@lci.example"]);
  const plain = await api(server, "PUT", `/gateways/${gtwId}`, { key: carol.apiKey, body: { gateway: { name: "G" }, field_mask: { paths: ["name"] } } });
  assert.is(plain.status, 200);
  assert.is(plain.headers.get("x-warning"), null);
});

it("Create with contact_info: not stored, with the warning (gRPC and HTTP); a Create without it has none", async () => {
  let warning: string | null = null;
  const created = await apps(alice.apiKey).create(
    { application: { ids: { applicationId: "lci-new-app" }, contactInfo: [{ value: "x@lci.example" }] }, collaborator: user(alice.id) },
    { onHeader: (h) => (warning = h.get("warning")) },
  );
  assert.is(warning, DEPRECATED);
  assert.equal(created.contactInfo, []);
  assert.equal((await store.applications.get("lci-new-app")).contactInfo, []);
  const res = await api(server, "POST", `/users/${carol.id}/organizations`, {
    key: carol.apiKey,
    body: { organization: { ids: { organization_id: "lci-new-org" }, contact_info: [{ value: "x@lci.example" }] } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.headers.get("x-warning"), DEPRECATED);
  assert.equal((await store.organizations.get("lci-new-org")).contactInfo, []);
  let none: string | null = "unset";
  await grpcClient(server, OrganizationRegistry, carol.apiKey).create(
    { organization: { ids: { organizationId: "lci-plain-org" } }, collaborator: user(carol.id) },
    { onHeader: (h) => (none = h.get("warning")) },
  );
  assert.is(none, null);
});

// ---- Users ------------------------------------------------------------------------------------

it("users: Get with contact_info is their primary address (with it); public view: none, and no address", async () => {
  const own = await users(alice.apiKey).get({ userIds: { userId: alice.id }, fieldMask: { paths: ["contact_info"] } });
  assert.equal(entries(own.contactInfo), await expected([ContactType.OTHER, "alice@lci.example", alice.id]));
  assert.is(own.primaryEmailAddress, "alice@lci.example");
  const other = await users(bob.apiKey).get({ userIds: { userId: alice.id }, fieldMask: { paths: ["name", "contact_info"] } });
  assert.is(other.name, `User ${alice.id}`);
  assert.equal(other.contactInfo, []);
  assert.is(other.primaryEmailAddress, "");
  assert.is(other.primaryEmailAddressValidatedAt, undefined);
  const res = await api(server, "GET", `/users/${alice.id}?field_mask=contact_info`, { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(jsonEntries(res.body.contact_info), [["CONTACT_TYPE_OTHER", "CONTACT_METHOD_EMAIL", "alice@lci.example", true]]);
  const plain = await users(alice.apiKey).get({ userIds: { userId: alice.id }, fieldMask: { paths: ["name"] } });
  assert.equal(plain.contactInfo, []);
});

it("users: List (admins) with contact_info: one entry per user; without it: none", async () => {
  const listed = await users(server.adminAPIKey).list({ fieldMask: { paths: ["contact_info"] }, limit: 100 });
  const carolListed = listed.users.find((u) => u.ids?.userId === carol.id)!;
  assert.equal(entries(carolListed.contactInfo), await expected([ContactType.OTHER, "carol@lci.example", carol.id]));
  assert.ok(listed.users.every((u) => u.contactInfo.length === 1 && u.contactInfo[0]!.value === u.primaryEmailAddress));
  const res = await api(server, "GET", "/users?field_mask=name", { key: server.adminAPIKey });
  assert.is(res.status, 200);
  assert.ok(res.body.users.every((u: { contact_info?: unknown }) => u.contact_info === undefined));
});

it("users: Update with contact_info is ignored with the warning; Create with it stores none", async () => {
  await store.users.update(dave.id, create(UserSchema, { contactInfo: stale }), ["contact_info"]);
  let warning: string | null = null;
  const updated = await users(dave.apiKey).update(
    { user: { ids: { userId: dave.id }, name: "Dave", contactInfo: [{ value: "new@lci.example" }] }, fieldMask: { paths: ["name", "contact_info"] } },
    { onHeader: (h) => (warning = h.get("warning")) },
  );
  assert.is(warning, DEPRECATED);
  assert.equal(updated.contactInfo, []);
  const stored = await store.users.get(dave.id);
  assert.is(stored.name, "Dave");
  assert.equal(stored.contactInfo.map((c) => c.value), ["stale@lci.example"]);
  // What the column holds is not what Get answers.
  const got = await users(dave.apiKey).get({ userIds: { userId: dave.id }, fieldMask: { paths: ["contact_info"] } });
  assert.equal(got.contactInfo.map((c) => c.value), [`${dave.id}@example.com`]);
  const res = await api(server, "POST", "/users", {
    key: server.adminAPIKey,
    body: { user: { ids: { user_id: "lci-new-user" }, primary_email_address: "new-user@lci.example", password: "Str0ng-Passw0rd!x", contact_info: [{ value: "x@lci.example" }] } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.headers.get("x-warning"), DEPRECATED);
  assert.equal((await store.users.get("lci-new-user")).contactInfo, []);
});

it("the deprecation warning joins a restricted caller's warning", async () => {
  const erin = await pop.user({ id: "lci-erin" });
  // Unvalidated: restricted rights (USER_SETTINGS_BASIC stays), with their warning.
  await store.users.update(erin.id, create(UserSchema, {}), ["primary_email_address_validated_at"]);
  const res = await api(server, "PUT", `/users/${erin.id}`, {
    key: erin.apiKey,
    body: { user: { contact_info: [{ value: "x@lci.example" }] }, field_mask: { paths: ["contact_info"] } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.headers.get("x-warning"), `${DEPRECATED}, Restricted rights until email address validated`);
});

test.run();
