// Tenant records (TenantStore): the tenants table, not bound to a tenant.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { eq } from "drizzle-orm";
import { TenantSchema, type Tenant } from "../../../gen/tti/lorawan/v3/tenant_pb.js";
import { errTenantNotFound } from "../../errors/index.js";
import type { TenantStore } from "../interfaces.js";
import type { Db } from "./database.js";
import { tenants } from "./schema/index.js";

type Row = typeof tenants.$inferSelect;

export function toTenant(row: Row): Tenant {
  return create(TenantSchema, {
    ids: { tenantId: row.tenant_id },
    createdAt: timestampFromDate(row.created_at),
    updatedAt: timestampFromDate(row.updated_at),
    deletedAt: row.deleted_at ? timestampFromDate(row.deleted_at) : undefined,
    name: row.name,
    description: row.description,
    state: row.state,
    stateDescription: row.state_description,
  });
}

export function createPgTenantStore(db: Db): TenantStore {
  const missing = (what: string) => () => Promise.reject(new Error(`TenantStore.${what}: not yet`));
  return {
    async get(id, opts) {
      const [row] = await db.select().from(tenants).where(eq(tenants.tenant_id, id)).limit(1);
      if (!row || (row.deleted_at && !opts?.includeDeleted)) throw errTenantNotFound({ tenant_id: id });
      return toTenant(row);
    },
    create: missing("create"),
    find: missing("find"),
    update: missing("update"),
    delete: missing("delete"),
    restore: missing("restore"),
    purge: missing("purge"),
    totals: missing("totals"),
    byEndDeviceEUIs: missing("byEndDeviceEUIs"),
    byGatewayEUI: missing("byGatewayEUI"),
    byBillingIdentifiers: missing("byBillingIdentifiers"),
  };
}
