// The `users` command group (aliases user, usr, u): UserRegistry (create,
// get, list, set, delete, restore, purge, update-password, forgot-password),
// EntityRegistrySearch (`search`), UserAccess.ListRights (`rights`), plus
// `users api-keys` (api-keys.ts), `users bookmarks` (UserBookmarkRegistry),
// `users invitations` and `users email-validations` (account-flows.ts),
// `users create-login-token` and `users sessions` (account-access.ts), and
// `users oauth` (oauth.ts). Names, aliases and flags as The Things Stack's CLI
// has them, today's is-cli names kept as aliases.
import { create, fromJsonString, type MessageInitShape } from "@bufbuild/protobuf";
import { StateSchema, type State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { UserIdentifiersSchema, type EntityIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { EntityRegistrySearch } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { BatchDeleteUserBookmarksRequestSchema, UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UserAccess, UserBookmarkRegistry, UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { UsageError, type FlagSpec, type ParsedArgs, type PositionalSpec } from "./args.js";
import { apiKeyCommands } from "./api-keys.js";
import { loginTokenCommand, sessionCommands, temporaryPasswordCommand } from "./account-access.js";
import { emailValidationCommands, invitationCommands } from "./account-flows.js";
import { ALIASES, group, rpc, type CommandTree } from "./client.js";
import { userOAuthCommands } from "./oauth.js";
import { entityRef, idsOf, lifecycleCommands, wrappedIds } from "./entity.js";
import { searchCommand, withState } from "./entity-search.js";
import {
  alias,
  fieldMaskExclusive,
  pagination,
  paginationFlags,
  readFlags,
  readMask,
  settableFlags,
  settableValues,
  str,
  unsetFlag,
  withDerived,
  withUnset,
  type Settable,
} from "./flags.js";
import { settablesOf } from "./proto-flags.js";

const user = entityRef("user", "userId", "userIds");
const userId = user.positional;
const userIds = (a: ParsedArgs) => idsOf(user, a);

/** Fields returned by `get` and `list` without field flags, --field-mask or --all. */
export const USER_DEFAULT_FIELDS = ["name", "description", "primary_email_address", "state", "admin"] as const;
/** Write-only fields, left out of --all. */
export const USER_SECRET_FIELDS = ["password", "temporary_password"];

/** Strips one trailing newline, as left by `echo pw |`. */
function chomp(s: string): string {
  return s.replace(/\r?\n$/, "");
}

/** Fields set by hand-written flags or commands of their own, not by derived flags. */
const NOT_DERIVED = ["contact_info", "profile_picture", ...USER_SECRET_FIELDS, "primary_email_address"];

/** Flag → settable user field for `set`, in usage order; then every other field by its proto path. */
const SETTABLE: Readonly<Record<string, Settable>> = withDerived(
  {
    name: { flag: str("display name"), path: "name", set: (name) => ({ name }) },
    description: { flag: str("description"), path: "description", set: (description) => ({ description }) },
    email: { flag: str("primary e-mail address"), path: "primary_email_address", set: (primaryEmailAddress) => ({ primaryEmailAddress }) },
    admin: { flag: { type: { kind: "bool" }, description: "network administrator" }, path: "admin", set: (admin) => ({ admin }) },
    state: {
      flag: { type: { kind: "enum", schema: StateSchema, prefix: "STATE_" }, description: "review state" },
      path: "state",
      set: (state) => ({ state: state as State }),
    },
  },
  settablesOf(UserSchema, NOT_DERIVED),
);
/** For `create`: the same, but the e-mail address is required there. */
const CREATABLE: Readonly<Record<string, Settable>> = { ...SETTABLE, email: { ...SETTABLE.email!, flag: { ...SETTABLE.email!.flag, required: true } } };
/** The stack's CLI's name of --email. */
const emailAlias: Record<string, FlagSpec> = { "primary-email-address": alias("email", SETTABLE.email!.flag) };

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
    description: `${Object.keys(BOOKMARK_KINDS).join(", ")} (or the --entity-ids.* flags)`,
    optional: true,
    check: (kind) => {
      if (!(kind in BOOKMARK_KINDS)) throw new Error(`"${kind}" is not one of ${Object.keys(BOOKMARK_KINDS).join(", ")}`);
    },
  },
  { name: "entity-id", description: "ID of the entity (end devices: <application-id>/<device-id>)", optional: true },
];

/** The stack's CLI's way to name the bookmarked entity: --entity-ids.<kind>-id (a device: with --entity-ids.application-id). */
const entityIdsFlags: Record<string, FlagSpec> = Object.fromEntries(
  ["application", "client", "gateway", "organization", "user", "device"].map((k) => [`entity-ids.${k}-id`, str(`ID of the ${k === "device" ? "end device (with --entity-ids.application-id)" : k}`, "ID")]),
);

function bookmarkedEntity(a: ParsedArgs): MessageInitShape<typeof EntityIdentifiersSchema> {
  let kind = a.optionalArg("entity-kind");
  let id = a.optionalArg("entity-id");
  if (kind === undefined) {
    const app = a.str("entity-ids.application-id");
    const device = a.str("entity-ids.device-id");
    const given = ["client", "gateway", "organization", "user"].filter((k) => a.has(`entity-ids.${k}-id`));
    if (app !== undefined && device !== undefined) [kind, id] = ["end-device", `${app}/${device}`];
    else if (app !== undefined) [kind, id] = ["application", app];
    else if (given.length) [kind, id] = [given[0]!, a.str(`entity-ids.${given[0]}-id`)!];
    else throw new UsageError("missing argument <entity-kind> (or an --entity-ids.* flag)");
  }
  if (id === undefined) throw new UsageError("missing argument <entity-id>");
  if (kind === "end-device" && !/^[^/]+\/[^/]+$/.test(id)) throw new UsageError(`invalid <entity-id>: "${id}" is not <application-id>/<device-id>`);
  return { ids: BOOKMARK_KINDS[kind]!(id) };
}

export const userSearch = searchCommand("search", "users", EntityRegistrySearch.method.searchUsers, UserSchema, USER_DEFAULT_FIELDS, {
  ...withState,
  secret: USER_SECRET_FIELDS,
});

export const users: CommandTree = group(
  "users",
  "Manage users",
  [
    rpc({
      name: "create",
      aliases: ALIASES.create,
      summary: "Register a user (no API key needed for self-registration)",
      positionals: [userId],
      flags: {
        ...settableFlags(CREATABLE),
        ...emailAlias,
        password: str("password"),
        "password-stdin": { type: { kind: "boolean" }, description: "read the password from standard input" },
        "invitation-token": str("invitation token (when registration needs an invitation)"),
      },
      exclusive: [["password", "password-stdin"]],
      method: UserRegistry.method.create,
      request: async (a, ctx) => ({
        user: {
          ...settableValues(a, CREATABLE, { ids: userIds(a) }).message,
          password: a.has("password-stdin") ? chomp(await ctx.readStdin()) : (a.str("password") ?? ""),
        },
        invitationToken: a.str("invitation-token") ?? "",
      }),
    }),
    rpc({
      name: "get",
      aliases: ALIASES.get,
      summary: `Get a user (default fields: ${USER_DEFAULT_FIELDS.join(", ")})`,
      positionals: [userId],
      flags: readFlags(UserSchema, USER_SECRET_FIELDS),
      exclusive: fieldMaskExclusive,
      method: UserRegistry.method.get,
      request: (a) => ({ userIds: userIds(a), fieldMask: readMask(a, UserSchema, USER_DEFAULT_FIELDS, USER_SECRET_FIELDS) }),
    }),
    rpc({
      name: "list",
      aliases: ALIASES.list,
      summary: "List users (administrators only)",
      flags: { ...readFlags(UserSchema, USER_SECRET_FIELDS), ...paginationFlags, deleted: { type: { kind: "boolean" }, description: "list only deleted users" } },
      exclusive: fieldMaskExclusive,
      list: true,
      method: UserRegistry.method.list,
      request: (a) => ({
        ...pagination(a),
        deleted: a.has("deleted"),
        fieldMask: readMask(a, UserSchema, USER_DEFAULT_FIELDS, USER_SECRET_FIELDS),
      }),
    }),
    userSearch,
    rpc({
      name: "set",
      aliases: ALIASES.set,
      summary: "Change a user (field mask = the flags given, and the fields of --unset)",
      positionals: [userId],
      flags: { ...settableFlags(SETTABLE), ...emailAlias, unset: unsetFlag },
      requireAny: [...Object.keys(SETTABLE), "unset"],
      method: UserRegistry.method.update,
      request: (a) => {
        const { message, paths } = withUnset(a, SETTABLE, settableValues(a, SETTABLE, { ids: userIds(a) }));
        return { user: message, fieldMask: { paths } };
      },
    }),
    rpc({
      name: "update-password",
      aliases: ["change-password"],
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
    temporaryPasswordCommand,
    ...lifecycleCommands(user, {
      delete: UserRegistry.method.delete,
      restore: UserRegistry.method.restore,
      purge: UserRegistry.method.purge,
      rights: UserAccess.method.listRights,
    }),
    apiKeyCommands(user, {
      create: UserAccess.method.createAPIKey,
      list: UserAccess.method.listAPIKeys,
      get: UserAccess.method.getAPIKey,
      update: UserAccess.method.updateAPIKey,
      delete: UserAccess.method.deleteAPIKey,
    }),
    invitationCommands,
    emailValidationCommands,
    loginTokenCommand,
    sessionCommands,
    group(
      "bookmarks",
      "Manage a user's bookmarks of entities",
      [
        rpc({
          name: "create",
          aliases: ALIASES.create,
          summary: "Bookmark an entity",
          positionals: [userId, ...bookmarkPositionals],
          flags: entityIdsFlags,
          method: UserBookmarkRegistry.method.create,
          request: (a) => ({ ...wrappedIds(user, a), entityIds: bookmarkedEntity(a) }),
        }),
        rpc({
          name: "list",
          aliases: ALIASES.list,
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
          aliases: ALIASES.delete,
          summary: "Remove a bookmark",
          positionals: [userId, ...bookmarkPositionals],
          flags: entityIdsFlags,
          method: UserBookmarkRegistry.method.delete,
          request: (a) => ({ ...wrappedIds(user, a), entityIds: bookmarkedEntity(a) }),
        }),
        rpc({
          name: "batch-delete",
          summary: "Remove several bookmarks: a BatchDeleteUserBookmarksRequest as JSON on standard input",
          positionals: [{ ...userId, optional: true, description: "ID of the user (default: user_ids of the input)" }],
          method: UserBookmarkRegistry.method.batchDelete,
          request: async (a, ctx) => {
            const text = (await ctx.readStdin()).trim();
            if (!text) throw new UsageError("batch-delete reads a JSON request on standard input, e.g. {\"user_ids\":{\"user_id\":\"u\"},\"entity_ids\":[...]}");
            let req;
            try {
              req = fromJsonString(BatchDeleteUserBookmarksRequestSchema, text);
            } catch (err) {
              throw new UsageError(`invalid JSON request on standard input: ${(err as Error).message}`);
            }
            const id = a.optionalArg("user-id");
            if (id !== undefined) req.userIds = create(UserIdentifiersSchema, { userId: id });
            return req;
          },
        }),
      ],
      ["bm", "bookmark"],
    ),
    userOAuthCommands,
  ],
  ["user", "usr", "u"],
);
