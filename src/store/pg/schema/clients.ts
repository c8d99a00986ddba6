// OAuth clients. The secret is stored only as a hash.
import { boolean, integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { describedEntity, tenantId, trigramIndex } from "./columns.js";

export const clients = pgTable(
  "clients",
  {
    tenant_id: tenantId(),
    client_id: text("client_id").notNull(),
    ...describedEntity(),
    administrative_contact: jsonb("administrative_contact"),
    technical_contact: jsonb("technical_contact"),
    secret: text("secret").notNull().default(""),
    redirect_uris: jsonb("redirect_uris"),
    logout_redirect_uris: jsonb("logout_redirect_uris"),
    state: integer("state").notNull().default(0),
    state_description: text("state_description").notNull().default(""),
    skip_authorization: boolean("skip_authorization").notNull().default(false),
    endorsed: boolean("endorsed").notNull().default(false),
    grants: jsonb("grants"),
    rights: jsonb("rights"),
  },
  (t) => [primaryKey({ name: "clients_pkey", columns: [t.tenant_id, t.client_id] }), trigramIndex("clients_client_id_trgm_index", t.client_id)],
);
