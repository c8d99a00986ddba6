// /api/v3 for the methods whose HTTP bindings no other suite calls (their gRPC
// behaviour is tested in each service's suite): GatewayAccess API keys and
// collaborators, GatewayRegistry.Restore, GatewayBatchAccess.AssertRights,
// OrganizationAccess.GetAPIKey/UpdateAPIKey, EntityRegistrySearch.SearchClients
// and UserBookmarkRegistry.BatchDelete. Each answers through its route with
// the public API's JSON, credentials checked first.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { api } from "../helpers/clients.js";
import { httpError } from "../helpers/expect.js";
import { startTestServer } from "../helpers/harness.js";

const server = await startTestServer();
test.after(() => server.close());
const p = server.population;

const alice = await p.user({ id: "hb-alice" });
const bob = await p.user({ id: "hb-bob" });
const aliceRef = { kind: "user" as const, id: alice.id };
await p.gateway(aliceRef, { id: "hb-gtw" });
await p.gateway(aliceRef, { id: "hb-gtw-deleted" });
await p.organization(aliceRef, { id: "hb-org" });
await p.oauthClient(aliceRef, { id: "hb-client", name: "HB Console" });
await p.oauthClient({ kind: "user", id: bob.id }, { id: "hb-bob-client", name: "HB Bob" });
await p.application(aliceRef, { id: "hb-app" });

test("GatewayAccess API keys over HTTP: create, update, get, delete; the key works until deleted", async () => {
  httpError(await api(server, "POST", "/gateways/hb-gtw/api-keys", { body: { name: "k", rights: ["RIGHT_GATEWAY_INFO"] } }), 401, "unauthenticated");
  httpError(await api(server, "POST", "/gateways/hb-gtw/api-keys", { key: bob.apiKey, body: { name: "k", rights: ["RIGHT_GATEWAY_INFO"] } }), 403, "no_gateway_rights");

  const created = await api(server, "POST", "/gateways/hb-gtw/api-keys", { key: alice.apiKey, body: { name: "reader", rights: ["RIGHT_GATEWAY_INFO"] } });
  assert.is(created.status, 200, JSON.stringify(created.body));
  assert.match(created.body.key, /^NNSXS\./);
  assert.equal(created.body.rights, ["RIGHT_GATEWAY_INFO"]);
  const id = created.body.id as string;
  assert.is((await api(server, "GET", "/gateways/hb-gtw?field_mask=name", { key: created.body.key })).status, 200);

  const updated = await api(server, "PUT", `/gateways/hb-gtw/api-keys/${id}`, {
    key: alice.apiKey,
    body: { api_key: { name: "renamed", rights: ["RIGHT_GATEWAY_INFO", "RIGHT_GATEWAY_LOCATION_READ"] }, field_mask: { paths: ["name", "rights"] } },
  });
  assert.is(updated.status, 200, JSON.stringify(updated.body));
  assert.is(updated.body.name, "renamed");
  assert.is(updated.body.key, undefined);
  const got = await api(server, "GET", `/gateways/hb-gtw/api-keys/${id}`, { key: alice.apiKey });
  assert.is(got.body.name, "renamed");
  assert.equal([...got.body.rights].sort(), ["RIGHT_GATEWAY_INFO", "RIGHT_GATEWAY_LOCATION_READ"]);

  const deleted = await api(server, "DELETE", `/gateways/hb-gtw/api-keys/${id}`, { key: alice.apiKey });
  assert.is(deleted.status, 200, JSON.stringify(deleted.body));
  assert.equal(deleted.body, {});
  httpError(await api(server, "GET", "/auth_info", { key: created.body.key }), 401, "api_key_not_found");
});

test("GatewayAccess collaborators over HTTP: set a user and an organization, get each by its path", async () => {
  const body = (ids: object, rights: string[]) => ({ body: { collaborator: { ids, rights } } });
  httpError(await api(server, "PUT", "/gateways/hb-gtw/collaborators", body({ user_ids: { user_id: bob.id } }, ["RIGHT_GATEWAY_INFO"])), 401, "unauthenticated");
  const set = await api(server, "PUT", "/gateways/hb-gtw/collaborators", { key: alice.apiKey, ...body({ user_ids: { user_id: bob.id } }, ["RIGHT_GATEWAY_INFO"]) });
  assert.is(set.status, 200, JSON.stringify(set.body));
  assert.equal(set.body, {});
  const asOrg = await api(server, "PUT", "/gateways/hb-gtw/collaborators", { key: alice.apiKey, ...body({ organization_ids: { organization_id: "hb-org" } }, ["RIGHT_GATEWAY_INFO", "RIGHT_GATEWAY_STATUS_READ"]) });
  assert.is(asOrg.status, 200, JSON.stringify(asOrg.body));

  const user = await api(server, "GET", `/gateways/hb-gtw/collaborator/user/${bob.id}`, { key: alice.apiKey });
  assert.is(user.status, 200, JSON.stringify(user.body));
  assert.equal(user.body, { ids: { user_ids: { user_id: bob.id } }, rights: ["RIGHT_GATEWAY_INFO"] });
  const org = await api(server, "GET", "/gateways/hb-gtw/collaborator/organization/hb-org", { key: alice.apiKey });
  assert.equal([...org.body.rights].sort(), ["RIGHT_GATEWAY_INFO", "RIGHT_GATEWAY_STATUS_READ"]);
  // Bob now reads the gateway, but cannot make himself more.
  assert.is((await api(server, "GET", "/gateways/hb-gtw?field_mask=name", { key: bob.apiKey })).status, 200);
  httpError(await api(server, "PUT", "/gateways/hb-gtw/collaborators", { key: bob.apiKey, ...body({ user_ids: { user_id: bob.id } }, ["RIGHT_GATEWAY_ALL"]) }), 403, "insufficient_gateway_rights");
});

