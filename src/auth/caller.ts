// Who is calling: the credential from the `authorization` header resolved into
// the holder, the credential's rights and universal rights, following the
// stack's rules (user state restrictions, admin universal rights).
import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { AuthInfoResponseSchema, type AuthInfoResponse } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";

import type { OAuthAccessToken } from "../../gen/ttn/lorawan/v3/oauth_pb.js";
import { RightsSchema, type APIKey, type Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import type { User, UserSession } from "../../gen/ttn/lorawan/v3/user_pb.js";
import {
  errAPIKeyExpired, errAPIKeyNotFound, errInvalidAuthorization, errInvalidClusterKey, errOAuthClientRejected, errOAuthClientSuspended,
  errTokenExpired, errTokenNotFound, errUnauthenticated, errUnsupportedAuthorization, errUserRejected, errUserRequested,
  errUserSessionNotFound, errUserSuspended, errInvalidTenantAdminKey,
} from "../errors/index.js";
import { adminRights, clusterRights, implied, intersect, RIGHT_ALL, rightByName, sorted, type RightSet } from "../rights/algebra.js";
import type { EntityRef, Store, StoredAPIKey } from "../store/interfaces.js";
import type { RequestTrace } from "../telemetry/tracing/request-trace.js";
import { constantTimeEqual, hashAlgorithmOf, isKeyedHash, verifySecret } from "./secrets.js";
import { parseToken, TokenType } from "./tokens.js";
import { entityIdentifiers } from "./identifiers.js";

export interface Caller {
  method: "none" | "api_key" | "cluster" | "oauth_access_token" | "user_session" | "tenant_admin";
  /** The holder of the credential. */
  entity?: EntityRef;
  apiKey?: APIKey;
  /** The OAuth access token presented, without secrets, its rights as restricted. */
  accessToken?: OAuthAccessToken;
  /** The scopes the access token was granted (userinfo reads them). */
  accessTokenScopes?: readonly string[];
  /** The login session presented (`ONZW4.<session_id>.<secret>`), without secret. */
  session?: UserSession;
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
  /** `is.tenancy.admin-keys`: what `authorization: TenantAdminKey <hex>` must match. */
  tenantAdminKeys?: readonly Buffer[];
  adminRightsAll: boolean;
  now: () => Date;
  /** `is.user-registration.contact-info-validation.required`: unvalidated users are restricted. */
  validationRequired?: boolean;
  /** The call's trace when it is traced: checking the secret is a span of it. */
  trace?: RequestTrace;
}

/**
 * Whether `secret` matches its stored hash. In a traced call an imported
 * PBKDF2 hash (milliseconds of CPU, on the event loop) is a span; our own HMAC
 * (microseconds, on every call) is not worth one.
 */
function secretMatches(secret: string, stored: string, deps: AuthenticateDeps): boolean {
  if (!deps.trace || isKeyedHash(stored)) return verifySecret(secret, stored);
  const algorithm = hashAlgorithmOf(stored);
  return deps.trace.measure(`verify ${algorithm}`, { "is.hash.algorithm": algorithm }, () => verifySecret(secret, stored));
}

export async function authenticate(header: string | null, deps: AuthenticateDeps): Promise<Caller> {
  if (!header) return anonymous;
  const space = header.indexOf(" ");
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const value = space < 0 ? "" : header.slice(space + 1).trim();
  if (scheme === "clusterkey") return clusterCaller(value, deps);
  if (scheme === "tenantadminkey") return tenantAdminCaller(value, deps);
  if (scheme !== "bearer") throw errUnsupportedAuthorization();
  const token = parseToken(value);
  if (token.type === TokenType.AccessToken) return accessTokenCaller(token.id, token.secret, deps);
  if (token.type === TokenType.SessionToken) return sessionCaller(token.id, token.secret, deps);
  if (token.type !== TokenType.APIKey) throw errUnsupportedAuthorization();
  const stored = await deps.store.apiKeys.lookup(token.id);
  if (!stored || stored.user?.deleted) throw errAPIKeyNotFound();
  if (!secretMatches(token.secret, stored.secretHash, deps)) throw errInvalidAuthorization();
  if (stored.key.expiresAt && timestampDate(stored.key.expiresAt) <= deps.now()) throw errAPIKeyExpired();
  return apiKeyCaller(stored, deps);
}

function clusterCaller(hex: string, deps: AuthenticateDeps): Caller {
  const presented = /^[0-9a-fA-F]+$/.test(hex) && hex.length % 2 === 0 ? Buffer.from(hex, "hex") : Buffer.alloc(0);
  if (!deps.clusterKeys.some((k) => constantTimeEqual(k, presented))) throw errInvalidClusterKey();
  return { method: "cluster", credentialRights: new Set(), universalRights: new Set(clusterRights), isAdmin: false };
}

/**
 * `TenantAdminKey <hex>`: tenant administration (TenantRegistry only; the policy
 * refuses it elsewhere). Compared in constant time against every configured key,
 * so the time taken tells nothing about which key came close.
 */
function tenantAdminCaller(hex: string, deps: AuthenticateDeps): Caller {
  const presented = /^[0-9a-fA-F]+$/.test(hex) && hex.length % 2 === 0 ? Buffer.from(hex, "hex") : Buffer.alloc(0);
  let ok = false;
  for (const key of deps.tenantAdminKeys ?? []) ok = constantTimeEqual(key, presented) || ok;
  if (!ok) throw errInvalidTenantAdminKey();
  return { method: "tenant_admin", credentialRights: new Set(), universalRights: new Set(), isAdmin: false };
}

const named = (...names: string[]) => new Set(names.map((n) => rightByName(n)!));
// What a user may still do while not approved (or not validated).
const restrictions: Partial<Record<State, { rights: RightSet; warning: string }>> = {
  [State.REQUESTED]: { rights: named("RIGHT_USER_INFO", "RIGHT_USER_SETTINGS_BASIC", "RIGHT_USER_DELETE"), warning: "Restricted rights while account pending" },
  [State.REJECTED]: { rights: named("RIGHT_USER_INFO", "RIGHT_USER_DELETE"), warning: "Restricted rights after account rejection" },
  [State.SUSPENDED]: { rights: named("RIGHT_USER_INFO"), warning: "Restricted rights after account suspension" },
};
// Until the primary e-mail address is validated (when the network requires it):
// the user may still read and change their account, request a validation
// e-mail (USER_SETTINGS_BASIC) and delete the account. Admins are exempt.
const unvalidated = { rights: named("RIGHT_USER_INFO", "RIGHT_USER_SETTINGS_BASIC", "RIGHT_USER_DELETE"), warning: "Restricted rights until email address validated" };

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
    rights = restrictByUser(caller, stored.user, rights, deps);
    // AuthInfo reports the key's rights as restricted, as the stack does.
    caller.apiKey = { ...caller.apiKey!, rights: sorted(rights) };
  }
  return caller;
}

