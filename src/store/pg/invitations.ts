// Invitations to register (table invitations): one per e-mail address, found
// by the non-secret lookup part of their token; the token itself is kept only
// as a hash. Timestamps come from the caller's clock.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { and, asc, count, eq, isNull, ne, sql } from "drizzle-orm";
import { InvitationSchema, type Invitation } from "../../../gen/ttn/lorawan/v3/user_pb.js";
import { errInvitationAlreadySent, errInvitationNotFound } from "../../errors/index.js";
import type { InvitationStore } from "../interfaces.js";
import type { Handles } from "./handle.js";
import { invitations, users } from "./schema/index.js";
import { isUniqueViolation } from "./violations.js";

type Row = typeof invitations.$inferSelect;

const decode = (row: Row): Invitation =>
  create(InvitationSchema, {
    email: row.email,
    expiresAt: timestampFromDate(row.expires_at),
    createdAt: timestampFromDate(row.created_at),
    updatedAt: timestampFromDate(row.updated_at),
    acceptedAt: row.accepted_at ? timestampFromDate(row.accepted_at) : undefined,
    acceptedBy: row.accepted_by ? { userId: row.accepted_by } : undefined,
  });

export function invitationStore(h: Handles, tenantId: string): InvitationStore {
  const ofTenant = eq(invitations.tenant_id, tenantId);
  const byEmail = (email: string) => and(ofTenant, eq(invitations.email, email));
  return {
    async create(v, at) {
      try {
        const [row] = await h.primary
          .insert(invitations)
          .values({
            tenant_id: tenantId,
            email: v.email,
            token_hash: v.tokenHash,
            token_lookup: v.tokenLookup,
            expires_at: v.expiresAt,
            sender_id: v.senderId ?? null,
            created_at: at,
            updated_at: at,
          })
          .returning();
        return decode(row!);
      } catch (err) {
        // The primary key is the address; a clash of the random lookup part is
        // practically impossible and surfaces as a plain unique violation.
        if (isUniqueViolation(err) === "invitations_pkey") throw errInvitationAlreadySent({ email: v.email }, { cause: err });
        throw err;
      }
    },

    async byLookup(lookup) {
      const [row] = await h.primary.select().from(invitations).where(and(ofTenant, eq(invitations.token_lookup, lookup))).for("update");
      return row ? { invitation: decode(row), tokenHash: row.token_hash } : undefined;
    },

    async accept(email, userId, at) {
      await h.primary.update(invitations).set({ accepted_at: at, accepted_by: userId, updated_at: at }).where(byEmail(email));
    },

    async find(page) {
      const [items, [total]] = await Promise.all([
        h.read.select().from(invitations).where(ofTenant).orderBy(asc(invitations.created_at), asc(invitations.email)).limit(page.limit).offset((page.page - 1) * page.limit),
        h.read.select({ n: count() }).from(invitations).where(ofTenant),
      ]);
      return { items: items.map(decode), total: Number(total?.n ?? 0) };
    },

    async delete(email) {
      const gone = await h.primary.delete(invitations).where(byEmail(email)).returning({ email: invitations.email });
      if (gone.length === 0) throw errInvitationNotFound({ email });
    },

    async addressRegistered(email) {
      const [row] = await h.read
        .select({ id: users.user_id })
        .from(users)
        .where(and(eq(users.tenant_id, tenantId), eq(sql`lower(${users.primary_email_address})`, email.toLowerCase()), isNull(users.deleted_at), ne(users.primary_email_address, "")))
        .limit(1);
      return row !== undefined;
    },
  };
}
