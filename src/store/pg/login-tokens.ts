// Login tokens ("magic links"). A token is the base32 of 32 random bytes; its
// first characters (`token_lookup`) find the row and the whole token is checked
// against the stored HMAC in constant time, so neither a database dump nor a
// timing difference gives a usable token away.
import { randomBytes } from "node:crypto";
import { and, count, eq, gt, isNull } from "drizzle-orm";
import { hashSecret, verifySecret } from "../../auth/secrets.js";
import { base32 } from "../../auth/tokens.js";
import {
  errLoginTokenAlreadyUsed, errLoginTokenExpired, errLoginTokenNotFound, errLoginTokensStillValid, errUserNotFound,
} from "../../errors/index.js";
import type { LoginTokenStore } from "../interfaces.js";
import type { Handles } from "./handle.js";
import { loginTokens, users } from "./schema/index.js";

/** 16 base32 characters = 80 bits: enough to find the row, far too little to guess the token. */
const LOOKUP_LENGTH = 16;
const TOKEN = /^[A-Z2-7]{52}$/;

export function loginTokenStore(h: Handles, tenantId: string, transact: <R>(fn: (h: Handles) => Promise<R>) => Promise<R>): LoginTokenStore {
  const ofUser = (userId: string) => and(eq(loginTokens.tenant_id, tenantId), eq(loginTokens.user_id, userId));

  return {
    async create(userId, opts) {
      return transact(async (tx) => {
        // The user's row lock serializes concurrent requests, so the limit holds.
        const [user] = await tx.primary
          .select({ id: users.user_id })
          .from(users)
          .where(and(eq(users.tenant_id, tenantId), eq(users.user_id, userId), isNull(users.deleted_at)))
          .for("update");
        if (!user) throw errUserNotFound({ user_id: userId });
        const [active] = await tx.primary
          .select({ n: count() })
          .from(loginTokens)
          .where(and(ofUser(userId), isNull(loginTokens.used_at), gt(loginTokens.expires_at, opts.now)));
        if (Number(active?.n ?? 0) >= opts.maxActive) throw errLoginTokensStillValid();
        const token = base32(randomBytes(32));
        await tx.primary.insert(loginTokens).values({
          tenant_id: tenantId,
          token_lookup: token.slice(0, LOOKUP_LENGTH),
          token_hash: hashSecret(token),
          user_id: userId,
          created_at: opts.now,
          updated_at: opts.now,
          expires_at: opts.expiresAt,
        });
        return { token, expiresAt: opts.expiresAt };
      });
    },

    async consume(token, now) {
      if (!TOKEN.test(token)) throw errLoginTokenNotFound();
      return transact(async (tx) => {
        const [row] = await tx.primary
          .select({ token: loginTokens, userDeletedAt: users.deleted_at, userId: users.user_id })
          .from(loginTokens)
          .leftJoin(users, and(eq(users.tenant_id, loginTokens.tenant_id), eq(users.user_id, loginTokens.user_id)))
          .where(and(eq(loginTokens.tenant_id, tenantId), eq(loginTokens.token_lookup, token.slice(0, LOOKUP_LENGTH))))
          .for("update", { of: loginTokens });
        if (!row || !verifySecret(token, row.token.token_hash) || row.userId === null || row.userDeletedAt !== null) throw errLoginTokenNotFound();
        if (row.token.used_at) throw errLoginTokenAlreadyUsed();
        if (row.token.expires_at <= now) throw errLoginTokenExpired();
        await tx.primary
          .update(loginTokens)
          .set({ used_at: now, updated_at: now })
          .where(and(eq(loginTokens.tenant_id, tenantId), eq(loginTokens.token_lookup, row.token.token_lookup)));
        return { userId: row.token.user_id };
      });
    },

    async deleteAllOfUser(userId) {
      await h.primary.delete(loginTokens).where(ofUser(userId));
    },
  };
}
