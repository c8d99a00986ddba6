// Listing "my entities" goes through the one rights gate (issue 10 item 1):
// List without a collaborator is the List of the caller's own account (user,
// or organization for organization keys) and needs its <KIND>S_LIST right,
// exactly as with an explicit collaborator; so do the entity searches. Admins
// list everything only when their credential carries that right; cluster keys
// keep identifiers-only listing. Also the other branches that answered without
// the gate: users List and SearchUsers for admins' narrow keys, SearchAccounts
// with collaborator_of, and collaborators of public gateways.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import * as assert from "uvu/assert";
import { test } from "uvu";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { ClientRegistry } from "../../gen/ttn/lorawan/v3/client_services_pb.js";
import { GatewayAccess, GatewayRegistry } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { OAuthAccessTokenSchema } from "../../gen/ttn/lorawan/v3/oauth_pb.js";
import { OrganizationRegistry } from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import { EntityRegistrySearch } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import type { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { hashSecret } from "../../src/auth/secrets.js";
import { generateToken, TokenType } from "../../src/auth/tokens.js";
import { api, grpcClient } from "../helpers/clients.js";
import { httpError, it, org, orgRef, rejects, user, userRef } from "../helpers/expect.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";

const clusterKey = "00112233445566778899aabbccddeeff";
const server = await startTestServer({ "cluster.keys": [clusterKey] });
const p = server.population;
const store = p.store;

// owner: an application, a gateway with an EUI, an OAuth client, and through
// the organization "owners" one more application. stranger: one application.
await p.user({ id: "owner" });
await p.user({ id: "stranger" });
await p.organization(userRef("owner"), { id: "owners" });
await p.application(userRef("owner"), { id: "owner-app" });
await p.application(orgRef("owners"), { id: "owners-app" });
await p.gateway(userRef("owner"), { id: "owner-gtw", eui: "70B3D57ED0000001" });
await p.oauthClient(userRef("owner"), { id: "owner-client" });
await p.application(userRef("stranger"), { id: "stranger-app" });
await p.gateway(userRef("stranger"), { id: "public-gtw", statusPublic: true, locationPublic: true });

const infoKey = await p.apiKey(userRef("owner"), R("RIGHT_USER_INFO"));

/** An OAuth access token of `userId` through a client allowed `rights`, granted `rights`. */
async function accessToken(userId: string, ...rights: Right[]): Promise<string> {
  const clientId = await p.oauthClient(userRef(userId));
  await store.clients.update(clientId, { rights } as never, ["rights"]);
  const token = generateToken(TokenType.AccessToken);
  await store.oauth.createToken(
    create(OAuthAccessTokenSchema, {
      id: token.id,
      userIds: { userId },
      clientIds: { clientId },
      rights,
      createdAt: timestampFromDate(new Date()),
      expiresAt: timestampFromDate(new Date(Date.now() + 3_600_000)),
    }),
    { access: hashSecret(token.secret) },
    [],
  );
  return token.value;
}
const infoToken = await accessToken("owner", R("RIGHT_USER_INFO"));

const kinds = [
  { name: "applications", service: ApplicationRegistry, right: "RIGHT_USER_APPLICATIONS_LIST", list: "applications" },
  { name: "gateways", service: GatewayRegistry, right: "RIGHT_USER_GATEWAYS_LIST", list: "gateways" },
  { name: "clients", service: ClientRegistry, right: "RIGHT_USER_CLIENTS_LIST", list: "clients" },
  { name: "organizations", service: OrganizationRegistry, right: "RIGHT_USER_ORGANIZATIONS_LIST", list: "organizations" },
] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const listOf = (kind: (typeof kinds)[number], key: string, req: object = {}): Promise<any> => (grpcClient(server, kind.service, key) as any).list(req);

for (const credential of [{ what: "API key", key: infoKey }, { what: "OAuth access token", key: infoToken }]) {
  it(`List without a collaborator, ${credential.what} with only USER_INFO: 403 as with the collaborator named (gRPC and /api/v3)`, async () => {
    for (const kind of kinds) {
      const implicit = await rejects(listOf(kind, credential.key), Code.PermissionDenied, "insufficient_user_rights");
      const explicit = await rejects(listOf(kind, credential.key, { collaborator: user("owner") }), Code.PermissionDenied, "insufficient_user_rights");
      assert.equal(implicit, explicit, kind.name);
      assert.equal(implicit.attributes.missing, [kind.right]);
      const res = await api(server, "GET", `/${kind.name}`, { key: credential.key });
      const details = httpError(res, 403, "insufficient_user_rights");
      assert.is(res.body.code, 7);
      assert.equal(details.attributes.missing, [kind.right], kind.name);
      const named = await api(server, "GET", `/users/owner/${kind.name}`, { key: credential.key });
      const sansCorrelation = (body: any) => JSON.stringify(body, (k, v) => (k === "correlation_id" ? undefined : v)); // eslint-disable-line @typescript-eslint/no-explicit-any
      assert.is(sansCorrelation(res.body), sansCorrelation(named.body), kind.name);
    }
  });

  it(`Search without the LIST right, ${credential.what} with only USER_INFO: 403`, async () => {
    const s = grpcClient(server, EntityRegistrySearch, credential.key);
    await rejects(s.searchApplications({}), Code.PermissionDenied, "insufficient_user_rights");
    await rejects(s.searchGateways({ euiContains: "70b3" }), Code.PermissionDenied, "insufficient_user_rights");
    await rejects(s.searchClients({}), Code.PermissionDenied, "insufficient_user_rights");
    await rejects(s.searchOrganizations({}), Code.PermissionDenied, "insufficient_user_rights");
    httpError(await api(server, "GET", "/search/gateways", { key: credential.key }), 403, "insufficient_user_rights");
  });
}

it("List without a collaborator with the LIST right: the caller's own entities, direct and through organizations", async () => {
  const key = await p.apiKey(userRef("owner"), R("RIGHT_USER_APPLICATIONS_LIST"), R("RIGHT_USER_ORGANIZATIONS_LIST"), R("RIGHT_USER_GATEWAYS_LIST"));
  const apps = await grpcClient(server, ApplicationRegistry, key).list({ fieldMask: { paths: ["name"] } });
  assert.equal(apps.applications.map((a) => a.ids?.applicationId).sort(), ["owner-app", "owners-app"]);
  // Without APPLICATION_INFO the entries are reduced to public fields.
  assert.ok(apps.applications.every((a) => a.name === ""));
  assert.equal((await grpcClient(server, OrganizationRegistry, key).list({})).organizations.map((o) => o.ids?.organizationId), ["owners"]);
  const gtws = await api(server, "GET", "/gateways", { key });
  assert.equal(gtws.body.gateways.map((g: any) => g.ids.gateway_id), ["owner-gtw"]); // eslint-disable-line @typescript-eslint/no-explicit-any
  const searched = await grpcClient(server, EntityRegistrySearch, key).searchApplications({});
  assert.equal(searched.applications.map((a) => a.ids?.applicationId).sort(), ["owner-app", "owners-app"]);
});

it("admins: a key with only USER_INFO lists nothing; with the LIST right every entity", async () => {
  await p.user({ id: "root", admin: true });
  const narrow = await p.apiKey(userRef("root"), R("RIGHT_USER_INFO"));
  for (const kind of kinds) await rejects(listOf(kind, narrow), Code.PermissionDenied, "insufficient_user_rights");
  httpError(await api(server, "GET", "/applications", { key: narrow }), 403, "insufficient_user_rights");
  await rejects(grpcClient(server, EntityRegistrySearch, narrow).searchApplications({}), Code.PermissionDenied, "insufficient_user_rights");
  const lister = await p.apiKey(userRef("root"), R("RIGHT_USER_APPLICATIONS_LIST"), R("RIGHT_APPLICATION_INFO"));
  const all = await grpcClient(server, ApplicationRegistry, lister).list({ fieldMask: { paths: ["name"] } });
  const ids = all.applications.map((a) => a.ids?.applicationId);
  for (const id of ["owner-app", "owners-app", "stranger-app"]) assert.ok(ids.includes(id), id);
  assert.is(all.applications.find((a) => a.ids?.applicationId === "stranger-app")?.name, "Application stranger-app");
  const searched = await grpcClient(server, EntityRegistrySearch, lister).searchApplications({ idContains: "stranger" });
  assert.equal(searched.applications.map((a) => a.ids?.applicationId), ["stranger-app"]);
});

it("organization keys: their own applications need ORGANIZATION_APPLICATIONS_LIST; organizations list none", async () => {
  const info = await p.apiKey(orgRef("owners"), R("RIGHT_ORGANIZATION_INFO"));
  const d = await rejects(grpcClient(server, ApplicationRegistry, info).list({}), Code.PermissionDenied, "insufficient_organization_rights");
  assert.equal(d.attributes.missing, ["RIGHT_ORGANIZATION_APPLICATIONS_LIST"]);
  httpError(await api(server, "GET", "/applications", { key: info }), 403, "insufficient_organization_rights");
  await rejects(grpcClient(server, GatewayRegistry, info).list({}), Code.PermissionDenied, "insufficient_organization_rights");
  await rejects(grpcClient(server, ClientRegistry, info).list({}), Code.PermissionDenied, "insufficient_organization_rights");
  await rejects(grpcClient(server, EntityRegistrySearch, info).searchApplications({}), Code.PermissionDenied, "insufficient_organization_rights");
  const lister = await p.apiKey(orgRef("owners"), R("RIGHT_ORGANIZATION_APPLICATIONS_LIST"));
  assert.equal((await grpcClient(server, ApplicationRegistry, lister).list({})).applications.map((a) => a.ids?.applicationId), ["owners-app"]);
  // An organization is a member of no organization: nothing to list; naming one as collaborator is refused.
  const all = await p.apiKey(orgRef("owners"), R("RIGHT_ALL"));
  assert.equal((await grpcClient(server, OrganizationRegistry, all).list({})).organizations, []);
  assert.equal((await grpcClient(server, EntityRegistrySearch, all).searchOrganizations({})).organizations, []);
  await rejects(grpcClient(server, OrganizationRegistry, all).list({ collaborator: org("owners") }), Code.InvalidArgument, "nested_organizations");
});

it("cluster keys keep identifiers-only listing of applications and gateways; other keys list nothing", async () => {
  const headers = { authorization: `ClusterKey ${clusterKey}` };
  const apps = await api(server, "GET", "/applications?field_mask=name", { headers });
  assert.is(apps.status, 200);
  assert.ok(apps.body.applications.length >= 3 && apps.body.applications.every((a: any) => a.name === undefined)); // eslint-disable-line @typescript-eslint/no-explicit-any
  const gtws = await api(server, "GET", "/gateways", { headers });
  assert.ok(gtws.body.gateways.length >= 2);
  assert.equal((await api(server, "GET", "/clients", { headers })).body, {});
  assert.equal((await api(server, "GET", "/organizations", { headers })).body, {});
  const appKey = await p.apiKey({ kind: "application", id: "owner-app" }, R("RIGHT_APPLICATION_ALL"));
  assert.equal((await api(server, "GET", "/applications", { key: appKey })).body, {});
});

it("users List and SearchUsers: an admin's key needs USER_INFO (universally)", async () => {
  await p.user({ id: "root2", admin: true });
  const narrow = await p.apiKey(userRef("root2"), R("RIGHT_APPLICATION_INFO"));
  const d = await rejects(grpcClient(server, UserRegistry, narrow).list({}), Code.PermissionDenied, "insufficient_universal_rights");
  assert.equal(d.attributes.missing, ["RIGHT_USER_INFO"]);
  httpError(await api(server, "GET", "/users", { key: narrow }), 403, "insufficient_universal_rights");
  await rejects(grpcClient(server, EntityRegistrySearch, narrow).searchUsers({}), Code.PermissionDenied, "insufficient_universal_rights");
  const reader = await p.apiKey(userRef("root2"), R("RIGHT_USER_INFO"));
  assert.ok((await grpcClient(server, UserRegistry, reader).list({})).users.some((u) => u.ids?.userId === "owner"));
  // Non-admins stay refused, whatever their key holds.
  await rejects(grpcClient(server, UserRegistry, infoKey).list({}), Code.PermissionDenied, "permission_denied");
});

it("members of an entity: SearchAccounts collaborator_of and ListCollaborators need some right of the caller's own", async () => {
  const strangerKey = await p.apiKey(userRef("stranger"), R("RIGHT_ALL"));
  const s = grpcClient(server, EntityRegistrySearch, strangerKey);
  await rejects(s.searchAccounts({ collaboratorOf: { case: "applicationIds", value: { applicationId: "owner-app" } } }), Code.PermissionDenied, "no_application_rights");
  httpError(await api(server, "GET", "/gateways/owner-gtw/collaborators/search", { key: strangerKey }), 403, "no_gateway_rights");
  httpError(await api(server, "GET", "/organizations/owners/collaborators/search", { key: infoKey }), 403, "no_organization_rights");
  // A public gateway lends its status and location to everyone: that is no right to see its members.
  const ownerKey = await p.apiKey(userRef("owner"), R("RIGHT_ALL"));
  await rejects(grpcClient(server, GatewayAccess, ownerKey).listCollaborators({ gatewayIds: { gatewayId: "public-gtw" } }), Code.PermissionDenied, "insufficient_gateway_rights");
  httpError(await api(server, "GET", "/gateways/public-gtw/collaborators/search", { key: ownerKey }), 403, "insufficient_gateway_rights");
  // Members do see them.
  const members = await s.searchAccounts({ collaboratorOf: { case: "gatewayIds", value: { gatewayId: "public-gtw" } } });
  assert.equal(members.accountIds.map((a) => a.ids.value?.$typeName === "ttn.lorawan.v3.UserIdentifiers" && a.ids.value.userId), ["stranger"]);
});

test.after(() => server.close());
test.run();
