// Who called, as the request line tells it: the kind of credential, the
// entity holding it and the ID of the key, token or session, never a secret.
// From the caller the call authenticated when it did; otherwise from the
// authorization header alone, unchecked, the way The Things Stack's HTTP log
// names a token's type and ID (a public method never asks who calls, a
// refused credential never becomes a caller).
import type { Caller } from "../../auth/caller.js";
import { TokenType } from "../../auth/tokens.js";

export interface CallerFields {
  caller_kind: Caller["method"];
  /** `<entity kind>:<ID>` of the credential's holder (`user:admin`, `application:app1`). */
  caller_id?: string;
  api_key_id?: string;
  access_token_id?: string;
  session_id?: string;
}

const none: CallerFields = Object.freeze({ caller_kind: "none" });

/** The fields of an authenticated caller. */
export function callerFields(caller: Caller): CallerFields {
  const fields: CallerFields = { caller_kind: caller.method };
  if (caller.entity) fields.caller_id = `${caller.entity.kind}:${caller.entity.id}`;
  if (caller.apiKey?.id) fields.api_key_id = caller.apiKey.id;
  if (caller.accessToken?.id) fields.access_token_id = caller.accessToken.id;
  if (caller.session?.sessionId) fields.session_id = caller.session.sessionId;
  return fields;
}

/** A token's ID: base32, as the stack makes them (anything else is not echoed into the log). */
const tokenId = /^[A-Z2-7]{1,128}$/;

/** What the authorization header claims, unchecked: the credential's kind and its token's ID (`<TYPE>.<ID>.<SECRET>`). */
export function claimedCaller(header: string | null | undefined): CallerFields {
  if (!header) return none;
  const space = header.indexOf(" ");
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  if (scheme === "clusterkey") return { caller_kind: "cluster" };
  if (scheme === "tenantadminkey") return { caller_kind: "tenant_admin" };
  if (scheme !== "bearer") return none;
  const parts = header.slice(space + 1).trim().split(".");
  if (parts.length !== 3 || !tokenId.test(parts[1]!)) return none;
  switch (parts[0]) {
    case TokenType.APIKey:
      return { caller_kind: "api_key", api_key_id: parts[1] };
    case TokenType.AccessToken:
      return { caller_kind: "oauth_access_token", access_token_id: parts[1] };
    case TokenType.SessionToken:
      return { caller_kind: "user_session", session_id: parts[1] };
    default:
      return none;
  }
}
