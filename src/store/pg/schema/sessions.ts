// Login sessions of users (browser cookies of the OAuth pages). The cookie
// holds `<session_id>:<secret>`; only the secret's hash is stored.
import { index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { lifecycle, tenantId, ts } from "./columns.js";

export const userSessions = pgTable(
  "user_sessions",
  {
    tenant_id: tenantId(),
    session_id: text("session_id").notNull(),
    user_id: text("user_id").notNull(),
    secret_hash: text("secret_hash").notNull(),
    ...lifecycle(),
    expires_at: ts("expires_at"),
  },
  (t) => [
    primaryKey({ name: "user_sessions_pkey", columns: [t.tenant_id, t.session_id] }),
    index("user_sessions_user_index").on(t.tenant_id, t.user_id),
  ],
);
