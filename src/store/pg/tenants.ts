// Tenant records (TenantStore): the tenants table, not bound to a tenant.
// Message fields map to same-named columns by descriptor (codec.ts): the
// limits as bigint (null: unset, no limit), attributes, contact info,
// capabilities, configuration and billing as their proto JSON in jsonb.
import { create } from "@bufbuild/protobuf";
import { and, asc, count, desc as descOrder, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { TenantIdentifiersSchema } from "../../../gen/tti/lorawan/v3/identifiers_pb.js";
import { TenantSchema, type Tenant } from "../../../gen/tti/lorawan/v3/tenant_pb.js";
import { errTenantIDTaken, errTenantNotFound } from "../../errors/index.js";
import { copyPaths, topLevelPaths } from "../../messages/fieldmask.js";
import type { Page, TenantStore } from "../interfaces.js";
import { rowCodec } from "./codec.js";
import type { Db } from "./database.js";
import { tenants } from "./schema/index.js";
import { createPgStore } from "./store.js";
import { tenantLookups } from "./tenant-lookups.js";
import { deleteTenantRows } from "./tenant-purge.js";
import { mapUniqueViolation } from "./violations.js";
import { withUnavailableErrors } from "./unavailable.js";

type Row = typeof tenants.$inferSelect;

const codec = rowCodec<Tenant>(TenantSchema, Object.keys(tenants), ["tenant_id"]);
const orderColumns: Record<string, PgColumn> = { tenant_id: tenants.tenant_id, name: tenants.name, created_at: tenants.created_at };

export function toTenant(row: Row): Tenant {
  const tenant = codec.decode(row as unknown as Record<string, unknown>);
  tenant.ids = create(TenantIdentifiersSchema, { tenantId: row.tenant_id });
  return tenant;
}

const notFound = (id: string) => errTenantNotFound({ tenant_id: id });
const byId = (id: string) => eq(tenants.tenant_id, id);
const live = isNull(tenants.deleted_at);

function orderBy(order: string | undefined) {
  const dir = order?.startsWith("-") ? descOrder : asc;
  const col = orderColumns[order?.replace(/^-/, "") ?? ""] ?? tenants.tenant_id;
  return col === tenants.tenant_id ? [dir(col)] : [dir(col), dir(tenants.tenant_id)];
}

export function createPgTenantStore(db: Db): TenantStore {
  // A lost or refused database connection surfaces as database_unavailable (503), as from every tenant's store.
  return withUnavailableErrors(tenantStore(db));
}

function tenantStore(db: Db): TenantStore {
  return {
    async create(tenant, init) {
      const id = tenant.ids?.tenantId ?? "";
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(tenants)
            .values({ ...codec.encode(tenant), tenant_id: id, created_at: sql`now()`, updated_at: sql`now()`, deleted_at: null } as never)
            .returning();
          // The tenant's first data, on this transaction: a failure rolls back the record too.
          if (init) await init(createPgStore({ primary: tx as unknown as Db, tenantId: id }));
          return toTenant(row!);
        });
      } catch (err) {
        mapUniqueViolation(err, { tenants_pkey: () => errTenantIDTaken({ tenant_id: id }) });
      }
    },

    async get(id, opts) {
      const [row] = await db.select().from(tenants).where(byId(id)).limit(1);
      if (!row || (row.deleted_at && !opts?.includeDeleted)) throw notFound(id);
      return toTenant(row);
    },

    async find(opts) {
      const where = opts.deleted ? isNotNull(tenants.deleted_at) : live;
      const [found, [total]] = await Promise.all([
        db.select().from(tenants).where(where).orderBy(...orderBy(opts.order)).limit(opts.limit).offset((opts.page - 1) * opts.limit),
        db.select({ n: count() }).from(tenants).where(where),
      ]);
      return { items: found.map(toTenant), total: Number(total?.n ?? 0) } satisfies Page<Tenant>;
    },

    async update(id, tenant, paths) {
      return db.transaction(async (tx) => {
        const [row] = await tx.select().from(tenants).where(and(byId(id), live)).for("update");
        if (!row) throw notFound(id);
        const current = copyPaths(TenantSchema, toTenant(row), tenant, paths);
        const fields = [...topLevelPaths(paths)].filter((p) => codec.columns.has(p) && !["created_at", "updated_at", "deleted_at"].includes(p));
        const [updated] = await tx
          .update(tenants)
          .set({ ...codec.encode(current, fields), updated_at: sql`now()` } as never)
          .where(byId(id))
          .returning();
        return toTenant(updated!);
      });
    },

    async delete(id) {
      const done = await db.update(tenants).set({ deleted_at: sql`now()` }).where(and(byId(id), live)).returning({ id: tenants.tenant_id });
      if (done.length === 0) throw notFound(id);
    },

    async restore(id) {
      const done = await db.update(tenants).set({ deleted_at: null }).where(and(byId(id), isNotNull(tenants.deleted_at))).returning({ id: tenants.tenant_id });
      if (done.length === 0) throw notFound(id);
    },

    async purge(id) {
      await db.transaction(async (tx) => {
        const gone = await tx.delete(tenants).where(byId(id)).returning({ id: tenants.tenant_id });
        if (gone.length === 0) throw notFound(id);
        await deleteTenantRows(tx, id);
      });
    },

    ...tenantLookups(db),
  };
}
