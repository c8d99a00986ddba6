// Collaborators of entities and the membership chains rights are computed from.
import { and, asc, count, desc, eq, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Right } from "../../../gen/ttn/lorawan/v3/rights_pb.js";
import { errMembershipNotFound } from "../../errors/index.js";
import type { EntityKind } from "../../rights/algebra.js";
import type { AccountRef, EntityRef, GetOptions, Membership, MembershipChains, MembershipStore } from "../interfaces.js";
import { rows, type Handles } from "./handle.js";
import { anyOf, placeholder, preparedSql, variants, type Values } from "./prepared.js";
import { memberships, organizations } from "./schema/index.js";

/** Where each entity kind lives, to tell whether a membership's entity still exists. */
export type EntityTables = Partial<Record<EntityKind, { table: PgTable & { deleted_at: PgColumn; tenant_id: PgColumn }; idColumn: PgColumn }>>;

type EntityTable = NonNullable<EntityTables[EntityKind]>;

/** The SQL that yields one row when the entity (placeholder `entity_id`) exists. */
function existsSql(target: EntityTable, tenantId: string, includeDeleted: boolean) {
  const liveOnly = includeDeleted ? sql`` : sql` AND deleted_at IS NULL`;
  return sql`SELECT 'exists' AS via, NULL::int[] AS entity_rights, NULL::int[] AS org_rights
    FROM ${target.table} WHERE tenant_id = ${tenantId} AND ${target.idColumn} = ${placeholder("entity_id")}${liveOnly}`;
}

/** `Store.exists`: one prepared query per entity kind and treatment of deleted entities. */
export function existence(h: Handles, tenantId: string, entityTables: EntityTables) {
  const queries = variants<(values: Values) => Promise<unknown[]>>();
  return async (entity: EntityRef, opts?: GetOptions): Promise<boolean> => {
    const target = entityTables[entity.kind];
    if (!target) return false;
    const deleted = opts?.includeDeleted === true;
    const name = `exists_${entity.kind}${deleted ? "_with_deleted" : ""}`;
    const query = queries(name, () => preparedSql(h.read, name, () => existsSql(target, tenantId, deleted)));
    return (await query({ entity_id: entity.id })).length > 0;
  };
}

/** IDs of the tenant's organizations that are not deleted: only those pass rights on. */
export function liveOrganizations(tenantId: string) {
  return sql`SELECT ${organizations.organization_id} FROM ${organizations} WHERE ${organizations.tenant_id} = ${tenantId} AND ${organizations.deleted_at} IS NULL`;
}

