// The authorization endpoint's protocol side through the core's contract:
// which requests may get a code, consent, and what goes back to the client.
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GrantType } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { oauthCore } from "../../src/oauth/core/index.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { rejects } from "../helpers/expect.js";
import { checked, codeFor, coreDeps, defaultRedirect, oauthClient, pkce, requestAt } from "./core-helpers.js";

const ts = await startTestServer({ "is.oauth.ui.canonical-url": "https://id.example.com/oauth" });
const deps = coreDeps(ts);
const alice = await ts.population.user({ id: "alice" });
const rights = [R("RIGHT_USER_INFO"), R("RIGHT_APPLICATION_INFO")];
await oauthClient(ts, { id: "web-app", rights });
await oauthClient(ts, { id: "public-app", secret: "", rights });
await oauthClient(ts, { id: "pending-app", rights, state: State.REQUESTED });
await oauthClient(ts, { id: "rejected-app", rights, state: State.REJECTED });
await oauthClient(ts, { id: "suspended-app", rights, state: State.SUSPENDED });
await oauthClient(ts, { id: "password-only", rights, grants: [GrantType.GRANT_PASSWORD] });
await oauthClient(ts, { id: "trusted-app", rights, skipAuthorization: true });
await oauthClient(ts, { id: "endorsed-app", rights, endorsed: true });

const authorize = (params: Record<string, string>) => oauthCore.checkAuthorize(deps, { response_type: "code", client_id: "web-app", ...params }, requestAt());

test("client problems are thrown, never redirected", async () => {
  await rejects(authorize({ client_id: "no-such-app" }), Code.NotFound, "client_not_found");
  await rejects(authorize({ client_id: "pending-app" }), Code.PermissionDenied, "client_not_approved");
  await rejects(authorize({ client_id: "rejected-app" }), Code.PermissionDenied, "client_rejected");
  await rejects(authorize({ client_id: "suspended-app" }), Code.PermissionDenied, "client_suspended");
  const missing = await rejects(authorize({ client_id: "password-only" }), Code.PermissionDenied, "client_missing_grant");
  assert.is(missing.attributes.grant, "authorization_code");
  await rejects(authorize({ client_id: "" }), Code.InvalidArgument, "missing_client_id");
  await rejects(authorize({ client_id: "Bad ID" }), Code.InvalidArgument, "validation");
});

test("the redirect URI must be registered exactly; without one the first registered is used", async () => {
  for (const foreign of ["https://evil.example.com/callback", `${defaultRedirect}/more`, `${defaultRedirect}?x=1`, defaultRedirect.toUpperCase(), "https://app.example.com/callbac"]) {
    const err = await rejects(authorize({ redirect_uri: foreign, state: "s" }), Code.PermissionDenied, "invalid_redirect_uri");
    assert.is(err.attributes.redirect_uri, foreign);
  }
  assert.is((await checked(deps, { client_id: "web-app" })).redirectUri, defaultRedirect);
  assert.is((await checked(deps, { client_id: "web-app", redirect_uri: "https://app.example.com/other" })).redirectUri, "https://app.example.com/other");
});

test("request problems go back to the redirect URI with the state", async () => {
  const back = async (params: Record<string, string>) => {
    const result = await authorize({ state: "xyz", ...params });
    assert.ok("redirectTo" in result, JSON.stringify(result));
    const url = new URL((result as { redirectTo: string }).redirectTo);
    assert.is(url.origin + url.pathname, defaultRedirect);
    assert.is(url.searchParams.get("state"), "xyz");
    assert.not.ok(url.searchParams.get("code"));
    return url.searchParams.get("error");
  };
  assert.is(await back({ response_type: "token" }), "unsupported_response_type");
  const { challenge } = pkce();
  assert.is(await back({ code_challenge: challenge, code_challenge_method: "plain" }), "invalid_request");
  assert.is(await back({ code_challenge: challenge }), "invalid_request", "no method means plain");
  assert.is(await back({ code_challenge: "short", code_challenge_method: "S256" }), "invalid_request");
  assert.is(await back({ client_id: "public-app" }), "invalid_request", "public clients must use PKCE");
  assert.ok(await checked(deps, { client_id: "public-app", code_challenge: challenge, code_challenge_method: "S256" }));
  assert.ok(await checked(deps, { client_id: "web-app" }), "PKCE is optional for confidential clients");
});

test("the checked request never carries the client's secret hash", async () => {
  const req = await checked(deps, { client_id: "web-app" });
  assert.is(req.client.secret, "");
  assert.equal(req.rights, rights);
});

test("consent: skipped for trusted and endorsed clients, asked once otherwise", async () => {
  assert.is(await oauthCore.needsConsent(deps, await checked(deps, { client_id: "trusted-app" }), alice.id), false);
  assert.is(await oauthCore.needsConsent(deps, await checked(deps, { client_id: "endorsed-app" }), alice.id), false);
  const req = await checked(deps, { client_id: "web-app" });
  assert.is(await oauthCore.needsConsent(deps, req, alice.id), true);
  await oauthCore.approve(deps, req, { userId: alice.id, sessionId: "" });
  assert.is(await oauthCore.needsConsent(deps, req, alice.id), false);
  // The client now asks for more than the user allowed: consent again.
  const more = { ...req, rights: [...rights, R("RIGHT_GATEWAY_INFO")] };
  assert.is(await oauthCore.needsConsent(deps, more, alice.id), true);
  const stored = await ts.server.store.oauth.getAuthorization(alice.id, "web-app");
  assert.equal(stored?.rights, rights);
});

test("approve: a code, the state and the issuer on the redirect URI; deny: access_denied", async () => {
  const { code, redirect } = await codeFor(deps, alice.id, { client_id: "web-app", state: "st&te=1", redirect_uri: "https://app.example.com/other" });
  assert.is(redirect.origin + redirect.pathname, "https://app.example.com/other");
  assert.match(code, /^MF2XI\.[A-Z2-7]{39}\.[A-Z2-7]{52}$/);
  assert.is(redirect.searchParams.get("state"), "st&te=1");
  assert.is(redirect.searchParams.get("iss"), "https://id.example.com/oauth");
  const denied = new URL(oauthCore.deny(await checked(deps, { client_id: "web-app", state: "abc" })));
  assert.is(denied.searchParams.get("error"), "access_denied");
  assert.is(denied.searchParams.get("state"), "abc");
  assert.not.ok(denied.searchParams.get("code"));
});

test("codes are stored hashed", async () => {
  const { code } = await codeFor(deps, alice.id, { client_id: "web-app" });
  const [, id, secret] = code.split(".");
  const stored = await ts.server.store.transact((tx) => tx.oauth.getCode(id!));
  assert.ok(stored);
  assert.not.ok(stored!.codeHash.includes(secret!));
  assert.is(stored!.expiresAt.getTime() - stored!.createdAt.getTime(), 5 * 60_000);
});

test.after(() => ts.close());
test.run();
