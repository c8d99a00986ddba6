// The application aggregate (the Identity Server's part of it).
import { integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { describedEntity, tenantId, trigramIndex } from "./columns.js";

export const applications = pgTable(
  "applications",
  {
    tenant_id: tenantId(),
    application_id: text("application_id").notNull(),
    ...describedEntity(),
    administrative_contact: jsonb("administrative_contact"),
    technical_contact: jsonb("technical_contact"),
    network_server_address: text("network_server_address").notNull().default(""),
    application_server_address: text("application_server_address").notNull().default(""),
    join_server_address: text("join_server_address").notNull().default(""),
    dev_eui_counter: integer("dev_eui_counter").notNull().default(0),
    // Entity limit (google.protobuf.UInt64Value in proto JSON); null = unlimited.
    end_device_limit: jsonb("end_device_limit"),
  },
  (t) => [primaryKey({ name: "applications_pkey", columns: [t.tenant_id, t.application_id] }), trigramIndex("applications_application_id_trgm_index", t.application_id)],
);
