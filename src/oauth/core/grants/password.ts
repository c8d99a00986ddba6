// grant_type=password (beyond the stack, which refuses it): only for clients
// holding GRANT_PASSWORD, only while credentials login is enabled. Wrong user
// IDs and wrong passwords get the same error and cost the same time, and
// failures count against the login throttle the pages use. The user's
// consent is recorded like an approval, so it shows in (and is revoked
// through) OAuthAuthorizationRegistry.
import { GrantType } from "../../../../gen/ttn/lorawan/v3/client_pb.js";
import { State } from "../../../../gen/ttn/lorawan/v3/enums_pb.js";
import { assertCredentialsLoginAllowed } from "../../../accounts/credentials-login.js";
import type { PasswordHasher } from "../../../auth/passwords.js";
import { errClientNotApproved, errLoginRateLimited, type IsError, errNoUserIDPasswordMatch, errOAuthInvalidRequest, errUserNotFound } from "../../../errors/index.js";
import { requestTraceOf } from "../../../telemetry/tracing/index.js";
import { scopesOf } from "../authorize.js";
import { rfc } from "../http.js";
import { issueTokens, tokenResponse, tokenRights } from "../issue.js";
import { signIdToken } from "../oidc/id-token.js";
import { requireGrant, type Grant } from "./grant.js";

// A hash to check unknown user IDs against, made with the configured cost.
const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>();
function dummyHash(hasher: PasswordHasher): Promise<string> {
  let hash = dummyHashes.get(hasher);
  if (!hash) {
    dummyHashes.set(hasher, (hash = hasher.hash("not a password of anyone")));
    // A full pool refuses this one too: try again next time rather than keep the refusal.
    hash.catch(() => dummyHashes.delete(hasher));
  }
  return hash;
}

export const passwordGrant: Grant = async (ctx) => {
  const { deps, params, client, req } = ctx;
  requireGrant(client, GrantType.GRANT_PASSWORD, "password");
  if (client.state === State.REQUESTED) throw rfc("unauthorized_client", errClientNotApproved({ client_id: client.ids!.clientId }));
  try {
    assertCredentialsLoginAllowed(deps.config);
  } catch (err) {
    throw rfc("unauthorized_client", err as IsError);
  }
  const userId = params.username ?? "";
  const password = params.password ?? "";
  if (!userId || !password) throw rfc("invalid_request", errOAuthInvalidRequest({ reason: "username and password are required" }));

  const address = deps.clientAddress?.(req) ?? req.socket?.remoteAddress ?? "unknown";
  const wait = (await deps.throttle?.retryAfter(userId, address, deps.now().getTime())) ?? 0;
  if (wait > 0) throw rfc("invalid_grant", errLoginRateLimited({ retry_after: Math.ceil(wait / 1000) }));
  const { hasher } = deps;
  const user = await deps.store.users.get(userId).catch((err: unknown) => {
    if (errUserNotFound.is(err)) return undefined;
    throw err;
  });
  const trace = requestTraceOf(req);
  const ok = user ? await hasher.verify(password, user.password, trace) : (await hasher.verify(password, await dummyHash(hasher), trace), false);
  if (!ok) {
    await deps.throttle?.fail(userId, address, deps.now().getTime());
    throw rfc("invalid_grant", errNoUserIDPasswordMatch());
  }
  await deps.throttle?.succeed(userId);

  const scopes = scopesOf(params.scope);
  const now = deps.now();
  return deps.store.transact(async (tx) => {
    await tx.oauth.setAuthorization(userId, client.ids!.clientId, client.rights, now);
    const issued = await issueTokens(tx, deps, { client, userId, rights: tokenRights(client.rights, client), scopes });
    const idToken = scopes.includes("openid")
      ? await signIdToken({ config: deps.config, store: tx, now: deps.now }, { issuer: ctx.issuer, userId, clientId: client.ids!.clientId, authTime: now, accessToken: issued.accessToken })
      : undefined;
    return tokenResponse(deps, issued, idToken);
  });
};
