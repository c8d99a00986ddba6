// The application aggregate (the Identity Server's part of it).
import { integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { lifecycle, tenantId, ts } from "./columns.js";

export const applications = pgTable(
  "applications",
  {
    tenant_id: tenantId(),
    application_id: text("application_id").notNull(),
    ...lifecycle(),
    deleted_at: ts("deleted_at"),
    name: text("name").notNull().default(""),
    description: text("description").notNull().default(""),
    attributes: jsonb("attributes"),
    contact_info: jsonb("contact_info"),
    administrative_contact: jsonb("administrative_contact"),
    technical_contact: jsonb("technical_contact"),
    network_server_address: text("network_server_address").notNull().default(""),
    application_server_address: text("application_server_address").notNull().default(""),
    join_server_address: text("join_server_address").notNull().default(""),
    dev_eui_counter: integer("dev_eui_counter").notNull().default(0),
  },
  (t) => [primaryKey({ name: "applications_pkey", columns: [t.tenant_id, t.application_id] })],
);
