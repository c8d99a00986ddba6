// The `applications` command group (aliases application, apps, app, a):
// ApplicationRegistry (create, get, list, set, delete, restore, purge,
// issue-dev-eui), EntityRegistrySearch (`search`), ApplicationAccess.ListRights
// (`rights`), plus `applications api-keys` and `applications collaborators`.
// Flags as The Things Stack's CLI has them: the ID as positional or
// --application-id, one flag per settable field, one per field to get.
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationAccess, ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { EntityRegistrySearch } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ParsedArgs } from "./args.js";
import { apiKeyCommands } from "./api-keys.js";
import { ALIASES, group, rpc, type CommandTree } from "./client.js";
import { collaboratorCommands } from "./collaborators.js";
import { entityRef, idsOf, lifecycleCommands } from "./entity.js";
import { searchCommand } from "./entity-search.js";
import {
  account,
  accountChoice,
  accountFlags,
  attributesFlag,
  deletedFlag,
  field,
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

const application = entityRef("application", "applicationId", "applicationIds");
const applicationId = application.positional;
const applicationIds = (a: ParsedArgs) => idsOf(application, a);

/** Fields returned by `get` and `list` without field flags, --field-mask or --all. */
export const APPLICATION_DEFAULT_FIELDS = ["name", "description"] as const;

/** Flag → settable application field, for create and set; then every other field by its proto path. */
const SETTABLE: Readonly<Record<string, Settable>> = withDerived(
  {
    name: field(str("name"), "name", "name"),
    description: field(str("description"), "description", "description"),
    attributes: field(attributesFlag, "attributes", "attributes"),
    "network-server-address": field(str("Network Server address"), "network_server_address", "networkServerAddress"),
    "application-server-address": field(str("Application Server address"), "application_server_address", "applicationServerAddress"),
    "join-server-address": field(str("Join Server address"), "join_server_address", "joinServerAddress"),
  },
  settablesOf(ApplicationSchema, ["contact_info", "dev_eui_counter"]),
);

type ApplicationInit = MessageInitShape<typeof ApplicationSchema>;

export const applicationSearch = searchCommand("search", "applications", EntityRegistrySearch.method.searchApplications, ApplicationSchema, APPLICATION_DEFAULT_FIELDS);

export const applications: CommandTree = group(
  "applications",
  "Manage applications",
  [
    rpc({
      name: "create",
      aliases: ALIASES.create,
      summary: "Create an application owned by a user or organization",
      positionals: [applicationId],
      flags: { ...accountFlags, ...settableFlags(SETTABLE) },
      requireOne: accountChoice,
      method: ApplicationRegistry.method.create,
      request: (a) => ({
        application: settableValues(a, SETTABLE, { ids: applicationIds(a) }).message as ApplicationInit,
        collaborator: account(a),
      }),
    }),
    rpc({
      name: "get",
      aliases: ALIASES.get,
      summary: `Get an application (default fields: ${APPLICATION_DEFAULT_FIELDS.join(", ")})`,
      positionals: [applicationId],
      flags: readFlags(ApplicationSchema),
      exclusive: fieldMaskExclusive,
      method: ApplicationRegistry.method.get,
      request: (a) => ({ applicationIds: applicationIds(a), fieldMask: readMask(a, ApplicationSchema, APPLICATION_DEFAULT_FIELDS) }),
    }),
    rpc({
      name: "list",
      aliases: ALIASES.list,
      summary: "List applications (of a user or organization, or all those the caller may see)",
      flags: { ...readFlags(ApplicationSchema), ...accountFlags, ...paginationFlags, deleted: deletedFlag("applications") },
      exclusive: [...accountChoice, ...fieldMaskExclusive],
      list: true,
      method: ApplicationRegistry.method.list,
      request: (a) => ({
        collaborator: account(a),
        ...pagination(a),
        deleted: a.has("deleted"),
        fieldMask: readMask(a, ApplicationSchema, APPLICATION_DEFAULT_FIELDS),
      }),
    }),
    applicationSearch,
    rpc({
      name: "set",
      aliases: ALIASES.set,
      summary: "Change an application (field mask = the flags given, and the fields of --unset)",
      positionals: [applicationId],
      flags: { ...settableFlags(SETTABLE), unset: unsetFlag },
      requireAny: [...Object.keys(SETTABLE), "unset"],
      method: ApplicationRegistry.method.update,
      request: (a) => {
        const { message, paths } = withUnset(a, SETTABLE, settableValues(a, SETTABLE, { ids: applicationIds(a) }));
        return { application: message as ApplicationInit, fieldMask: { paths } };
      },
    }),
    rpc({
      name: "issue-dev-eui",
      summary: "Issue a DevEUI from the configured address block",
      positionals: [applicationId],
      method: ApplicationRegistry.method.issueDevEUI,
      request: applicationIds,
    }),
    ...lifecycleCommands(application, {
      delete: ApplicationRegistry.method.delete,
      restore: ApplicationRegistry.method.restore,
      purge: ApplicationRegistry.method.purge,
      rights: ApplicationAccess.method.listRights,
    }),
    apiKeyCommands(application, {
      create: ApplicationAccess.method.createAPIKey,
      list: ApplicationAccess.method.listAPIKeys,
      get: ApplicationAccess.method.getAPIKey,
      update: ApplicationAccess.method.updateAPIKey,
      delete: ApplicationAccess.method.deleteAPIKey,
    }),
    collaboratorCommands(application, {
      set: ApplicationAccess.method.setCollaborator,
      list: ApplicationAccess.method.listCollaborators,
      get: ApplicationAccess.method.getCollaborator,
      delete: ApplicationAccess.method.deleteCollaborator,
    }),
  ],
  ["application", "apps", "app", "a"],
);
