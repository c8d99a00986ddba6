// Authentication providers and the links of users to their subject at one.
// The provider's client secret arrives and leaves in its stored (sealed) form:
// sealing and opening belong to the service layer (src/secrets/sealed-string.ts).
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { and, asc, count, desc, eq } from "drizzle-orm";
import {
  AuthenticationProviderSchema, ExternalUserSchema, type AuthenticationProvider, type ExternalUser,
} from "../../../gen/ttn/lorawan/v3/authentication_provider_pb.js";
import {
  errAuthenticationProviderNotFound, errExternalUserNotFound, errExternalUserTaken, errUserAlreadyLinked, errUserNotFound, errUserNotLinked,
} from "../../errors/index.js";
import type { AuthenticationProviderStore, ExternalUserStore } from "../interfaces.js";
import type { Handles } from "./handle.js";
import { authenticationProviders, externalUsers } from "./schema/index.js";
import { isForeignKeyViolation, mapUniqueViolation } from "./violations.js";

const p = authenticationProviders;
const x = externalUsers;
type ProviderRow = typeof p.$inferSelect;
type LinkRow = typeof x.$inferSelect;

const toProvider = (row: ProviderRow): AuthenticationProvider =>
  create(AuthenticationProviderSchema, {
    ids: { providerId: row.provider_id },
    createdAt: timestampFromDate(row.created_at),
    updatedAt: timestampFromDate(row.updated_at),
    name: row.name,
    allowRegistrations: row.allow_registrations,
    allowedEmailDomains: row.allowed_email_domains ?? [],
    configuration: {
      provider: {
        case: "oidc",
        value: {
          clientId: row.oidc_client_id,
          clientSecret: row.oidc_client_secret,
          providerUrl: row.oidc_provider_url,
          preferredResponseType: row.oidc_preferred_response_type,
        },
      },
    },
  });

/** Columns of the top-level paths a field mask may name. */
function columnsOf(provider: AuthenticationProvider, paths: readonly string[]): Partial<ProviderRow> {
  const oidc = provider.configuration?.provider.case === "oidc" ? provider.configuration.provider.value : undefined;
  const all: Record<string, Partial<ProviderRow>> = {
    name: { name: provider.name },
    allow_registrations: { allow_registrations: provider.allowRegistrations },
    allowed_email_domains: { allowed_email_domains: [...provider.allowedEmailDomains] },
    "configuration.provider.oidc.client_id": { oidc_client_id: oidc?.clientId ?? "" },
    "configuration.provider.oidc.client_secret": { oidc_client_secret: oidc?.clientSecret ?? "" },
    "configuration.provider.oidc.provider_url": { oidc_provider_url: oidc?.providerUrl ?? "" },
    "configuration.provider.oidc.preferred_response_type": { oidc_preferred_response_type: oidc?.preferredResponseType ?? "" },
  };
  const out: Partial<ProviderRow> = {};
  for (const path of paths) {
    // A parent path stands for every column below it.
    for (const [name, cols] of Object.entries(all)) if (name === path || name.startsWith(`${path}.`)) Object.assign(out, cols);
  }
  return out;
}

const providerPaths = [
  "name", "allow_registrations", "allowed_email_domains", "configuration.provider.oidc.client_id",
  "configuration.provider.oidc.client_secret", "configuration.provider.oidc.provider_url", "configuration.provider.oidc.preferred_response_type",
];

const orderColumns = { provider_id: p.provider_id, name: p.name, created_at: p.created_at } as const;

