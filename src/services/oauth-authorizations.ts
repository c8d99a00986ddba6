// ttn.lorawan.v3.OAuthAuthorizationRegistry: the clients a user authorized and
// the tokens they hold, listed and revoked. Everything needs
// RIGHT_USER_AUTHORIZED_CLIENTS on the user, except that a client's own access
// token may list and revoke the tokens of its user and client. Revoking an
// authorization also revokes its tokens at once (the stack keeps them until
// they expire).
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { OAuthAccessTokensSchema, OAuthClientAuthorizationsSchema } from "../../gen/ttn/lorawan/v3/oauth_pb.js";
import { OAuthAuthorizationRegistry } from "../../gen/ttn/lorawan/v3/oauth_services_pb.js";
import type { Caller } from "../auth/caller.js";
import { scopeOf, type RequestScope } from "../auth/scope.js";
import { errAccessTokenMismatch, errAccessTokenNotFound } from "../errors/index.js";
import { rightByName } from "../rights/algebra.js";
import { requireRights } from "../rights/gate.js";
import { pageOptions, setTotal } from "./shared/pagination.js";
import { check, checks } from "./shared/validate.js";

const AUTHORIZED_CLIENTS = rightByName("RIGHT_USER_AUTHORIZED_CLIENTS")!;
const orders = ["created_at"];

function userIdOf(ids: { userId: string } | undefined): string {
  check("user_ids.user_id", ids?.userId, checks.id2);
  return ids!.userId;
}

function clientIdOf(ids: { clientId: string } | undefined): string {
  check("client_ids.client_id", ids?.clientId, checks.id3);
  return ids!.clientId;
}

/** Whether the caller presents an access token of exactly this user and client. */
const ownToken = (caller: Caller, userId: string, clientId: string) =>
  caller.method === "oauth_access_token" && caller.accessToken?.userIds?.userId === userId && caller.accessToken.clientIds?.clientId === clientId;

/** RIGHT_USER_AUTHORIZED_CLIENTS, or a token of the user and client; returns whether the token decided. */
async function requireTokenAccess(scope: RequestScope, userId: string, clientId: string): Promise<boolean> {
  if (ownToken(await scope.caller(), userId, clientId)) return true;
  await requireRights(scope, { kind: "user", id: userId }, AUTHORIZED_CLIENTS);
  return false;
}

export function oauthAuthorizationRegistry(): ServiceImpl<typeof OAuthAuthorizationRegistry> {
  return {
    async list(req, ctx) {
      const scope = scopeOf(ctx);
      const userId = userIdOf(req.userIds);
      await requireRights(scope, { kind: "user", id: userId }, AUTHORIZED_CLIENTS);
      const page = await scope.store.oauth.findAuthorizations(userId, pageOptions(req, scope.config.is.pagination.defaultLimit, orders));
      setTotal(ctx, page.total);
      return create(OAuthClientAuthorizationsSchema, { authorizations: page.items });
    },

    async listTokens(req, ctx) {
      const scope = scopeOf(ctx);
      const userId = userIdOf(req.userIds);
      const clientId = clientIdOf(req.clientIds);
      await requireTokenAccess(scope, userId, clientId);
      const page = await scope.store.oauth.findTokens(userId, clientId, pageOptions(req, scope.config.is.pagination.defaultLimit, orders));
      setTotal(ctx, page.total);
      // Rows never hold plaintext secrets; the fields stay empty all the same.
      return create(OAuthAccessTokensSchema, { tokens: page.items.map((t) => ({ ...t, accessToken: "", refreshToken: "" })) });
    },

    async delete(req, ctx) {
      const scope = scopeOf(ctx);
      const userId = userIdOf(req.userIds);
      const clientId = clientIdOf(req.clientIds);
      await requireRights(scope, { kind: "user", id: userId }, AUTHORIZED_CLIENTS);
      await scope.store.oauth.deleteAuthorization(userId, clientId);
      return create(EmptySchema);
    },

    async deleteToken(req, ctx) {
      const scope = scopeOf(ctx);
      const userId = userIdOf(req.userIds);
      const clientId = clientIdOf(req.clientIds);
      check("id", req.id, (v) => (v ? undefined : "must be set"), checks.maxLength(64));
      const byToken = await requireTokenAccess(scope, userId, clientId);
      await scope.store.transact(async (tx) => {
        const stored = await tx.oauth.getToken(req.id);
        const matches = stored?.token.userIds?.userId === userId && stored.token.clientIds?.clientId === clientId;
        if (!matches) {
          // A token holder naming someone else's token learns only that it is not theirs.
          if (byToken && stored) throw errAccessTokenMismatch();
          throw errAccessTokenNotFound({ access_token_id: req.id });
        }
        await tx.oauth.deleteToken(req.id);
      });
      return create(EmptySchema);
    },
  };
}
