// grant_type=authorization_code: a code, once, by the client it was issued to,
// with the redirect URI it went to and the PKCE verifier of its challenge.
// A code presented a second time fails and revokes the tokens it issued
// (RFC 6749 §4.1.2): the first use may have been a thief's.
import { GrantType } from "../../../../gen/ttn/lorawan/v3/client_pb.js";
import { verifySecret } from "../../../auth/secrets.js";
import { TokenType } from "../../../auth/tokens.js";
import { errMissingAuthorizationCode } from "../../../errors/index.js";
import type { StoredAuthorizationCode } from "../../../store/interfaces.js";
import { rfc } from "../http.js";
import { issueTokens, tokenResponse, tokenRights } from "../issue.js";
import { signIdToken } from "../oidc/id-token.js";
import { verifierMatches } from "../pkce.js";
import { invalidGrant, requireGrant, tokenOfType, type Grant, type GrantContext } from "./grant.js";

/** Why a presented code does not buy tokens, or undefined when it does. */
function codeProblem(ctx: GrantContext, code: StoredAuthorizationCode | undefined, secret: string): "invalid" | "replayed" | undefined {
  const { params, client, deps } = ctx;
  if (!code || code.clientId !== client.ids!.clientId || !verifySecret(secret, code.codeHash)) return "invalid";
  if (code.usedAt) return "replayed";
  if (code.expiresAt <= deps.now()) return "invalid";
  if (params.redirect_uri !== undefined && params.redirect_uri !== code.redirectUri) return "invalid";
  if (code.codeChallenge) {
    if (!verifierMatches(params.code_verifier, code.codeChallenge)) return "invalid";
  } else if (params.code_verifier !== undefined) {
    // A verifier for a code issued without a challenge: a downgrade attempt.
    return "invalid";
  }
  return undefined;
}

export const authorizationCodeGrant: Grant = async (ctx) => {
  const { deps, params, client } = ctx;
  requireGrant(client, GrantType.GRANT_AUTHORIZATION_CODE, "authorization_code");
  if (!params.code) throw rfc("invalid_request", errMissingAuthorizationCode());
  const presented = tokenOfType(params.code, TokenType.AuthorizationCode);
  const outcome = await deps.store.transact(async (tx) => {
    const code = await tx.oauth.getCode(presented.id); // locked: two exchanges of one code take turns
    const problem = codeProblem(ctx, code, presented.secret);
    if (problem === "replayed" && code!.accessTokenId) await tx.oauth.deleteToken(code!.accessTokenId);
    if (problem) return { problem } as const;
    const c = code!;
    const issued = await issueTokens(tx, deps, { client, userId: c.userId, sessionId: c.userSessionId, rights: tokenRights(c.rights, client), scopes: c.scopes });
    await tx.oauth.markCodeUsed(c.id, deps.now(), issued.id);
    let idToken: string | undefined;
    if (c.scopes.includes("openid")) {
      const session = c.userSessionId ? await tx.sessions.get(c.userId, c.userSessionId).catch(() => undefined) : undefined;
      const loggedInAt = session?.createdAt ? new Date(Number(session.createdAt.seconds) * 1000) : c.createdAt;
      idToken = await signIdToken(
        { config: deps.config, store: tx, now: deps.now },
        { issuer: ctx.issuer, userId: c.userId, clientId: c.clientId, nonce: c.nonce, authTime: loggedInAt, accessToken: issued.accessToken },
      );
    }
    return { body: tokenResponse(deps, issued, idToken) } as const;
  });
  // Thrown after the commit, so a replay's revocation stays.
  if ("problem" in outcome) throw invalidGrant();
  return outcome.body;
};
