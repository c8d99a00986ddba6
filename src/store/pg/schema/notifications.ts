// Notifications: one row per event, one receiver row per user that gets it
// (with that user's status). Receivers are resolved when the notification is
// created, so later membership changes do not rewrite history.
import { boolean, index, integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { tenantId, ts } from "./columns.js";

export const notifications = pgTable(
  "notifications",
  {
    tenant_id: tenantId(),
    id: text("id").notNull(),
    entity_kind: text("entity_kind").notNull(),
    entity_id: text("entity_id").notNull(),
    notification_type: text("notification_type").notNull(),
    /** google.protobuf.Any in the proto JSON mapping. */
    data: jsonb("data"),
    sender_id: text("sender_id"),
    receivers: integer("receivers").array().notNull(),
    email: boolean("email").notNull().default(false),
    created_at: ts("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "notifications_pkey", columns: [t.tenant_id, t.id] })],
);

export const notificationReceivers = pgTable(
  "notification_receivers",
  {
    tenant_id: tenantId(),
    notification_id: text("notification_id").notNull(),
    user_id: text("user_id").notNull(),
    status: integer("status").notNull().default(0),
    status_updated_at: ts("status_updated_at"),
    created_at: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "notification_receivers_pkey", columns: [t.tenant_id, t.user_id, t.notification_id] }),
    index("notification_receivers_list_index").on(t.tenant_id, t.user_id, t.created_at),
  ],
);
