// The authorization endpoint's protocol side: which requests may get a code
// (one small check after another), whether the user still has to consent,
// and the code (or refusal) sent back to the client's redirect URI. The pages
// (src/oauth/ui) know who the user is and ask for consent.
import { GrantType, type Client } from "../../../gen/ttn/lorawan/v3/client_pb.js";
import { State } from "../../../gen/ttn/lorawan/v3/enums_pb.js";
import { hashSecret } from "../../auth/secrets.js";
import { generateToken, TokenType } from "../../auth/tokens.js";
import {
  errClientMissingGrant, errClientNotApproved, errClientRejected, errClientSuspended, errInvalidRedirectURI, errMissingClientID,
} from "../../errors/index.js";
import { implied } from "../../rights/algebra.js";
import { check, checks } from "../../services/shared/validate.js";
import type { AuthorizeParams, AuthorizeRequest, OAuthDeps, Request } from "../api.js";
import { challengePattern } from "./pkce.js";
import { codeTtl, issuerOf } from "./settings.js";

/** OpenID Connect scopes we act on; others are ignored, as the stack ignores `scope`. */
const knownScopes = new Set(["openid", "profile", "email", "offline_access"]);
const maxParamLength = 2048;

export function scopesOf(scope: string | undefined): string[] {
  return [...new Set((scope ?? "").split(" ").filter((s) => knownScopes.has(s)))];
}

/** The URI with the parameters added to its query (empty ones left out). */
export function redirectWith(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v) url.searchParams.set(k, v);
  return url.toString();
}

// Client problems: shown to the user, never sent to a redirect URI we could not vouch for.
function assertClientMayAuthorize(client: Client): void {
  const client_id = client.ids!.clientId;
  if (client.state === State.REQUESTED) throw errClientNotApproved({ client_id });
  if (client.state === State.REJECTED) throw errClientRejected({ client_id });
  if (client.state === State.SUSPENDED) throw errClientSuspended({ client_id });
  if (!client.grants.includes(GrantType.GRANT_AUTHORIZATION_CODE)) throw errClientMissingGrant({ client_id, grant: "authorization_code" });
}

/**
 * RFC 8252 §7.3: a native app (a CLI) listens on a loopback port of its
 * choosing, so an http loopback redirect URI matches a registered one on
 * any port; everything else must match exactly.
 */
function sameRedirectURI(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  const loopback = (u: URL) => u.protocol === "http:" && ["127.0.0.1", "[::1]"].includes(u.hostname);
  if (!URL.canParse(registered) || !URL.canParse(requested)) return false;
  const [a, b] = [new URL(registered), new URL(requested)];
  return loopback(a) && loopback(b) && a.hostname === b.hostname && a.pathname === b.pathname && a.search === b.search && !a.username && !b.username && !b.hash;
}

/** A registered URI (exact, or a loopback one on any port); without one, the first registered. */
function redirectUriOf(client: Client, requested: string | undefined): string {
  if (requested) {
    if (!client.redirectUris.some((r) => sameRedirectURI(r, requested))) throw errInvalidRedirectURI({ redirect_uri: requested });
    return requested;
  }
  const first = client.redirectUris[0];
  if (!first) throw errInvalidRedirectURI({ redirect_uri: "" });
  return first;
}

/** Request problems the client can be told about on its redirect URI. */
function requestProblem(params: AuthorizeParams, publicClient: boolean): { error: string; description: string } | undefined {
  const invalid = (description: string) => ({ error: "invalid_request", description });
  if (params.response_type !== "code") return { error: "unsupported_response_type", description: "only response_type=code is supported" };
  for (const name of ["state", "scope", "nonce", "code_challenge"] as const) {
    if ((params[name]?.length ?? 0) > maxParamLength) return invalid(`${name} is too long`);
  }
  if (params.code_challenge || params.code_challenge_method) {
    // RFC 7636 defaults to `plain`, which a code interceptor could replay: only S256.
    if (params.code_challenge_method !== "S256") return invalid("code_challenge_method must be S256");
    if (!challengePattern.test(params.code_challenge ?? "")) return invalid("code_challenge must be the base64url SHA-256 of the code verifier");
  } else if (publicClient) {
    return invalid("clients without a secret must use PKCE (code_challenge with code_challenge_method=S256)");
  }
  return undefined;
}

export async function checkAuthorize(deps: OAuthDeps, params: AuthorizeParams, req: Request): Promise<AuthorizeRequest | { redirectTo: string }> {
  if (!params.client_id) throw errMissingClientID();
  check("client_id", params.client_id, checks.id3);
  const client = await deps.store.clients.get(params.client_id);
  const redirectUri = redirectUriOf(client, params.redirect_uri);
  assertClientMayAuthorize(client);
  // RFC 9207: `iss` on every answer lets a client that talks to several servers tell them apart.
  // The same value as discovery's `issuer`, also when it follows the request's host.
  const issuer = issuerOf(deps.config, req);
  const problem = requestProblem(params, client.secret === "");
  if (problem) return { redirectTo: redirectWith(redirectUri, { error: problem.error, error_description: problem.description, state: params.state, iss: issuer }) };
  // The stored secret is a hash: it goes no further than here.
  return { params, client: { ...client, secret: "" }, redirectUri, rights: [...client.rights], issuer };
}

export async function needsConsent(deps: OAuthDeps, req: AuthorizeRequest, userId: string): Promise<boolean> {
  if (req.client.skipAuthorization || req.client.endorsed) return false;
  const existing = await deps.store.oauth.getAuthorization(userId, req.client.ids!.clientId);
  if (!existing) return true;
  const granted = implied(existing.rights);
  return [...implied(req.rights)].some((r) => !granted.has(r));
}

export async function approve(deps: OAuthDeps, req: AuthorizeRequest, user: { userId: string; sessionId: string }): Promise<string> {
  const now = deps.now();
  const clientId = req.client.ids!.clientId;
  const code = generateToken(TokenType.AuthorizationCode);
  const challenge = req.params.code_challenge || undefined;
  await deps.store.transact(async (tx) => {
    // The consent: what the user allowed this client (its rights), shown and revocable later.
    await tx.oauth.setAuthorization(user.userId, clientId, req.rights, now);
    await tx.oauth.createCode({
      id: code.id,
      codeHash: hashSecret(code.secret),
      userId: user.userId,
      clientId,
      userSessionId: user.sessionId || undefined,
      rights: req.rights,
      redirectUri: req.redirectUri,
      state: req.params.state ?? "",
      codeChallenge: challenge,
      codeChallengeMethod: challenge ? "S256" : undefined,
      nonce: req.params.nonce || undefined,
      scopes: scopesOf(req.params.scope),
      createdAt: now,
      expiresAt: new Date(now.getTime() + codeTtl(deps.config)),
    });
  });
  return redirectWith(req.redirectUri, { code: code.value, state: req.params.state, iss: req.issuer });
}

export function deny(req: AuthorizeRequest): string {
  return redirectWith(req.redirectUri, { error: "access_denied", error_description: "the user denied the request", state: req.params.state, iss: req.issuer });
}
