// OAuth access tokens (and login sessions) as credentials on the API: a token
// never carries more than the client's rights ∩ the user's rights ∩ what the
// user granted, the user's and client's states apply, and AuthInfo shows the
// token without its secrets.
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { ClientSchema } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { api, connectClient, grpcClient } from "../helpers/clients.js";
import { rejects } from "../helpers/expect.js";
import { codeFor, coreDeps, defaultRedirect, oauthClient, tokenRequest } from "./core-helpers.js";

const ts = await startTestServer();
const deps = coreDeps(ts);
const store = ts.server.store;
const alice = await ts.population.user({ id: "alice" });
const appA = await ts.population.application({ kind: "user", id: "admin" }, { id: "app-a" });
const appB = await ts.population.application({ kind: "user", id: "admin" }, { id: "app-b" });
// Alice may read and change app A; nothing on app B.
await ts.population.member({ kind: "application", id: appA }, { kind: "user", id: alice.id }, R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_SETTINGS_BASIC"));
// The client may only read applications and the user.
const clientRights = [R("RIGHT_USER_INFO"), R("RIGHT_APPLICATION_INFO")];
const web = await oauthClient(ts, { id: "web-app", rights: clientRights });

async function tokenOf(userId: string, client = web): Promise<string> {
  const { code } = await codeFor(deps, userId, { client_id: client.id });
  const res = await tokenRequest(ts, { grant_type: "authorization_code", code, redirect_uri: defaultRedirect }, { basic: [client.id, client.secret] });
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body.access_token;
}

test("AuthInfo with an access token: the token without secrets, its user and rights", async () => {
  const token = await tokenOf(alice.id);
  const info = await grpcClient(ts, EntityAccess, token).authInfo({});
  assert.is(info.accessMethod.case, "oauthAccessToken");
  const t = info.accessMethod.value as { id: string; accessToken: string; refreshToken: string; userIds?: { userId: string }; clientIds?: { clientId: string }; rights: number[] };
  assert.is(t.id, token.split(".")[1]);
  assert.is(t.accessToken, "");
  assert.is(t.refreshToken, "");
  assert.is(t.userIds?.userId, alice.id);
  assert.is(t.clientIds?.clientId, web.id);
  assert.equal(t.rights, clientRights);
  assert.is(info.isAdmin, false);
  // And over HTTP.
  const http = await api(ts, "GET", "/auth_info", { key: token });
  assert.is(http.status, 200);
  assert.is(http.body.oauth_access_token.client_ids.client_id, web.id);
  assert.not.ok(http.body.oauth_access_token.access_token);
});

test("a token does what client ∩ user ∩ granted allows, nothing more", async () => {
  const token = await tokenOf(alice.id);
  const apps = connectClient(ts, ApplicationRegistry, token);
  const app = await apps.get({ applicationIds: { applicationId: appA }, fieldMask: { paths: ["name"] } });
  assert.is(app.ids?.applicationId, appA);
  // The user may change app A, the client may not.
  await rejects(apps.update({ application: { ids: { applicationId: appA }, name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "insufficient_application_rights");
  // The client may read applications, the user not app B.
  await rejects(apps.get({ applicationIds: { applicationId: appB }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
  // Not the user's own settings either.
  await rejects(connectClient(ts, UserRegistry, token).update({ user: { ids: { userId: alice.id }, name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "insufficient_user_rights");
});

test("an admin's token: universal rights cut to the token's", async () => {
  const admin = await ts.population.user({ id: "root", admin: true });
  const token = await tokenOf(admin.id);
  const info = await connectClient(ts, EntityAccess, token).authInfo({});
  assert.is(info.isAdmin, true);
  const universal = info.universalRights?.rights ?? [];
  assert.ok(universal.length > 0);
  assert.ok(universal.every((r) => clientRights.includes(r)), `universal ${universal} within the token's rights`);
  const apps = connectClient(ts, ApplicationRegistry, token);
  await apps.get({ applicationIds: { applicationId: appB }, fieldMask: { paths: ["name"] } });
  await rejects(apps.update({ application: { ids: { applicationId: appB }, name: "x" }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "insufficient_application_rights");
});

test("a client that loses rights takes them from its tokens at once", async () => {
  await oauthClient(ts, { id: "shrinking", rights: clientRights });
  const token = await tokenOf(alice.id, { id: "shrinking", secret: "secret-of-shrinking" });
  await store.clients.update("shrinking", create(ClientSchema, { rights: [R("RIGHT_USER_INFO")] }), ["rights"]);
  const info = await connectClient(ts, EntityAccess, token).authInfo({});
  assert.equal(info.accessMethod.case === "oauthAccessToken" && info.accessMethod.value.rights, [R("RIGHT_USER_INFO")]);
  await rejects(connectClient(ts, ApplicationRegistry, token).get({ applicationIds: { applicationId: appA }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "no_application_rights");
});

test("the user's state restricts the token; a suspended or rejected client's tokens stop", async () => {
  const carol = await ts.population.user({ id: "carol" });
  const token = await tokenOf(carol.id);
  await store.users.update(carol.id, create(UserSchema, { state: State.SUSPENDED, stateDescription: "abuse" }), ["state", "state_description"]);
  const res = await api(ts, "GET", "/auth_info", { key: token });
  assert.equal(res.body.oauth_access_token.rights, ["RIGHT_USER_INFO"]);
  assert.match(res.headers.get("x-warning") ?? "", /suspension/);

  await oauthClient(ts, { id: "doomed-app", rights: clientRights });
  const doomed = await tokenOf(alice.id, { id: "doomed-app", secret: "secret-of-doomed-app" });
  await store.clients.update("doomed-app", create(ClientSchema, { state: State.SUSPENDED, stateDescription: "leaked" }), ["state", "state_description"]);
  await rejects(connectClient(ts, EntityAccess, doomed).authInfo({}), Code.PermissionDenied, "oauth_client_suspended");
  await store.clients.update("doomed-app", create(ClientSchema, { state: State.REJECTED }), ["state"]);
  await rejects(connectClient(ts, EntityAccess, doomed).authInfo({}), Code.PermissionDenied, "oauth_client_rejected");
});

test("expired, unknown and wrong tokens", async () => {
  const token = await tokenOf(alice.id);
  const [, id] = token.split(".");
  await rejects(connectClient(ts, EntityAccess, `MFRWG.${id}.${"A".repeat(52)}`).authInfo({}), Code.Unauthenticated, "invalid_authorization");
  await rejects(connectClient(ts, EntityAccess, `MFRWG.${"B".repeat(39)}.${"A".repeat(52)}`).authInfo({}), Code.Unauthenticated, "token_not_found");
  const later = await startTestServer({}, { now: () => new Date(Date.now() + 2 * 3600_000), tenantId: ts.tenantId });
  try {
    await rejects(connectClient(later, EntityAccess, token).authInfo({}), Code.Unauthenticated, "token_expired");
  } finally {
    await later.close();
  }
  // A refresh token or a code is no credential.
  await rejects(connectClient(ts, EntityAccess, `OJSWM.${id}.${"A".repeat(52)}`).authInfo({}), Code.Unauthenticated, "unsupported_authorization");
});

test("revoking all access with the password change ends the user's tokens", async () => {
  const dave = await ts.population.user({ id: "dave" });
  const token = await tokenOf(dave.id);
  await connectClient(ts, UserRegistry).updatePassword({ userIds: { userId: dave.id }, old: dave.password, new: "N3w-password-for-D", revokeAllAccess: false });
  await connectClient(ts, EntityAccess, token).authInfo({});
  await connectClient(ts, UserRegistry).updatePassword({ userIds: { userId: dave.id }, old: "N3w-password-for-D", new: "Ano7her-password", revokeAllAccess: true });
  await rejects(connectClient(ts, EntityAccess, token).authInfo({}), Code.Unauthenticated, "token_not_found");
});

test("deleting the user or the client ends the tokens and forgets the consent", async () => {
  const erin = await ts.population.user({ id: "erin" });
  const token = await tokenOf(erin.id);
  await connectClient(ts, UserRegistry, erin.apiKey).delete({ userId: erin.id });
  await rejects(connectClient(ts, EntityAccess, token).authInfo({}), Code.Unauthenticated, "token_not_found");
  assert.is(await store.oauth.getAuthorization(erin.id, web.id), undefined);

  await oauthClient(ts, { id: "short-lived", rights: clientRights });
  const other = await tokenOf(alice.id, { id: "short-lived", secret: "secret-of-short-lived" });
  const { ClientRegistry } = await import("../../gen/ttn/lorawan/v3/client_services_pb.js");
  await connectClient(ts, ClientRegistry, ts.adminAPIKey).delete({ clientId: "short-lived" });
  await connectClient(ts, ClientRegistry, ts.adminAPIKey).purge({ clientId: "short-lived" });
  await oauthClient(ts, { id: "short-lived", rights: clientRights });
  await rejects(connectClient(ts, EntityAccess, other).authInfo({}), Code.Unauthenticated, "token_not_found");
});

test("a login session as a bearer token (ONZW4.<id>.<secret>)", async () => {
  const { session, secret } = await store.sessions.create(alice.id, { now: new Date() });
  const token = `ONZW4.${session.sessionId}.${secret}`;
  const info = await connectClient(ts, EntityAccess, token).authInfo({});
  assert.is(info.accessMethod.case, "userSession");
  const s = info.accessMethod.value as { sessionId: string; sessionSecret: string };
  assert.is(s.sessionId, session.sessionId);
  assert.is(s.sessionSecret, "");
  await connectClient(ts, ApplicationRegistry, token).update({ application: { ids: { applicationId: appA }, name: "renamed" }, fieldMask: { paths: ["name"] } });
  await rejects(connectClient(ts, EntityAccess, `ONZW4.${session.sessionId}.${"A".repeat(52)}`).authInfo({}), Code.Unauthenticated, "token_not_found");
  await store.sessions.delete(alice.id, session.sessionId);
  await rejects(connectClient(ts, EntityAccess, token).authInfo({}), Code.Unauthenticated, "token_not_found");
});

test.after(() => ts.close());
test.run();
