// Single sign-on: the OpenID Connect providers people may log in with, and the
// links between users and their subject at a provider. The client secret is
// stored sealed (`<key_id>:<hex>` with the key vault) or, without a configured
// key, as `:<plaintext>`; the store never sees the open value of a sealed one.
import { foreignKey, index, pgTable, primaryKey, text, uniqueIndex, boolean, jsonb } from "drizzle-orm/pg-core";
import { lifecycle, tenantId } from "./columns.js";
import { users } from "./users.js";

export const authenticationProviders = pgTable(
  "authentication_providers",
  {
    tenant_id: tenantId(),
    provider_id: text("provider_id").notNull(),
    ...lifecycle(),
    name: text("name").notNull().default(""),
    allow_registrations: boolean("allow_registrations").notNull().default(false),
    allowed_email_domains: jsonb("allowed_email_domains").$type<string[]>(),
    // Configuration.provider has one case so far (oidc): its fields are columns.
    oidc_client_id: text("oidc_client_id").notNull().default(""),
    oidc_client_secret: text("oidc_client_secret").notNull().default(""),
    oidc_provider_url: text("oidc_provider_url").notNull().default(""),
    oidc_preferred_response_type: text("oidc_preferred_response_type").notNull().default(""),
  },
  (t) => [primaryKey({ name: "authentication_providers_pkey", columns: [t.tenant_id, t.provider_id] })],
);

/** One user per subject at a provider, and one subject per user at a provider. */
export const externalUsers = pgTable(
  "external_users",
  {
    tenant_id: tenantId(),
    provider_id: text("provider_id").notNull(),
    external_id: text("external_id").notNull(),
    user_id: text("user_id").notNull(),
    ...lifecycle(),
  },
  (t) => [
    primaryKey({ name: "external_users_pkey", columns: [t.tenant_id, t.provider_id, t.external_id] }),
    uniqueIndex("external_users_user_index").on(t.tenant_id, t.provider_id, t.user_id),
    index("external_users_by_user_index").on(t.tenant_id, t.user_id),
    foreignKey({
      name: "external_users_provider_fkey",
      columns: [t.tenant_id, t.provider_id],
      foreignColumns: [authenticationProviders.tenant_id, authenticationProviders.provider_id],
    }).onDelete("cascade"),
    // Purging a user removes their links; a soft-deleted user keeps them (restore brings them back).
    foreignKey({ name: "external_users_user_fkey", columns: [t.tenant_id, t.user_id], foreignColumns: [users.tenant_id, users.user_id] }).onDelete("cascade"),
  ],
);
