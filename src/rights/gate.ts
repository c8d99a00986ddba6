// The one rights gate: the caller's effective rights on an entity, computed as
// the stack does (membership chains ∩ credential rights ∪ universal rights),
// and the checks every handler calls.
import type { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import type { Caller } from "../auth/caller.js";
import type { RequestScope } from "../auth/scope.js";
import { errGatewayNotFound, errInsufficientRights, errInsufficientUniversalRights, errNoRights, errPermissionDenied } from "../errors/index.js";
import type { EntityRef, MembershipChains, Store } from "../store/interfaces.js";
import { implied, intersect, missing, potentialRights, rightByName, rightName, union, type EntityKind, type RightSet } from "./algebra.js";
import { errorFor } from "./not-found.js";

export interface RightsOptions {
  /** Count soft-deleted entities as existing (Restore). */
  includeDeleted?: boolean;
  /**
   * Leave out the rights an entity's public settings lend to everyone (a
   * gateway's public status or location): what the caller holds as such.
   */
  ownOnly?: boolean;
}

/** The caller's effective rights on `entity` (cached per request). */
export function rightsOn(scope: RequestScope, entity: EntityRef, opts: RightsOptions = {}): Promise<Set<Right>> {
  const key = `${entity.kind}:${entity.id}:${opts.includeDeleted ? "d" : ""}${opts.ownOnly ? "o" : ""}`;
  let rights = scope.rights.get(key);
  if (!rights) {
    rights = scope.caller().then(async (caller) => {
      const computed = await computeRights(scope.store, caller, entity, opts);
      const lent = opts.ownOnly ? undefined : publicRightsOf[entity.kind];
      return lent ? union(computed, await lent(scope.store, entity.id, opts)) : computed;
    });
    scope.rights.set(key, rights);
  }
  return rights;
}

// Public rights hook (§4.5 step 6): rights an entity's own settings lend to every
// caller, with or without credentials or membership. Only gateways lend any: a
// public status gives GATEWAY_STATUS_READ, a public location GATEWAY_LOCATION_READ.
// A missing gateway lends nothing (the membership part already decided what the
// caller learns about it).
const GATEWAY_STATUS_READ = rightByName("RIGHT_GATEWAY_STATUS_READ")!;
const GATEWAY_LOCATION_READ = rightByName("RIGHT_GATEWAY_LOCATION_READ")!;
const publicRightsOf: Partial<Record<EntityKind, (store: Store, id: string, opts: RightsOptions) => Promise<Right[]>>> = {
  async gateway(store, id, opts) {
    const gateway = await store.gateways.get(id, opts).catch((err: unknown) => {
      if (errGatewayNotFound.is(err)) return undefined;
      throw err;
    });
    return [...(gateway?.statusPublic ? [GATEWAY_STATUS_READ] : []), ...(gateway?.locationPublic ? [GATEWAY_LOCATION_READ] : [])];
  },
};

async function computeRights(store: Store, caller: Caller, entity: EntityRef, opts: RightsOptions): Promise<Set<Right>> {
  const potential = potentialRights[entity.kind];
  const universal = intersect(caller.universalRights, potential);
  const credential = intersect(caller.credentialRights, potential);
  const holder = caller.entity;
  let result: Set<Right>;
  if (credential.size === 0 || !holder) {
    result = universal;
  } else if (holder.kind === entity.kind && holder.id === entity.id) {
    result = union(credential, universal);
  } else if ((holder.kind !== "user" && holder.kind !== "organization") || entity.kind === "user") {
    result = universal;
  } else {
    const chains = await store.memberships.chains({ kind: holder.kind, id: holder.id }, entity, opts);
    if (!chains.exists) return missingEntity(caller, entity);
    return chainRights(caller, chains, universal);
  }
  // Without a membership lookup we still must not hand out rights on entities
  // that do not exist: admins learn it is missing, others see no rights.
  if (result.size > 0 && !(await store.exists(entity, opts))) return missingEntity(caller, entity);
  return result;
}

/** Membership-chain rights: §4.5 step 5, then the universal rights. */
function chainRights(caller: Caller, chains: MembershipChains, universal: RightSet): Set<Right> {
  const viaMemberships = new Set<Right>();
  if (chains.direct) for (const r of implied(chains.direct)) viaMemberships.add(r);
  for (const c of chains.viaOrganizations) {
    for (const r of intersect(implied(c.entityRights), implied(c.organizationRights))) viaMemberships.add(r);
  }
  // The chains ∩ the credential's own rights, not cut to the kind, so an owner
  // holding RIGHT_ALL on an organization can grant RIGHT_ALL.
  return union(intersect(viaMemberships, caller.credentialRights), universal);
}

/**
 * The caller's rights on each entity of a listed page, in one query: the same
 * computation as `rightsOn` for entities known to exist, without the rights a
 * gateway's public flags lend (listing only asks whether <KIND>_INFO is held).
 */
export async function rightsOnListed(scope: RequestScope, kind: EntityKind, ids: readonly string[]): Promise<Map<string, Set<Right>>> {
  const caller = await scope.caller();
  const potential = potentialRights[kind];
  const universal = intersect(caller.universalRights, potential);
  const credential = intersect(caller.credentialRights, potential);
  const holder = caller.entity;
  const out = new Map<string, Set<Right>>(ids.map((id) => [id, universal]));
  if (credential.size === 0 || !holder) return out;
  if (holder.kind === kind && out.has(holder.id)) out.set(holder.id, union(credential, universal));
  if ((holder.kind !== "user" && holder.kind !== "organization") || kind === "user") return out;
  const chains = await scope.store.memberships.chainsMany({ kind: holder.kind, id: holder.id }, kind, ids);
  for (const [id, c] of chains) out.set(id, chainRights(caller, c, universal));
  return out;
}

function missingEntity(caller: Caller, entity: EntityRef): Set<Right> {
  if (caller.isAdmin) throw errorFor(entity);
  return new Set();
}

/** Throws `no_<kind>_rights` or `insufficient_<kind>_rights` unless the caller has every right. */
export async function requireRights(scope: RequestScope, entity: EntityRef, ...required: Right[]): Promise<Set<Right>> {
  const have = await rightsOn(scope, entity);
  assertRights(entity, have, required);
  return have;
}

export function assertRights(entity: EntityRef, have: RightSet, required: readonly Right[]): void {
  if (have.size === 0) throw errNoRights(entity.kind)({ uid: entity.id });
  const lacking = missing(required, have);
  if (lacking.length > 0) throw errInsufficientRights(entity.kind)({ uid: entity.id, missing: lacking.map(rightName) });
}

export async function requireAdmin(scope: RequestScope): Promise<Caller> {
  const caller = await scope.caller();
  if (!caller.isAdmin) throw errPermissionDenied();
  return caller;
}

/**
 * Admin-only registries: the caller must be an admin whose credential carries
 * every `required` right as a universal right (an admin's API key needs them
 * or RIGHT_ALL). Non-admins get `permission_denied`, whatever their key holds.
 */
export async function requireAdminRights(scope: RequestScope, ...required: Right[]): Promise<Caller> {
  const caller = await requireAdmin(scope);
  const lacking = missing(required, caller.universalRights);
  if (lacking.length > 0) throw errInsufficientUniversalRights({ missing: lacking.map(rightName) });
  return caller;
}
