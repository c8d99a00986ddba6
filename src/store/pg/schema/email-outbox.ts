// The e-mail outbox: rendered messages waiting for delivery. A worker claims
// due rows (FOR UPDATE SKIP LOCKED, so replicas share the work), tries the
// provider and either marks the row sent or pushes `next_attempt_at` back.
// Nothing is lost across a mail server outage or a restart.
// Subject and bodies hold live tokens: sealed with is.email.encryption-key-id
// while queued (`<key_id>:<hex>`, or `:<text>` open), NULL once the row is
// sent or given up.
import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { tenantId, ts } from "./columns.js";

export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: text("id").primaryKey(),
    tenant_id: tenantId(),
    template: text("template").notNull(),
    /** { name, address } of the recipient. */
    recipient: jsonb("recipient").notNull(),
    subject: text("subject"),
    text_body: text("text_body"),
    html_body: text("html_body"),
    attempts: integer("attempts").notNull().default(0),
    last_error: text("last_error"),
    created_at: ts("created_at").notNull().defaultNow(),
    next_attempt_at: ts("next_attempt_at").notNull().defaultNow(),
    sent_at: ts("sent_at"),
  },
  (t) => [index("email_outbox_due_index").on(t.next_attempt_at).where(sql`${t.sent_at} IS NULL`)],
);