export function membershipStore(h: Handles, tenantId: string, entityTables: EntityTables): MembershipStore {
  const of = (entity: EntityRef) =>
    and(eq(memberships.tenant_id, tenantId), eq(memberships.entity_kind, entity.kind), eq(memberships.entity_id, entity.id));
  // One round trip: the entity's existence, the direct membership and the
  // memberships through organizations (only users are members of those).
  // Placeholders: `entity_id`, `account_id`.
  const chainsSql = (target: EntityTable, accountKind: AccountRef["kind"], kind: EntityKind, includeDeleted: boolean) => {
    const entityId = placeholder("entity_id");
    const accountId = placeholder("account_id");
    const indirect =
      accountKind === "user"
        ? sql` UNION ALL SELECT 'org' AS via, em.rights AS entity_rights, om.rights AS org_rights
            FROM ${memberships} om JOIN ${memberships} em
              ON em.tenant_id = om.tenant_id AND em.entity_kind = ${kind} AND em.entity_id = ${entityId} AND em.account_id = om.entity_id
            WHERE om.tenant_id = ${tenantId} AND om.entity_kind = 'organization' AND om.account_id = ${accountId}
              AND om.entity_id IN (${liveOrganizations(tenantId)})`
        : sql``;
    // A deleted organization holds no rights through its memberships either.
    const liveAccount = accountKind === "organization" ? sql` AND ${accountId} IN (${liveOrganizations(tenantId)})` : sql``;
    return sql`${existsSql(target, tenantId, includeDeleted)}
      UNION ALL SELECT 'direct', rights, NULL FROM ${memberships}
        WHERE tenant_id = ${tenantId} AND entity_kind = ${kind} AND entity_id = ${entityId} AND account_id = ${accountId}${liveAccount}${indirect}`;
  };
  const chainsQueries = variants<(values: Values) => Promise<{ via: string; entity_rights: number[] | null; org_rights: number[] | null }[]>>();
  const toMembership = (row: { account_kind: string; account_id: string; rights: number[] }): Membership => ({
    account: { kind: row.account_kind as AccountRef["kind"], id: row.account_id },
    rights: row.rights as Right[],
  });

  return {
    async set(entity, account, rights) {
      if (rights.length === 0) {
        await h.primary.delete(memberships).where(and(of(entity), eq(memberships.account_id, account.id)));
        return;
      }
      await h.primary
        .insert(memberships)
        .values({ tenant_id: tenantId, entity_kind: entity.kind, entity_id: entity.id, account_kind: account.kind, account_id: account.id, rights: [...rights] })
        .onConflictDoUpdate({
          target: [memberships.tenant_id, memberships.entity_kind, memberships.entity_id, memberships.account_id],
          set: { rights: [...rights], updated_at: sql`now()` },
        });
    },

    async get(entity, account) {
      const [row] = await h.read.select().from(memberships).where(and(of(entity), eq(memberships.account_id, account.id)));
      if (!row || row.account_kind !== account.kind) throw errMembershipNotFound({ account_id: account.id, entity_id: entity.id });
      return toMembership(row);
    },

    async find(entity, page) {
      // Orders `id` (the member's ID, the default) and `rights`, `-` for descending.
      const dir = page.order?.startsWith("-") ? desc : asc;
      const order = page.order?.replace(/^-/, "") === "rights" ? [dir(memberships.rights), dir(memberships.account_id)] : [dir(memberships.account_id)];
      const [items, [total]] = await Promise.all([
        h.read.select().from(memberships).where(of(entity)).orderBy(...order).limit(page.limit).offset((page.page - 1) * page.limit),
        h.read.select({ n: count() }).from(memberships).where(of(entity)),
      ]);
      return { items: items.map(toMembership), total: Number(total?.n ?? 0) };
    },

    async all(entity) {
      // Last-owner checks read this inside a transaction and then write: lock the rows
      // (on the primary) so two concurrent downgrades cannot both see the other owner.
      return (await h.primary.select().from(memberships).where(of(entity)).orderBy(asc(memberships.account_id)).for("update")).map(toMembership);
    },

    async delete(entity, account) {
      const gone = await h.primary.delete(memberships).where(and(of(entity), eq(memberships.account_id, account.id))).returning({ id: memberships.account_id });
      if (gone.length === 0) throw errMembershipNotFound({ account_id: account.id, entity_id: entity.id });
    },

    async chains(account: AccountRef, entity: EntityRef, opts): Promise<MembershipChains> {
      const target = entityTables[entity.kind];
      if (!target) return { exists: false, viaOrganizations: [] };
      const deleted = opts?.includeDeleted === true;
      const name = `chains_${account.kind}_${entity.kind}${deleted ? "_with_deleted" : ""}`;
      const query = chainsQueries(name, () => preparedSql(h.read, name, () => chainsSql(target, account.kind, entity.kind, deleted)));
      const out: MembershipChains = { exists: false, viaOrganizations: [] };
      for (const r of await query({ entity_id: entity.id, account_id: account.id })) {
        if (r.via === "exists") out.exists = true;
        else if (r.via === "direct") out.direct = (r.entity_rights ?? []) as Right[];
        else out.viaOrganizations.push({ organizationRights: (r.org_rights ?? []) as Right[], entityRights: (r.entity_rights ?? []) as Right[] });
      }
      return out;
    },

    async chainsMany(account, kind, ids) {
      const out = new Map<string, MembershipChains>(ids.map((id) => [id, { exists: true, viaOrganizations: [] }]));
      if (ids.length === 0) return out;
      // The same chains as `chains`, for a page of entities at once; their existence is the caller's business.
      const indirect =
        account.kind === "user"
          ? sql` UNION ALL SELECT em.entity_id, 'org' AS via, em.rights AS entity_rights, om.rights AS org_rights
              FROM ${memberships} om JOIN ${memberships} em
                ON em.tenant_id = om.tenant_id AND em.entity_kind = ${kind} AND ${anyOf(sql`em.entity_id`, ids)} AND em.account_id = om.entity_id
              WHERE om.tenant_id = ${tenantId} AND om.entity_kind = 'organization' AND om.account_id = ${account.id}
                AND om.entity_id IN (${liveOrganizations(tenantId)})`
          : sql``;
      const liveAccount = account.kind === "organization" ? sql` AND ${account.id} IN (${liveOrganizations(tenantId)})` : sql``;
      const result = await rows<{ entity_id: string; via: string; entity_rights: number[] | null; org_rights: number[] | null }>(
        h.read,
        sql`SELECT entity_id, 'direct' AS via, rights AS entity_rights, NULL::int[] AS org_rights FROM ${memberships}
              WHERE tenant_id = ${tenantId} AND entity_kind = ${kind} AND ${anyOf(sql`entity_id`, ids)} AND account_id = ${account.id}${liveAccount}${indirect}`,
      );
      for (const r of result) {
        const c = out.get(r.entity_id);
        if (!c) continue;
        if (r.via === "direct") c.direct = (r.entity_rights ?? []) as Right[];
        else c.viaOrganizations.push({ organizationRights: (r.org_rights ?? []) as Right[], entityRights: (r.entity_rights ?? []) as Right[] });
      }
      return out;
    },
  };
}
