// POST /oauth/token over HTTP with codes from the core's approve(): client
// authentication, the three grants, single-use codes, PKCE, rotation, and
// errors in the project's format with the RFC 6749 code beside them.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GrantType } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { Code } from "@connectrpc/connect";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { api, connectClient } from "../helpers/clients.js";
import { rejects } from "../helpers/expect.js";
import { oauthCore } from "../../src/oauth/core/index.js";
import { codeFor, coreDeps, defaultRedirect, oauthClient, pkce, tokenRequest, type TokenResult } from "./core-helpers.js";

let clock = Date.now();
const ts = await startTestServer({}, { now: () => new Date(clock) });
const deps = coreDeps(ts, () => new Date(clock));
const alice = await ts.population.user({ id: "alice" });
const rights = [R("RIGHT_USER_INFO"), R("RIGHT_APPLICATION_INFO")];
const web = await oauthClient(ts, { id: "web-app", rights });
const pub = await oauthClient(ts, { id: "public-app", secret: "", rights });
const other = await oauthClient(ts, { id: "other-app", rights });
const noRefresh = await oauthClient(ts, { id: "no-refresh", rights, grants: [GrantType.GRANT_AUTHORIZATION_CODE] });
const pw = await oauthClient(ts, { id: "cli-app", rights, grants: [GrantType.GRANT_PASSWORD, GrantType.GRANT_REFRESH_TOKEN] });
await oauthClient(ts, { id: "suspended-app", rights, state: State.SUSPENDED });

/** An error answer: status, the catalogue's name and the RFC 6749 code. */
function failed(res: TokenResult, status: number, name: string, rfcCode: string): void {
  assert.is(`${res.status} ${res.body?.details?.[0]?.name} ${res.body?.error}`, `${status} ${name} ${rfcCode}`, JSON.stringify(res.body));
  assert.match(res.body.message, /^error:pkg\//);
  assert.is(res.body.details[0]["@type"], "type.googleapis.com/ttn.lorawan.v3.ErrorDetails");
}

const exchange = (code: string, extra: Record<string, string> = {}) =>
  tokenRequest(ts, { grant_type: "authorization_code", code, redirect_uri: defaultRedirect, ...extra }, { basic: [web.id, web.secret] });

const authInfo = (token: string) => connectClient(ts, EntityAccess, token).authInfo({});

test("authorization_code: Basic client authentication, a bearer access token and a refresh token with the same ID", async () => {
  const { code } = await codeFor(deps, alice.id, { client_id: web.id });
  const res = await exchange(code);
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.token_type, "bearer");
  assert.is(res.body.expires_in, 3600);
  assert.match(res.body.access_token, /^MFRWG\.([A-Z2-7]{39})\.[A-Z2-7]{52}$/);
  assert.match(res.body.refresh_token, /^OJSWM\.([A-Z2-7]{39})\.[A-Z2-7]{52}$/);
  assert.is(res.body.access_token.split(".")[1], res.body.refresh_token.split(".")[1]);
  assert.not.ok(res.body.id_token, "no openid scope, no ID token");
  const info = await authInfo(res.body.access_token);
  assert.is(info.accessMethod.case, "oauthAccessToken");
});

test("the body may carry the client credentials, as a form or JSON", async () => {
  const { code } = await codeFor(deps, alice.id, { client_id: web.id });
  const form = await tokenRequest(ts, { grant_type: "authorization_code", code, client_id: web.id, client_secret: web.secret });
  assert.is(form.status, 200, JSON.stringify(form.body));
  const second = await codeFor(deps, alice.id, { client_id: web.id });
  const json = await tokenRequest(ts, { grant_type: "authorization_code", code: second.code, client_id: web.id, client_secret: web.secret }, { json: true });
  assert.is(json.status, 200, JSON.stringify(json.body));
});

