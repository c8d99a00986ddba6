// What the OAuth core suites share: clients with grants and redirect URIs
// written to the store, the core's dependencies from a test server, codes got
// through the core's own approve(), and the token endpoint over fetch.
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { create } from "@bufbuild/protobuf";
import { ClientSchema, GrantType } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import type { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { accountIdentifiers } from "../../src/auth/identifiers.js";
import { createHashPool } from "../../src/auth/hash-pool.js";
import { createPasswordHasher } from "../../src/auth/passwords.js";
import { makePBKDF2 } from "../../src/auth/secrets.js";
import { silentLogger } from "../../src/log.js";
import type { AuthorizeParams, AuthorizeRequest, OAuthDeps, Request } from "../../src/oauth/api.js";
import { oauthCore } from "../../src/oauth/core/index.js";
import { allRightOf } from "../../src/rights/algebra.js";
import type { TestServer } from "../helpers/harness.js";

export interface ClientOptions {
  id: string;
  owner?: string;
  /** Plaintext; "" makes a public client. Default `secret-of-<id>`. */
  secret?: string;
  redirectUris?: string[];
  logoutRedirectUris?: string[];
  grants?: GrantType[];
  rights: Right[];
  state?: State;
  skipAuthorization?: boolean;
  endorsed?: boolean;
}

export const defaultRedirect = "https://app.example.com/callback";

export async function oauthClient(ts: TestServer, opts: ClientOptions): Promise<{ id: string; secret: string }> {
  const secret = opts.secret ?? `secret-of-${opts.id}`;
  const owner = { kind: "user" as const, id: opts.owner ?? "admin" };
  await ts.server.store.clients.create(
    create(ClientSchema, {
      ids: { clientId: opts.id },
      name: `Client ${opts.id}`,
      secret: secret ? makePBKDF2(secret, 10) : "",
      redirectUris: opts.redirectUris ?? [defaultRedirect, "https://app.example.com/other"],
      logoutRedirectUris: opts.logoutRedirectUris ?? [],
      grants: opts.grants ?? [GrantType.GRANT_AUTHORIZATION_CODE, GrantType.GRANT_REFRESH_TOKEN],
      rights: opts.rights,
      state: opts.state ?? State.APPROVED,
      skipAuthorization: opts.skipAuthorization ?? false,
      endorsed: opts.endorsed ?? false,
      administrativeContact: accountIdentifiers(owner),
      technicalContact: accountIdentifiers(owner),
    }),
  );
  await ts.server.store.memberships.set({ kind: "client", id: opts.id }, owner, [allRightOf("client")]);
  return { id: opts.id, secret };
}

export function coreDeps(ts: TestServer, now: () => Date = () => new Date()): OAuthDeps {
  return { config: ts.config, store: ts.server.store, now, log: silentLogger, emails: ts.server.emails, hasher: createPasswordHasher(ts.config.is.passwordHashing, createHashPool()) };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/**
 * What the core reads of the request an authorization arrives with (the
 * issuer's scheme and host when no canonical URL is configured), for calls
 * of the core's contract without HTTP.
 */
export function requestAt(origin = "http://localhost:1885"): Request {
  const url = new URL(origin);
  const headers: Record<string, string> = { host: url.host };
  if (url.protocol === "https:") headers[":scheme"] = "https";
  return { headers, socket: {} } as unknown as Request;
}

export async function checked(deps: OAuthDeps, params: Partial<AuthorizeParams> & { client_id: string }): Promise<AuthorizeRequest> {
  const result = await oauthCore.checkAuthorize(deps, { response_type: "code", ...params }, requestAt());
  if ("redirectTo" in result) throw new Error(`authorization refused: ${result.redirectTo}`);
  return result;
}

/** A code for the user through checkAuthorize + approve; returns it with the redirect URL. */
export async function codeFor(deps: OAuthDeps, userId: string, params: Partial<AuthorizeParams> & { client_id: string }, sessionId = ""): Promise<{ code: string; redirect: URL }> {
  const redirect = new URL(await oauthCore.approve(deps, await checked(deps, params), { userId, sessionId }));
  return { code: redirect.searchParams.get("code")!, redirect };
}

export interface TokenResult {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** POST <mount>/token: a form by default, JSON with `json`; `basic` sends the client credentials as HTTP Basic. */
export async function tokenRequest(ts: TestServer, fields: Record<string, string>, opts: { json?: boolean; basic?: [string, string] } = {}): Promise<TokenResult> {
  const headers: Record<string, string> = { "content-type": opts.json ? "application/json" : "application/x-www-form-urlencoded" };
  if (opts.basic) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(opts.basic[0])}:${encodeURIComponent(opts.basic[1])}`).toString("base64")}`;
  const res = await fetch(`${ts.httpURL}/oauth/token`, { method: "POST", headers, body: opts.json ? JSON.stringify(fields) : new URLSearchParams(fields).toString() });
  return { status: res.status, body: await res.json() };
}

/** A port free right now, for a server whose canonical URL must name it before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
