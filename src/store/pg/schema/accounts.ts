// Users and organizations share one ID namespace per tenant: an account row
// reserves the ID (including while the user or organization is soft-deleted).
import { pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { lifecycle, tenantId, trigramIndex } from "./columns.js";

export const accounts = pgTable(
  "accounts",
  {
    tenant_id: tenantId(),
    uid: text("uid").notNull(),
    kind: text("kind", { enum: ["user", "organization"] }).notNull(),
    created_at: lifecycle().created_at,
  },
  (t) => [primaryKey({ name: "accounts_pkey", columns: [t.tenant_id, t.uid] }), trigramIndex("accounts_uid_trgm_index", t.uid)],
);
