// Everything a tenant holds, for TenantRegistry.Purge: every table of the
// schema with a `tenant_id` column, found from the schema module itself so a
// table added later is purged without anyone remembering to list it here.
import { eq, getTableColumns, is } from "drizzle-orm";
import { PgTable, type PgColumn } from "drizzle-orm/pg-core";
import type { Handle } from "./handle.js";
import * as schema from "./schema/index.js";

type TenantTable = PgTable & { tenant_id: PgColumn };

/** The tables whose rows belong to a tenant (all but `tenants` itself). */
export const tenantTables: readonly TenantTable[] = (Object.values(schema) as unknown[]).filter(
  (t): t is TenantTable => is(t, PgTable) && t !== schema.tenants && "tenant_id" in getTableColumns(t),
);

/**
 * Deletes every row of the tenant in every table; run it in the transaction
 * that deletes the tenant's record. The foreign keys between these tables all
 * cascade, so the order does not matter.
 */
export async function deleteTenantRows(h: Handle, tenantId: string): Promise<void> {
  for (const table of tenantTables) await h.delete(table).where(eq(table.tenant_id, tenantId));
}
