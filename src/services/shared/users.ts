// Field rules of the User message shared by the user methods.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { User } from "../../../gen/ttn/lorawan/v3/user_pb.js";
import { limitFields } from "./limits.js";
import { checkPaths, checks, type Check } from "./validate.js";

export const userRules: Record<string, Check[]> = {
  name: [checks.maxLength(50)],
  description: [checks.maxLength(2000)],
  attributes: [checks.attributes],
  primary_email_address: [checks.email],
  state_description: [checks.maxLength(128)],
};

/** Fields only admins write (§ user update rules of the stack). */
export const adminOnlyUserFields = [
  "primary_email_address_validated_at", "require_password_update", "state", "state_description", "admin",
  "temporary_password", "temporary_password_created_at", "temporary_password_expires_at",
  ...limitFields.user,
];

/** What a caller without USER_INFO may read of a user. */
export const publicUserFields = ["name", "description", "state", "admin", "profile_picture"];

export const userSecretFields = ["password", "temporary_password"];

export function checkUser(user: User, paths?: ReadonlySet<string>): void {
  checkPaths("user.", user as unknown as Record<string, unknown>, userRules, paths);
}

/** The user as returned to clients: hashes never leave the server. */
export function withoutSecrets(user: User): User {
  return { ...user, password: "", temporaryPassword: "" };
}

export const now = (d: Date) => timestampFromDate(d);
