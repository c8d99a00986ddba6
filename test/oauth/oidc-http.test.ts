// The whole OpenID Connect flow over HTTP, as a browser and a relying party
// see it: openid-client discovers the server and builds the authorization
// URL; the "browser" (fetch with a cookie jar) logs in through the pages'
// JSON API, consents on the authorize page and follows the redirect; the
// relying party exchanges the code and calls userinfo.
import * as client from "openid-client";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { freePort, oauthClient } from "./core-helpers.js";

const port = await freePort();
const issuer = `http://127.0.0.1:${port}/oauth`;
const ts = await startTestServer({ "http.listen": `127.0.0.1:${port}`, "is.oauth.ui.canonical-url": issuer });
const alice = await ts.population.user({ id: "alice", email: "alice@example.com" });
const callback = "http://127.0.0.1:9/callback";
const rp = await oauthClient(ts, { id: "relying-party", rights: [R("RIGHT_USER_INFO")], redirectUris: [callback] });
const trusted = await oauthClient(ts, { id: "trusted-app", rights: [R("RIGHT_USER_INFO")], redirectUris: [callback], skipAuthorization: true });
const insecure = { execute: [client.allowInsecureRequests] };

/** A browser: cookies kept across requests, redirects not followed. */
class Browser {
  private jar = new Map<string, string>();
  csrf = "";

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size) headers.set("cookie", [...this.jar].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      this.jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return res;
  }

  async logIn(userId: string, password: string): Promise<void> {
    const page = await (await this.fetch(`${issuer}/login`)).text();
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
    assert.ok(this.csrf, "the login page carries a CSRF token");
    const res = await this.fetch(`${issuer}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": this.csrf },
      body: JSON.stringify({ user_id: userId, password }),
    });
    assert.is(res.status, 204, await res.text());
  }
}

async function start(cfg: client.Configuration, extra: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(cfg, {
    redirect_uri: callback,
    scope: "openid profile email",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...extra,
  });
  return { verifier, state, nonce, url };
}

test("log in, consent, get the code, exchange it, read userinfo", async () => {
  const config = await client.discovery(new URL(issuer), rp.id, rp.secret, undefined, insecure);
  const browser = new Browser();
  const s = await start(config);
  // Not logged in: off to the login page, coming back here afterwards.
  const anonymous = await browser.fetch(s.url.href);
  assert.is(anonymous.status, 302);
  assert.match(anonymous.headers.get("location") ?? "", /\/oauth\/login\?/);

  await browser.logIn(alice.id, alice.password);
  const consent = await browser.fetch(s.url.href);
  assert.is(consent.status, 200);
  assert.match(await consent.text(), /<form method="post"/);
  const form = new URLSearchParams({ ...Object.fromEntries(s.url.searchParams), _csrf: browser.csrf, authorize: "true" });
  const approved = await browser.fetch(`${issuer}/authorize`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() });
  assert.is(approved.status, 303, await approved.text());
  const redirect = new URL(approved.headers.get("location")!);
  assert.is(redirect.origin + redirect.pathname, callback);

  const tokens = await client.authorizationCodeGrant(config, redirect, { pkceCodeVerifier: s.verifier, expectedState: s.state, expectedNonce: s.nonce, idTokenExpected: true });
  assert.is(tokens.claims()!.sub, alice.id);
  assert.type(tokens.claims()!.auth_time, "number");
  const info = await client.fetchUserInfo(config, tokens.access_token, alice.id);
  assert.is(info.email, "alice@example.com");

  // Consent given once: the next authorization goes straight back.
  const again = await start(config);
  const direct = await browser.fetch(again.url.href);
  assert.is(direct.status, 302);
  assert.ok(new URL(direct.headers.get("location")!).searchParams.get("code"));
});

test("a trusted client skips the consent page; cancelling consent gives access_denied", async () => {
  const browser = new Browser();
  await browser.logIn(alice.id, alice.password);
  const trustedConfig = await client.discovery(new URL(issuer), trusted.id, trusted.secret, undefined, insecure);
  const s = await start(trustedConfig);
  const res = await browser.fetch(s.url.href);
  assert.is(res.status, 302);
  await client.authorizationCodeGrant(trustedConfig, new URL(res.headers.get("location")!), { pkceCodeVerifier: s.verifier, expectedState: s.state, expectedNonce: s.nonce });

  const other = await oauthClient(ts, { id: "needs-consent", rights: [R("RIGHT_USER_INFO")], redirectUris: [callback] });
  const cfg = await client.discovery(new URL(issuer), other.id, other.secret, undefined, insecure);
  const d = await start(cfg);
  const form = new URLSearchParams({ ...Object.fromEntries(d.url.searchParams), _csrf: browser.csrf, authorize: "false" });
  const denied = await browser.fetch(`${issuer}/authorize`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() });
  assert.is(denied.status, 303);
  const back = new URL(denied.headers.get("location")!);
  assert.is(back.searchParams.get("error"), "access_denied");
  assert.is(back.searchParams.get("state"), d.state);
  let error: unknown;
  await client.authorizationCodeGrant(cfg, back, { pkceCodeVerifier: d.verifier, expectedState: d.state }).catch((err: unknown) => (error = err));
  assert.is((error as { error?: string } | undefined)?.error, "access_denied", String(error));
});

test("a foreign redirect URI gets an error page, never a redirect", async () => {
  const browser = new Browser();
  await browser.logIn(alice.id, alice.password);
  const config = await client.discovery(new URL(issuer), rp.id, rp.secret, undefined, insecure);
  const s = await start(config, { redirect_uri: "https://attacker.example.com/callback" });
  const res = await browser.fetch(s.url.href);
  assert.is(res.status, 403);
  assert.is(res.headers.get("location"), null);
  assert.match(await res.text(), /invalid_redirect_uri/);
});

test.after(() => ts.close());
test.run();
