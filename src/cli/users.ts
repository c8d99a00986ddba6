// The `users` command group: UserRegistry (create, get, list, update, delete,
// restore, purge, update-password), plus `users api-keys` (api-keys.ts) and
// `users bookmarks` (UserBookmarkRegistry), `users invitations` and
// `users email-validation` (account-flows.ts), `users temporary-password`,
// `users create-login-token` and `users sessions` (account-access.ts), and
// `users oauth` (oauth.ts).
import { StateSchema, type State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UserAccess, UserBookmarkRegistry, UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { EntityIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { UsageError, type ParsedArgs, type PositionalSpec } from "./args.js";
import { apiKeyCommands } from "./api-keys.js";
import { loginTokenCommand, sessionCommands, temporaryPasswordCommand } from "./account-access.js";
import { emailValidationCommands, invitationCommands } from "./account-flows.js";
import { group, rpc, type CommandTree } from "./client.js";
import { userOAuthCommands } from "./oauth.js";
import { entityRef, idsOf, lifecycleCommands, wrappedIds } from "./entity.js";
import { fieldMaskExclusive, fieldMaskFlags, pagination, paginationFlags, readMask, str, updateMask } from "./flags.js";

const user = entityRef("user", "userId", "userIds");
const userId = user.positional;
const userIds = (a: ParsedArgs) => idsOf(user, a);

/** Fields returned by `get` and `list` without --field-mask / --all. */
export const USER_DEFAULT_FIELDS = ["name", "description", "primary_email_address", "state", "admin"] as const;
/** Write-only fields, left out of --all. */
export const USER_SECRET_FIELDS = ["password", "temporary_password"];

/** Strips one trailing newline, as left by `echo pw |`. */
function chomp(s: string): string {
  return s.replace(/\r?\n$/, "");
}

/** Bookmarkable entity kinds → EntityIdentifiers from the entity ID. */
const BOOKMARK_KINDS: Readonly<Record<string, (id: string) => MessageInitShape<typeof EntityIdentifiersSchema>["ids"]>> = {
  application: (applicationId) => ({ case: "applicationIds", value: { applicationId } }),
  client: (clientId) => ({ case: "clientIds", value: { clientId } }),
  "end-device": (id) => {
    const [applicationId, deviceId] = id.split("/");
    return { case: "deviceIds", value: { applicationIds: { applicationId }, deviceId } };
  },
  gateway: (gatewayId) => ({ case: "gatewayIds", value: { gatewayId } }),
  organization: (organizationId) => ({ case: "organizationIds", value: { organizationId } }),
  user: (userId) => ({ case: "userIds", value: { userId } }),
};

const bookmarkPositionals: PositionalSpec[] = [
  {
    name: "entity-kind",
    description: Object.keys(BOOKMARK_KINDS).join(", "),
    check: (kind) => {
      if (!(kind in BOOKMARK_KINDS)) throw new Error(`"${kind}" is not one of ${Object.keys(BOOKMARK_KINDS).join(", ")}`);
    },
  },
  { name: "entity-id", description: "ID of the entity (end devices: <application-id>/<device-id>)" },
];

function bookmarkedEntity(a: ParsedArgs): MessageInitShape<typeof EntityIdentifiersSchema> {
  const kind = a.arg("entity-kind");
  const id = a.arg("entity-id");
  if (kind === "end-device" && !/^[^/]+\/[^/]+$/.test(id)) throw new UsageError(`invalid <entity-id>: "${id}" is not <application-id>/<device-id>`);
  return { ids: BOOKMARK_KINDS[kind]!(id) };
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
      "invitation-token": str("invitation token (when registration needs an invitation)"),
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
      invitationToken: a.str("invitation-token") ?? "",
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
      old: str("current (or temporary) password; an admin's key may leave it out"),
      new: { ...str("new password"), required: true },
      "revoke-all-access": { type: { kind: "boolean" }, description: "also end all sessions and OAuth access" },
    },
    method: UserRegistry.method.updatePassword,
    request: (a) => ({ userIds: userIds(a), old: a.str("old") ?? "", new: a.str("new") ?? "", revokeAllAccess: a.has("revoke-all-access") }),
  }),
  ...lifecycleCommands(user, { delete: UserRegistry.method.delete, restore: UserRegistry.method.restore, purge: UserRegistry.method.purge }),
  apiKeyCommands(user, {
    create: UserAccess.method.createAPIKey,
    list: UserAccess.method.listAPIKeys,
    get: UserAccess.method.getAPIKey,
    update: UserAccess.method.updateAPIKey,
    delete: UserAccess.method.deleteAPIKey,
  }),
  invitationCommands,
  emailValidationCommands,
  temporaryPasswordCommand,
  loginTokenCommand,
  sessionCommands,
  group("bookmarks", "Manage a user's bookmarks of entities", [
    rpc({
      name: "create",
      summary: "Bookmark an entity",
      positionals: [userId, ...bookmarkPositionals],
      method: UserBookmarkRegistry.method.create,
      request: (a) => ({ ...wrappedIds(user, a), entityIds: bookmarkedEntity(a) }),
    }),
    rpc({
      name: "list",
      summary: "List a user's bookmarks",
      positionals: [userId],
      flags: {
        ...paginationFlags,
        deleted: { type: { kind: "boolean" }, description: "list only bookmarks of deleted entities" },
        "entity-types": { type: { kind: "list" }, placeholder: "application,gateway", description: "only these kinds of entity" },
      },
      list: true,
      method: UserBookmarkRegistry.method.list,
      request: (a) => ({
        ...wrappedIds(user, a),
        ...pagination(a),
        deleted: a.has("deleted"),
        entityTypes: (a.list("entity-types") ?? []).map((t) => t.replace(/-/g, " ")),
      }),
    }),
    rpc({
      name: "delete",
      summary: "Remove a bookmark",
      positionals: [userId, ...bookmarkPositionals],
      method: UserBookmarkRegistry.method.delete,
      request: (a) => ({ ...wrappedIds(user, a), entityIds: bookmarkedEntity(a) }),
    }),
  ]),
  userOAuthCommands,
]);
