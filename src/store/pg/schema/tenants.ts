// Tenants (tti.lorawan.v3.Tenant): the only table without a tenant column. Every
// other row names its tenant; the default tenant (`tenancy.default-id`) may
// have no row here at all, which is how data from before tenants reads.
import { sql } from "drizzle-orm";
import { bigint, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { describedEntity } from "./columns.js";

export const tenants = pgTable("tenants", {
  tenant_id: text("tenant_id").primaryKey(),
  ...describedEntity(),
  // google.protobuf.UInt64Value each; null = unlimited.
  max_applications: bigint("max_applications", { mode: "number" }),
  max_clients: bigint("max_clients", { mode: "number" }),
  max_end_devices: bigint("max_end_devices", { mode: "number" }),
  max_gateways: bigint("max_gateways", { mode: "number" }),
  max_organizations: bigint("max_organizations", { mode: "number" }),
  max_users: bigint("max_users", { mode: "number" }),
  state: integer("state").notNull().default(sql`1`),
  state_description: text("state_description").notNull().default(""),
  // Proto JSON of capabilities (Struct), configuration, billing and billing_identifiers.
  capabilities: jsonb("capabilities"),
  configuration: jsonb("configuration"),
  billing: jsonb("billing"),
  billing_identifiers: jsonb("billing_identifiers"),
});
