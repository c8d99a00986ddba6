// Entity limits: an owner's `<kind>_limit` column read with the owner's row
// locked, and what the owner holds, counted in the same transaction. The lock
// makes concurrent creates under one owner take turns, so (in READ COMMITTED)
// each one counts the rows its predecessors committed. A tenant's own limits
// (tenants.max_*) work the same way, under an advisory lock on (tenant, kind):
// the tenant's row is not locked, so tenant writes never wait for creates.
import { and, count, eq, isNull, sql, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { errApplicationNotFound, errOrganizationNotFound, errUserNotFound } from "../../errors/index.js";
import type { EntityRef, LimitedKind, LimitHoldings, LimitStore, TenantLimitedKind } from "../interfaces.js";
import type { Handles } from "./handle.js";
import { rows } from "./handle.js";
import { applications, clients, endDevices, gateways, memberships, organizations, tenants, users } from "./schema/index.js";

/** The tables of entities counted through memberships, with their ID columns. */
const heldTables = {
  application: { table: applications, id: applications.application_id, tenant: applications.tenant_id, deleted: applications.deleted_at },
  client: { table: clients, id: clients.client_id, tenant: clients.tenant_id, deleted: clients.deleted_at },
  gateway: { table: gateways, id: gateways.gateway_id, tenant: gateways.tenant_id, deleted: gateways.deleted_at },
  organization: { table: organizations, id: organizations.organization_id, tenant: organizations.tenant_id, deleted: organizations.deleted_at },
} as const;

/** Per kind a tenant limits: its limit column and the live entities it counts. */
const tenantKinds: Record<TenantLimitedKind, { limit: PgColumn; table: PgTable; tenant: PgColumn; live: SQL }> = {
  user: { limit: tenants.max_users, table: users, tenant: users.tenant_id, live: isNull(users.deleted_at) },
  application: { limit: tenants.max_applications, table: applications, tenant: applications.tenant_id, live: isNull(applications.deleted_at) },
  organization: { limit: tenants.max_organizations, table: organizations, tenant: organizations.tenant_id, live: isNull(organizations.deleted_at) },
  client: { limit: tenants.max_clients, table: clients, tenant: clients.tenant_id, live: isNull(clients.deleted_at) },
  gateway: { limit: tenants.max_gateways, table: gateways, tenant: gateways.tenant_id, live: isNull(gateways.deleted_at) },
  // End devices are deleted for good: every row counts.
  end_device: { limit: tenants.max_end_devices, table: endDevices, tenant: endDevices.tenant_id, live: sql`true` },
};

interface OwnerRow {
  table: PgTable;
  /** The row, when it exists and is not deleted. */
  where: SQL;
  /** The limit columns by what they limit. */
  limits: Partial<Record<LimitedKind, PgColumn>>;
  notFound: () => Error;
}

function ownerRow(owner: EntityRef, tenantId: string): OwnerRow {
  switch (owner.kind) {
    case "user":
      return {
        table: users,
        where: and(eq(users.tenant_id, tenantId), eq(users.user_id, owner.id), isNull(users.deleted_at))!,
        limits: { application: users.application_limit, client: users.client_limit, gateway: users.gateway_limit, organization: users.organization_limit },
        notFound: () => errUserNotFound({ user_id: owner.id }),
      };
    case "organization":
      return {
        table: organizations,
        where: and(eq(organizations.tenant_id, tenantId), eq(organizations.organization_id, owner.id), isNull(organizations.deleted_at))!,
        limits: { application: organizations.application_limit, client: organizations.client_limit, gateway: organizations.gateway_limit },
        notFound: () => errOrganizationNotFound({ organization_id: owner.id }),
      };
    case "application":
      return {
        table: applications,
        where: and(eq(applications.tenant_id, tenantId), eq(applications.application_id, owner.id), isNull(applications.deleted_at))!,
        limits: { end_device: applications.end_device_limit },
        notFound: () => errApplicationNotFound({ application_id: owner.id }),
      };
    default:
      return { table: users, where: sql`false`, limits: {}, notFound: () => new Error(`${owner.kind} has no entity limits`) };
  }
}

/** A stored UInt64Value in its proto JSON form ("5"; numbers accepted too). */
function limitOf(value: unknown): bigint | undefined {
  if (value === null || value === undefined) return undefined;
  return BigInt(value as string | number);
}

export function limitStore(h: Handles, tenantId: string): LimitStore {
  return {
    async holdings(owner, kind): Promise<LimitHoldings> {
      const target = ownerRow(owner, tenantId);
      const column = target.limits[kind];
      if (!column) throw new Error(`${owner.kind} has no ${kind} limit`);
      const [locked] = await h.primary.select({ limit: column }).from(target.table).where(target.where).for("update");
      if (!locked) throw target.notFound();
      const limit = limitOf(locked.limit);
      if (limit === undefined) return { count: 0 };

      if (kind === "end_device") {
        const [row] = await h.primary.select({ n: count() }).from(endDevices).where(and(eq(endDevices.tenant_id, tenantId), eq(endDevices.application_id, owner.id)));
        return { limit, count: Number(row?.n ?? 0) };
      }
      // Direct memberships only, on entities that are not deleted.
      const held = heldTables[kind];
      const [row] = await rows<{ n: number | string }>(
        h.primary,
        sql`SELECT count(*) AS n FROM ${memberships} m JOIN ${held.table} ON ${held.tenant} = m.tenant_id AND ${held.id} = m.entity_id AND ${held.deleted} IS NULL
            WHERE m.tenant_id = ${tenantId} AND m.entity_kind = ${kind} AND m.account_kind = ${owner.kind} AND m.account_id = ${owner.id}`,
      );
      return { limit, count: Number(row?.n ?? 0) };
    },

    async tenantHoldings(kind): Promise<LimitHoldings> {
      const k = tenantKinds[kind];
      const [record] = await h.primary.select({ limit: k.limit }).from(tenants).where(eq(tenants.tenant_id, tenantId));
      const limit = limitOf(record?.limit);
      if (limit === undefined) return { count: 0 };
      await h.primary.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`tenant_limit:${tenantId}:${kind}`}))`);
      const [row] = await h.primary.select({ n: count() }).from(k.table).where(and(eq(k.tenant, tenantId), k.live));
      return { limit, count: Number(row?.n ?? 0) };
    },
  };
}
