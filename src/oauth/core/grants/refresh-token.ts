// grant_type=refresh_token: a refresh token of this client buys a new access
// and refresh token with the same rights (cut to the client's current ones);
// the old pair stops working at once (rotation), so a reused refresh token fails.
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
  return deps.store.transact(async (tx) => {
    const stored = await tx.oauth.getToken(presented.id); // locked: two refreshes of one token take turns
    if (!stored?.refreshTokenHash || stored.token.clientIds?.clientId !== client.ids!.clientId || !verifySecret(presented.secret, stored.refreshTokenHash)) {
      throw invalidGrant();
    }
    const issued = await rotateTokens(tx, deps, { client, id: presented.id, rights: tokenRights(stored.token.rights, client) });
    return tokenResponse(deps, issued);
  });
};
