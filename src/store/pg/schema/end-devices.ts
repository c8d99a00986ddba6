// End devices: the Identity Server's part (identity, descriptions, addresses of
// the other servers, locations, picture, claim code). Hard-deleted. A JoinEUI +
// DevEUI pair belongs to one device.
import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { lifecycle, tenantId, trigramIndex, ts } from "./columns.js";
import { bytea } from "./gateways.js";

export const endDevices = pgTable(
  "end_devices",
  {
    tenant_id: tenantId(),
    application_id: text("application_id").notNull(),
    device_id: text("device_id").notNull(),
    dev_eui: bytea("dev_eui"),
    join_eui: bytea("join_eui"),
    ...lifecycle(),
    name: text("name").notNull().default(""),
    description: text("description").notNull().default(""),
    attributes: jsonb("attributes"),
    version_ids: jsonb("version_ids"),
    service_profile_id: text("service_profile_id").notNull().default(""),
    network_server_address: text("network_server_address").notNull().default(""),
    application_server_address: text("application_server_address").notNull().default(""),
    join_server_address: text("join_server_address").notNull().default(""),
    locations: jsonb("locations"),
    picture: jsonb("picture"),
    claim_authentication_code: jsonb("claim_authentication_code"),
    activated_at: ts("activated_at"),
    last_seen_at: ts("last_seen_at"),
    serial_number: text("serial_number").notNull().default(""),
    lora_alliance_profile_ids: jsonb("lora_alliance_profile_ids"),
  },
  (t) => [
    primaryKey({ name: "end_devices_pkey", columns: [t.tenant_id, t.application_id, t.device_id] }),
    uniqueIndex("end_devices_eui_index").on(t.tenant_id, t.join_eui, t.dev_eui).where(sql`${t.join_eui} IS NOT NULL AND ${t.dev_eui} IS NOT NULL`),
    index("end_devices_dev_eui_index").on(t.tenant_id, t.dev_eui),
    // Which tenant has a DevEUI (TenantRegistry.GetIdentifiersForEndDeviceEUIs), across tenants.
    index("end_devices_eui_any_tenant_index").on(t.dev_eui, t.join_eui),
    trigramIndex("end_devices_device_id_trgm_index", t.device_id),
  ],
);
