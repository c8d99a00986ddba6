// Login tokens ("magic links", UserAccess.CreateLoginToken): a single-use token
// e-mailed to the user, which the OAuth pages exchange for a session
// (store.loginTokens.consume). Administrators may skip the e-mail and receive
// the token of a non-admin user, e.g. to log in as them for support.
import { create } from "@bufbuild/protobuf";
import { CreateLoginTokenResponseSchema, type CreateLoginTokenResponse } from "../../gen/ttn/lorawan/v3/user_pb.js";
import type { RequestScope } from "../auth/scope.js";
import { errLoginTokensDisabled, errUserNotFound } from "../errors/index.js";

/** Unused, unexpired tokens a user may have at once. */
export const MAX_ACTIVE_LOGIN_TOKENS = 5;

export async function createLoginToken(scope: RequestScope, userId: string, skipEmail: boolean): Promise<CreateLoginTokenResponse> {
  const { loginTokens } = scope.config.is;
  if (!loginTokens.enabled) throw errLoginTokensDisabled();
  const caller = await scope.caller();
  const now = scope.now();
  try {
    return await scope.store.transact(async (tx) => {
      const user = await tx.users.get(userId);
      const { token } = await tx.loginTokens.create(userId, {
        now,
        expiresAt: new Date(now.getTime() + loginTokens.tokenTtl),
        maxActive: MAX_ACTIVE_LOGIN_TOKENS,
      });
      if (!(caller.isAdmin && skipEmail)) {
        await scope.emails.queue(tx, {
          template: "login_token",
          to: { name: user.name, address: user.primaryEmailAddress },
          data: { user: { id: userId, name: user.name }, token },
        });
      }
      // Never an admin's token: that would hand out admin rights.
      return create(CreateLoginTokenResponseSchema, caller.isAdmin && !user.admin ? { token } : {});
    });
  } catch (err) {
    // Anyone may call this: only admins learn whether the user exists.
    if (errUserNotFound.is(err) && !caller.isAdmin) return create(CreateLoginTokenResponseSchema);
    throw err;
  }
}
