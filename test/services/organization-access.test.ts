// OrganizationAccess against a real server (rights, API keys, members), and the
// point of organizations end to end: a member's rights on an application through
// an organization are the intersection of both memberships (spec §4.5).
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationAccess, ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { OrganizationAccess, OrganizationRegistry } from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import type { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { RIGHT_ALL, rightName, rightsOfKind } from "../../src/rights/algebra.js";
import { api, grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { it, rejects, httpError, user, org, userRef, orgRef, appRef } from "../helpers/expect.js";

// ---- local helpers -------------------------------------------------------

const orgIds = (id: string) => ({ organizationId: id });
const appIds = (id: string) => ({ applicationId: id });
const names = (rights: readonly Right[]) => [...rights].sort((a, b) => a - b).map(rightName);

// ---- the world -----------------------------------------------------------

const server = await startTestServer();
const p = server.population;
const store = p.store;

const olive = await p.user({ id: "olive" }); // owner of acc-org
const bob = await p.user({ id: "bob" }); // not a member
const manny = await p.user({ id: "manny" }); // manages members and keys, no DELETE
const carol = await p.user({ id: "carol" }); // member of another organization
const orgId = await p.organization(userRef("olive"), { id: "acc-org", name: "Access" });
const otherOrg = await p.organization(userRef("bob"), { id: "other-org" });
await p.member(orgRef(otherOrg), userRef("carol"), RIGHT_ALL);
const otherOrgKey = await p.apiKey(orgRef(otherOrg), R("RIGHT_ORGANIZATION_ALL"));
await p.member(orgRef(orgId), userRef("manny"), R("RIGHT_ORGANIZATION_INFO"), R("RIGHT_ORGANIZATION_SETTINGS_MEMBERS"), R("RIGHT_ORGANIZATION_SETTINGS_API_KEYS"));

const acc = (key?: string) => grpcClient(server, OrganizationAccess, key);
const orgReg = (key?: string) => grpcClient(server, OrganizationRegistry, key);
const appReg = (key?: string) => grpcClient(server, ApplicationRegistry, key);
const appAcc = (key?: string) => grpcClient(server, ApplicationAccess, key);

const seedKey = await acc(olive.apiKey).createAPIKey({ organizationIds: orgIds(orgId), name: "seed", rights: [R("RIGHT_ORGANIZATION_INFO")] });

// ---- permission denied ---------------------------------------------------

it("no credentials: unauthenticated on every method", async () => {
  const a = acc();
  const ids = orgIds(orgId);
  const calls: (() => Promise<unknown>)[] = [
    () => a.listRights(ids),
    () => a.createAPIKey({ organizationIds: ids, rights: [R("RIGHT_ORGANIZATION_INFO")] }),
    () => a.listAPIKeys({ organizationIds: ids }),
    () => a.getAPIKey({ organizationIds: ids, keyId: seedKey.id }),
    () => a.updateAPIKey({ organizationIds: ids, apiKey: { id: seedKey.id, name: "x" }, fieldMask: { paths: ["name"] } }),
    () => a.deleteAPIKey({ organizationIds: ids, keyId: seedKey.id }),
    () => a.getCollaborator({ organizationIds: ids, collaborator: user("olive") }),
    () => a.setCollaborator({ organizationIds: ids, collaborator: { ids: user("bob"), rights: [R("RIGHT_ORGANIZATION_INFO")] } }),
    () => a.listCollaborators({ organizationIds: ids }),
    () => a.deleteCollaborator({ organizationIds: ids, collaboratorIds: user("manny") }),
  ];
  for (const call of calls) await rejects(call(), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "GET", `/organizations/${orgId}/rights`), 401, "unauthenticated");
  httpError(await api(server, "PUT", `/organizations/${orgId}/collaborators`, { body: { collaborator: { ids: { user_ids: { user_id: "bob" } }, rights: ["RIGHT_ORGANIZATION_INFO"] } } }), 401, "unauthenticated");
  await rejects(store.memberships.get(orgRef(orgId), userRef("bob")), Code.NotFound, "membership_not_found");
});

it("another user's key and a member of another organization: no rights", async () => {
  for (const key of [bob.apiKey, carol.apiKey, otherOrgKey]) {
    const a = acc(key);
    const ids = orgIds(orgId);
    assert.equal((await a.listRights(ids)).rights, []);
    await rejects(a.createAPIKey({ organizationIds: ids, rights: [R("RIGHT_ORGANIZATION_INFO")] }), Code.PermissionDenied, "no_organization_rights");
    await rejects(a.listAPIKeys({ organizationIds: ids }), Code.PermissionDenied, "no_organization_rights");
    await rejects(a.getAPIKey({ organizationIds: ids, keyId: seedKey.id }), Code.PermissionDenied, "no_organization_rights");
    await rejects(a.updateAPIKey({ organizationIds: ids, apiKey: { id: seedKey.id, name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_organization_rights");
    await rejects(a.deleteAPIKey({ organizationIds: ids, keyId: seedKey.id }), Code.PermissionDenied, "no_organization_rights");
    await rejects(a.getCollaborator({ organizationIds: ids, collaborator: user("olive") }), Code.PermissionDenied, "no_organization_rights");
    await rejects(a.setCollaborator({ organizationIds: ids, collaborator: { ids: user("bob"), rights: [R("RIGHT_ORGANIZATION_ALL")] } }), Code.PermissionDenied, "no_organization_rights");
    // Nesting is not revealed to callers without rights.
    await rejects(a.setCollaborator({ organizationIds: ids, collaborator: { ids: org(otherOrg), rights: [R("RIGHT_ORGANIZATION_INFO")] } }), Code.PermissionDenied, "no_organization_rights");
    await rejects(a.deleteCollaborator({ organizationIds: ids, collaboratorIds: user("manny") }), Code.PermissionDenied, "no_organization_rights");
  }
  httpError(await api(server, "GET", `/organizations/${orgId}/api-keys`, { key: bob.apiKey }), 403, "no_organization_rights");
  httpError(await api(server, "DELETE", `/organizations/${orgId}/collaborators/user/manny`, { key: carol.apiKey }), 403, "no_organization_rights");
  assert.is((await store.apiKeys.get(orgRef(orgId), seedKey.id)).name, "seed");
  await store.memberships.get(orgRef(orgId), userRef("manny"));
});

it("a key without the right: insufficient rights naming it", async () => {
  const infoOnly = await p.apiKey(userRef("olive"), R("RIGHT_ORGANIZATION_INFO"));
  const a = acc(infoOnly);
  const ids = orgIds(orgId);
  assert.equal(names((await a.listRights(ids)).rights), ["RIGHT_ORGANIZATION_INFO"]);
  const keys = "RIGHT_ORGANIZATION_SETTINGS_API_KEYS";
  const members = "RIGHT_ORGANIZATION_SETTINGS_MEMBERS";
  const cases: [() => Promise<unknown>, string][] = [
    [() => a.createAPIKey({ organizationIds: ids, rights: [R("RIGHT_ORGANIZATION_INFO")] }), keys],
    [() => a.listAPIKeys({ organizationIds: ids }), keys],
    [() => a.getAPIKey({ organizationIds: ids, keyId: seedKey.id }), keys],
    [() => a.updateAPIKey({ organizationIds: ids, apiKey: { id: seedKey.id, name: "x" }, fieldMask: { paths: ["name"] } }), keys],
    [() => a.deleteAPIKey({ organizationIds: ids, keyId: seedKey.id }), keys],
    [() => a.getCollaborator({ organizationIds: ids, collaborator: user("olive") }), members],
    [() => a.setCollaborator({ organizationIds: ids, collaborator: { ids: user("bob"), rights: [R("RIGHT_ORGANIZATION_INFO")] } }), members],
    [() => a.deleteCollaborator({ organizationIds: ids, collaboratorIds: user("manny") }), members],
  ];
  for (const [call, missing] of cases) {
    const d = await rejects(call(), Code.PermissionDenied, "insufficient_organization_rights");
    assert.equal(d.attributes?.missing, [missing]);
  }
  const res = await api(server, "POST", `/organizations/${orgId}/api-keys`, { key: infoOnly, body: { rights: ["RIGHT_ORGANIZATION_INFO"] } });
  httpError(res, 403, "insufficient_organization_rights");
  assert.is((await store.apiKeys.find(orgRef(orgId), { limit: 100, page: 1 })).total, 1);
});

// ---- ListRights ----------------------------------------------------------

it("ListRights: the owner (RIGHT_ALL) has all organization and entity rights; members their own", async () => {
  const got = names((await acc(olive.apiKey).listRights(orgIds(orgId))).rights);
  for (const r of rightsOfKind.organization) assert.ok(got.includes(rightName(r)), rightName(r));
  assert.ok(got.includes("RIGHT_APPLICATION_ALL"));
  assert.equal(names((await acc(manny.apiKey).listRights(orgIds(orgId))).rights), [
    "RIGHT_ORGANIZATION_INFO",
    "RIGHT_ORGANIZATION_SETTINGS_API_KEYS",
    "RIGHT_ORGANIZATION_SETTINGS_MEMBERS",
  ]);
  const res = await api(server, "GET", `/organizations/${orgId}/rights`, { key: manny.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.rights.length, 3);
  // An organization key on its own organization: the key's rights.
  assert.ok(names((await acc(otherOrgKey).listRights(orgIds(otherOrg))).rights).includes("RIGHT_ORGANIZATION_DELETE"));
});

// ---- API keys --------------------------------------------------------------

it("API keys: create (secret once), list, get, update, delete", async () => {
  const a = acc(manny.apiKey);
  const ids = orgIds(orgId);
  const created = await a.createAPIKey({ organizationIds: ids, name: "ci", rights: [R("RIGHT_ORGANIZATION_INFO")] });
  assert.ok(created.key.startsWith("NNSXS."));
  const listed = await a.listAPIKeys({ organizationIds: ids });
  assert.ok(listed.apiKeys.some((k) => k.id === created.id && k.key === ""));
  assert.is((await a.getAPIKey({ organizationIds: ids, keyId: created.id })).name, "ci");
  const updated = await a.updateAPIKey({ organizationIds: ids, apiKey: { id: created.id, name: "renamed" }, fieldMask: { paths: ["name"] } });
  assert.is(updated.name, "renamed");
  // The key works on the organization with its rights.
  assert.equal(names((await acc(created.key).listRights(ids)).rights), ["RIGHT_ORGANIZATION_INFO"]);
  // Manny cannot hand out rights he lacks.
  const d = await rejects(a.createAPIKey({ organizationIds: ids, rights: [R("RIGHT_ORGANIZATION_DELETE")] }), Code.PermissionDenied, "insufficient_organization_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_ORGANIZATION_DELETE"]);
  const res = await api(server, "DELETE", `/organizations/${orgId}/api-keys/${created.id}`, { key: manny.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  await rejects(a.getAPIKey({ organizationIds: ids, keyId: created.id }), Code.NotFound, "api_key_not_found");
  await rejects(acc(created.key).listRights(ids), Code.Unauthenticated, "api_key_not_found");
});

// ---- Members -------------------------------------------------------------

it("SetCollaborator: users become members; organizations cannot (nested_organizations)", async () => {
  const a = acc(manny.apiKey);
  const ids = orgIds(orgId);
  const d = await rejects(a.setCollaborator({ organizationIds: ids, collaborator: { ids: org(otherOrg), rights: [R("RIGHT_ORGANIZATION_INFO")] } }), Code.InvalidArgument, "nested_organizations");
  assert.is(d.namespace, "pkg/identityserver");
  const res = await api(server, "PUT", `/organizations/${orgId}/collaborators`, {
    key: olive.apiKey,
    body: { collaborator: { ids: { organization_ids: { organization_id: otherOrg } }, rights: ["RIGHT_ORGANIZATION_INFO"] } },
  });
  httpError(res, 400, "nested_organizations");
  await rejects(store.memberships.get(orgRef(orgId), orgRef(otherOrg)), Code.NotFound, "membership_not_found");

  await a.setCollaborator({ organizationIds: ids, collaborator: { ids: user("bob"), rights: [R("RIGHT_ORGANIZATION_INFO")] } });
  const got = await a.getCollaborator({ organizationIds: ids, collaborator: user("bob") });
  assert.equal(names(got.rights), ["RIGHT_ORGANIZATION_INFO"]);
  const http = await api(server, "GET", `/organizations/${orgId}/collaborator/user/bob`, { key: manny.apiKey });
  assert.is(http.status, 200, JSON.stringify(http.body));
  assert.equal(http.body.rights, ["RIGHT_ORGANIZATION_INFO"]);
  // Nobody grants rights they lack.
  const i = await rejects(a.setCollaborator({ organizationIds: ids, collaborator: { ids: user("bob"), rights: [R("RIGHT_ORGANIZATION_DELETE")] } }), Code.PermissionDenied, "insufficient_organization_rights");
  assert.ok((i.attributes?.missing as string[]).includes("RIGHT_ORGANIZATION_DELETE"));
  await rejects(a.setCollaborator({ organizationIds: ids, collaborator: { ids: user("nobody"), rights: [R("RIGHT_ORGANIZATION_INFO")] } }), Code.NotFound, "account_not_found");

  const listed = await a.listCollaborators({ organizationIds: ids });
  assert.equal(listed.collaborators.map((c) => (c.ids?.ids.value as { userId: string }).userId), ["bob", "manny", "olive"]);
  const asBob = await acc(bob.apiKey).listCollaborators({ organizationIds: ids });
  for (const c of asBob.collaborators) assert.equal(c.rights, []);
  const paged = await api(server, "GET", `/organizations/${orgId}/collaborators?limit=1&page=2`, { key: manny.apiKey });
  assert.is(paged.status, 200, JSON.stringify(paged.body));
  assert.is(paged.body.collaborators[0].ids.user_ids.user_id, "manny");
  assert.is(paged.headers.get("x-total-count"), "3");

  // Removing over HTTP.
  const del = await api(server, "DELETE", `/organizations/${orgId}/collaborators/user/bob`, { key: manny.apiKey });
  assert.is(del.status, 200, JSON.stringify(del.body));
  await rejects(store.memberships.get(orgRef(orgId), userRef("bob")), Code.NotFound, "membership_not_found");
  await rejects(a.deleteCollaborator({ organizationIds: ids, collaboratorIds: user("bob") }), Code.NotFound, "membership_not_found");
});

it("the last member with all rights stays; contacts cannot be removed", async () => {
  const a = acc(olive.apiKey);
  const ids = orgIds(orgId);
  await rejects(a.setCollaborator({ organizationIds: ids, collaborator: { ids: user("olive"), rights: [] } }), Code.FailedPrecondition, "organization_needs_collaborator");
  await rejects(a.deleteCollaborator({ organizationIds: ids, collaboratorIds: user("olive") }), Code.FailedPrecondition, "collaborator_is_contact");
  assert.equal((await store.memberships.get(orgRef(orgId), userRef("olive"))).rights, [RIGHT_ALL]);
});

it("an owner with RIGHT_ALL makes another member a co-owner with RIGHT_ALL, and may then step down", async () => {
  const co = await p.user({ id: "co-owner" });
  const ids = orgIds(orgId);
  await acc(olive.apiKey).setCollaborator({ organizationIds: ids, collaborator: { ids: user(co.id), rights: [RIGHT_ALL] } });
  assert.equal((await store.memberships.get(orgRef(orgId), userRef(co.id))).rights, [RIGHT_ALL]);
  // The co-owner can downgrade the original owner now that another owner remains.
  await acc(co.apiKey).setCollaborator({ organizationIds: ids, collaborator: { ids: user("olive"), rights: [R("RIGHT_ORGANIZATION_INFO")] } });
  assert.equal((await store.memberships.get(orgRef(orgId), userRef("olive"))).rights, [R("RIGHT_ORGANIZATION_INFO")]);
  await acc(co.apiKey).setCollaborator({ organizationIds: ids, collaborator: { ids: user("olive"), rights: [RIGHT_ALL] } });
  await acc(olive.apiKey).deleteCollaborator({ organizationIds: ids, collaboratorIds: user(co.id) });
});

// ---- End to end: rights through an organization ----------------------------

const eve = await p.user({ id: "eve" }); // creates the organization and owns it
const finn = await p.user({ id: "finn" }); // a member with chosen rights
const gus = await p.user({ id: "gus" }); // a member with ORGANIZATION_ALL only

it("an organization as application collaborator: members get the intersection, and lose it at once", async () => {
  await orgReg(eve.apiKey).create({ organization: { ids: orgIds("team"), name: "Team" }, collaborator: user("eve") });
  const teamApp = await p.application(userRef("bob"), { id: "team-app", name: "Bob's app" });
  // Bob makes the organization a collaborator with some rights, over the API.
  await appAcc(bob.apiKey).setCollaborator({
    applicationIds: appIds(teamApp),
    collaborator: { ids: org("team"), rights: [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_SETTINGS_BASIC"), R("RIGHT_APPLICATION_TRAFFIC_READ")] },
  });
  // Eve (creator, RIGHT_ALL in the organization) gets exactly the organization's rights.
  assert.equal(names((await appAcc(eve.apiKey).listRights(appIds(teamApp))).rights), ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_SETTINGS_BASIC", "RIGHT_APPLICATION_TRAFFIC_READ"]);
  const renamed = await appReg(eve.apiKey).update({ application: { ids: appIds(teamApp), name: "Team app" }, fieldMask: { paths: ["name"] } });
  assert.is(renamed.name, "Team app");
  await rejects(appReg(eve.apiKey).delete(appIds(teamApp)), Code.PermissionDenied, "insufficient_application_rights");

  // Eve adds Finn with organization rights and a subset of application rights: Finn gets the intersection.
  await acc(eve.apiKey).setCollaborator({
    organizationIds: orgIds("team"),
    collaborator: { ids: user("finn"), rights: [R("RIGHT_ORGANIZATION_INFO"), R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_DELETE")] },
  });
  assert.equal(names((await appAcc(finn.apiKey).listRights(appIds(teamApp))).rights), ["RIGHT_APPLICATION_INFO"]);
  assert.is((await appReg(finn.apiKey).get({ applicationIds: appIds(teamApp), fieldMask: { paths: ["name"] } })).name, "Team app");
  const d = await rejects(appReg(finn.apiKey).update({ application: { ids: appIds(teamApp), name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "insufficient_application_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_APPLICATION_SETTINGS_BASIC"]);
  await rejects(appReg(finn.apiKey).delete(appIds(teamApp)), Code.PermissionDenied, "insufficient_application_rights");
  const listed = await appReg(finn.apiKey).list({ fieldMask: { paths: ["name"] } });
  assert.equal(listed.applications.map((a) => [a.ids?.applicationId, a.name]), [[teamApp, "Team app"]]);
  const http = await api(server, "GET", `/applications/${teamApp}?field_mask=name`, { key: finn.apiKey });
  assert.is(http.status, 200, JSON.stringify(http.body));

  // ORGANIZATION_ALL covers the organization's own rights only (as in the stack): no application rights.
  await acc(eve.apiKey).setCollaborator({ organizationIds: orgIds("team"), collaborator: { ids: user("gus"), rights: [R("RIGHT_ORGANIZATION_ALL")] } });
  assert.equal((await appAcc(gus.apiKey).listRights(appIds(teamApp))).rights, []);
  await rejects(appReg(gus.apiKey).get({ applicationIds: appIds(teamApp), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");

  // Removing Finn from the organization revokes his access at once.
  await acc(eve.apiKey).deleteCollaborator({ organizationIds: orgIds("team"), collaboratorIds: user("finn") });
  await rejects(appReg(finn.apiKey).get({ applicationIds: appIds(teamApp), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  assert.equal((await appReg(finn.apiKey).list({})).applications, []);
  httpError(await api(server, "GET", `/applications/${teamApp}?field_mask=name`, { key: finn.apiKey }), 403, "no_application_rights");
  // Taking the organization off the application revokes Eve's too.
  await appAcc(bob.apiKey).deleteCollaborator({ applicationIds: appIds(teamApp), collaboratorIds: org("team") });
  assert.equal((await appAcc(eve.apiKey).listRights(appIds(teamApp))).rights, []);
});

it("ApplicationRegistry.Create/List under an organization need ORGANIZATION_APPLICATIONS_CREATE/_LIST", async () => {
  await acc(eve.apiKey).setCollaborator({
    organizationIds: orgIds("team"),
    collaborator: { ids: user("finn"), rights: [R("RIGHT_ORGANIZATION_INFO"), R("RIGHT_ORGANIZATION_APPLICATIONS_LIST"), R("RIGHT_APPLICATION_INFO")] },
  });
  // Finn lacks APPLICATIONS_CREATE.
  const d = await rejects(appReg(finn.apiKey).create({ application: { ids: appIds("finn-team-app") }, collaborator: org("team") }), Code.PermissionDenied, "insufficient_organization_rights");
  assert.equal(d.attributes?.missing, ["RIGHT_ORGANIZATION_APPLICATIONS_CREATE"]);
  // Bob is no member at all.
  httpError(await api(server, "POST", "/organizations/team/applications", { key: bob.apiKey, body: { application: { ids: { application_id: "bob-team-app" } } } }), 403, "no_organization_rights");
  httpError(await api(server, "GET", "/organizations/team/applications", { key: bob.apiKey }), 403, "no_organization_rights");

  const res = await api(server, "POST", "/organizations/team/applications", { key: eve.apiKey, body: { application: { ids: { application_id: "org-app" }, name: "Org app" } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.administrative_contact, { organization_ids: { organization_id: "team" } });
  assert.equal((await store.memberships.get(appRef("org-app"), orgRef("team"))).rights, [R("RIGHT_APPLICATION_ALL")]);
  // Eve reaches it through the organization with all application rights.
  assert.equal(names((await appAcc(eve.apiKey).listRights(appIds("org-app"))).rights), names([...rightsOfKind.application]));
  // Finn lists the organization's applications and reads them with his share of rights.
  const listed = await api(server, "GET", "/organizations/team/applications?field_mask=name", { key: finn.apiKey });
  assert.is(listed.status, 200, JSON.stringify(listed.body));
  assert.equal(listed.body.applications.map((a: any) => [a.ids.application_id, a.name]), [["org-app", "Org app"]]);
  assert.equal(names((await appAcc(finn.apiKey).listRights(appIds("org-app"))).rights), ["RIGHT_APPLICATION_INFO"]);
  // Gus has ORGANIZATION_ALL: he may list, but reads public fields only.
  const gusList = await appReg(gus.apiKey).list({ collaborator: org("team"), fieldMask: { paths: ["name", "administrative_contact"] } });
  assert.is(gusList.applications.length, 1);
  assert.is(gusList.applications[0]!.name, "");
  // An organization API key with APPLICATIONS_CREATE creates under its organization.
  const teamKey = await acc(eve.apiKey).createAPIKey({ organizationIds: orgIds("team"), rights: [R("RIGHT_ORGANIZATION_APPLICATIONS_CREATE"), R("RIGHT_APPLICATION_ALL")] });
  const byKey = await appReg(teamKey.key).create({ application: { ids: appIds("key-app") }, collaborator: org("team") });
  assert.is(byKey.ids?.applicationId, "key-app");
  assert.ok(names((await appAcc(teamKey.key).listRights(appIds("key-app"))).rights).includes("RIGHT_APPLICATION_DELETE"));
});

it("a deleted organization passes no rights to its members; restored, it does again", async () => {
  const teamKey = await acc(eve.apiKey).createAPIKey({ organizationIds: orgIds("team"), rights: [R("RIGHT_APPLICATION_INFO")] });
  assert.equal(names((await appAcc(teamKey.key).listRights(appIds("org-app"))).rights), ["RIGHT_APPLICATION_INFO"]);
  await orgReg(eve.apiKey).delete(orgIds("team"));
  assert.equal((await appAcc(eve.apiKey).listRights(appIds("org-app"))).rights, []);
  await rejects(appReg(eve.apiKey).get({ applicationIds: appIds("org-app"), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  assert.ok(!(await appReg(eve.apiKey).list({})).applications.some((a) => a.ids?.applicationId === "org-app"));
  assert.ok(!(await appReg(finn.apiKey).list({})).applications.some((a) => a.ids?.applicationId === "org-app"));
  // Nor do the organization's own keys.
  assert.equal((await appAcc(teamKey.key).listRights(appIds("org-app"))).rights, []);
  await orgReg(eve.apiKey).restore(orgIds("team"));
  assert.equal(names((await appAcc(finn.apiKey).listRights(appIds("org-app"))).rights), ["RIGHT_APPLICATION_INFO"]);
  assert.ok((await appReg(eve.apiKey).list({})).applications.some((a) => a.ids?.applicationId === "org-app"));
});

it("a purged organization's memberships and keys are gone in both directions", async () => {
  await orgReg(server.adminAPIKey).purge(orgIds("team"));
  await rejects(store.memberships.get(appRef("org-app"), orgRef("team")), Code.NotFound, "membership_not_found");
  assert.equal(await store.memberships.all(orgRef("team")), []);
  assert.is((await store.apiKeys.find(orgRef("team"), { limit: 10, page: 1 })).total, 0);
  assert.equal((await appAcc(eve.apiKey).listRights(appIds("org-app"))).rights, []);
});

test.after(() => server.close());
test.run();
