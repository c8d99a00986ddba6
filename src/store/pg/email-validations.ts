// Validations of users' primary e-mail addresses (table email_validations).
// Tokens arrive here already hashed; timestamps come from the caller's clock so
// expiry and the re-send interval follow the server's `now`.
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { EmailValidationRecord, EmailValidationStore } from "../interfaces.js";
import type { Handles } from "./handle.js";
import { emailValidations, users } from "./schema/index.js";

type Row = typeof emailValidations.$inferSelect;

const decode = (row: Row): EmailValidationRecord => ({
  id: row.id,
  userId: row.user_id,
  address: row.address,
  tokenHash: row.token_hash,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  expiresAt: row.expires_at,
  usedAt: row.used_at ?? undefined,
});

export function emailValidationStore(h: Handles, tenantId: string): EmailValidationStore {
  const byId = (id: string) => and(eq(emailValidations.tenant_id, tenantId), eq(emailValidations.id, id));
  return {
    async create(v, at) {
      const [row] = await h.primary
        .insert(emailValidations)
        .values({ tenant_id: tenantId, id: v.id, token_hash: v.tokenHash, user_id: v.userId, address: v.address, expires_at: v.expiresAt, created_at: at, updated_at: at })
        .returning();
      return decode(row!);
    },

    async get(id) {
      const [row] = await h.primary.select().from(emailValidations).where(byId(id)).for("update");
      return row ? decode(row) : undefined;
    },

    async pending(userId, address, now) {
      // Serializes requests of one user: the check and the insert below must not interleave.
      await h.primary.select({ id: users.user_id }).from(users).where(and(eq(users.tenant_id, tenantId), eq(users.user_id, userId))).for("update");
      const [row] = await h.primary
        .select()
        .from(emailValidations)
        .where(
          and(
            eq(emailValidations.tenant_id, tenantId),
            eq(emailValidations.user_id, userId),
            eq(sql`lower(${emailValidations.address})`, address.toLowerCase()),
            isNull(emailValidations.used_at),
            gt(emailValidations.expires_at, now),
          ),
        )
        .orderBy(desc(emailValidations.updated_at))
        .limit(1);
      return row ? decode(row) : undefined;
    },

    async refresh(id, tokenHash, expiresAt, at) {
      const [row] = await h.primary.update(emailValidations).set({ token_hash: tokenHash, expires_at: expiresAt, updated_at: at }).where(byId(id)).returning();
      return decode(row!);
    },

    async markUsed(id, at) {
      await h.primary.update(emailValidations).set({ used_at: at, updated_at: at }).where(byId(id));
    },
  };
}
