// One implementation of the registry operations (create, get, find, update,
// soft delete, restore, purge) for every entity kind, parameterised by the
// kind's table, identifier column and message descriptor.
import { and, asc, count, desc as descOrder, eq, getTableColumns, gt, inArray, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { DescMessage, Message } from "@bufbuild/protobuf";
import type { IsError } from "../../errors/index.js";
import { copyPaths, topLevelPaths } from "../../messages/fieldmask.js";
import type { EntityKind } from "../../rights/algebra.js";
import type { AccountKind, EntityStore, FindOptions, GetOptions, Page, SearchHit, SearchOptions } from "../interfaces.js";
import { rowCodec } from "./codec.js";
import { liveOrganizations } from "./memberships.js";
import type { Handles } from "./handle.js";
import { isUniqueViolation, mapUniqueViolation } from "./violations.js";
import { placeholder, preparedOnce, type Placeholder } from "./prepared.js";
import { accounts, apiKeys, bookmarks, memberships } from "./schema/index.js";
import { hexOf, ilike, words } from "./search.js";

type EntityTable = PgTable & {
  tenant_id: PgColumn;
  created_at: PgColumn;
  updated_at: PgColumn;
  deleted_at: PgColumn;
} & Record<string, PgColumn>;

export interface EntitySpec<T extends Message> {
  kind: EntityKind;
  table: EntityTable;
  idColumn: string;
  desc: DescMessage;
  /** Reads the entity's ID from its message. */
  idOf(entity: T): string;
  /** Sets the `ids` field of a message decoded from a row (the ID column and any other identifier columns). */
  withIds(entity: T, row: Record<string, unknown>): T;
  /** Identifier columns besides the ID (a gateway's EUI), written on create and update. */
  identifierColumns?(entity: T): Record<string, unknown>;
  notFound(id: string): IsError;
  /** Users and organizations reserve their ID in the shared account namespace. */
  account?: AccountKind;
  /** Sortable columns that are not message fields (a gateway's EUI). */
  orderColumns?: string[];
  /** A bytea EUI column (a gateway's), searched and ordered by its hex digits. */
  euiColumn?: string;
  /** Unique constraints with their own error, made from the entity written. */
  violations?: Record<string, (entity: T) => IsError>;
}

export function entityStore<T extends Message>(spec: EntitySpec<T>, h: Handles, tenantId: string, transact: <R>(fn: (h: Handles) => Promise<R>) => Promise<R>): EntityStore<T> {
  const { table } = spec;
  const idCol = table[spec.idColumn] as PgColumn;
  const columnNames = Object.keys(table).filter((k) => typeof (table as Record<string, unknown>)[k] === "object");
  const codec = rowCodec<T>(spec.desc, columnNames, [spec.idColumn, "tenant_id"]);
  const byId = (id: string | Placeholder) => and(eq(table.tenant_id, tenantId), eq(idCol, id));
  const live = isNull(table.deleted_at);
  // Every authenticated request reads entities by ID: built once (prepared.ts).
  const getLive = preparedOnce(`${spec.kind}_get`, () => h.read.select().from(table).where(and(byId(placeholder("id")), live)).limit(1));
  const getAny = preparedOnce(`${spec.kind}_get_with_deleted`, () => h.read.select().from(table).where(byId(placeholder("id"))).limit(1));
  const decode = (row: Record<string, unknown>) => spec.withIds(codec.decode(row), row);
  // The kind's own unique-violation errors, with the attributes of the entity that clashed.
  const violationsOf = (entity: T) =>
    Object.fromEntries(Object.entries(spec.violations ?? {}).map(([constraint, make]) => [constraint, () => make(entity)]));

  const memberOfCondition = (opts: FindOptions): SQL | undefined => {
    if (!opts.memberOf) return undefined;
    const direct = sql`SELECT entity_id FROM ${memberships} WHERE tenant_id = ${tenantId} AND entity_kind = ${spec.kind} AND account_id = ${opts.memberOf.id}`;
    if (opts.memberOf.kind !== "user") return sql`${idCol} IN (${direct})`;
    const indirect = sql`SELECT em.entity_id FROM ${memberships} om JOIN ${memberships} em
      ON em.tenant_id = om.tenant_id AND em.entity_kind = ${spec.kind} AND em.account_id = om.entity_id
      WHERE om.tenant_id = ${tenantId} AND om.entity_kind = 'organization' AND om.account_id = ${opts.memberOf.id}
        AND om.entity_id IN (${liveOrganizations(tenantId)})`;
    return sql`${idCol} IN (${direct} UNION ${indirect})`;
  };

  const orderBy = (order: string | undefined) => {
    const descending = order?.startsWith("-") ?? false;
    const name = order?.replace(/^-/, "") ?? "";
    const col = name === spec.idColumn ? idCol : codec.columns.has(name) || spec.orderColumns?.includes(name) ? (table[name] as PgColumn) : undefined;
    const dir = descending ? descOrder : asc;
    return col && col !== idCol ? [dir(col), dir(idCol)] : [dir(idCol)];
  };

  // Search filters, AND-ed; text matches are case-insensitive with `%`/`_` taken literally.
  const searchCondition = (opts: SearchOptions): SQL | undefined => {
    const eui = spec.euiColumn ? hexOf(table[spec.euiColumn] as PgColumn) : undefined;
    const conditions: (SQL | undefined)[] = [];
    if (opts.query) {
      const q = opts.query;
      conditions.push(or(ilike(idCol, q), ilike(table.name as PgColumn, q), eui && ilike(eui, q), words(table.description as PgColumn, q)));
    }
    if (opts.idContains) conditions.push(ilike(idCol, opts.idContains));
    if (opts.nameContains) conditions.push(ilike(table.name as PgColumn, opts.nameContains));
    if (opts.descriptionContains) conditions.push(words(table.description as PgColumn, opts.descriptionContains));
    for (const [key, value] of Object.entries(opts.attributesContain ?? {})) conditions.push(ilike(sql`(${table.attributes} ->> ${key})`, value));
    if (opts.states?.length && codec.columns.has("state")) conditions.push(inArray(table.state as PgColumn, [...opts.states]));
    if (opts.euiContains && eui) conditions.push(ilike(eui, opts.euiContains));
    return and(...conditions);
  };

  // Whether a membership chain of `memberOf` to the row holds one of `readableWith`
  // (directly, or through a live organization whose rights hold one too).
  const readableCondition = (opts: SearchOptions): SQL => {
    if (!opts.memberOf || !opts.readableWith?.length) return sql`false`;
    const anyOf = sql`${sql.param([...opts.readableWith])}::int[]`;
    const direct = sql`EXISTS (SELECT 1 FROM ${memberships} m WHERE m.tenant_id = ${tenantId} AND m.entity_kind = ${spec.kind}
      AND m.entity_id = ${idCol} AND m.account_id = ${opts.memberOf.id} AND m.rights && ${anyOf})`;
    if (opts.memberOf.kind !== "user") return direct;
    return sql`(${direct} OR EXISTS (SELECT 1 FROM ${memberships} om JOIN ${memberships} em
      ON em.tenant_id = om.tenant_id AND em.entity_kind = ${spec.kind} AND em.account_id = om.entity_id AND em.entity_id = ${idCol}
      WHERE om.tenant_id = ${tenantId} AND om.entity_kind = 'organization' AND om.account_id = ${opts.memberOf.id}
        AND om.entity_id IN (${liveOrganizations(tenantId)}) AND om.rights && ${anyOf} AND em.rights && ${anyOf}))`;
  };

  return {
    async create(entity) {
      const id = spec.idOf(entity);
      try {
        return await transact(async (tx) => {
          if (spec.account) await tx.primary.insert(accounts).values({ tenant_id: tenantId, uid: id, kind: spec.account });
          const [row] = await tx.primary
            .insert(table)
            .values({ ...codec.encode(entity), ...spec.identifierColumns?.(entity), tenant_id: tenantId, [spec.idColumn]: id, created_at: sql`now()`, updated_at: sql`now()`, deleted_at: null } as never)
            .returning();
          return decode(row as Record<string, unknown>);
        });
      } catch (err) {
        mapUniqueViolation(err, violationsOf(entity));
      }
    },

    async get(id, opts?: GetOptions) {
      const [row] = await (opts?.includeDeleted ? getAny : getLive)({ id });
      if (!row) throw spec.notFound(id);
      return decode(row);
    },

    async find(opts) {
      const where = and(
        eq(table.tenant_id, tenantId),
        opts.deleted ? isNotNull(table.deleted_at) : live,
        memberOfCondition(opts),
        opts.updatedSince ? gt(table.updated_at, opts.updatedSince) : undefined,
      );
      const [rowsOfPage, [total]] = await Promise.all([
        h.read.select().from(table).where(where).orderBy(...orderBy(opts.order)).limit(opts.limit).offset((opts.page - 1) * opts.limit),
        h.read.select({ n: count() }).from(table).where(where),
      ]);
      return { items: rowsOfPage.map(decode), total: Number(total?.n ?? 0) } satisfies Page<T>;
    },

    async search(opts) {
      const where = and(eq(table.tenant_id, tenantId), opts.deleted ? isNotNull(table.deleted_at) : live, memberOfCondition(opts), searchCondition(opts));
      const found = await h.read
        .select({ ...getTableColumns(table), search_readable: readableCondition(opts), search_total: sql<string>`count(*) OVER ()` })
        .from(table)
        .where(where)
        .orderBy(...orderBy(opts.order))
        .limit(opts.limit)
        .offset((opts.page - 1) * opts.limit);
      let total = Number(found[0]?.search_total ?? 0);
      // Past the last page the window count has no row to ride on.
      if (found.length === 0 && opts.page > 1) total = Number((await h.read.select({ n: count() }).from(table).where(where))[0]?.n ?? 0);
      const items = found.map((row) => ({ entity: decode(row as Record<string, unknown>), readable: row.search_readable === true }));
      return { items, total } satisfies Page<SearchHit<T>>;
    },

    async update(id, entity, paths) {
      try {
        return await transact(async (tx) => {
          const [row] = await tx.primary.select().from(table).where(and(byId(id), live)).for("update");
          if (!row) throw spec.notFound(id);
          const current = copyPaths(spec.desc, decode(row), entity, paths);
          const fields = [...topLevelPaths(paths)].filter((p) => codec.columns.has(p) && p !== "created_at" && p !== "updated_at");
          const [updated] = await tx.primary
            .update(table)
            .set({ ...codec.encode(current, fields), ...spec.identifierColumns?.(current), updated_at: sql`now()` } as never)
            .where(byId(id))
            .returning();
          return decode(updated as Record<string, unknown>);
        });
      } catch (err) {
        mapUniqueViolation(err, violationsOf(entity));
      }
    },

    async delete(id) {
      const done = await h.primary.update(table).set({ deleted_at: sql`now()` } as never).where(and(byId(id), live)).returning({ id: idCol });
      if (done.length === 0) throw spec.notFound(id);
    },

    async restore(id) {
      try {
        const done = await h.primary
          .update(table)
          .set({ deleted_at: null } as never)
          .where(and(byId(id), isNotNull(table.deleted_at)))
          .returning({ id: idCol });
        if (done.length === 0) throw spec.notFound(id);
      } catch (err) {
        if (isUniqueViolation(err) === undefined) throw err;
        const [row] = await h.read.select().from(table).where(byId(id)).limit(1);
        mapUniqueViolation(err, row ? violationsOf(decode(row)) : {});
      }
    },

    async purge(id) {
      await transact(async (tx) => {
        const gone = await tx.primary.delete(table).where(byId(id)).returning({ id: idCol });
        if (gone.length === 0) throw spec.notFound(id);
        await tx.primary.delete(memberships).where(and(eq(memberships.tenant_id, tenantId), eq(memberships.entity_kind, spec.kind), eq(memberships.entity_id, id)));
        await tx.primary.delete(apiKeys).where(and(eq(apiKeys.tenant_id, tenantId), eq(apiKeys.entity_kind, spec.kind), eq(apiKeys.entity_id, id)));
        // Bookmarks of the entity, and a purged user's own bookmarks.
        const bookmarked = and(eq(bookmarks.entity_kind, spec.kind), eq(bookmarks.entity_id, id));
        await tx.primary.delete(bookmarks).where(and(eq(bookmarks.tenant_id, tenantId), spec.kind === "user" ? or(bookmarked, eq(bookmarks.user_id, id)) : bookmarked));
        // The account row goes last: its foreign keys take the memberships it holds.
        if (spec.account) await tx.primary.delete(accounts).where(and(eq(accounts.tenant_id, tenantId), inArray(accounts.uid, [id])));
      });
    },
  };
}
