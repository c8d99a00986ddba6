// Setting a user's temporary password (password reset) as one conditional
// UPDATE, so two concurrent resets cannot both pass the "previous one still
// valid" check.
import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import { errTemporaryPasswordStillValid, errUserNotFound } from "../../errors/index.js";
import type { UserStore } from "../interfaces.js";
import type { Handles } from "./handle.js";
import { users } from "./schema/index.js";

export function temporaryPasswordSetter(h: Handles, tenantId: string): UserStore["setTemporaryPassword"] {
  const live = (userId: string) => and(eq(users.tenant_id, tenantId), eq(users.user_id, userId), isNull(users.deleted_at));
  return async (userId, hash, opts) => {
    const done = await h.primary
      .update(users)
      .set({ temporary_password: hash, temporary_password_created_at: opts.now, temporary_password_expires_at: opts.expiresAt, updated_at: sql`now()` })
      // A temporary password without expiry (set by an admin) does not block a reset.
      .where(and(live(userId), or(eq(users.temporary_password, ""), isNull(users.temporary_password_expires_at), lte(users.temporary_password_expires_at, opts.now))))
      .returning({ id: users.user_id });
    if (done.length > 0) return;
    const [exists] = await h.primary.select({ id: users.user_id }).from(users).where(live(userId)).limit(1);
    throw exists ? errTemporaryPasswordStillValid() : errUserNotFound({ user_id: userId });
  };
}
