// Tokens for the OAuth benchmark, from the authorization code flow (PKCE S256,
// client secret by HTTP Basic) as a relying party runs it: at the Identity
// Server with a logged-in browser session (consenting by form the first time),
// and at oidc-provider (bench/lib/oidc-peer.ts, whose interaction route logs
// the one account in). Refresh tokens are single-use on both, so a benchmark
// keeps a pool of them and tops it up between runs.
import { createHash, randomBytes } from "node:crypto";
import { WebClient } from "../../test/helpers/browser.js";

export interface OAuthClient { id: string; secret: string; redirectUri: string }
export interface TokenPair { access_token: string; refresh_token: string }

/** What is asked of oidc-provider: the Identity Server's scopes, and offline_access, without which it issues no refresh token. */
export const opScopes = "openid profile email offline_access";
export const isScopes = "openid profile email";

export const basicAuth = (client: OAuthClient) => `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString("base64")}`;

export async function tokenRequest(tokenUrl: string, client: OAuthClient, fields: Record<string, string>): Promise<TokenPair> {
  const res = await fetch(tokenUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: basicAuth(client) }, body: new URLSearchParams(fields).toString() });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${tokenUrl}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as TokenPair;
}

/** A code flow: `authorize` gets the browser from the authorization request to the redirect URI and returns where it landed. */
async function codeFlow(tokenUrl: string, client: OAuthClient, authorize: (query: URLSearchParams) => Promise<string>, scope: string, extra: Record<string, string> = {}): Promise<TokenPair> {
  const verifier = randomBytes(32).toString("base64url");
  const query = new URLSearchParams({ client_id: client.id, redirect_uri: client.redirectUri, response_type: "code", scope, state: randomBytes(8).toString("hex"), code_challenge: createHash("sha256").update(verifier).digest("base64url"), code_challenge_method: "S256", ...extra });
  const landed = new URL(await authorize(query));
  const code = landed.searchParams.get("code");
  if (!landed.href.startsWith(client.redirectUri) || !code) throw new Error(`authorization ended at ${landed.href}`);
  return tokenRequest(tokenUrl, client, { grant_type: "authorization_code", code, redirect_uri: client.redirectUri, code_verifier: verifier });
}

/** `n` token pairs from the Identity Server for `user`, through one browser session. */
export async function isTokens(baseURL: string, mount: string, user: { id: string; password: string }, client: OAuthClient, n: number): Promise<TokenPair[]> {
  const web = new WebClient(baseURL);
  await web.login(user.id, user.password, mount);
  const authorize = async (query: URLSearchParams) => {
    let res = await web.get(`${mount}/authorize?${query}`);
    if (res.status === 200) res = await web.postForm(`${mount}/authorize`, { ...Object.fromEntries(query), authorize: "true" }, mount); // the consent page
    if (!res.location) throw new Error(`authorize: ${res.status} ${res.text.slice(0, 300)}`);
    return res.location;
  };
  const pairs: TokenPair[] = [];
  for (let i = 0; i < n; i++) pairs.push(await codeFlow(new URL(`${mount}/token`, baseURL).href, client, authorize, isScopes));
  return pairs;
}

/** `n` token pairs from oidc-provider at `issuer` (bench/lib/oidc-peer.ts). */
export async function opTokens(issuer: string, client: OAuthClient, n: number): Promise<TokenPair[]> {
  const web = new WebClient(issuer);
  const authorize = async (query: URLSearchParams) => {
    // authorization endpoint -> interaction (logged in there) -> back to the authorization endpoint -> redirect URI
    let next = `/auth?${query}`;
    for (let hop = 0; hop < 6; hop++) {
      const res = await web.get(next);
      if (!res.location) throw new Error(`oidc-provider: ${next} answered ${res.status}: ${res.text.slice(0, 300)}`);
      next = new URL(res.location, issuer).href;
      if (next.startsWith(client.redirectUri)) return next;
    }
    throw new Error("oidc-provider: too many redirects");
  };
  const pairs: TokenPair[] = [];
  // prompt=consent: oidc-provider drops offline_access from requests without it.
  for (let i = 0; i < n; i++) pairs.push(await codeFlow(`${issuer}/token`, client, authorize, opScopes, { prompt: "consent" }));
  return pairs;
}
