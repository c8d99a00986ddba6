// The permission-denied case "a member of another organization" (issue 3, bad
// input) for the services whose suites do not have it: ApplicationRegistry,
// ApplicationAccess, EntityRegistrySearch and UserBookmarkRegistry. Mallory
// owns organization `oo-other` (all rights); the application belongs to
// organization `oo-owner`, which she is no member of. Her user key and her
// organization's key reach nothing of it, over gRPC and HTTP.
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationAccess, ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { EntityRegistrySearch } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { UserBookmarkRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { RIGHT_ALL } from "../../src/rights/algebra.js";
import { api, grpcClient } from "../helpers/clients.js";
import { httpError, org, orgRef, rejects, user, userRef } from "../helpers/expect.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";

const server = await startTestServer();
test.after(() => server.close());
const p = server.population;

const olivia = await p.user({ id: "oo-olivia" });
const mallory = await p.user({ id: "oo-mallory" });
await p.organization(userRef(olivia.id), { id: "oo-owner" });
await p.organization(userRef(mallory.id), { id: "oo-other" });
const malloryOrgKey = await p.apiKey(orgRef("oo-other"), RIGHT_ALL);
const app = await p.application(orgRef("oo-owner"), { id: "oo-app", name: "OO secret app" });
const ownerKey = await p.apiKey({ kind: "application", id: app }, R("RIGHT_APPLICATION_INFO"));
await p.member({ kind: "application", id: app }, userRef(olivia.id), R("RIGHT_APPLICATION_INFO"));
const ids = { applicationId: app };

for (const [who, key] of [["a member of another organization", mallory.apiKey], ["another organization's key", malloryOrgKey]] as const) {
  test(`ApplicationRegistry: ${who} has no rights on the organization's application (gRPC and HTTP)`, async () => {
    const c = grpcClient(server, ApplicationRegistry, key);
    await rejects(c.get({ applicationIds: ids, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
    await rejects(c.update({ application: { ids, name: "taken" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
    await rejects(c.delete(ids), Code.PermissionDenied, "no_application_rights");
    await rejects(c.restore(ids), Code.PermissionDenied, "no_application_rights");
    await rejects(c.issueDevEUI(ids), Code.PermissionDenied, "no_application_rights");
    await rejects(c.create({ application: { ids: { applicationId: "oo-sneaky" } }, collaborator: org("oo-owner") }), Code.PermissionDenied, "no_organization_rights");
    await rejects(c.list({ collaborator: org("oo-owner") }), Code.PermissionDenied, "no_organization_rights");
    httpError(await api(server, "GET", `/applications/${app}?field_mask=name`, { key }), 403, "no_application_rights");
    httpError(await api(server, "GET", "/organizations/oo-owner/applications", { key }), 403, "no_organization_rights");
    // Listing without a collaborator shows only her own account's applications.
    const listed = await c.list({});
    assert.not.ok(listed.applications.some((a) => a.ids?.applicationId === app));
  });

  test(`ApplicationAccess: ${who} has no rights on the organization's application (gRPC and HTTP)`, async () => {
    const a = grpcClient(server, ApplicationAccess, key);
    assert.equal((await a.listRights(ids)).rights, []);
    await rejects(a.createAPIKey({ applicationIds: ids, rights: [R("RIGHT_APPLICATION_INFO")] }), Code.PermissionDenied, "no_application_rights");
    await rejects(a.listAPIKeys({ applicationIds: ids }), Code.PermissionDenied, "no_application_rights");
    await rejects(a.setCollaborator({ applicationIds: ids, collaborator: { ids: org("oo-other"), rights: [R("RIGHT_APPLICATION_ALL")] } }), Code.PermissionDenied, "no_application_rights");
    await rejects(a.deleteCollaborator({ applicationIds: ids, collaboratorIds: user(olivia.id) }), Code.PermissionDenied, "no_application_rights");
    httpError(await api(server, "POST", `/applications/${app}/api-keys`, { key, body: { rights: ["RIGHT_APPLICATION_INFO"] } }), 403, "no_application_rights");
    httpError(await api(server, "PUT", `/applications/${app}/collaborators`, { key, body: { collaborator: { ids: { organization_ids: { organization_id: "oo-other" } }, rights: ["RIGHT_APPLICATION_ALL"] } } }), 403, "no_application_rights");
    await rejects(p.store.memberships.get({ kind: "application", id: app }, orgRef("oo-other")), Code.NotFound, "membership_not_found");
  });

  test(`EntityRegistrySearch: ${who} does not find the organization's application`, async () => {
    const found = await grpcClient(server, EntityRegistrySearch, key).searchApplications({ query: "oo", fieldMask: { paths: ["name"] } });
    assert.not.ok(found.applications.some((a) => a.ids?.applicationId === app));
    const res = await api(server, "GET", "/search/applications?query=secret", { key });
    assert.is(res.status, 200);
    assert.equal(res.body.applications ?? [], []);
    assert.is(res.headers.get("x-total-count"), "0");
  });
}

test("UserBookmarkRegistry: a member of another organization cannot list or change the owner's bookmarks", async () => {
  await grpcClient(server, UserBookmarkRegistry, olivia.apiKey).create({ userIds: { userId: olivia.id }, entityIds: { ids: { case: "applicationIds", value: ids } } });
  const b = grpcClient(server, UserBookmarkRegistry, mallory.apiKey);
  await rejects(b.list({ userIds: { userId: olivia.id } }), Code.PermissionDenied, "no_user_rights");
  await rejects(b.delete({ userIds: { userId: olivia.id }, entityIds: { ids: { case: "applicationIds", value: ids } } }), Code.PermissionDenied, "no_user_rights");
  await rejects(grpcClient(server, UserBookmarkRegistry, malloryOrgKey).list({ userIds: { userId: olivia.id } }), Code.PermissionDenied, "no_user_rights");
  httpError(await api(server, "GET", `/users/${olivia.id}/bookmarks`, { key: mallory.apiKey }), 403, "no_user_rights");
  assert.is((await grpcClient(server, UserBookmarkRegistry, olivia.apiKey).list({ userIds: { userId: olivia.id } })).bookmarks.length, 1);
});

test("the organization's own members and keys do reach it (the fixture is sound)", async () => {
  assert.is((await grpcClient(server, ApplicationRegistry, olivia.apiKey).get({ applicationIds: ids, fieldMask: { paths: ["name"] } })).name, "OO secret app");
  assert.is((await grpcClient(server, ApplicationRegistry, ownerKey).get({ applicationIds: ids, fieldMask: { paths: ["name"] } })).name, "OO secret app");
});

test.run();
