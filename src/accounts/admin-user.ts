// A new approved admin, made one way wherever an operator creates one
// (`is-db create-admin-user`, TenantRegistry.Create's `initial_user`): the
// configured password rules, the server's password hashing, the address taken
// as validated (the operator vouches for it) and the configured user limits.
// Callers check the ID and the address first (their field names differ) and
// store the result.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { UserSchema, type User } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { assertPasswordStrength } from "../auth/password-rules.js";
import type { PasswordHasher } from "../auth/passwords.js";
import type { Config } from "../config/index.js";
import { initialLimits } from "../services/shared/limits.js";

export interface AdminUserDeps {
  /** The configuration of the tenant the admin is made in. */
  config: Config;
  hasher: PasswordHasher;
  now: Date;
}

/** `user` (ID, address, password in clear, name...) as an approved admin, ready to store. */
export async function newAdminUser(user: User, deps: AdminUserDeps): Promise<User> {
  const userId = user.ids?.userId ?? "";
  assertPasswordStrength(user.password, userId, deps.config.is.userRegistration.passwordRequirements);
  const now = timestampFromDate(deps.now);
  const admin = create(UserSchema, {
    ...user,
    primaryEmailAddressValidatedAt: now,
    password: await deps.hasher.hash(user.password),
    passwordUpdatedAt: now,
    temporaryPassword: "",
    temporaryPasswordCreatedAt: undefined,
    temporaryPasswordExpiresAt: undefined,
    state: State.APPROVED,
    stateDescription: "",
    admin: true,
  });
  // A new user like any other: it starts with the configured is.user-limits.*
  // (limits bind admins too; an admin raises its own when needed).
  return initialLimits("user", admin, deps.config, false);
}
