// API keys of any entity kind. Only a hash of the secret part is stored.
import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { lifecycle, tenantId, ts } from "./columns.js";

export const apiKeys = pgTable(
  "api_keys",
  {
    key_id: text("key_id").primaryKey(),
    tenant_id: tenantId(),
    secret_hash: text("secret_hash").notNull(),
    name: text("name").notNull().default(""),
    rights: integer("rights").array().notNull(),
    entity_kind: text("entity_kind").notNull(),
    entity_id: text("entity_id").notNull(),
    ...lifecycle(),
    expires_at: ts("expires_at"),
  },
  (t) => [index("api_keys_entity_index").on(t.tenant_id, t.entity_kind, t.entity_id)],
);
