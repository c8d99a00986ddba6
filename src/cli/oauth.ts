// `users oauth`: OAuthAuthorizationRegistry — the clients a user authorized
// (`authorizations list|delete`) and the access tokens each holds
// (`access-tokens list|delete`, alias `tokens`). Deleting an authorization
// revokes its tokens too. IDs by positional or --user-id, --client-id, --token-id.
import { OAuthAuthorizationRegistry } from "../../gen/ttn/lorawan/v3/oauth_services_pb.js";
import type { ParsedArgs, PositionalSpec } from "./args.js";
import { ALIASES, group, rpc, type CommandTree } from "./client.js";
import { pagination, paginationFlags } from "./flags.js";

const userId: PositionalSpec = { name: "user-id", description: "ID of the user", flag: "user-id" };
const clientId: PositionalSpec = { name: "client-id", description: "ID of the OAuth client", flag: "client-id" };
const tokenId: PositionalSpec = { name: "token-id", description: "ID of the access token (the middle part of MFRWG.<id>.<secret>)", flag: "token-id" };

const userIds = (a: ParsedArgs) => ({ userId: a.arg("user-id") });
const pair = (a: ParsedArgs) => ({ userIds: userIds(a), clientIds: { clientId: a.arg("client-id") } });

export const userOAuthCommands: CommandTree = group("oauth", "The OAuth clients a user authorized and their access tokens", [
  group("authorizations", "Clients the user authorized", [
    rpc({
      name: "list",
      aliases: ALIASES.list,
      summary: "List the clients the user authorized (order: created_at)",
      positionals: [userId],
      flags: paginationFlags,
      list: true,
      method: OAuthAuthorizationRegistry.method.list,
      request: (a) => ({ userIds: userIds(a), ...pagination(a) }),
    }),
    rpc({
      name: "delete",
      aliases: ALIASES.delete,
      summary: "Revoke a client's authorization and all its tokens",
      positionals: [userId, clientId],
      method: OAuthAuthorizationRegistry.method.delete,
      request: pair,
    }),
  ]),
  group("access-tokens", "Access tokens of a user and client", [
    rpc({
      name: "list",
      aliases: ALIASES.list,
      summary: "List the access tokens of a user and client, without secrets (order: created_at)",
      positionals: [userId, clientId],
      flags: paginationFlags,
      list: true,
      method: OAuthAuthorizationRegistry.method.listTokens,
      request: (a) => ({ ...pair(a), ...pagination(a) }),
    }),
    rpc({
      name: "delete",
      aliases: ALIASES.delete,
      summary: "Revoke one access token (and its refresh token)",
      positionals: [userId, clientId, tokenId],
      method: OAuthAuthorizationRegistry.method.deleteToken,
      request: (a) => ({ ...pair(a), id: a.arg("token-id") }),
    }),
  ], ["tokens"]),
]);
