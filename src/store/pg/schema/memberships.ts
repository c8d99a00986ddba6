// Collaborators: an account (user or organization) holds rights on an entity
// (application, client, gateway, organization). Purging the account removes
// its memberships through the foreign key.
import { foreignKey, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.js";
import { lifecycle, tenantId } from "./columns.js";

export const memberships = pgTable(
  "memberships",
  {
    tenant_id: tenantId(),
    entity_kind: text("entity_kind").notNull(),
    entity_id: text("entity_id").notNull(),
    account_kind: text("account_kind", { enum: ["user", "organization"] }).notNull(),
    account_id: text("account_id").notNull(),
    rights: integer("rights").array().notNull(),
    ...lifecycle(),
  },
  (t) => [
    primaryKey({ name: "memberships_pkey", columns: [t.tenant_id, t.entity_kind, t.entity_id, t.account_id] }),
    foreignKey({ name: "memberships_account_fkey", columns: [t.tenant_id, t.account_id], foreignColumns: [accounts.tenant_id, accounts.uid] }).onDelete("cascade"),
    index("memberships_account_index").on(t.tenant_id, t.account_id, t.entity_kind),
  ],
);
