// API keys of every entity kind; the lookup for authentication joins the
// holder's user row so a request costs one query.
import { and, asc, count, desc as descOrder, eq, sql } from "drizzle-orm";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { APIKeySchema, type APIKey } from "../../../gen/ttn/lorawan/v3/rights_pb.js";
import { errAPIKeyNotFoundInStore } from "../../errors/index.js";
import { copyPaths, topLevelPaths } from "../../messages/fieldmask.js";
import type { EntityKind } from "../../rights/algebra.js";
import type { APIKeyStore, EntityRef } from "../interfaces.js";
import { rowCodec } from "./codec.js";
import { mapUniqueViolation } from "./violations.js";
import type { Handles } from "./handle.js";
import { placeholder, preparedOnce } from "./prepared.js";
import { apiKeys, users } from "./schema/index.js";

const codec = rowCodec<APIKey>(APIKeySchema, ["name", "rights", "created_at", "updated_at", "expires_at"]);
const decode = (row: Record<string, unknown>) => {
  const key = codec.decode(row);
  key.id = row.key_id as string;
  return key;
};
const orderColumns = { api_key_id: apiKeys.key_id, name: apiKeys.name, created_at: apiKeys.created_at, expires_at: apiKeys.expires_at } as const;

export function apiKeyStore(h: Handles, tenantId: string, transact: <R>(fn: (h: Handles) => Promise<R>) => Promise<R>): APIKeyStore {
  const of = (entity: EntityRef) => and(eq(apiKeys.tenant_id, tenantId), eq(apiKeys.entity_kind, entity.kind), eq(apiKeys.entity_id, entity.id));
  const one = (entity: EntityRef, id: string) => and(of(entity), eq(apiKeys.key_id, id));
  // Every request with an API key looks it up: built once (prepared.ts).
  const lookupQuery = preparedOnce("api_key_lookup", () =>
    h.read
      .select({
        key: apiKeys,
        admin: users.admin,
        state: users.state,
        state_description: users.state_description,
        validated_at: users.primary_email_address_validated_at,
        deleted_at: users.deleted_at,
        user_id: users.user_id,
      })
      .from(apiKeys)
      .leftJoin(users, and(eq(apiKeys.entity_kind, "user"), eq(users.tenant_id, apiKeys.tenant_id), eq(users.user_id, apiKeys.entity_id)))
      .where(and(eq(apiKeys.key_id, placeholder("id")), eq(apiKeys.tenant_id, tenantId)))
      .limit(1));

  return {
    async create(entity, key, secretHash) {
      try {
        const [row] = await h.primary
          .insert(apiKeys)
          .values({ ...(codec.encode(key, ["name", "rights", "expires_at"]) as object), key_id: key.id, tenant_id: tenantId, secret_hash: secretHash, entity_kind: entity.kind, entity_id: entity.id } as never)
          .returning();
        return decode(row as Record<string, unknown>);
      } catch (err) {
        mapUniqueViolation(err); // a duplicate key ID: id_taken
      }
    },

    async lookup(id) {
      const [row] = await lookupQuery({ id });
      if (!row) return undefined;
      return {
        key: decode(row.key),
        entity: { kind: row.key.entity_kind as EntityKind, id: row.key.entity_id },
        secretHash: row.key.secret_hash,
        user:
          row.user_id === null
            ? undefined
            : {
                admin: row.admin ?? false,
                state: row.state ?? 0,
                stateDescription: row.state_description ?? "",
                primaryEmailAddressValidatedAt: row.validated_at ? timestampFromDate(row.validated_at) : undefined,
                deleted: row.deleted_at !== null,
              },
      };
    },

    async get(entity, id) {
      const [row] = await h.read.select().from(apiKeys).where(one(entity, id));
      if (!row) throw errAPIKeyNotFoundInStore({ api_key_id: id });
      return decode(row);
    },

    async find(entity, page) {
      const name = page.order?.replace(/^-/, "") as keyof typeof orderColumns | undefined;
      const col = (name && orderColumns[name]) || apiKeys.key_id;
      const dir = page.order?.startsWith("-") ? descOrder : asc;
      const [items, [total]] = await Promise.all([
        h.read.select().from(apiKeys).where(of(entity)).orderBy(dir(col), dir(apiKeys.key_id)).limit(page.limit).offset((page.page - 1) * page.limit),
        h.read.select({ n: count() }).from(apiKeys).where(of(entity)),
      ]);
      return { items: items.map(decode), total: Number(total?.n ?? 0) };
    },

    async update(entity, key, paths) {
      return transact(async (tx) => {
        const [row] = await tx.primary.select().from(apiKeys).where(one(entity, key.id)).for("update");
        if (!row) throw errAPIKeyNotFoundInStore({ api_key_id: key.id });
        const merged = copyPaths(APIKeySchema, decode(row), key, paths);
        const fields = [...topLevelPaths(paths)].filter((p) => p === "name" || p === "rights" || p === "expires_at");
        const [updated] = await tx.primary
          .update(apiKeys)
          .set({ ...(codec.encode(merged, fields) as object), updated_at: sql`now()` } as never)
          .where(one(entity, key.id))
          .returning();
        return decode(updated as Record<string, unknown>);
      });
    },

    async delete(entity, id) {
      const gone = await h.primary.delete(apiKeys).where(one(entity, id)).returning({ id: apiKeys.key_id });
      if (gone.length === 0) throw errAPIKeyNotFoundInStore({ api_key_id: id });
    },
  };
}
