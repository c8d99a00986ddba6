// TenantRegistry.Create's `initial_user`: the new tenant's first account, an
// approved admin made as `is-db create-admin-user` makes one (password rules
// of the tenant's configuration, the server's hashing), stored through the
// registration path of UserRegistry.Create in the transaction that creates
// the tenant. Only the account's own fields are taken; whether it is an admin,
// its state and its limits are not the caller's to choose.
import { create } from "@bufbuild/protobuf";
import { UserSchema, type User } from "../../../gen/ttn/lorawan/v3/user_pb.js";
import { newAdminUser, type AdminUserDeps } from "../../accounts/admin-user.js";
import { registerUser } from "../../accounts/registration.js";
import type { Emails } from "../../email/api.js";
import type { Store } from "../../store/interfaces.js";
import { assertAllowedID } from "../shared/blocklist.js";
import { userRules } from "../shared/users.js";
import { check, checkPaths, checks } from "../shared/validate.js";

const field = "initial_user";

/** The checked and hashed first admin of a tenant, ready for `storeInitialUser`. */
export async function initialUser(given: User, deps: AdminUserDeps): Promise<User> {
  const userId = given.ids?.userId;
  check(`${field}.ids.user_id`, userId, checks.id2);
  assertAllowedID(userId!);
  const user = create(UserSchema, {
    ids: { userId },
    name: given.name,
    description: given.description,
    attributes: given.attributes,
    primaryEmailAddress: given.primaryEmailAddress,
    password: given.password,
  });
  checkPaths(`${field}.`, user as unknown as Record<string, unknown>, userRules);
  check(`${field}.password`, user.password, (v) => (v ? undefined : "must be set"));
  return newAdminUser(user, deps);
}

/** Stores the user in the new tenant (`store`: its store, on the tenant's creating transaction). */
export async function storeInitialUser(deps: AdminUserDeps & { emails: Emails }, store: Store, user: User): Promise<void> {
  await registerUser({ config: deps.config, now: () => deps.now, emails: deps.emails }, store, user, "");
}
