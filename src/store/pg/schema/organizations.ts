// The organization aggregate. Organizations are accounts: their ID shares the
// namespace of user IDs.
import { boolean, foreignKey, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.js";
import { describedEntity, tenantId, trigramIndex } from "./columns.js";

export const organizations = pgTable(
  "organizations",
  {
    tenant_id: tenantId(),
    organization_id: text("organization_id").notNull(),
    ...describedEntity(),
    administrative_contact: jsonb("administrative_contact"),
    technical_contact: jsonb("technical_contact"),
    fanout_notifications: boolean("fanout_notifications").notNull().default(false),
    // Entity limits (google.protobuf.UInt64Value in proto JSON); null = unlimited.
    application_limit: jsonb("application_limit"),
    client_limit: jsonb("client_limit"),
    gateway_limit: jsonb("gateway_limit"),
  },
  (t) => [
    primaryKey({ name: "organizations_pkey", columns: [t.tenant_id, t.organization_id] }),
    trigramIndex("organizations_organization_id_trgm_index", t.organization_id),
    foreignKey({ name: "organizations_account_fkey", columns: [t.tenant_id, t.organization_id], foreignColumns: [accounts.tenant_id, accounts.uid] }).onDelete("cascade"),
  ],
);