type UserFacts = Pick<User, "admin" | "state" | "stateDescription" | "primaryEmailAddressValidatedAt">;

/**
 * Applies the holder's user state to a user credential (API key, OAuth token,
 * session): restricted rights and the warning, and admin universal rights,
 * never beyond the credential's own. Returns the credential's rights as restricted.
 */
function restrictByUser(caller: Caller, user: UserFacts, credential: RightSet, deps: AuthenticateDeps): RightSet {
  let rights = credential;
  const { state, stateDescription } = user;
  caller.userState = { state, description: stateDescription };
  const restriction = restrictions[state];
  if (restriction) {
    rights = intersect(rights, restriction.rights);
    caller.warning = stateDescription ? `${restriction.warning}: ${stateDescription}` : restriction.warning;
  }
  if (deps.validationRequired && !user.admin && !user.primaryEmailAddressValidatedAt) {
    rights = intersect(rights, unvalidated.rights);
    caller.warning ??= unvalidated.warning;
  }
  caller.credentialRights = rights;
  if (state === State.APPROVED && user.admin) {
    caller.isAdmin = true;
    caller.universalRights = intersect(adminRights(deps.adminRightsAll), rights);
  }
  return rights;
}

/**
 * `MFRWG.<id>.<secret>`: an OAuth access token acts for its user with the
 * token's rights, cut to what its client may still have (a client's rights
 * can shrink after the token was issued), then restricted by the user's state.
 * Rights on other entities are further cut by the user's memberships in the
 * rights gate, so a token never carries more than client ∩ user ∩ granted.
 */
async function accessTokenCaller(id: string, secret: string, deps: AuthenticateDeps): Promise<Caller> {
  const stored = await deps.store.oauth.lookupToken(id);
  if (!stored?.user || stored.user.deleted || !stored.client || stored.client.deleted) throw errTokenNotFound();
  if (!secretMatches(secret, stored.accessTokenHash, deps)) throw errInvalidAuthorization();
  if (!stored.token.expiresAt || timestampDate(stored.token.expiresAt) <= deps.now()) throw errTokenExpired();
  if (stored.client.state === State.REJECTED) throw errOAuthClientRejected({ description: stored.client.stateDescription });
  if (stored.client.state === State.SUSPENDED) throw errOAuthClientSuspended({ description: stored.client.stateDescription });
  const granted = intersect(implied(stored.token.rights), implied(stored.client.rights));
  const caller: Caller = {
    method: "oauth_access_token",
    entity: { kind: "user", id: stored.token.userIds!.userId },
    credentialRights: granted,
    universalRights: new Set(),
    isAdmin: false,
  };
  const rights = restrictByUser(caller, stored.user, granted, deps);
  caller.accessToken = { ...stored.token, accessToken: "", refreshToken: "", rights: sorted(rights) };
  caller.accessTokenScopes = stored.scopes;
  return caller;
}

/**
 * `ONZW4.<session_id>.<secret>`: a login session of the OAuth pages acts for
 * its user with all rights. Unlike the stack, the user's state restricts them
 * as it does for keys and tokens.
 */
async function sessionCaller(id: string, secret: string, deps: AuthenticateDeps): Promise<Caller> {
  const session = await deps.store.sessions.verify(id, secret, deps.now()).catch((err: unknown) => {
    if (errUserSessionNotFound.is(err)) throw errTokenNotFound();
    throw err;
  });
  const userId = session.userIds!.userId;
  const user = await deps.store.users.get(userId).catch(() => undefined);
  if (!user) throw errTokenNotFound();
  const caller: Caller = { method: "user_session", entity: { kind: "user", id: userId }, credentialRights: new Set(), universalRights: new Set(), isAdmin: false };
  restrictByUser(caller, user, implied([RIGHT_ALL]), deps);
  caller.session = { ...session, sessionSecret: "" };
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
  if (caller.method === "oauth_access_token" && caller.accessToken) info.accessMethod = { case: "oauthAccessToken", value: caller.accessToken };
  if (caller.method === "user_session" && caller.session) info.accessMethod = { case: "userSession", value: caller.session };
  if (caller.universalRights.size > 0) info.universalRights = create(RightsSchema, { rights: sorted(caller.universalRights) as Right[] });
  return info;
}

