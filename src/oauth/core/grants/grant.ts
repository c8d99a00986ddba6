// What every grant of the token endpoint gets, and the checks they share.
import type { Client, GrantType } from "../../../../gen/ttn/lorawan/v3/client_pb.js";
import { parseToken, type Token, type TokenType } from "../../../auth/tokens.js";
import { errClientMissingGrant, errInvalidGrant } from "../../../errors/index.js";
import type { OAuthDeps, Request } from "../../api.js";
import { rfc } from "../http.js";

export interface GrantContext {
  deps: OAuthDeps;
  req: Request;
  params: Record<string, string>;
  /** The authenticated client. */
  client: Client;
  /** The issuer for ID tokens, as seen by this request. */
  issuer: string;
}

/** A grant turns a request into the token response body. */
export type Grant = (ctx: GrantContext) => Promise<Record<string, unknown>>;

export function requireGrant(client: Client, grant: GrantType, name: string): void {
  if (!client.grants.includes(grant)) throw rfc("unauthorized_client", errClientMissingGrant({ client_id: client.ids!.clientId, grant: name }));
}

export const invalidGrant = () => rfc("invalid_grant", errInvalidGrant());

/** The token if it is well-formed and of this type; anything else is an invalid grant. */
export function tokenOfType(value: string, type: TokenType): Token {
  let token: Token;
  try {
    token = parseToken(value);
  } catch {
    throw invalidGrant();
  }
  if (token.type !== type) throw invalidGrant();
  return token;
}
