// The user aggregate. Passwords are stored only as hashes.
import { sql } from "drizzle-orm";
import { boolean, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.js";
import { describedEntity, tenantId, trigramIndex, ts } from "./columns.js";

export const users = pgTable(
  "users",
  {
    tenant_id: tenantId(),
    user_id: text("user_id").notNull(),
    ...describedEntity(),
    primary_email_address: text("primary_email_address").notNull().default(""),
    primary_email_address_validated_at: ts("primary_email_address_validated_at"),
    password: text("password").notNull().default(""),
    password_updated_at: ts("password_updated_at"),
    require_password_update: boolean("require_password_update").notNull().default(false),
    state: integer("state").notNull().default(0),
    state_description: text("state_description").notNull().default(""),
    admin: boolean("admin").notNull().default(false),
    temporary_password: text("temporary_password").notNull().default(""),
    temporary_password_created_at: ts("temporary_password_created_at"),
    temporary_password_expires_at: ts("temporary_password_expires_at"),
    profile_picture: jsonb("profile_picture"),
    console_preferences: jsonb("console_preferences"),
    // Entity limits (google.protobuf.UInt64Value in proto JSON); null = unlimited.
    application_limit: jsonb("application_limit"),
    client_limit: jsonb("client_limit"),
    gateway_limit: jsonb("gateway_limit"),
    organization_limit: jsonb("organization_limit"),
  },
  (t) => [
    primaryKey({ name: "users_pkey", columns: [t.tenant_id, t.user_id] }),
    foreignKey({ name: "users_account_fkey", columns: [t.tenant_id, t.user_id], foreignColumns: [accounts.tenant_id, accounts.uid] }).onDelete("cascade"),
    // A primary email address belongs to one live user; deleted users release it.
    uniqueIndex("users_primary_email_address_index")
      .on(t.tenant_id, sql`lower(${t.primary_email_address})`)
      .where(sql`${t.deleted_at} IS NULL AND ${t.primary_email_address} <> ''`),
    index("users_admin_index").on(t.tenant_id).where(sql`${t.admin} AND ${t.deleted_at} IS NULL`),
    trigramIndex("users_user_id_trgm_index", t.user_id),
  ],
);
