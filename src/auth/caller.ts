// Who is calling: the credential from the `authorization` header resolved into
// the holder, the credential's rights and universal rights, following the
// stack's rules (user state restrictions, admin universal rights).
import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { AuthInfoResponseSchema, type AuthInfoResponse } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";

import { RightsSchema, type APIKey, type Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import {
  errAPIKeyExpired, errAPIKeyNotFound, errInvalidAuthorization, errInvalidClusterKey, errUnauthenticated,
  errUnsupportedAuthorization, errUserRejected, errUserRequested, errUserSuspended,
} from "../errors/index.js";
import { adminRights, clusterRights, implied, intersect, rightByName, sorted, type RightSet } from "../rights/algebra.js";
import type { EntityRef, Store, StoredAPIKey } from "../store/interfaces.js";
import { constantTimeEqual, verifySecret } from "./secrets.js";
import { parseToken, TokenType } from "./tokens.js";
import { entityIdentifiers } from "./identifiers.js";

export interface Caller {
  method: "none" | "api_key" | "cluster";
  /** The holder of the credential. */
  entity?: EntityRef;
  apiKey?: APIKey;
  /** What the credential itself allows (implied), after state restrictions. */
  credentialRights: RightSet;
  /** Rights on every entity: admins' and cluster peers'. */
  universalRights: RightSet;
  isAdmin: boolean;
  /** The holder's user state, when the holder is a user. */
  userState?: { state: State; description: string };
  /** Why rights are restricted, for the `warning` header. */
  warning?: string;
}

export const anonymous: Caller = { method: "none", credentialRights: new Set(), universalRights: new Set(), isAdmin: false };

export interface AuthenticateDeps {
  store: Store;
  clusterKeys: readonly Buffer[];
  adminRightsAll: boolean;
  now: () => Date;
}

export async function authenticate(header: string | null, deps: AuthenticateDeps): Promise<Caller> {
  if (!header) return anonymous;
  const space = header.indexOf(" ");
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const value = space < 0 ? "" : header.slice(space + 1).trim();
  if (scheme === "clusterkey") return clusterCaller(value, deps);
  if (scheme !== "bearer") throw errUnsupportedAuthorization();
  const token = parseToken(value);
  if (token.type !== TokenType.APIKey) throw errUnsupportedAuthorization();
  const stored = await deps.store.apiKeys.lookup(token.id);
  if (!stored || stored.user?.deleted) throw errAPIKeyNotFound();
  if (!verifySecret(token.secret, stored.secretHash)) throw errInvalidAuthorization();
  if (stored.key.expiresAt && timestampDate(stored.key.expiresAt) <= deps.now()) throw errAPIKeyExpired();
  return apiKeyCaller(stored, deps);
}

function clusterCaller(hex: string, deps: AuthenticateDeps): Caller {
  const presented = /^[0-9a-fA-F]+$/.test(hex) && hex.length % 2 === 0 ? Buffer.from(hex, "hex") : Buffer.alloc(0);
  if (!deps.clusterKeys.some((k) => constantTimeEqual(k, presented))) throw errInvalidClusterKey();
  return { method: "cluster", credentialRights: new Set(), universalRights: new Set(clusterRights), isAdmin: false };
}

const named = (...names: string[]) => new Set(names.map((n) => rightByName(n)!));
// What a user may still do while not approved (or not validated).
const restrictions: Partial<Record<State, { rights: RightSet; warning: string }>> = {
  [State.REQUESTED]: { rights: named("RIGHT_USER_INFO", "RIGHT_USER_SETTINGS_BASIC", "RIGHT_USER_DELETE"), warning: "Restricted rights while account pending" },
  [State.REJECTED]: { rights: named("RIGHT_USER_INFO", "RIGHT_USER_DELETE"), warning: "Restricted rights after account rejection" },
  [State.SUSPENDED]: { rights: named("RIGHT_USER_INFO"), warning: "Restricted rights after account suspension" },
};

function apiKeyCaller(stored: StoredAPIKey, deps: AuthenticateDeps): Caller {
  let rights: RightSet = implied(stored.key.rights);
  const caller: Caller = {
    method: "api_key",
    entity: stored.entity,
    apiKey: { ...stored.key, rights: sorted(rights) },
    credentialRights: rights,
    universalRights: new Set(),
    isAdmin: false,
  };
  if (stored.user) {
    const { state, stateDescription } = stored.user;
    caller.userState = { state, description: stateDescription };
    const restriction = restrictions[state];
    if (restriction) {
      rights = intersect(rights, restriction.rights);
      caller.warning = stateDescription ? `${restriction.warning}: ${stateDescription}` : restriction.warning;
    }
    caller.credentialRights = rights;
    // AuthInfo reports the key's rights as restricted, as the stack does.
    caller.apiKey = { ...caller.apiKey!, rights: sorted(rights) };
    if (state === State.APPROVED && stored.user.admin) {
      caller.isAdmin = true;
      caller.universalRights = intersect(adminRights(deps.adminRightsAll), rights);
    }
  }
  return caller;
}

/**
 * The stack's RequireAuthenticated: some credential, and when it belongs to a
 * user, that user is approved (or flagged: innocent until proven guilty).
 */
export function requireAuthenticated(caller: Caller): void {
  if (caller.method === "none" && caller.universalRights.size === 0) throw errUnauthenticated();
  const s = caller.userState;
  if (!s) return;
  if (s.state === State.REQUESTED) throw errUserRequested();
  if (s.state === State.REJECTED) throw errUserRejected({ description: s.description });
  if (s.state === State.SUSPENDED) throw errUserSuspended({ description: s.description });
}

export function toAuthInfo(caller: Caller): AuthInfoResponse {
  const info = create(AuthInfoResponseSchema, { isAdmin: caller.isAdmin });
  if (caller.method === "api_key" && caller.apiKey && caller.entity) {
    info.accessMethod = {
      case: "apiKey",
      value: { $typeName: "ttn.lorawan.v3.AuthInfoResponse.APIKeyAccess", apiKey: caller.apiKey, entityIds: entityIdentifiers(caller.entity) },
    };
  }
  if (caller.universalRights.size > 0) info.universalRights = create(RightsSchema, { rights: sorted(caller.universalRights) as Right[] });
  return info;
}

