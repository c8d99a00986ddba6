// Gateways, all of whose settings the Identity Server holds. Secrets (LNS key,
// CUPS key, claim code) are stored encrypted inside their JSON columns. The EUI
// is unique among live gateways.
import { sql } from "drizzle-orm";
import { boolean, customType, integer, jsonb, pgTable, index, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { describedEntity, tenantId, trigramIndex } from "./columns.js";

export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });

export const gateways = pgTable(
  "gateways",
  {
    tenant_id: tenantId(),
    gateway_id: text("gateway_id").notNull(),
    gateway_eui: bytea("gateway_eui"),
    ...describedEntity(),
    administrative_contact: jsonb("administrative_contact"),
    technical_contact: jsonb("technical_contact"),
    version_ids: jsonb("version_ids"),
    gateway_server_address: text("gateway_server_address").notNull().default(""),
    auto_update: boolean("auto_update").notNull().default(false),
    update_channel: text("update_channel").notNull().default(""),
    frequency_plan_ids: jsonb("frequency_plan_ids"),
    antennas: jsonb("antennas"),
    status_public: boolean("status_public").notNull().default(false),
    location_public: boolean("location_public").notNull().default(false),
    schedule_downlink_late: boolean("schedule_downlink_late").notNull().default(false),
    enforce_duty_cycle: boolean("enforce_duty_cycle").notNull().default(false),
    downlink_path_constraint: integer("downlink_path_constraint").notNull().default(0),
    schedule_anytime_delay: jsonb("schedule_anytime_delay"),
    update_location_from_status: boolean("update_location_from_status").notNull().default(false),
    lbs_lns_secret: jsonb("lbs_lns_secret"),
    claim_authentication_code: jsonb("claim_authentication_code"),
    target_cups_uri: text("target_cups_uri").notNull().default(""),
    target_cups_key: jsonb("target_cups_key"),
    require_authenticated_connection: boolean("require_authenticated_connection").notNull().default(false),
    lrfhss: jsonb("lrfhss"),
    disable_packet_broker_forwarding: boolean("disable_packet_broker_forwarding").notNull().default(false),
  },
  (t) => [
    primaryKey({ name: "gateways_pkey", columns: [t.tenant_id, t.gateway_id] }),
    trigramIndex("gateways_gateway_id_trgm_index", t.gateway_id),
    uniqueIndex("gateways_eui_index").on(t.tenant_id, t.gateway_eui).where(sql`${t.deleted_at} IS NULL AND ${t.gateway_eui} IS NOT NULL`),
    // Which tenant has a gateway EUI (TenantRegistry.GetIdentifiersForGatewayEUI), across tenants.
    index("gateways_eui_any_tenant_index").on(t.gateway_eui).where(sql`${t.deleted_at} IS NULL AND ${t.gateway_eui} IS NOT NULL`),
  ],
);
