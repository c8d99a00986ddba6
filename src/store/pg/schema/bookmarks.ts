// Users' bookmarks of entities. End devices are bookmarked as
// `<application_id>.<device_id>`. A bookmark counts as deleted while the entity
// it points at is soft-deleted (derived when listing, see store/pg/bookmarks.ts;
// `deleted_at` stays unused); purging the entity removes it.
import { pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { tenantId, ts } from "./columns.js";

export const bookmarks = pgTable(
  "bookmarks",
  {
    tenant_id: tenantId(),
    user_id: text("user_id").notNull(),
    entity_kind: text("entity_kind").notNull(),
    entity_id: text("entity_id").notNull(),
    created_at: ts("created_at").notNull().defaultNow(),
    deleted_at: ts("deleted_at"),
  },
  (t) => [primaryKey({ name: "bookmarks_pkey", columns: [t.tenant_id, t.user_id, t.entity_kind, t.entity_id] })],
);
