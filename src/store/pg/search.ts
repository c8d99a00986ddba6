// Text matching for searches (one definition for every kind), and the search
// of accounts (users and organizations) by ID for EntityRegistrySearch.SearchAccounts.
import { sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { AccountRef, AccountSearchOptions, AccountSearchStore, Page } from "../interfaces.js";
import { rows, type Handles } from "./handle.js";
import { accounts, memberships, organizations, users } from "./schema/index.js";

/** `%text%` for ILIKE, with the pattern characters of `text` (`%`, `_`, `\`) taken literally. */
export const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, "\\$&")}%`;
/** The column contains the text, case-insensitively. */
export const ilike = (column: SQL | PgColumn, text: string): SQL => sql`${column} ILIKE ${containsPattern(text)}`;
/** A bytea EUI as hex digits. */
export const hexOf = (column: SQL | PgColumn): SQL => sql`encode(${column}, 'hex')`;
/** The text column matches the words of `text` (PostgreSQL full-text search). */
export const words = (column: SQL | PgColumn, text: string): SQL =>
  sql`to_tsvector('english', ${column}) @@ websearch_to_tsquery('english', ${text})`;

export function accountSearchStore(h: Handles, tenantId: string): AccountSearchStore {
  return {
    async search(opts: AccountSearchOptions): Promise<Page<AccountRef>> {
      // Live accounts: the account row of a user or organization that is not soft-deleted.
      const conditions: SQL[] = [
        sql`a.tenant_id = ${tenantId}`,
        sql`(EXISTS (SELECT 1 FROM ${users} u WHERE u.tenant_id = a.tenant_id AND u.user_id = a.uid AND u.deleted_at IS NULL)
          OR EXISTS (SELECT 1 FROM ${organizations} o WHERE o.tenant_id = a.tenant_id AND o.organization_id = a.uid AND o.deleted_at IS NULL))`,
      ];
      if (opts.onlyUsers) conditions.push(sql`a.kind = 'user'`);
      if (opts.query) conditions.push(ilike(sql`a.uid`, opts.query));
      if (opts.collaboratorOf) {
        const member = sql`EXISTS (SELECT 1 FROM ${memberships} m WHERE m.tenant_id = a.tenant_id AND m.entity_kind = ${opts.collaboratorOf.kind}
          AND m.entity_id = ${opts.collaboratorOf.id} AND m.account_id = a.uid)`;
        conditions.push(opts.complement ? sql`NOT ${member}` : member);
      }
      const limit = opts.limit === undefined ? sql`` : sql` LIMIT ${opts.limit}`;
      const found = await rows<{ uid: string; kind: AccountRef["kind"]; total: number | string }>(
        h.read,
        sql`SELECT a.uid, a.kind, count(*) OVER () AS total FROM ${accounts} a WHERE ${sql.join(conditions, sql` AND `)} ORDER BY a.uid${limit}`,
      );
      return { items: found.map((r) => ({ kind: r.kind, id: r.uid })), total: Number(found[0]?.total ?? 0) };
    },
  };
}
