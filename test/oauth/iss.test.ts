// RFC 9207 over HTTP, with the issuer configured (is.oauth.ui.canonical-url)
// and derived from each request (the option empty): every answer of the
// authorization endpoint on the client's redirect URI (a code after login and
// consent, a refused consent, a request error) carries `iss`, and it is the
// `issuer` of discovery, which says `authorization_response_iss_parameter_supported`.
// openid-client as the relying party checks `iss` against discovery; raw
// fetch checks the same without it.
import * as client from "openid-client";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { freePort, oauthClient } from "./core-helpers.js";

const callback = "http://127.0.0.1:9/callback";
const insecure = { execute: [client.allowInsecureRequests] };

interface Setup {
  name: string;
  ts: TestServer;
  /** Where the pages are reached (the issuer both must name). */
  issuer: string;
  password: string;
}

async function setup(name: string, canonical: (port: number) => string): Promise<Setup> {
  const port = await freePort();
  const ts = await startTestServer({ "http.listen": `127.0.0.1:${port}`, "is.oauth.ui.canonical-url": canonical(port) });
  const alice = await ts.population.user({ id: "alice", email: "alice@example.com" });
  await oauthClient(ts, { id: "relying-party", rights: [R("RIGHT_USER_INFO")], redirectUris: [callback] });
  return { name, ts, issuer: `http://127.0.0.1:${port}/oauth`, password: alice.password };
}

const setups = [
  await setup("configured", (port) => `http://127.0.0.1:${port}/oauth`),
  await setup("derived from the request", () => ""),
];

/** A browser: cookies kept, redirects not followed. */
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

  async logIn(issuer: string, userId: string, password: string): Promise<void> {
    const page = await (await this.fetch(`${issuer}/login`)).text();
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
    const res = await this.fetch(`${issuer}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": this.csrf },
      body: JSON.stringify({ user_id: userId, password }),
    });
    assert.is(res.status, 204, await res.text());
  }

  /** POST <mount>/authorize from the consent page, allowing or refusing. */
  consent(issuer: string, url: URL, allow: boolean): Promise<Response> {
    const form = new URLSearchParams({ ...Object.fromEntries(url.searchParams), _csrf: this.csrf, authorize: String(allow) });
    return this.fetch(`${issuer}/authorize`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() });
  }
}

async function authorizationUrl(config: client.Configuration, extra: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: callback,
    scope: "openid",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    ...extra,
  });
  return { verifier, state, url };
}

type Metadata = { issuer: string; authorization_response_iss_parameter_supported?: boolean };
const metadataAt = async (url: string) => (await (await fetch(url)).json()) as Metadata;

const location = async (res: Response) => {
  const at = res.headers.get("location");
  if (!at) throw new Error(`no redirect: ${res.status} ${(await res.text()).slice(0, 2000)}`);
  return new URL(at, res.url);
};

for (const { name, ts, issuer, password } of setups) {
  test(`${name}: discovery's issuer is the pages' URL and it says every authorization response carries iss`, async () => {
    const doc = await metadataAt(`${issuer}/.well-known/openid-configuration`);
    assert.is(doc.issuer, issuer);
    assert.is(doc.authorization_response_iss_parameter_supported, true);
    const root = await metadataAt(`${ts.httpURL}/.well-known/openid-configuration`);
    assert.is(root.issuer, issuer);
    assert.is(root.authorization_response_iss_parameter_supported, true);
  });

  test(`${name}: login page, consent, code: iss on the redirect equals discovery's issuer, and openid-client accepts it`, async () => {
    const config = await client.discovery(new URL(issuer), "relying-party", "secret-of-relying-party", undefined, insecure);
    const browser = new Browser();
    const s = await authorizationUrl(config);
    const anonymous = await browser.fetch(s.url.href);
    assert.is(anonymous.status, 302);
    assert.is((await location(anonymous)).pathname, "/oauth/login");
    await browser.logIn(issuer, "alice", password);
    const consent = await browser.fetch(s.url.href);
    assert.is(consent.status, 200, "the consent page");
    const approved = await browser.consent(issuer, s.url, true);
    assert.is(approved.status, 303, await approved.clone().text());
    const redirect = await location(approved);
    assert.ok(redirect.searchParams.get("code"));
    assert.is(redirect.searchParams.get("iss"), issuer);
    const tokens = await client.authorizationCodeGrant(config, redirect, { pkceCodeVerifier: s.verifier, expectedState: s.state, idTokenExpected: true });
    assert.is(tokens.claims()!.iss, issuer);

    // Consent given: the next authorization answers at once, with iss too.
    const again = await authorizationUrl(config);
    const direct = await browser.fetch(again.url.href);
    assert.is(direct.status, 302);
    assert.is((await location(direct)).searchParams.get("iss"), issuer);
    await client.authorizationCodeGrant(config, await location(direct), { pkceCodeVerifier: again.verifier, expectedState: again.state });

    // A response naming another issuer is refused by the relying party.
    const third = await authorizationUrl(config);
    const forged = await location(await browser.fetch(third.url.href));
    forged.searchParams.set("iss", "http://evil.example.com/oauth");
    const err = await client.authorizationCodeGrant(config, forged, { pkceCodeVerifier: third.verifier, expectedState: third.state }).then(() => undefined, (e: unknown) => e);
    assert.match(String((err as { cause?: Error } | undefined)?.cause?.message), /"iss"/, String(err));
  });

  test(`${name}: error answers on the redirect URI carry iss: a refused consent and a bad request`, async () => {
    const config = await client.discovery(new URL(issuer), "relying-party", "secret-of-relying-party", undefined, insecure);
    const browser = new Browser();
    await browser.logIn(issuer, "alice", password);
    const s = await authorizationUrl(config);
    const denied = await location(await browser.consent(issuer, s.url, false));
    assert.is(denied.searchParams.get("error"), "access_denied");
    assert.is(denied.searchParams.get("iss"), issuer);
    const err = await client.authorizationCodeGrant(config, denied, { pkceCodeVerifier: s.verifier, expectedState: s.state }).then(() => undefined, (e: unknown) => e);
    assert.is((err as { error?: string } | undefined)?.error, "access_denied", String(err));

    const bad = await authorizationUrl(config, { response_type: "token" });
    const res = await browser.fetch(bad.url.href);
    assert.is(res.status, 302);
    const back = await location(res);
    assert.is(back.searchParams.get("error"), "unsupported_response_type");
    assert.is(back.searchParams.get("state"), bad.state);
    assert.is(back.searchParams.get("iss"), issuer);
  });
}

test("derived: the issuer follows the host the request names, in discovery and on the redirect alike", async () => {
  const { issuer, password } = setups[1]!;
  const port = new URL(issuer).port;
  const other = `http://localhost:${port}/oauth`;
  const doc = await metadataAt(`${other}/.well-known/openid-configuration`);
  assert.is(doc.issuer, other);
  const config = await client.discovery(new URL(other), "relying-party", "secret-of-relying-party", undefined, insecure);
  const browser = new Browser();
  await browser.logIn(other, "alice", password);
  const s = await authorizationUrl(config);
  const res = await browser.fetch(s.url.href);
  assert.is(res.status, 302, "consent given in an earlier test");
  assert.is((await location(res)).searchParams.get("iss"), other);
  await client.authorizationCodeGrant(config, await location(res), { pkceCodeVerifier: s.verifier, expectedState: s.state });
});

test.after(async () => {
  await Promise.all(setups.map((s) => s.ts.close()));
});
test.run();
