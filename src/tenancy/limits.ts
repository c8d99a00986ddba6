// A tenant's entity limits (Tenant.max_users, max_applications, ...): the one
// seam every create of a tenant's user, organization, application, gateway,
// OAuth client or end device on the request path passes, whatever service or
// flow makes it (the operator's `is-db` commands open a plain store). The
// tenant's Store is wrapped so that `create` (and `restore`, which brings an
// entity back to life) first takes the tenant's holdings of the kind in the
// same transaction as the insert: the store locks (tenant, kind) and counts,
// so of concurrent creates at the limit exactly the allowed number commit, and
// a refused create writes nothing.
//
// The limit itself is read in that transaction from the tenant's row
// (tenants.max_*), not from the cached record: a raised or lowered limit
// applies to the next create on every replica, and the count and its limit
// come from one moment. The cached record only tells whether the tenant has a
// row at all: a tenant without one (the default tenant of a deployment
// without tenants) has no limits and pays nothing.
import type { Tenant } from "../../gen/tti/lorawan/v3/tenant_pb.js";
import { errTenantEntityLimit } from "../errors/index.js";
import type { Store, TenantLimitedKind } from "../store/interfaces.js";

/** The Store's limited sub-stores, their kind, and the stack's entity type in the error. */
const kinds = [
  ["users", "user", "user"],
  ["applications", "application", "application"],
  ["organizations", "organization", "organization"],
  ["clients", "client", "client"],
  ["gateways", "gateway", "gateway"],
  ["endDevices", "end_device", "end device"],
] as const satisfies ReadonlyArray<readonly [keyof Store, TenantLimitedKind, string]>;

/** Throws `tenant_entity_limit` unless the tenant may hold one more of the kind; call inside `transact`. */
async function admitOneMore(tx: Store, kind: TenantLimitedKind, entityType: string): Promise<void> {
  const { limit, count } = await tx.limits.tenantHoldings(kind);
  if (limit !== undefined && BigInt(count) >= limit) {
    throw errTenantEntityLimit({ entity_type: entityType, limit: Number(limit), subscription_upgrade_url: "", tenant_id: tx.tenantId });
  }
}

/**
 * The tenant's Store with its limits kept. `record` is the tenant's record as
 * the tenant directory caches it (undefined: none, so no limits). It is asked
 * before a transaction begins, never inside one: the writes of a transaction
 * drop the cached record, and reading it again there would wait for a second
 * connection (PGlite has only the one the transaction holds).
 */
export function withTenantLimits(store: Store, record: () => Promise<Tenant | undefined>): Store {
  /** `limited` undefined: not in a transaction, ask the record per call. */
  const wrap = (s: Store, limited?: boolean): Store => {
    const out: Record<string, unknown> = { ...s };
    for (const [name, kind, entityType] of kinds) {
      const sub = s[name] as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const guarded = (method: string) => async (...args: unknown[]) => {
        if (limited === undefined) {
          if (!(await record())) return sub[method]!(...args);
          return s.transact(async (tx) => {
            await admitOneMore(tx, kind, entityType);
            return (tx[name] as unknown as typeof sub)[method]!(...args);
          });
        }
        if (limited) await admitOneMore(s, kind, entityType);
        return sub[method]!(...args);
      };
      out[name] = { ...sub, create: guarded("create"), ...("restore" in sub ? { restore: guarded("restore") } : {}) };
    }
    // Creates inside a transaction are guarded too, in that transaction.
    out.transact = async (fn: (tx: Store) => Promise<unknown>) => {
      const inner = limited ?? !!(await record());
      return s.transact((tx) => fn(wrap(tx, inner)));
    };
    return out as unknown as Store;
  };
  return wrap(store);
}
