// One implementation of the registry operations (create, get, find, update,
// soft delete, restore, purge) for every entity kind, parameterised by the
// kind's table, identifier column and message descriptor.
import { and, asc, count, desc as descOrder, eq, inArray, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { DescMessage, Message } from "@bufbuild/protobuf";
import type { IsError } from "../../errors/index.js";
import { copyPaths, topLevelPaths } from "../../messages/fieldmask.js";
import type { EntityKind } from "../../rights/algebra.js";
import type { AccountKind, EntityStore, FindOptions, GetOptions, Page } from "../interfaces.js";
import { rowCodec } from "./codec.js";
import type { Handles } from "./handle.js";
import { isUniqueViolation, mapUniqueViolation } from "./violations.js";
import { accounts, apiKeys, memberships } from "./schema/index.js";

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
  /** Sets the `ids` field of a message decoded from a row. */
  withIds(entity: T, id: string): T;
  notFound(id: string): IsError;
  /** Users and organizations reserve their ID in the shared account namespace. */
  account?: AccountKind;
  /** Unique constraints with their own error, made from the entity written. */
  violations?: Record<string, (entity: T) => IsError>;
}

export function entityStore<T extends Message>(spec: EntitySpec<T>, h: Handles, tenantId: string, transact: <R>(fn: (h: Handles) => Promise<R>) => Promise<R>): EntityStore<T> {
  const { table } = spec;
  const idCol = table[spec.idColumn] as PgColumn;
  const columnNames = Object.keys(table).filter((k) => typeof (table as Record<string, unknown>)[k] === "object");
  const codec = rowCodec<T>(spec.desc, columnNames, [spec.idColumn, "tenant_id"]);
  const byId = (id: string) => and(eq(table.tenant_id, tenantId), eq(idCol, id));
  const live = isNull(table.deleted_at);
  const decode = (row: Record<string, unknown>) => spec.withIds(codec.decode(row), row[spec.idColumn] as string);
  // The kind's own unique-violation errors, with the attributes of the entity that clashed.
  const violationsOf = (entity: T) =>
    Object.fromEntries(Object.entries(spec.violations ?? {}).map(([constraint, make]) => [constraint, () => make(entity)]));

  const memberOfCondition = (opts: FindOptions): SQL | undefined => {
    if (!opts.memberOf) return undefined;
    const direct = sql`SELECT entity_id FROM ${memberships} WHERE tenant_id = ${tenantId} AND entity_kind = ${spec.kind} AND account_id = ${opts.memberOf.id}`;
    if (opts.memberOf.kind !== "user") return sql`${idCol} IN (${direct})`;
    const indirect = sql`SELECT em.entity_id FROM ${memberships} om JOIN ${memberships} em
      ON em.tenant_id = om.tenant_id AND em.entity_kind = ${spec.kind} AND em.account_id = om.entity_id
      WHERE om.tenant_id = ${tenantId} AND om.entity_kind = 'organization' AND om.account_id = ${opts.memberOf.id}`;
    return sql`${idCol} IN (${direct} UNION ${indirect})`;
  };

  const orderBy = (order: string | undefined) => {
    const descending = order?.startsWith("-") ?? false;
    const name = order?.replace(/^-/, "") ?? "";
    const col = name === spec.idColumn ? idCol : codec.columns.has(name) ? (table[name] as PgColumn) : undefined;
    const dir = descending ? descOrder : asc;
    return col && col !== idCol ? [dir(col), dir(idCol)] : [dir(idCol)];
  };

  return {
    async create(entity) {
      const id = spec.idOf(entity);
      try {
        return await transact(async (tx) => {
          if (spec.account) await tx.primary.insert(accounts).values({ tenant_id: tenantId, uid: id, kind: spec.account });
          const [row] = await tx.primary
            .insert(table)
            .values({ ...codec.encode(entity), tenant_id: tenantId, [spec.idColumn]: id, created_at: sql`now()`, updated_at: sql`now()`, deleted_at: null } as never)
            .returning();
          return decode(row as Record<string, unknown>);
        });
      } catch (err) {
        mapUniqueViolation(err, violationsOf(entity));
      }
    },

    async get(id, opts?: GetOptions) {
      const [row] = await h.read.select().from(table).where(opts?.includeDeleted ? byId(id) : and(byId(id), live)).limit(1);
      if (!row) throw spec.notFound(id);
      return decode(row);
    },

    async find(opts) {
      const where = and(
        eq(table.tenant_id, tenantId),
        opts.deleted ? isNotNull(table.deleted_at) : live,
        memberOfCondition(opts),
      );
      const [rowsOfPage, [total]] = await Promise.all([
        h.read.select().from(table).where(where).orderBy(...orderBy(opts.order)).limit(opts.limit).offset((opts.page - 1) * opts.limit),
        h.read.select({ n: count() }).from(table).where(where),
      ]);
      return { items: rowsOfPage.map(decode), total: Number(total?.n ?? 0) } satisfies Page<T>;
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
            .set({ ...codec.encode(current, fields), updated_at: sql`now()` } as never)
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
        // The account row goes last: its foreign keys take the memberships it holds.
        if (spec.account) await tx.primary.delete(accounts).where(and(eq(accounts.tenant_id, tenantId), inArray(accounts.uid, [id])));
      });
    },
  };
}
