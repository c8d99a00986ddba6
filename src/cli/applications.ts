// The `applications` command group: ApplicationRegistry (create, get, list,
// update, delete, restore, purge), ApplicationAccess.ListRights (`rights`),
// plus `applications api-keys` and `applications collaborators`.
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationAccess, ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import type { ParsedArgs, PositionalSpec } from "./args.js";
import { applicationApiKeys } from "./api-keys.js";
import { group, rpc, type CommandTree } from "./client.js";
import { applicationCollaborators } from "./collaborators.js";
import {
  account,
  accountChoice,
  accountFlags,
  fieldMaskExclusive,
  fieldMaskFlags,
  pagination,
  paginationFlags,
  readMask,
  updateMask,
} from "./flags.js";

const applicationId: PositionalSpec = { name: "application-id", description: "ID of the application" };
const applicationIds = (a: ParsedArgs) => ({ applicationId: a.arg("application-id") });

/** Fields returned by `get` and `list` without --field-mask / --all. */
export const APPLICATION_DEFAULT_FIELDS = ["name", "description"] as const;

const str = (description: string) => ({ type: { kind: "string" }, description }) as const;

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
    name: "delete",
    summary: "Delete an application (restorable for a while)",
    positionals: [applicationId],
    method: ApplicationRegistry.method.delete,
    request: applicationIds,
  }),
  rpc({
    name: "restore",
    summary: "Restore a deleted application",
    positionals: [applicationId],
    method: ApplicationRegistry.method.restore,
    request: applicationIds,
  }),
  rpc({
    name: "purge",
    summary: "Remove an application for good (administrators only)",
    positionals: [applicationId],
    method: ApplicationRegistry.method.purge,
    request: applicationIds,
  }),
  rpc({
    name: "rights",
    summary: "List the caller's rights on an application",
    positionals: [applicationId],
    method: ApplicationAccess.method.listRights,
    request: applicationIds,
  }),
  applicationApiKeys,
  applicationCollaborators,
]);