test("GatewayRegistry.Restore over HTTP: POST /gateways/{id}/restore brings a deleted gateway back", async () => {
  httpError(await api(server, "POST", "/gateways/hb-gtw-deleted/restore"), 401, "unauthenticated");
  assert.is((await api(server, "DELETE", "/gateways/hb-gtw-deleted", { key: alice.apiKey })).status, 200);
  assert.is((await api(server, "GET", "/gateways/hb-gtw-deleted?field_mask=name", { key: alice.apiKey })).status, 403);
  const restored = await api(server, "POST", "/gateways/hb-gtw-deleted/restore", { key: alice.apiKey });
  assert.is(restored.status, 200, JSON.stringify(restored.body));
  assert.equal(restored.body, {});
  assert.is((await api(server, "GET", "/gateways/hb-gtw-deleted?field_mask=name", { key: alice.apiKey })).body.name, "Gateway hb-gtw-deleted");
});

test("GatewayBatchAccess.AssertRights over HTTP: the route answers; gateway IDs cannot be given in the URL", async () => {
  httpError(await api(server, "GET", "/gateways/rights/batch"), 401, "unauthenticated");
  // The request is all query parameters and gateway_ids is a repeated message,
  // which URLs cannot carry (as in grpc-gateway): the call is empty, or refused.
  httpError(await api(server, "GET", "/gateways/rights/batch?required.rights=RIGHT_GATEWAY_INFO", { key: alice.apiKey }), 400, "empty_request");
  const d = httpError(await api(server, "GET", "/gateways/rights/batch?gateway_ids.gateway_id=hb-gtw", { key: alice.apiKey }), 400, "validation");
  assert.match(JSON.stringify(d), "gateway_ids");
});

test("OrganizationAccess API keys over HTTP: get and update", async () => {
  const created = await api(server, "POST", "/organizations/hb-org/api-keys", { key: alice.apiKey, body: { name: "org-key", rights: ["RIGHT_ORGANIZATION_INFO"] } });
  assert.is(created.status, 200, JSON.stringify(created.body));
  const id = created.body.id as string;
  httpError(await api(server, "GET", `/organizations/hb-org/api-keys/${id}`), 401, "unauthenticated");
  httpError(await api(server, "GET", `/organizations/hb-org/api-keys/${id}`, { key: bob.apiKey }), 403, "no_organization_rights");
  const got = await api(server, "GET", `/organizations/hb-org/api-keys/${id}`, { key: alice.apiKey });
  assert.is(got.status, 200, JSON.stringify(got.body));
  assert.equal([got.body.id, got.body.name, got.body.rights, got.body.key], [id, "org-key", ["RIGHT_ORGANIZATION_INFO"], undefined]);
  const updated = await api(server, "PUT", `/organizations/hb-org/api-keys/${id}`, {
    key: alice.apiKey,
    body: { api_key: { name: "org-key-2" }, field_mask: { paths: ["name"] } },
  });
  assert.is(updated.status, 200, JSON.stringify(updated.body));
  assert.is((await api(server, "GET", `/organizations/hb-org/api-keys/${id}`, { key: alice.apiKey })).body.name, "org-key-2");
  httpError(await api(server, "GET", "/organizations/hb-org/api-keys/NOSUCHKEY", { key: alice.apiKey }), 404, "api_key_not_found");
});

test("EntityRegistrySearch.SearchClients over HTTP: the caller's clients, with X-Total-Count", async () => {
  httpError(await api(server, "GET", "/search/clients?query=hb"), 401, "unauthenticated");
  const res = await api(server, "GET", "/search/clients?query=hb&field_mask=name&order=client_id", { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.clients.map((c: { ids: { client_id: string }; name: string }) => [c.ids.client_id, c.name]), [["hb-client", "HB Console"]]);
  assert.is(res.headers.get("x-total-count"), "1");
  const all = await api(server, "GET", "/search/clients?name_contains=HB", { key: server.adminAPIKey });
  assert.is(all.headers.get("x-total-count"), "2");
});

test("UserBookmarkRegistry.BatchDelete over HTTP: the route answers; entity IDs cannot be given in the URL", async () => {
  assert.is((await api(server, "POST", `/users/${alice.id}/bookmarks`, { key: alice.apiKey, body: { entity_ids: { application_ids: { application_id: "hb-app" } } } })).status, 200);
  httpError(await api(server, "DELETE", `/users/${alice.id}/bookmarks/batch`), 401, "unauthenticated");
  httpError(await api(server, "DELETE", `/users/${alice.id}/bookmarks/batch`, { key: bob.apiKey }), 403, "no_user_rights");
  // entity_ids is a repeated message: a URL cannot carry it, so the request has none.
  const empty = await api(server, "DELETE", `/users/${alice.id}/bookmarks/batch`, { key: alice.apiKey });
  assert.is(empty.status, 400, JSON.stringify(empty.body));
  assert.is((await api(server, "GET", `/users/${alice.id}/bookmarks`, { key: alice.apiKey })).body.bookmarks.length, 1);
});

test.run();
