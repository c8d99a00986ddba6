// grant_type=refresh_token: a refresh token of this client buys a new access
// and refresh token with the same rights (cut to the client's current ones);
// the old pair stops working at once (rotation), so a reused refresh token fails.
// No transaction: the token is read, its refresh secret checked, and the row
// rotated only if its refresh hash is still the one checked, so of two refreshes
// racing with one token exactly one gets new tokens.
import { GrantType } from "../../../../gen/ttn/lorawan/v3/client_pb.js";
import { verifySecret } from "../../../auth/secrets.js";
import { TokenType } from "../../../auth/tokens.js";
import { errMissingRefreshToken } from "../../../errors/index.js";
import { rfc } from "../http.js";
import { rotateTokens, tokenResponse, tokenRights } from "../issue.js";
import { invalidGrant, requireGrant, tokenOfType, type Grant } from "./grant.js";

export const refreshTokenGrant: Grant = async (ctx) => {
  const { deps, params, client } = ctx;
  requireGrant(client, GrantType.GRANT_REFRESH_TOKEN, "refresh_token");
  if (!params.refresh_token) throw rfc("invalid_request", errMissingRefreshToken());
  const presented = tokenOfType(params.refresh_token, TokenType.RefreshToken);
  const stored = await deps.store.oauth.getToken(presented.id, { lock: false });
  if (!stored?.refreshTokenHash || stored.token.clientIds?.clientId !== client.ids!.clientId || !verifySecret(presented.secret, stored.refreshTokenHash)) {
    throw invalidGrant();
  }
  const issued = await rotateTokens(deps.store, deps, { client, id: presented.id, refreshHash: stored.refreshTokenHash, rights: tokenRights(stored.token.rights, client) });
  if (!issued) throw invalidGrant(); // another refresh with this token came first
  return tokenResponse(deps, issued);
};
