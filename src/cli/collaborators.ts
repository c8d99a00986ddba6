// The `applications collaborators` command group (set, list, get, delete):
// ApplicationAccess collaborator RPCs; the account is --user-id or
// --organization-id.
import { ApplicationAccess } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import type { ParsedArgs, PositionalSpec } from "./args.js";
import { group, rpc, type CommandTree } from "./client.js";
import { account, accountChoice, accountFlags, pagination, paginationFlags, rightsFlag } from "./flags.js";

const applicationId: PositionalSpec = { name: "application-id", description: "ID of the application" };
const applicationIds = (a: ParsedArgs) => ({ applicationId: a.arg("application-id") });

export const applicationCollaborators: CommandTree = group("collaborators", "Manage collaborators of an application", [
  rpc({
    name: "set",
    summary: "Add a collaborator or replace its rights",
    positionals: [applicationId],
    flags: { ...accountFlags, rights: rightsFlag(true) },
    requireOne: accountChoice,
    method: ApplicationAccess.method.setCollaborator,
    request: (a) => ({ applicationIds: applicationIds(a), collaborator: { ids: account(a), rights: a.rights("rights") ?? [] } }),
  }),
  rpc({
    name: "list",
    summary: "List collaborators",
    positionals: [applicationId],
    flags: paginationFlags,
    list: true,
    method: ApplicationAccess.method.listCollaborators,
    request: (a) => ({ applicationIds: applicationIds(a), ...pagination(a) }),
  }),
  rpc({
    name: "get",
    summary: "Get the rights of a collaborator",
    positionals: [applicationId],
    flags: accountFlags,
    requireOne: accountChoice,
    method: ApplicationAccess.method.getCollaborator,
    request: (a) => ({ applicationIds: applicationIds(a), collaborator: account(a) }),
  }),
  rpc({
    name: "delete",
    summary: "Remove a collaborator",
    positionals: [applicationId],
    flags: accountFlags,
    requireOne: accountChoice,
    method: ApplicationAccess.method.deleteCollaborator,
    request: (a) => ({ applicationIds: applicationIds(a), collaboratorIds: account(a) }),
  }),
]);
