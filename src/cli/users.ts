// The `users` command group: UserRegistry (create, get, list, update, delete,
// restore, purge, update-password), plus `users api-keys` from api-keys.ts.
import { StateSchema, type State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import type { ParsedArgs, PositionalSpec } from "./args.js";
import { userApiKeys } from "./api-keys.js";
import { group, rpc, type CommandTree } from "./client.js";
import { fieldMaskExclusive, fieldMaskFlags, pagination, paginationFlags, readMask, updateMask } from "./flags.js";

const userId: PositionalSpec = { name: "user-id", description: "ID of the user" };
const userIds = (a: ParsedArgs) => ({ userId: a.arg("user-id") });

/** Fields returned by `get` and `list` without --field-mask / --all. */
export const USER_DEFAULT_FIELDS = ["name", "description", "primary_email_address", "state", "admin"] as const;
/** Write-only fields, left out of --all. */
const USER_SECRET_FIELDS = ["password", "temporary_password"];

const str = (description: string) => ({ type: { kind: "string" }, description }) as const;

/** Strips one trailing newline, as left by `echo pw |`. */
function chomp(s: string): string {
  return s.replace(/\r?\n$/, "");
}

export const users: CommandTree = group("users", "Manage users", [
  rpc({
    name: "create",
    summary: "Register a user (no API key needed for self-registration)",
    positionals: [userId],
    flags: {
      email: { ...str("primary e-mail address"), required: true },
      password: str("password"),
      "password-stdin": { type: { kind: "boolean" }, description: "read the password from standard input" },
      name: str("display name"),
      description: str("description"),
    },
    exclusive: [["password", "password-stdin"]],
    method: UserRegistry.method.create,
    request: async (a, ctx) => ({
      user: {
        ids: userIds(a),
        primaryEmailAddress: a.str("email") ?? "",
        password: a.has("password-stdin") ? chomp(await ctx.readStdin()) : (a.str("password") ?? ""),
        name: a.str("name") ?? "",
        description: a.str("description") ?? "",
      },
    }),
  }),
  rpc({
    name: "get",
    summary: `Get a user (default fields: ${USER_DEFAULT_FIELDS.join(", ")})`,
    positionals: [userId],
    flags: fieldMaskFlags,
    exclusive: fieldMaskExclusive,
    method: UserRegistry.method.get,
    request: (a) => ({ userIds: userIds(a), fieldMask: readMask(a, UserSchema, USER_DEFAULT_FIELDS, USER_SECRET_FIELDS) }),
  }),
  rpc({
    name: "list",
    summary: "List users (administrators only)",
    flags: { ...paginationFlags, deleted: { type: { kind: "boolean" }, description: "list only deleted users" }, ...fieldMaskFlags },
    exclusive: fieldMaskExclusive,
    list: true,
    method: UserRegistry.method.list,
    request: (a) => ({
      ...pagination(a),
      deleted: a.has("deleted"),
      fieldMask: readMask(a, UserSchema, USER_DEFAULT_FIELDS, USER_SECRET_FIELDS),
    }),
  }),
  rpc({
    name: "update",
    summary: "Change a user (field mask = the flags given)",
    positionals: [userId],
    flags: {
      name: str("display name"),
      description: str("description"),
      email: str("primary e-mail address"),
      admin: { type: { kind: "bool" }, description: "network administrator" },
      state: { type: { kind: "enum", schema: StateSchema, prefix: "STATE_" }, description: "review state" },
    },
    requireAny: ["name", "description", "email", "admin", "state"],
    method: UserRegistry.method.update,
    request: (a) => ({
      user: {
        ids: userIds(a),
        name: a.str("name") ?? "",
        description: a.str("description") ?? "",
        primaryEmailAddress: a.str("email") ?? "",
        admin: a.bool("admin") ?? false,
        state: (a.num("state") ?? 0) as State,
      },
      fieldMask: updateMask(a, {
        name: "name",
        description: "description",
        email: "primary_email_address",
        admin: "admin",
        state: "state",
      }),
    }),
  }),
  rpc({
    name: "update-password",
    summary: "Change a user's password",
    positionals: [userId],
    flags: {
      old: { ...str("current (or temporary) password"), required: true },
      new: { ...str("new password"), required: true },
      "revoke-all-access": { type: { kind: "boolean" }, description: "also end all sessions and OAuth access" },
    },
    method: UserRegistry.method.updatePassword,
    request: (a) => ({ userIds: userIds(a), old: a.str("old") ?? "", new: a.str("new") ?? "", revokeAllAccess: a.has("revoke-all-access") }),
  }),
  rpc({
    name: "delete",
    summary: "Delete a user (restorable for a while)",
    positionals: [userId],
    method: UserRegistry.method.delete,
    request: userIds,
  }),
  rpc({
    name: "restore",
    summary: "Restore a deleted user",
    positionals: [userId],
    method: UserRegistry.method.restore,
    request: userIds,
  }),
  rpc({
    name: "purge",
    summary: "Remove a user for good (administrators only)",
    positionals: [userId],
    method: UserRegistry.method.purge,
    request: userIds,
  }),
  userApiKeys,
]);
