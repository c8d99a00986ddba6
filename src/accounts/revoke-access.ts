// What ends a user's access besides the password: UpdatePassword with
// `revoke_all_access`, and deleting or purging the user.
import type { Store } from "../store/interfaces.js";

/** Ends every way the user is logged in without the password. Call inside the transaction that changes the password. */
export async function revokeAllAccess(store: Store, userId: string): Promise<void> {
  await store.sessions.deleteAllOfUser(userId);
  // OAuth: the user's access and refresh tokens and unused authorization codes.
  await store.oauth.deleteTokens({ userId });
}

/** Everything a removed (deleted or purged) user leaves behind that could log in. */
export async function endAccountAccess(store: Store, userId: string): Promise<void> {
  await revokeAllAccess(store, userId);
  await store.loginTokens.deleteAllOfUser(userId);
  // OAuth consents too: a user ID freed by a purge must not inherit them.
  await store.oauth.deleteAll({ userId });
}
