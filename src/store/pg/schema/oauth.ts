// The OAuth server's records: the consent a user gave a client, short-lived
// authorization codes and access tokens (each row carries its refresh token).
// Codes and token secrets are stored only as hashes; the non-secret `<id>`
// part of `MF2XI.<id>.<secret>` / `MFRWG.<id>.<secret>` is the key.
import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { lifecycle, tenantId, ts } from "./columns.js";

export const oauthClientAuthorizations = pgTable(
  "oauth_client_authorizations",
  {
    tenant_id: tenantId(),
    user_id: text("user_id").notNull(),
    client_id: text("client_id").notNull(),
    rights: integer("rights").array().notNull(),
    ...lifecycle(),
  },
  (t) => [primaryKey({ name: "oauth_client_authorizations_pkey", columns: [t.tenant_id, t.user_id, t.client_id] })],
);

export const oauthAuthorizationCodes = pgTable(
  "oauth_authorization_codes",
  {
    tenant_id: tenantId(),
    id: text("id").notNull(),
    code_hash: text("code_hash").notNull(),
    user_id: text("user_id").notNull(),
    client_id: text("client_id").notNull(),
    user_session_id: text("user_session_id"),
    rights: integer("rights").array().notNull(),
    redirect_uri: text("redirect_uri").notNull(),
    state: text("state").notNull().default(""),
    /** PKCE (RFC 7636): the challenge and its method (S256). */
    code_challenge: text("code_challenge"),
    code_challenge_method: text("code_challenge_method"),
    /** OpenID Connect: nonce and requested scopes, echoed into the ID token. */
    nonce: text("nonce"),
    scopes: text("scopes").array(),
    created_at: ts("created_at").notNull().defaultNow(),
    expires_at: ts("expires_at").notNull(),
    used_at: ts("used_at"),
    /** The access token issued for the code; revoked when the code is replayed. */
    access_token_id: text("access_token_id"),
  },
  (t) => [primaryKey({ name: "oauth_authorization_codes_pkey", columns: [t.tenant_id, t.id] })],
);

export const oauthAccessTokens = pgTable(
  "oauth_access_tokens",
  {
    tenant_id: tenantId(),
    id: text("id").notNull(),
    access_token_hash: text("access_token_hash").notNull(),
    refresh_token_hash: text("refresh_token_hash"),
    user_id: text("user_id").notNull(),
    client_id: text("client_id").notNull(),
    user_session_id: text("user_session_id"),
    rights: integer("rights").array().notNull(),
    scopes: text("scopes").array(),
    created_at: ts("created_at").notNull().defaultNow(),
    expires_at: ts("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ name: "oauth_access_tokens_pkey", columns: [t.tenant_id, t.id] }),
    index("oauth_access_tokens_user_client_index").on(t.tenant_id, t.user_id, t.client_id),
  ],
);

/** Keys that sign OpenID Connect ID tokens; the newest active one signs, retired ones stay published a while. */
export const oauthSigningKeys = pgTable(
  "oauth_signing_keys",
  {
    tenant_id: tenantId(),
    kid: text("kid").notNull(),
    /** Private JWK, encrypted with the key vault when a key id is configured. */
    private_jwk: jsonb("private_jwk").notNull(),
    public_jwk: jsonb("public_jwk").notNull(),
    created_at: ts("created_at").notNull().defaultNow(),
    retired_at: ts("retired_at"),
  },
  (t) => [
    primaryKey({ name: "oauth_signing_keys_pkey", columns: [t.tenant_id, t.kid] }),
    index("oauth_signing_keys_active_index").on(t.tenant_id).where(sql`${t.retired_at} IS NULL`),
  ],
);