test("client authentication failures", async () => {
  const { code } = await codeFor(deps, alice.id, { client_id: web.id });
  failed(await tokenRequest(ts, { grant_type: "authorization_code", code }, { basic: [web.id, "wrong"] }), 403, "invalid client", "invalid_client");
  failed(await tokenRequest(ts, { grant_type: "authorization_code", code, client_id: web.id }), 400, "missing_client_secret", "invalid_request");
  failed(await tokenRequest(ts, { grant_type: "authorization_code", code }), 400, "missing_client_id", "invalid_request");
  failed(await tokenRequest(ts, { grant_type: "authorization_code", code }, { basic: ["no-such-app", "x"] }), 403, "invalid client", "invalid_client");
  failed(await tokenRequest(ts, { grant_type: "authorization_code", code }, { basic: ["suspended-app", "secret-of-suspended-app"] }), 403, "client_suspended", "unauthorized_client");
  // Basic wins over the body.
  failed(await tokenRequest(ts, { grant_type: "authorization_code", code, client_id: web.id, client_secret: web.secret }, { basic: [web.id, "wrong"] }), 403, "invalid client", "invalid_client");
  // None of it used the code up.
  assert.is((await exchange(code)).status, 200);
});

test("request errors", async () => {
  failed(await tokenRequest(ts, {}, { basic: [web.id, web.secret] }), 400, "missing_grant_type", "invalid_request");
  failed(await tokenRequest(ts, { grant_type: "client_credentials" }, { basic: [web.id, web.secret] }), 400, "invalid_grant_type", "unsupported_grant_type");
  failed(await tokenRequest(ts, { grant_type: "authorization_code" }, { basic: [web.id, web.secret] }), 400, "missing_authorization_code", "invalid_request");
  failed(await tokenRequest(ts, { grant_type: "refresh_token" }, { basic: [web.id, web.secret] }), 400, "missing_refresh_token", "invalid_request");
  failed(await tokenRequest(ts, { grant_type: "password", username: alice.id, password: alice.password }, { basic: [web.id, web.secret] }), 403, "client_missing_grant", "unauthorized_client");
  failed(await tokenRequest(ts, { grant_type: "authorization_code", code: "not a code" }, { basic: [web.id, web.secret] }), 403, "invalid_grant", "invalid_grant");
  const get = await fetch(`${ts.httpURL}/oauth/token`);
  assert.is(get.status, 405); // method_not_allowed: HTTP's own status, not a 5xx
  const text = await fetch(`${ts.httpURL}/oauth/token`, { method: "POST", headers: { "content-type": "text/plain" }, body: "grant_type=x" });
  assert.is(text.status, 400);
});

test("a code works once; a second use fails and revokes the token it issued", async () => {
  const { code } = await codeFor(deps, alice.id, { client_id: web.id });
  const first = await exchange(code);
  assert.is(first.status, 200);
  await authInfo(first.body.access_token);
  failed(await exchange(code), 403, "invalid_grant", "invalid_grant");
  await rejects(authInfo(first.body.access_token), Code.Unauthenticated, "token_not_found");
  failed(await tokenRequest(ts, { grant_type: "refresh_token", refresh_token: first.body.refresh_token }, { basic: [web.id, web.secret] }), 403, "invalid_grant", "invalid_grant");
});

test("a replayed code also revokes the tokens refreshed from it", async () => {
  const { code } = await codeFor(deps, alice.id, { client_id: web.id });
  const first = await exchange(code);
  const refreshed = await tokenRequest(ts, { grant_type: "refresh_token", refresh_token: first.body.refresh_token }, { basic: [web.id, web.secret] });
  assert.is(refreshed.status, 200);
  await authInfo(refreshed.body.access_token);
  failed(await exchange(code), 403, "invalid_grant", "invalid_grant");
  await rejects(authInfo(refreshed.body.access_token), Code.Unauthenticated, "token_not_found");
});

test("the code belongs to its client, redirect URI and lifetime", async () => {
  const { code } = await codeFor(deps, alice.id, { client_id: web.id });
  failed(await tokenRequest(ts, { grant_type: "authorization_code", code }, { basic: [other.id, other.secret] }), 403, "invalid_grant", "invalid_grant");
  failed(await exchange(code, { redirect_uri: "https://app.example.com/other" }), 403, "invalid_grant", "invalid_grant");
  const tampered = code.slice(0, -4) + (code.endsWith("AAAA") ? "BBBB" : "AAAA");
  failed(await exchange(tampered), 403, "invalid_grant", "invalid_grant");
  assert.is((await exchange(code)).status, 200, "failed attempts did not use the code up");
  const late = await codeFor(deps, alice.id, { client_id: web.id });
  clock += 5 * 60_000 + 1000;
  try {
    failed(await exchange(late.code), 403, "invalid_grant", "invalid_grant");
  } finally {
    clock = Date.now();
  }
});

