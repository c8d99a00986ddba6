// Users' bookmarks. A bookmark's deleted state is its entity's: it lists while
// the entity is live, and under `deleted` while the entity is soft-deleted;
// bookmarks of entities that are gone entirely never list (purge removes them).
import { and, asc, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import {
  errAlreadyExists, errApplicationNotFound, errClientNotFound, errEndDeviceNotFound, errGatewayNotFound, errOrganizationNotFound, errUserBookmarkNotFound, errUserNotFound,
  type IsError,
} from "../../errors/index.js";
import type { Bookmark, BookmarkKind, BookmarkRef, BookmarkStore } from "../interfaces.js";
import { rows, type Handles } from "./handle.js";
import { applications, bookmarks, clients, endDevices, gateways, organizations, users } from "./schema/index.js";
import { mapUniqueViolation } from "./violations.js";

const b = bookmarks;

/** Per kind: the SQL that yields the entity's `deleted_at IS NOT NULL` (no row when it does not exist), and its not-found error. */
const kinds: Record<BookmarkKind, { state(tenantId: SQL | string, id: SQL | string): SQL; notFound(id: string): IsError }> = {
  user: { state: (t, id) => sql`SELECT ${users.deleted_at} IS NOT NULL AS deleted FROM ${users} WHERE ${users.tenant_id} = ${t} AND ${users.user_id} = ${id}`, notFound: (id) => errUserNotFound({ user_id: id }) },
  application: {
    state: (t, id) => sql`SELECT ${applications.deleted_at} IS NOT NULL AS deleted FROM ${applications} WHERE ${applications.tenant_id} = ${t} AND ${applications.application_id} = ${id}`,
    notFound: (id) => errApplicationNotFound({ application_id: id }),
  },
  client: {
    state: (t, id) => sql`SELECT ${clients.deleted_at} IS NOT NULL AS deleted FROM ${clients} WHERE ${clients.tenant_id} = ${t} AND ${clients.client_id} = ${id}`,
    notFound: (id) => errClientNotFound({ client_id: id }),
  },
  gateway: {
    state: (t, id) => sql`SELECT ${gateways.deleted_at} IS NOT NULL AS deleted FROM ${gateways} WHERE ${gateways.tenant_id} = ${t} AND ${gateways.gateway_id} = ${id}`,
    notFound: (id) => errGatewayNotFound({ gateway_id: id }),
  },
  organization: {
    state: (t, id) => sql`SELECT ${organizations.deleted_at} IS NOT NULL AS deleted FROM ${organizations} WHERE ${organizations.tenant_id} = ${t} AND ${organizations.organization_id} = ${id}`,
    notFound: (id) => errOrganizationNotFound({ organization_id: id }),
  },
  // End devices are hard-deleted; their ID is `<application_id>.<device_id>`.
  "end device": {
    state: (t, id) => sql`SELECT false AS deleted FROM ${endDevices} WHERE ${endDevices.tenant_id} = ${t}
      AND ${endDevices.application_id} = split_part(${id}, '.', 1) AND ${endDevices.device_id} = split_part(${id}, '.', 2)`,
    notFound: (id) => errEndDeviceNotFound({ application_id: id.split(".")[0], device_id: id.split(".")[1] ?? "" }),
  },
};

/** The bookmarked entity's deleted state for a bookmark row: true, false, or NULL when the entity does not exist. */
const entityDeleted = sql`CASE ${b.entity_kind} ${sql.join(
  Object.entries(kinds).map(([kind, k]) => sql`WHEN ${kind} THEN (${k.state(sql`${b.tenant_id}`, sql`${b.entity_id}`)})`),
  sql` `,
)} END`;

const orderColumns: Record<string, PgColumn> = { user_id: b.user_id, entity_type: b.entity_kind, entity_id: b.entity_id, created_at: b.created_at };

const toBookmark = (row: { user_id: string; entity_kind: string; entity_id: string; created_at: Date }): Bookmark => ({
  userId: row.user_id,
  entity: { kind: row.entity_kind as BookmarkKind, id: row.entity_id },
  createdAt: row.created_at,
});

export function bookmarkStore(h: Handles, tenantId: string, transact: <R>(fn: (h: Handles) => Promise<R>) => Promise<R>): BookmarkStore {
  const ofUser = (userId: string) => and(eq(b.tenant_id, tenantId), eq(b.user_id, userId));
  const one = (ref: BookmarkRef) => and(eq(b.entity_kind, ref.kind), eq(b.entity_id, ref.id));

  return {
    async create(userId, entity) {
      const kind = kinds[entity.kind];
      try {
        return await transact(async (tx) => {
          const [found] = await rows<{ deleted: boolean }>(tx.primary, kind.state(tenantId, entity.id));
          if (!found || found.deleted) throw kind.notFound(entity.id);
          const [row] = await tx.primary
            .insert(b)
            .values({ tenant_id: tenantId, user_id: userId, entity_kind: entity.kind, entity_id: entity.id })
            .returning();
          return toBookmark(row!);
        });
      } catch (err) {
        mapUniqueViolation(err, { bookmarks_pkey: () => errAlreadyExists({}) });
      }
    },

    async find(userId, opts) {
      const where = and(
        ofUser(userId),
        opts.kinds?.length ? inArray(b.entity_kind, [...opts.kinds]) : undefined,
        sql`(${entityDeleted}) = ${opts.deleted ?? false}`,
      );
      const name = opts.order?.replace(/^-/, "") ?? "created_at";
      const dir = opts.order?.startsWith("-") ? desc : asc;
      const order = [dir(orderColumns[name] ?? b.created_at), ...[b.entity_kind, b.entity_id].filter((c) => c !== orderColumns[name]).map((c) => dir(c))];
      const found = await h.read
        .select({ user_id: b.user_id, entity_kind: b.entity_kind, entity_id: b.entity_id, created_at: b.created_at, total: sql<string>`count(*) OVER ()` })
        .from(b)
        .where(where)
        .orderBy(...order)
        .limit(opts.limit)
        .offset((opts.page - 1) * opts.limit);
      let total = Number(found[0]?.total ?? 0);
      if (found.length === 0 && opts.page > 1) total = (await h.read.select({ id: b.entity_id }).from(b).where(where)).length;
      return { items: found.map((r) => toBookmark(r as never)), total };
    },

    async delete(userId, entity) {
      const gone = await h.primary.delete(b).where(and(ofUser(userId), one(entity))).returning({ id: b.entity_id });
      if (gone.length === 0) throw errUserBookmarkNotFound({ user_id: userId, entity_id: entity.id });
    },

    async deleteMany(userId, entities) {
      if (entities.length === 0) return;
      await h.primary.delete(b).where(and(ofUser(userId), or(...entities.map(one))));
    },
  };
}
