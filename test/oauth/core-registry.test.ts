// OAuthAuthorizationRegistry: permission denied first, then listing
// authorizations and tokens (secrets never shown), revoking a token and an
// authorization (its tokens stop at once), over gRPC and /api/v3.
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { OAuthAuthorizationRegistry } from "../../gen/ttn/lorawan/v3/oauth_services_pb.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { api, connectClient, grpcClient } from "../helpers/clients.js";
import { httpError, rejects } from "../helpers/expect.js";
import { codeFor, coreDeps, defaultRedirect, oauthClient, tokenRequest } from "./core-helpers.js";

const ts = await startTestServer();
const deps = coreDeps(ts);
const alice = await ts.population.user({ id: "alice" });
const bob = await ts.population.user({ id: "bob" });
const rights = [R("RIGHT_USER_INFO")];
const web = await oauthClient(ts, { id: "web-app", rights });
const mobile = await oauthClient(ts, { id: "mobile-app", rights: [R("RIGHT_USER_INFO"), R("RIGHT_USER_AUTHORIZED_CLIENTS")] });

async function tokenOf(userId: string, client: { id: string; secret: string }): Promise<string> {
  const { code } = await codeFor(deps, userId, { client_id: client.id });
  const res = await tokenRequest(ts, { grant_type: "authorization_code", code, redirect_uri: defaultRedirect }, { basic: [client.id, client.secret] });
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body.access_token;
}
const idOf = (token: string) => token.split(".")[1]!;
const registry = (key?: string) => grpcClient(ts, OAuthAuthorizationRegistry, key);
const pair = (userId: string, clientId: string) => ({ userIds: { userId }, clientIds: { clientId } });

const aliceWeb1 = await tokenOf(alice.id, web);
const aliceWeb2 = await tokenOf(alice.id, web);
const aliceMobile = await tokenOf(alice.id, mobile);
const bobWeb = await tokenOf(bob.id, web);
const aliceInfoOnly = await ts.population.apiKey({ kind: "user", id: alice.id }, R("RIGHT_USER_INFO"));

test("permission denied: no credentials, another user, a key without the right, a token of another client", async () => {
  await rejects(registry().list({ userIds: { userId: alice.id } }), Code.Unauthenticated, "unauthenticated");
  await rejects(registry(bob.apiKey).list({ userIds: { userId: alice.id } }), Code.PermissionDenied, "no_user_rights");
  await rejects(registry(aliceInfoOnly).list({ userIds: { userId: alice.id } }), Code.PermissionDenied, "insufficient_user_rights");
  await rejects(registry(aliceInfoOnly).listTokens(pair(alice.id, web.id)), Code.PermissionDenied, "insufficient_user_rights");
  await rejects(registry(aliceInfoOnly).delete(pair(alice.id, web.id)), Code.PermissionDenied, "insufficient_user_rights");
  await rejects(registry(bob.apiKey).deleteToken({ ...pair(alice.id, web.id), id: idOf(aliceWeb1) }), Code.PermissionDenied, "no_user_rights");
  // A token of alice and web-app speaks only for that pair.
  await rejects(registry(aliceWeb1).list({ userIds: { userId: alice.id } }), Code.PermissionDenied, "insufficient_user_rights");
  await rejects(registry(aliceWeb1).listTokens(pair(alice.id, mobile.id)), Code.PermissionDenied, "insufficient_user_rights");
  await rejects(registry(bobWeb).listTokens(pair(alice.id, web.id)), Code.PermissionDenied, "no_user_rights");
  await rejects(registry(alice.apiKey).list({ userIds: { userId: "Not valid" } }), Code.InvalidArgument, "validation");
});

test("List: the clients the user authorized, paginated, with X-Total-Count", async () => {
  const all = await registry(alice.apiKey).list({ userIds: { userId: alice.id } });
  assert.equal(all.authorizations.map((a) => a.clientIds?.clientId), [mobile.id, web.id]);
  assert.equal(all.authorizations[1]!.rights, rights);
  const page = await api(ts, "GET", `/users/${alice.id}/authorizations?limit=1&page=2&order=created_at`, { key: alice.apiKey });
  assert.is(page.status, 200);
  assert.is(page.headers.get("x-total-count"), "2");
  assert.is(page.body.authorizations.length, 1);
  // A token holding RIGHT_USER_AUTHORIZED_CLIENTS may list them.
  assert.is((await registry(aliceMobile).list({ userIds: { userId: alice.id } })).authorizations.length, 2);
});

test("ListTokens: with the right, or with a token of the same user and client; no secrets", async () => {
  const byKey = await registry(alice.apiKey).listTokens(pair(alice.id, web.id));
  assert.equal(new Set(byKey.tokens.map((t) => t.id)), new Set([idOf(aliceWeb1), idOf(aliceWeb2)]));
  for (const t of byKey.tokens) {
    assert.is(t.accessToken, "");
    assert.is(t.refreshToken, "");
    assert.ok(t.expiresAt);
  }
  const byToken = await registry(aliceWeb2).listTokens(pair(alice.id, web.id));
  assert.is(byToken.tokens.length, 2);
  const http = await api(ts, "GET", `/users/${alice.id}/authorizations/${web.id}/tokens`, { key: aliceWeb1 });
  assert.is(http.status, 200);
  assert.is(http.headers.get("x-total-count"), "2");
  assert.not.ok(http.body.tokens[0].access_token);
});

test("DeleteToken: a token holder may revoke the pair's tokens, not another's", async () => {
  await rejects(registry(aliceWeb1).deleteToken({ ...pair(alice.id, web.id), id: idOf(bobWeb) }), Code.PermissionDenied, "access_token_mismatch");
  await rejects(registry(alice.apiKey).deleteToken({ ...pair(alice.id, web.id), id: idOf(bobWeb) }), Code.NotFound, "access_token_not_found");
  await rejects(registry(alice.apiKey).deleteToken({ ...pair(alice.id, web.id), id: "NOSUCHTOKEN" }), Code.NotFound, "access_token_not_found");
  await connectClient(ts, EntityAccess, bobWeb).authInfo({});
  await registry(aliceWeb1).deleteToken({ ...pair(alice.id, web.id), id: idOf(aliceWeb2) });
  await rejects(connectClient(ts, EntityAccess, aliceWeb2).authInfo({}), Code.Unauthenticated, "token_not_found");
  await connectClient(ts, EntityAccess, aliceWeb1).authInfo({});
});

test("Delete: the authorization and its tokens go at once; others stay", async () => {
  const res = await api(ts, "DELETE", `/users/${alice.id}/authorizations/${web.id}`, { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  await rejects(connectClient(ts, EntityAccess, aliceWeb1).authInfo({}), Code.Unauthenticated, "token_not_found");
  await connectClient(ts, EntityAccess, aliceMobile).authInfo({});
  await connectClient(ts, EntityAccess, bobWeb).authInfo({});
  assert.equal((await registry(alice.apiKey).list({ userIds: { userId: alice.id } })).authorizations.map((a) => a.clientIds?.clientId), [mobile.id]);
  httpError(await api(ts, "DELETE", `/users/${alice.id}/authorizations/${web.id}`, { key: alice.apiKey }), 404, "authorization_not_found");
});

test("admins may manage any user's authorizations", async () => {
  assert.is((await registry(ts.adminAPIKey).list({ userIds: { userId: bob.id } })).authorizations.length, 1);
  await registry(ts.adminAPIKey).delete(pair(bob.id, web.id));
  await rejects(connectClient(ts, EntityAccess, bobWeb).authInfo({}), Code.Unauthenticated, "token_not_found");
});

test.after(() => ts.close());
test.run();