test("PKCE: the verifier must match the challenge; public clients exchange without a secret", async () => {
  const { verifier, challenge } = pkce();
  const { code } = await codeFor(deps, alice.id, { client_id: pub.id, code_challenge: challenge, code_challenge_method: "S256" });
  const base = { grant_type: "authorization_code", code, client_id: pub.id, redirect_uri: defaultRedirect };
  failed(await tokenRequest(ts, base), 403, "invalid_grant", "invalid_grant");
  failed(await tokenRequest(ts, { ...base, code_verifier: pkce().verifier }), 403, "invalid_grant", "invalid_grant");
  failed(await tokenRequest(ts, { ...base, code_verifier: verifier, client_secret: "guess" }), 403, "invalid client", "invalid_client");
  const ok = await tokenRequest(ts, { ...base, code_verifier: verifier });
  assert.is(ok.status, 200, JSON.stringify(ok.body));
  // A verifier for a code issued without a challenge is refused (downgrade).
  const plain = await codeFor(deps, alice.id, { client_id: web.id });
  failed(await exchange(plain.code, { code_verifier: verifier }), 403, "invalid_grant", "invalid_grant");
});

test("refresh_token: rotation with the same rights; the old pair stops working; only clients with the grant", async () => {
  const { code } = await codeFor(deps, alice.id, { client_id: web.id });
  const first = await exchange(code);
  const refresh = (token: string, client = web) => tokenRequest(ts, { grant_type: "refresh_token", refresh_token: token }, { basic: [client.id, client.secret] });
  failed(await refresh(first.body.refresh_token, other), 403, "invalid_grant", "invalid_grant");
  const second = await refresh(first.body.refresh_token);
  assert.is(second.status, 200, JSON.stringify(second.body));
  assert.is.not(second.body.refresh_token, first.body.refresh_token);
  assert.is.not(second.body.access_token, first.body.access_token);
  failed(await refresh(first.body.refresh_token), 403, "invalid_grant", "invalid_grant");
  await rejects(authInfo(first.body.access_token), Code.Unauthenticated, "invalid_authorization");
  const info = await authInfo(second.body.access_token);
  assert.equal(info.accessMethod.case === "oauthAccessToken" && info.accessMethod.value.rights, rights);
  failed(await tokenRequest(ts, { grant_type: "refresh_token", refresh_token: first.body.access_token }, { basic: [web.id, web.secret] }), 403, "invalid_grant", "invalid_grant");

  const plain = await codeFor(deps, alice.id, { client_id: noRefresh.id });
  const noRefreshToken = await tokenRequest(ts, { grant_type: "authorization_code", code: plain.code }, { basic: [noRefresh.id, noRefresh.secret] });
  assert.is(noRefreshToken.status, 200);
  assert.not.ok(noRefreshToken.body.refresh_token);
  failed(await refresh(second.body.refresh_token, noRefresh), 403, "client_missing_grant", "unauthorized_client");
});

test("refresh_token: of refreshes racing with one token, exactly one gets tokens, and they work", async () => {
  const { code } = await codeFor(deps, alice.id, { client_id: web.id });
  const first = await exchange(code);
  const answers = await Promise.all(
    Array.from({ length: 6 }, () => tokenRequest(ts, { grant_type: "refresh_token", refresh_token: first.body.refresh_token }, { basic: [web.id, web.secret] })),
  );
  const won = answers.filter((a) => a.status === 200);
  assert.is(won.length, 1, JSON.stringify(answers.map((a) => a.status)));
  for (const lost of answers.filter((a) => a.status !== 200)) failed(lost, 403, "invalid_grant", "invalid_grant");
  const info = await authInfo(won[0]!.body.access_token);
  assert.is(info.accessMethod.case, "oauthAccessToken");
  await rejects(authInfo(first.body.access_token), Code.Unauthenticated, "invalid_authorization");
  const next = await tokenRequest(ts, { grant_type: "refresh_token", refresh_token: won[0]!.body.refresh_token }, { basic: [web.id, web.secret] });
  assert.is(next.status, 200, JSON.stringify(next.body));
});