export function authenticationProviderStore(h: Handles, tenantId: string): AuthenticationProviderStore {
  const one = (id: string) => and(eq(p.tenant_id, tenantId), eq(p.provider_id, id));
  return {
    async create(provider, now) {
      const id = provider.ids?.providerId ?? "";
      try {
        const [row] = await h.primary
          .insert(p)
          .values({ tenant_id: tenantId, provider_id: id, created_at: now, updated_at: now, ...(columnsOf(provider, providerPaths) as object) })
          .returning();
        return toProvider(row!);
      } catch (err) {
        mapUniqueViolation(err);
      }
    },

    async get(id) {
      const [row] = await h.read.select().from(p).where(one(id)).limit(1);
      if (!row) throw errAuthenticationProviderNotFound({ provider_id: id });
      return toProvider(row);
    },

    async find(page) {
      const key = (page.order ?? "").replace(/^-/, "") as keyof typeof orderColumns;
      const dir = page.order?.startsWith("-") ? desc : asc;
      const order = orderColumns[key] ? [dir(orderColumns[key]), asc(p.provider_id)] : [asc(p.provider_id)];
      const where = eq(p.tenant_id, tenantId);
      const [rows, [total]] = await Promise.all([
        h.read.select().from(p).where(where).orderBy(...order).limit(page.limit).offset((page.page - 1) * page.limit),
        h.read.select({ n: count() }).from(p).where(where),
      ]);
      return { items: rows.map(toProvider), total: Number(total?.n ?? 0) };
    },

    async update(id, provider, paths, now) {
      const [row] = await h.primary
        .update(p)
        .set({ ...columnsOf(provider, paths), updated_at: now })
        .where(one(id))
        .returning();
      if (!row) throw errAuthenticationProviderNotFound({ provider_id: id });
      return toProvider(row);
    },

    async delete(id) {
      // Links go with the provider (foreign key cascade).
      const gone = await h.primary.delete(p).where(one(id)).returning({ id: p.provider_id });
      if (gone.length === 0) throw errAuthenticationProviderNotFound({ provider_id: id });
    },
  };
}

const toLink = (row: LinkRow): ExternalUser =>
  create(ExternalUserSchema, {
    userIds: { userId: row.user_id },
    providerIds: { providerId: row.provider_id },
    createdAt: timestampFromDate(row.created_at),
    updatedAt: timestampFromDate(row.updated_at),
    externalId: row.external_id,
  });

export function externalUserStore(h: Handles, tenantId: string): ExternalUserStore {
  const ofProvider = (providerId: string) => and(eq(x.tenant_id, tenantId), eq(x.provider_id, providerId));
  return {
    async create(link, now) {
      const providerId = link.providerIds?.providerId ?? "";
      const userId = link.userIds?.userId ?? "";
      try {
        const [row] = await h.primary
          .insert(x)
          .values({ tenant_id: tenantId, provider_id: providerId, external_id: link.externalId, user_id: userId, created_at: now, updated_at: now })
          .returning();
        return toLink(row!);
      } catch (err) {
        const fk = isForeignKeyViolation(err);
        if (fk === "external_users_provider_fkey") throw errAuthenticationProviderNotFound({ provider_id: providerId });
        if (fk === "external_users_user_fkey") throw errUserNotFound({ user_id: userId });
        mapUniqueViolation(err, {
          external_users_pkey: () => errExternalUserTaken({ provider_id: providerId, external_id: link.externalId }),
          external_users_user_index: () => errUserAlreadyLinked({ provider_id: providerId, user_id: userId }),
        });
      }
    },

    async getByExternalId(providerId, externalId) {
      const [row] = await h.primary.select().from(x).where(and(ofProvider(providerId), eq(x.external_id, externalId))).limit(1);
      if (!row) throw errExternalUserNotFound({ provider_id: providerId, external_id: externalId });
      return toLink(row);
    },

    async getByUserId(providerId, userId) {
      const [row] = await h.read.select().from(x).where(and(ofProvider(providerId), eq(x.user_id, userId))).limit(1);
      if (!row) throw errUserNotLinked({ provider_id: providerId, user_id: userId });
      return toLink(row);
    },

    async delete(providerId, externalId) {
      const gone = await h.primary.delete(x).where(and(ofProvider(providerId), eq(x.external_id, externalId))).returning({ id: x.external_id });
      if (gone.length === 0) throw errExternalUserNotFound({ provider_id: providerId, external_id: externalId });
    },
  };
}
