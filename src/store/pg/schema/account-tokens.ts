// Single-use secrets of the account flows: e-mail validations, invitations and
// login tokens. Only hashes of the tokens are stored (HMAC as for API keys), so
// a database dump cannot be replayed; every token carries its own expiry and
// is consumed by setting `used_at`/`accepted_at` in the same transaction that
// acts on it.
import { sql } from "drizzle-orm";
import { index, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { lifecycle, tenantId, ts } from "./columns.js";

/** Validations of e-mail addresses (the primary address of `user_id`). */
export const emailValidations = pgTable(
  "email_validations",
  {
    tenant_id: tenantId(),
    id: text("id").notNull(),
    token_hash: text("token_hash").notNull(),
    user_id: text("user_id").notNull(),
    address: text("address").notNull(),
    ...lifecycle(),
    expires_at: ts("expires_at").notNull(),
    used_at: ts("used_at"),
  },
  (t) => [
    primaryKey({ name: "email_validations_pkey", columns: [t.tenant_id, t.id] }),
    index("email_validations_user_index").on(t.tenant_id, t.user_id),
  ],
);

/** Invitations to register; one per e-mail address. */
export const invitations = pgTable(
  "invitations",
  {
    tenant_id: tenantId(),
    email: text("email").notNull(),
    token_hash: text("token_hash").notNull(),
    /** First characters of the token, to find the row before the constant-time check. */
    token_lookup: text("token_lookup").notNull(),
    ...lifecycle(),
    expires_at: ts("expires_at").notNull(),
    accepted_at: ts("accepted_at"),
    accepted_by: text("accepted_by"),
    sender_id: text("sender_id"),
  },
  (t) => [
    primaryKey({ name: "invitations_pkey", columns: [t.tenant_id, t.email] }),
    uniqueIndex("invitations_token_lookup_index").on(t.tenant_id, t.token_lookup),
  ],
);

/** Login tokens ("magic links"). */
export const loginTokens = pgTable(
  "login_tokens",
  {
    tenant_id: tenantId(),
    token_lookup: text("token_lookup").notNull(),
    token_hash: text("token_hash").notNull(),
    user_id: text("user_id").notNull(),
    ...lifecycle(),
    expires_at: ts("expires_at").notNull(),
    used_at: ts("used_at"),
  },
  (t) => [
    primaryKey({ name: "login_tokens_pkey", columns: [t.tenant_id, t.token_lookup] }),
    index("login_tokens_user_index").on(t.tenant_id, t.user_id).where(sql`${t.used_at} IS NULL`),
  ],
);
