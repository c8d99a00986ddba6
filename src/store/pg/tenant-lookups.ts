// Reads across tenants for TenantRegistry: what a tenant holds (registry
// totals), and which tenants hold an end device, a gateway or a billing
// account. The EUI lookups ride on the indexes over all tenants
// (end_devices_eui_any_tenant_index, gateways_eui_any_tenant_index).
// A soft-deleted tenant serves nobody, so its devices and gateways route no
// traffic and are left out; the default tenant may have no record and counts.
import { create } from "@bufbuild/protobuf";
import { and, eq, isNotNull, isNull, notInArray, sql, type SQL } from "drizzle-orm";
import { TenantRegistryTotalsSchema, type TenantRegistryTotals } from "../../../gen/tti/lorawan/v3/tenant_pb.js";
import type { TenantStore } from "../interfaces.js";
import type { Db } from "./database.js";
import { rows } from "./handle.js";
import { applications, clients, endDevices, gateways, organizations, tenants, users } from "./schema/index.js";

type Lookups = Pick<TenantStore, "totals" | "byEndDeviceEUIs" | "byGatewayEUI" | "byBillingIdentifiers">;

interface CountRow {
  applications: string | number;
  clients: string | number;
  end_devices: string | number;
  activated_end_devices: string | number;
  gateways: string | number;
  organizations: string | number;
  users: string | number;
}

export function tenantLookups(h: Db): Lookups {
  const deletedTenants = h.select({ id: tenants.tenant_id }).from(tenants).where(isNotNull(tenants.deleted_at));
  const ids = (found: Array<{ id: string }>) => found.map((r) => r.id);

  return {
    async totals(tenantId) {
      // Live entities only; end devices are hard-deleted and have no deleted_at.
      // Activated end devices: those with `activated_at` set (joined, or given a session).
      const live = (table: { tenant_id: unknown; deleted_at: unknown }): SQL =>
        sql`(SELECT count(*) FROM ${table} WHERE ${table.tenant_id} = ${tenantId} AND ${table.deleted_at} IS NULL)`;
      const [row] = await rows<CountRow>(
        h,
        sql`SELECT ${live(applications)} AS applications, ${live(clients)} AS clients,
          (SELECT count(*) FROM ${endDevices} WHERE ${endDevices.tenant_id} = ${tenantId}) AS end_devices,
          (SELECT count(*) FROM ${endDevices} WHERE ${endDevices.tenant_id} = ${tenantId} AND ${endDevices.activated_at} IS NOT NULL) AS activated_end_devices,
          ${live(gateways)} AS gateways, ${live(organizations)} AS organizations, ${live(users)} AS users`,
      );
      const n = (v: string | number | undefined) => BigInt(v ?? 0);
      return create(TenantRegistryTotalsSchema, {
        applications: n(row?.applications),
        clients: n(row?.clients),
        endDevices: n(row?.end_devices),
        activatedEndDevices: n(row?.activated_end_devices),
        gateways: n(row?.gateways),
        organizations: n(row?.organizations),
        users: n(row?.users),
      }) satisfies TenantRegistryTotals;
    },

    async byEndDeviceEUIs(joinEui, devEui) {
      const found = await h
        .selectDistinct({ id: endDevices.tenant_id })
        .from(endDevices)
        .where(and(eq(endDevices.dev_eui, devEui), eq(endDevices.join_eui, joinEui), notInArray(endDevices.tenant_id, deletedTenants)))
        .orderBy(endDevices.tenant_id);
      return ids(found);
    },

    async byGatewayEUI(eui) {
      // The conditions of the partial index, so the planner can use it.
      const found = await h
        .selectDistinct({ id: gateways.tenant_id })
        .from(gateways)
        .where(and(eq(gateways.gateway_eui, eui), isNull(gateways.deleted_at), isNotNull(gateways.gateway_eui), notInArray(gateways.tenant_id, deletedTenants)))
        .orderBy(gateways.tenant_id);
      return ids(found);
    },

    async byBillingIdentifiers(billingId) {
      const found = await h
        .select({ id: tenants.tenant_id })
        .from(tenants)
        .where(and(sql`${tenants.billing_identifiers} ->> 'billing_id' = ${billingId}`, isNull(tenants.deleted_at)))
        .orderBy(tenants.tenant_id);
      return ids(found);
    },
  };
}
