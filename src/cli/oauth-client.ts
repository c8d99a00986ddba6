// is-cli as an OAuth client of the server (client ID `cli`, no secret, as
// The Things Stack registers its CLI): the authorization URL with PKCE
// (S256), and the token endpoint calls that exchange a code and refresh a
// token. HTTP through node:http(s), so the --ca file is trusted here too.
import { createHash, randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { StoredToken } from "./auth-cache.js";

/** The client ID the stack's CLI uses (`is-db create-oauth-client --id cli`). */
export const CLI_CLIENT_ID = "cli";

/** Refresh a token this long before it expires, so it does not expire on the way. */
const EXPIRY_MARGIN_MS = 10_000;

/** A failed OAuth exchange: the message says what the server answered. */
export class OAuthError extends Error {
  override readonly name = "OAuthError";
}

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
  readonly state: string;
}

export function newPkce(): Pkce {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url"), state: randomBytes(16).toString("base64url") };
}

/** The URL of the server's authorization page for this request. */
export function authorizeURL(oauthServerAddress: string, redirectUri: string, pkce: Pkce): string {
  const query = new URLSearchParams({
    client_id: CLI_CLIENT_ID,
    redirect_uri: redirectUri,
    response_type: "code",
    state: pkce.state,
    code_challenge: pkce.challenge,
    code_challenge_method: "S256",
  });
  return `${oauthServerAddress}/authorize?${query}`;
}

function postForm(url: string, fields: Record<string, string>, ca: Buffer | undefined): Promise<{ status: number; body: string }> {
  const body = new URLSearchParams(fields).toString();
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body), accept: "application/json" },
        ...(ca && target.protocol === "https:" ? { ca } : {}),
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from ${target.origin} in 30 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

async function tokenRequest(oauthServerAddress: string, fields: Record<string, string>, ca: Buffer | undefined, now: Date): Promise<StoredToken> {
  let res;
  try {
    res = await postForm(`${oauthServerAddress}/token`, { client_id: CLI_CLIENT_ID, ...fields }, ca);
  } catch (err) {
    throw new OAuthError(`cannot reach the OAuth server at ${oauthServerAddress}: ${(err as Error).message}`);
  }
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    // not JSON: reported below
  }
  if (res.status !== 200 || typeof json.access_token !== "string") {
    const reason = typeof json.error === "string" ? `${json.error}${typeof json.error_description === "string" ? `: ${json.error_description}` : ""}` : res.body.slice(0, 200);
    throw new OAuthError(`the OAuth server refused the ${fields.grant_type} grant (HTTP ${res.status}): ${reason}`);
  }
  const expiresIn = typeof json.expires_in === "number" ? json.expires_in : undefined;
  return {
    access_token: json.access_token,
    token_type: typeof json.token_type === "string" ? json.token_type : "bearer",
    ...(typeof json.refresh_token === "string" ? { refresh_token: json.refresh_token } : {}),
    ...(expiresIn !== undefined ? { expiry: new Date(now.getTime() + expiresIn * 1000).toISOString() } : {}),
  };
}

/** Trades an authorization code for tokens. */
export function exchangeCode(oauthServerAddress: string, code: string, redirectUri: string, pkce: Pkce, ca: Buffer | undefined, now: Date): Promise<StoredToken> {
  return tokenRequest(oauthServerAddress, { grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: pkce.verifier }, ca, now);
}

/** New tokens for a refresh token (the old pair stops working: the server rotates them). */
export function refreshToken(oauthServerAddress: string, token: StoredToken, ca: Buffer | undefined, now: Date): Promise<StoredToken> {
  if (!token.refresh_token) throw new OAuthError("the access token expired and there is no refresh token: log in again");
  return tokenRequest(oauthServerAddress, { grant_type: "refresh_token", refresh_token: token.refresh_token }, ca, now);
}

/** True when the token is expired or about to. */
export function expired(token: StoredToken, now: Date): boolean {
  return token.expiry !== undefined && Date.parse(token.expiry) - EXPIRY_MARGIN_MS <= now.getTime();
}
