// The tenants this process serves: each tenant's Store (bound to its tenant ID,
// behind the auth cache), made on first use and kept for the most recently used
// tenants, and whether a tenant may be served at all (its record: unknown,
// suspended and deleted tenants are refused). A thousand tenants cost a
// thousand small store objects at most, never a query per request: records are
// cached like credentials, dropped on any change to the tenants table (its
// trigger notifies every replica).
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import type { Tenant } from "../../gen/tti/lorawan/v3/tenant_pb.js";
import { BoundedCache } from "../cache/bounded-cache.js";
import { tickOnWrites } from "../cache/cached-store.js";
import type { ChangeClock } from "../cache/change-clock.js";
import { errTenantDeleted, errTenantNotFound, errTenantSuspended } from "../errors/index.js";
import type { Config } from "../config/index.js";
import type { Store, TenantStore } from "../store/interfaces.js";
import { effectiveConfig } from "./configuration.js";

export interface TenantDirectoryOptions {
  defaultId: string;
  /** The server-wide options. */
  config: Config;
  /** A new Store for the tenant (cached by the directory). */
  storeOf(tenantId: string): Store;
  records: TenantStore;
  clock: ChangeClock;
  /** How long a tenant record may be served from memory (the auth cache's TTL; 0: never). */
  ttlMs: number;
  /** Stores kept (least recently used go first). */
  maxStores?: number;
}

export interface TenantDirectory {
  readonly defaultId: string;
  /** The tenant's Store. */
  store(tenantId: string): Store;
  /** Tenant records, writes moving the change clock (TenantRegistry). */
  readonly records: TenantStore;
  /** The tenant's record, or undefined (the default tenant needs none); cached. */
  record(tenantId: string): Promise<Tenant | undefined>;
  /**
   * Throws unless the tenant may be served: `tenant_not_found` for an unknown
   * tenant (other than the default), `tenant_deleted`, `tenant_suspended`
   * (also for a rejected or still requested tenant).
   */
  admit(tenantId: string): Promise<void>;
  /** The tenant's effective configuration (configuration.ts): the global options with the tenant's overrides. */
  config(tenantId: string): Promise<Config>;
}

export function tenantDirectory(opts: TenantDirectoryOptions): TenantDirectory {
  const max = opts.maxStores ?? 1024;
  const stores = new Map<string, Store>();
  const records = tickOnWrites(opts.clock, opts.records, "any");
  const cache = new BoundedCache<Tenant | null>(opts.clock, opts.ttlMs, 10_000, "beside-tokens");
  const record = async (tenantId: string) =>
    (await cache.get(tenantId, () =>
      opts.records.get(tenantId, { includeDeleted: true }).catch((err: unknown) => {
        if (errTenantNotFound.is(err)) return null;
        throw err;
      }),
    )) ?? undefined;
  // One effective configuration per tenant record read: rebuilt only when the record is.
  const configs = new WeakMap<Tenant, Config>();
  return {
    defaultId: opts.defaultId,
    records,
    record,
    async config(tenantId) {
      const tenant = await record(tenantId);
      if (!tenant) return opts.config;
      let config = configs.get(tenant);
      if (!config) configs.set(tenant, (config = effectiveConfig(opts.config, tenant)));
      return config;
    },
    store(tenantId) {
      let store = stores.get(tenantId);
      if (store) {
        // Most recently used last: a Map keeps insertion order.
        stores.delete(tenantId);
        stores.set(tenantId, store);
        return store;
      }
      store = opts.storeOf(tenantId);
      if (stores.size >= max) stores.delete(stores.keys().next().value!);
      stores.set(tenantId, store);
      return store;
    },
    async admit(tenantId) {
      const tenant = await record(tenantId);
      if (!tenant) {
        if (tenantId === opts.defaultId) return;
        throw errTenantNotFound({ tenant_id: tenantId });
      }
      if (tenant.deletedAt) throw errTenantDeleted({ tenant_id: tenantId });
      if (tenant.state !== State.APPROVED && tenant.state !== State.FLAGGED) {
        throw errTenantSuspended({ tenant_id: tenantId, description: tenant.stateDescription || State[tenant.state]!.toLowerCase() });
      }
    },
  };
}