test("password grant: only for clients with it, one error for a wrong user or password, off with credentials login", async () => {
  const login = (username: string, password: string) => tokenRequest(ts, { grant_type: "password", username, password }, { basic: [pw.id, pw.secret] });
  const ok = await login(alice.id, alice.password);
  assert.is(ok.status, 200, JSON.stringify(ok.body));
  assert.ok(ok.body.refresh_token);
  const info = await authInfo(ok.body.access_token);
  assert.is(info.accessMethod.case === "oauthAccessToken" && info.accessMethod.value.userIds?.userId, alice.id);
  const wrong = await login(alice.id, "wrong-password");
  const unknown = await login("nobody-here", "wrong-password");
  failed(wrong, 400, "no_user_id_password_match", "invalid_grant");
  failed(unknown, 400, "no_user_id_password_match", "invalid_grant");
  assert.is(wrong.body.message, unknown.body.message);
  failed(await tokenRequest(ts, { grant_type: "password", username: alice.id }, { basic: [pw.id, pw.secret] }), 400, "invalid_request", "invalid_request");
  // The consent is recorded, so the user sees and can revoke it.
  assert.ok(await ts.server.store.oauth.getAuthorization(alice.id, pw.id));

  const locked = await startTestServer({ "is.user-login.disable-credentials-login": true });
  try {
    const lockedUser = await locked.population.user({ id: "bob" });
    const client = await oauthClient(locked, { id: "cli-app", rights, grants: [GrantType.GRANT_PASSWORD] });
    const res = await tokenRequest(locked, { grant_type: "password", username: lockedUser.id, password: lockedUser.password }, { basic: [client.id, client.secret] });
    failed(res, 403, "credentials_login_disabled", "unauthorized_client");
  } finally {
    await locked.close();
  }
});

test("tokens are stored hashed", async () => {
  const { code } = await codeFor(deps, alice.id, { client_id: web.id });
  const res = await exchange(code);
  const [, id, secret] = res.body.access_token.split(".");
  const stored = await ts.server.store.oauth.lookupToken(id);
  assert.ok(stored);
  assert.not.ok(stored!.accessTokenHash.includes(secret));
  assert.not.ok(stored!.refreshTokenHash!.includes(res.body.refresh_token.split(".")[2]));
});

test("CORS: browser apps may call the token endpoint", async () => {
  const res = await fetch(`${ts.httpURL}/oauth/token`, { method: "OPTIONS", headers: { origin: "https://app.example.com", "access-control-request-method": "POST" } });
  assert.is(res.status, 204);
  assert.is(res.headers.get("access-control-allow-origin"), "*");
  const http = await api(ts, "GET", "/auth_info");
  assert.is(http.status, 200);
});

test("client logout: the token goes; the browser goes to a registered logout URI only", async () => {
  const app = await oauthClient(ts, { id: "logout-app", rights, logoutRedirectUris: ["https://app.example.com/bye", "https://app.example.com/again"] });
  const token = async () => {
    const { code } = await codeFor(deps, alice.id, { client_id: app.id }, "some-session");
    return (await tokenRequest(ts, { grant_type: "authorization_code", code }, { basic: [app.id, app.secret] })).body.access_token as string;
  };
  const first = await token();
  await rejects(oauthCore.clientLogout(deps, first.split(".")[1]!, "https://evil.example.com/"), Code.PermissionDenied, "invalid_logout_redirect_uri");
  await authInfo(first);
  assert.equal(await oauthCore.clientLogout(deps, first.split(".")[1]!, "https://app.example.com/again"), { redirectTo: "https://app.example.com/again", sessionId: "some-session" });
  await rejects(authInfo(first), Code.Unauthenticated, "token_not_found");
  const second = await token();
  assert.is((await oauthCore.clientLogout(deps, second.split(".")[1]!, undefined)).redirectTo, "https://app.example.com/bye");
  assert.equal(await oauthCore.clientLogout(deps, "UNKNOWN", "https://evil.example.com/"), { redirectTo: "/oauth" });
  await rejects(oauthCore.clientLogout(deps, "", undefined), Code.PermissionDenied, "missing_param_access_token_id");
});

test.after(() => ts.close());
test.run();
