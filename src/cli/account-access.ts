// Commands that give or end access to a user account: `users forgot-password`
// (alias temporary-password: the password reset e-mail), `users
// create-login-token` (magic link) and `users sessions` (UserSessionRegistry).
import { UserAccess, UserRegistry, UserSessionRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import type { PositionalSpec } from "./args.js";
import { ALIASES, group, rpc, type CommandTree, type RpcCommand } from "./client.js";
import { pagination, paginationFlags, str } from "./flags.js";

const userId: PositionalSpec = { name: "user-id", description: "ID of the user", flag: "user-id" };
const userIds = (id: string) => ({ userId: id });

export const temporaryPasswordCommand: RpcCommand = rpc({
  name: "forgot-password",
  aliases: ["temporary-password"],
  summary: "E-mail the user a temporary password (password reset; no API key needed)",
  positionals: [userId],
  flags: { email: str("the user's primary e-mail address (as a check)", "EMAIL") },
  method: UserRegistry.method.createTemporaryPassword,
  request: (a) => ({ userIds: { ...userIds(a.arg("user-id")), ...(a.has("email") ? { email: a.str("email") } : {}) } }),
});

export const loginTokenCommand: RpcCommand = rpc({
  name: "create-login-token",
  summary: "E-mail the user a login token; administrators get a non-admin's token back",
  positionals: [userId],
  flags: { "skip-email": { type: { kind: "boolean" }, description: "do not e-mail the token (administrators only)" } },
  method: UserAccess.method.createLoginToken,
  request: (a) => ({ userIds: userIds(a.arg("user-id")), skipEmail: a.has("skip-email") }),
});

export const sessionCommands: CommandTree = group("sessions", "List and end a user's login sessions (needs RIGHT_USER_ALL)", [
  rpc({
    name: "list",
    aliases: ALIASES.list,
    summary: "List the user's sessions (order: created_at or -created_at)",
    positionals: [userId],
    flags: paginationFlags,
    list: true,
    method: UserSessionRegistry.method.list,
    request: (a) => ({ userIds: userIds(a.arg("user-id")), ...pagination(a) }),
  }),
  rpc({
    name: "delete",
    aliases: ALIASES.delete,
    summary: "End one session (log that browser out)",
    positionals: [userId, { name: "session-id", description: "ID of the session", flag: "session-id" }],
    method: UserSessionRegistry.method.delete,
    request: (a) => ({ userIds: userIds(a.arg("user-id")), sessionId: a.arg("session-id") }),
  }),
], ["session"]);
