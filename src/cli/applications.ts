// The `applications` command group: ApplicationRegistry (create, get, list,
// update, delete, restore, purge, issue-dev-eui), ApplicationAccess.ListRights
// (`rights`), plus `applications api-keys` and `applications collaborators`.
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationAccess, ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import type { ParsedArgs } from "./args.js";
import { apiKeyCommands } from "./api-keys.js";
import { group, rpc, type CommandTree } from "./client.js";
import { collaboratorCommands } from "./collaborators.js";
import { entityRef, idsOf, lifecycleCommands } from "./entity.js";
import {
  account,
  accountChoice,
  accountFlags,
  fieldMaskExclusive,
  fieldMaskFlags,
  pagination,
  paginationFlags,
  readMask,
  str,
  updateMask,
} from "./flags.js";

const application = entityRef("application", "applicationId", "applicationIds");
const applicationId = application.positional;
const applicationIds = (a: ParsedArgs) => idsOf(application, a);

/** Fields returned by `get` and `list` without --field-mask / --all. */
export const APPLICATION_DEFAULT_FIELDS = ["name", "description"] as const;

/** Flag → field path of the settable fields, in usage order. */
const UPDATABLE = {
  name: "name",
  description: "description",
  "network-server-address": "network_server_address",
  "application-server-address": "application_server_address",
  "join-server-address": "join_server_address",
} as const;

export const applications: CommandTree = group("applications", "Manage applications", [
  rpc({
    name: "create",
    summary: "Create an application owned by a user or organization",
    positionals: [applicationId],
    flags: { ...accountFlags, name: str("name"), description: str("description") },
    requireOne: accountChoice,
    method: ApplicationRegistry.method.create,
    request: (a) => ({
      application: { ids: applicationIds(a), name: a.str("name") ?? "", description: a.str("description") ?? "" },
      collaborator: account(a),
    }),
  }),
  rpc({
    name: "get",
    summary: `Get an application (default fields: ${APPLICATION_DEFAULT_FIELDS.join(", ")})`,
    positionals: [applicationId],
    flags: fieldMaskFlags,
    exclusive: fieldMaskExclusive,
    method: ApplicationRegistry.method.get,
    request: (a) => ({ applicationIds: applicationIds(a), fieldMask: readMask(a, ApplicationSchema, APPLICATION_DEFAULT_FIELDS) }),
  }),
  rpc({
    name: "list",
    summary: "List applications (of a user or organization, or all those the caller may see)",
    flags: {
      ...accountFlags,
      ...paginationFlags,
      deleted: { type: { kind: "boolean" }, description: "list only deleted applications" },
      ...fieldMaskFlags,
    },
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
  rpc({
    name: "update",
    summary: "Change an application (field mask = the flags given)",
    positionals: [applicationId],
    flags: {
      name: str("name"),
      description: str("description"),
      "network-server-address": str("Network Server address"),
      "application-server-address": str("Application Server address"),
      "join-server-address": str("Join Server address"),
    },
    requireAny: Object.keys(UPDATABLE),
    method: ApplicationRegistry.method.update,
    request: (a) => ({
      application: {
        ids: applicationIds(a),
        name: a.str("name") ?? "",
        description: a.str("description") ?? "",
        networkServerAddress: a.str("network-server-address") ?? "",
        applicationServerAddress: a.str("application-server-address") ?? "",
        joinServerAddress: a.str("join-server-address") ?? "",
      },
      fieldMask: updateMask(a, UPDATABLE),
    }),
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
]);
