// Entity limits (Enterprise `*_limit` fields, spec §8.3): the configured
// defaults a new user, organization or application starts with, who may change
// them (admins), and the check before anything limited is created. Unset means
// no limit; a set value N allows N (0: none). The options use 0 for "no limit",
// so a 0 there leaves the field unset.
import type { Config } from "../../config/index.js";
import {
  errApplicationLimitReached, errClientLimitReached, errEndDeviceLimitReached, errGatewayLimitReached, errOrganizationLimitReached,
  errUpdateAdminField, type ErrorFactory,
} from "../../errors/index.js";
import type { EntityRef, LimitedKind, Store } from "../../store/interfaces.js";

type LimitOwner = "user" | "organization" | "application";

/** Each owner kind's limit fields (proto names) with the option that is their default. */
const limitOptions: Record<LimitOwner, Record<string, (c: Config) => number>> = {
  user: {
    application_limit: (c) => c.is.userLimits.applications,
    client_limit: (c) => c.is.userLimits.clients,
    gateway_limit: (c) => c.is.userLimits.gateways,
    organization_limit: (c) => c.is.userLimits.organizations,
  },
  organization: {
    application_limit: (c) => c.is.organizationLimits.applications,
    client_limit: (c) => c.is.organizationLimits.clients,
    gateway_limit: (c) => c.is.organizationLimits.gateways,
  },
  application: {
    end_device_limit: (c) => c.is.applicationLimits.endDevices,
  },
};

/** The limit fields of each owner kind, by proto name (only admins write them). */
export const limitFields: Record<LimitOwner, readonly string[]> = {
  user: Object.keys(limitOptions.user),
  organization: Object.keys(limitOptions.organization),
  application: Object.keys(limitOptions.application),
};

const localName = (field: string) => field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Sets the limit fields of a new entity: the configured defaults, except where
 * an admin gave a value. What non-admins send is silently replaced.
 */
export function initialLimits<T extends object>(owner: LimitOwner, entity: T, config: Config, callerIsAdmin: boolean): T {
  const fields = entity as unknown as Record<string, bigint | undefined>;
  for (const [field, option] of Object.entries(limitOptions[owner])) {
    const name = localName(field);
    if (callerIsAdmin && fields[name] !== undefined) continue;
    const configured = option(config);
    fields[name] = configured > 0 ? BigInt(configured) : undefined;
  }
  return entity;
}

/** `update_admin_field` when a non-admin's update mask names a limit field. */
export function assertLimitUpdate(owner: LimitOwner, topLevelPaths: ReadonlySet<string>, callerIsAdmin: boolean): void {
  if (callerIsAdmin) return;
  const field = limitFields[owner].find((f) => topLevelPaths.has(f));
  if (field) throw errUpdateAdminField({ field });
}

const reached: Record<LimitedKind, ErrorFactory> = {
  application: errApplicationLimitReached,
  client: errClientLimitReached,
  gateway: errGatewayLimitReached,
  organization: errOrganizationLimitReached,
  end_device: errEndDeviceLimitReached,
};

/**
 * Inside the transaction that creates one more `kind` under `owner` (or makes
 * a user a member of one more organization): `<kind>_limit_reached` when the
 * owner already holds its limit. Locks the owner's row until the transaction
 * ends, so concurrent creates cannot pass the limit together. Applies to
 * admins as well: they raise the limit instead.
 */
export async function assertBelowLimit(tx: Store, owner: EntityRef, kind: LimitedKind): Promise<void> {
  const { limit, count } = await tx.limits.holdings(owner, kind);
  if (limit !== undefined && BigInt(count) >= limit) {
    throw reached[kind]({ owner_kind: owner.kind, owner_id: owner.id, limit: limit.toString() });
  }
}
