// OpenID Connect with openid-client (v6) as a real relying party: discovery,
// authorization code + PKCE, token, ID token verified against our JWKS,
// userinfo, refresh; and the failures a relying party must see. The
// authorization step goes through the core's contract (the pages' part is
// tested in oidc-http.test.ts).
import * as client from "openid-client";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Code } from "@connectrpc/connect";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import type { AuthorizeParams } from "../../src/oauth/api.js";
import { oauthCore } from "../../src/oauth/core/index.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { connectClient } from "../helpers/clients.js";
import { rejects } from "../helpers/expect.js";
import { coreDeps, freePort, oauthClient, requestAt } from "./core-helpers.js";

let clock = Date.now();
const port = await freePort();
const issuer = `http://127.0.0.1:${port}/oauth`;
const ts = await startTestServer(
  { "http.listen": `127.0.0.1:${port}`, "is.oauth.ui.canonical-url": issuer, "is.oauth.signing-key-rotation": 24 * 3600_000 },
  { now: () => new Date(clock) },
);
const deps = coreDeps(ts, () => new Date(clock));
const alice = await ts.population.user({ id: "alice", email: "alice@example.com" });
const callback = "http://127.0.0.1:9/callback";
const rp = await oauthClient(ts, { id: "relying-party", rights: [R("RIGHT_USER_INFO")], redirectUris: [callback] });
const spa = await oauthClient(ts, { id: "browser-app", secret: "", rights: [R("RIGHT_USER_INFO")], redirectUris: [callback] });
const blind = await oauthClient(ts, { id: "blind-app", rights: [R("RIGHT_APPLICATION_INFO")], redirectUris: [callback] });

const insecure = { execute: [client.allowInsecureRequests] };
const config = await client.discovery(new URL(issuer), rp.id, rp.secret, undefined, insecure);

/** Awaits a call that must fail; returns what it threw. */
async function fails(call: Promise<unknown>, what = "the call"): Promise<unknown> {
  try {
    await call;
  } catch (err) {
    return err;
  }
  return assert.unreachable(`${what} succeeded`);
}

/** What the pages do: the authorization URL's parameters through the core, as alice, straight to the redirect. */
async function authorizeAs(userId: string, url: URL): Promise<URL> {
  const params = Object.fromEntries(url.searchParams) as unknown as AuthorizeParams;
  const checked = await oauthCore.checkAuthorize(deps, params, requestAt(issuer));
  if ("redirectTo" in checked) return new URL(checked.redirectTo);
  return new URL(await oauthCore.approve(deps, checked, { userId, sessionId: "" }));
}

async function start(cfg = config, scope = "openid profile email") {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(cfg, {
    redirect_uri: callback,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { verifier, state, nonce, url };
}

test("discovery: the issuer, its endpoints, S256 and ES256; the same document at the root", async () => {
  const meta = config.serverMetadata();
  assert.is(meta.issuer, issuer);
  assert.is(meta.token_endpoint, `${issuer}/token`);
  assert.is(meta.jwks_uri, `${issuer}/jwks`);
  assert.equal(meta.code_challenge_methods_supported, ["S256"]);
  assert.equal(meta.id_token_signing_alg_values_supported, ["ES256"]);
  const root = await (await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`)).json();
  assert.equal(root, await (await fetch(`${issuer}/.well-known/openid-configuration`)).json());
});

test("authorization code + PKCE: tokens, a verified ID token, userinfo, refresh", async () => {
  const { verifier, state, nonce, url } = await start();
  const redirect = await authorizeAs(alice.id, url);
  const tokens = await client.authorizationCodeGrant(config, redirect, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
  const claims = tokens.claims()!;
  assert.is(claims.iss, issuer);
  assert.is(claims.sub, alice.id);
  assert.is(claims.aud, rp.id);
  assert.is(claims.nonce, nonce);
  assert.type(claims.auth_time, "number");
  assert.is(claims.exp - claims.iat, 3600);

  // Independently of openid-client: the signature against the published keys.
  const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
  const verified = await jwtVerify(tokens.id_token!, jwks, { issuer, audience: rp.id, currentDate: new Date(clock) });
  assert.is(verified.protectedHeader.alg, "ES256");

  const info = await client.fetchUserInfo(config, tokens.access_token, alice.id);
  assert.equal(info, { sub: alice.id, name: `User ${alice.id}`, preferred_username: alice.id, email: "alice@example.com", email_verified: true });

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
  assert.ok(refreshed.access_token);
  assert.is.not(refreshed.access_token, tokens.access_token);
  await client.fetchUserInfo(config, refreshed.access_token, alice.id);
  await fails(client.fetchUserInfo(config, tokens.access_token, alice.id), "the rotated access token stops");
  await fails(client.refreshTokenGrant(config, tokens.refresh_token!), "a used refresh token fails");
});

test("scopes decide the claims: openid alone gives only sub; no openid, no ID token and no userinfo", async () => {
  const only = await start(config, "openid");
  const tokens = await client.authorizationCodeGrant(config, await authorizeAs(alice.id, only.url), { pkceCodeVerifier: only.verifier, expectedState: only.state, expectedNonce: only.nonce });
  assert.equal(await client.fetchUserInfo(config, tokens.access_token, alice.id), { sub: alice.id });

  const plain = await start(config, "profile");
  const oauthOnly = await client.authorizationCodeGrant(config, await authorizeAs(alice.id, plain.url), { pkceCodeVerifier: plain.verifier, expectedState: plain.state });
  assert.not.ok(oauthOnly.id_token);
  const res = await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${oauthOnly.access_token}` } });
  assert.is(res.status, 401);
  assert.match(res.headers.get("www-authenticate") ?? "", /insufficient_scope/);
});

