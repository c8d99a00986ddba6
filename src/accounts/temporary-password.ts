// Password reset by e-mail (UserRegistry.CreateTemporaryPassword): a random
// temporary password, valid for an hour, stored as a password hash and sent to
// the user's primary address. UpdatePassword accepts it once as `old`.
import { randomBytes } from "node:crypto";
import type { PasswordHasher } from "../auth/passwords.js";
import type { RequestScope } from "../auth/scope.js";
import { base32 } from "../auth/tokens.js";
import { errUserNotFound } from "../errors/index.js";

export const TEMPORARY_PASSWORD_TTL_MS = 3600_000;

/**
 * Unknown (or deleted) users get the same silent success as known ones, so the
 * call does not tell anonymous callers which user IDs exist. The password is
 * hashed before the user is looked up, so the answer takes as long either way.
 */
export async function createTemporaryPassword(scope: RequestScope, userId: string, hasher: PasswordHasher): Promise<void> {
  const temporaryPassword = base32(randomBytes(32));
  const hash = await hasher.hash(temporaryPassword, scope.trace);
  const now = scope.now();
  try {
    // One transaction: the e-mail goes out only if the password was stored.
    await scope.store.transact(async (tx) => {
      const user = await tx.users.get(userId);
      await tx.users.setTemporaryPassword(userId, hash, { now, expiresAt: new Date(now.getTime() + TEMPORARY_PASSWORD_TTL_MS) });
      await scope.emails.queue(tx, {
        template: "temporary_password",
        to: { name: user.name, address: user.primaryEmailAddress },
        data: { user: { id: userId, name: user.name }, temporaryPassword },
      });
    });
  } catch (err) {
    if (errUserNotFound.is(err)) return;
    throw err;
  }
}
