// Column shapes every table shares: the tenant that owns the row and the
// lifecycle timestamps. Column keys are the proto field names (snake_case) so the
// generic codec maps message fields to columns by name.
import { index, jsonb, text, timestamp, type ExtraConfigColumn } from "drizzle-orm/pg-core";

export const tenantId = () => text("tenant_id").notNull();
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
export const lifecycle = () => ({
  created_at: ts("created_at").notNull().defaultNow(),
  updated_at: ts("updated_at").notNull().defaultNow(),
});

/** What every registry entity has besides its ID: lifecycle, soft delete and a description. */
export const describedEntity = () => ({
  ...lifecycle(),
  deleted_at: ts("deleted_at"),
  name: text("name").notNull().default(""),
  description: text("description").notNull().default(""),
  attributes: jsonb("attributes"),
  contact_info: jsonb("contact_info"),
});

/**
 * A trigram (pg_trgm) GIN index on a text column: `ILIKE '%text%'` searches read the
 * index instead of every row. The migration creates it only where pg_trgm is available.
 * No pending list (fastupdate off): only VACUUM empties it, and PGlite never vacuums, so
 * searches would read an ever longer unindexed list and the planner would avoid the index.
 */
export const trigramIndex = (name: string, column: ExtraConfigColumn) => index(name).using("gin", column.op("gin_trgm_ops")).with({ fastupdate: false });