test("a client without RIGHT_USER_INFO learns only who the user is", async () => {
  const cfg = await client.discovery(new URL(issuer), blind.id, blind.secret, undefined, insecure);
  const s = await start(cfg);
  const tokens = await client.authorizationCodeGrant(cfg, await authorizeAs(alice.id, s.url), { pkceCodeVerifier: s.verifier, expectedState: s.state, expectedNonce: s.nonce });
  assert.equal(await client.fetchUserInfo(cfg, tokens.access_token, alice.id), { sub: alice.id });
});

test("a public client: PKCE and no secret", async () => {
  const cfg = await client.discovery(new URL(issuer), spa.id, undefined, client.None(), insecure);
  const s = await start(cfg);
  const tokens = await client.authorizationCodeGrant(cfg, await authorizeAs(alice.id, s.url), { pkceCodeVerifier: s.verifier, expectedState: s.state, expectedNonce: s.nonce });
  assert.is(tokens.claims()!.aud, spa.id);
});

test("a wrong verifier fails", async () => {
  const s = await start();
  const redirect = await authorizeAs(alice.id, s.url);
  await fails(client.authorizationCodeGrant(config, redirect, { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: s.state, expectedNonce: s.nonce }));
  // The right one still works: a failed attempt does not use the code up.
  await client.authorizationCodeGrant(config, redirect, { pkceCodeVerifier: s.verifier, expectedState: s.state, expectedNonce: s.nonce });
});

test("a reused code fails and revokes the tokens it gave", async () => {
  const s = await start();
  const redirect = await authorizeAs(alice.id, s.url);
  const checks = { pkceCodeVerifier: s.verifier, expectedState: s.state, expectedNonce: s.nonce };
  const tokens = await client.authorizationCodeGrant(config, redirect, checks);
  await connectClient(ts, EntityAccess, tokens.access_token).authInfo({});
  let error: unknown;
  await client.authorizationCodeGrant(config, redirect, checks).catch((err: unknown) => (error = err));
  assert.instance(error, client.ResponseBodyError);
  assert.is((error as client.ResponseBodyError).error, "invalid_grant");
  await rejects(connectClient(ts, EntityAccess, tokens.access_token).authInfo({}), Code.Unauthenticated, "token_not_found");
});

test("a foreign redirect URI is refused before anything is sent to it", async () => {
  const s = await start();
  const foreign = new URL(s.url);
  foreign.searchParams.set("redirect_uri", "https://attacker.example.com/callback");
  await rejects(authorizeAs(alice.id, foreign), Code.PermissionDenied, "invalid_redirect_uri");
});

test("a replayed or wrong state fails at the relying party; our state comes back unchanged", async () => {
  const s = await start();
  const redirect = await authorizeAs(alice.id, s.url);
  assert.is(redirect.searchParams.get("state"), s.state);
  assert.is(redirect.searchParams.get("iss"), issuer);
  await fails(client.authorizationCodeGrant(config, redirect, { pkceCodeVerifier: s.verifier, expectedState: client.randomState(), expectedNonce: s.nonce }));
  // A response replayed into another login (its state and nonce) fails too.
  const other = await start();
  await fails(client.authorizationCodeGrant(config, redirect, { pkceCodeVerifier: other.verifier, expectedState: other.state, expectedNonce: other.nonce }));
  const missingState = new URL(redirect);
  missingState.searchParams.delete("state");
  await fails(client.authorizationCodeGrant(config, missingState, { pkceCodeVerifier: s.verifier, expectedState: s.state, expectedNonce: s.nonce }));
});

test("signing keys rotate; the old key stays published and its tokens still verify", async () => {
  const first = await start();
  const before = await client.authorizationCodeGrant(config, await authorizeAs(alice.id, first.url), { pkceCodeVerifier: first.verifier, expectedState: first.state, expectedNonce: first.nonce });
  const oldKid = decodeProtectedHeader(before.id_token!).kid;
  clock += 25 * 3600_000;
  try {
    const second = await start();
    const after = await client.authorizationCodeGrant(config, await authorizeAs(alice.id, second.url), { pkceCodeVerifier: second.verifier, expectedState: second.state, expectedNonce: second.nonce });
    const newKid = decodeProtectedHeader(after.id_token!).kid;
    assert.ok(newKid && oldKid && newKid !== oldKid, "a new key signs");
    const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: { kid: string; d?: string }[] };
    assert.equal(new Set(jwks.keys.map((k) => k.kid)), new Set([oldKid, newKid]));
    assert.ok(jwks.keys.every((k) => k.d === undefined), "no private parts published");
    const keySet = createRemoteJWKSet(new URL(`${issuer}/jwks`));
    await jwtVerify(before.id_token!, keySet, { issuer, currentDate: new Date(clock - 25 * 3600_000) });
    // One more rotation later the first key is gone.
    clock += 49 * 3600_000;
    const third = await start();
    await client.authorizationCodeGrant(config, await authorizeAs(alice.id, third.url), { pkceCodeVerifier: third.verifier, expectedState: third.state, expectedNonce: third.nonce });
    const later = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: { kid: string }[] };
    assert.not.ok(later.keys.some((k) => k.kid === oldKid));
  } finally {
    clock = Date.now();
  }
});

test.after(() => ts.close());
test.run();
