// The `organizations` command group: OrganizationRegistry (create, get, list,
// update, delete, restore, purge), OrganizationAccess.ListRights (`rights`),
// plus `organizations api-keys` and `organizations members` (the collaborators
// of an organization, always users; also reachable as `collaborators`).
import { OrganizationSchema } from "../../gen/ttn/lorawan/v3/organization_pb.js";
import { OrganizationAccess, OrganizationRegistry } from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import type { ParsedArgs } from "./args.js";
import { apiKeyCommands } from "./api-keys.js";
import { group, rpc, type CommandTree } from "./client.js";
import { collaboratorCommands } from "./collaborators.js";
import { entityRef, idsOf, lifecycleCommands } from "./entity.js";
import {
  account,
  accountFlags,
  attributesFlag,
  deletedFlag,
  fieldMaskExclusive,
  fieldMaskFlags,
  nameFlags,
  pagination,
  paginationFlags,
  readMask,
  updateMask,
} from "./flags.js";

const organization = entityRef("organization", "organizationId", "organizationIds");
const organizationIds = (a: ParsedArgs) => idsOf(organization, a);

/** Fields returned by `get` and `list` without --field-mask / --all. */
export const ORGANIZATION_DEFAULT_FIELDS = ["name", "description"] as const;

const userIdFlag = (description: string, required: boolean) => ({ "user-id": { ...accountFlags["user-id"], description, required } });

/** Flag → field path of the settable fields, in usage order. */
const UPDATABLE = { name: "name", description: "description", attributes: "attributes" } as const;

const members = collaboratorCommands(
  organization,
  {
    set: OrganizationAccess.method.setCollaborator,
    list: OrganizationAccess.method.listCollaborators,
    get: OrganizationAccess.method.getCollaborator,
    delete: OrganizationAccess.method.deleteCollaborator,
  },
  { name: "members", usersOnly: true },
);

export const organizations: CommandTree = group("organizations", "Manage organizations", [
  rpc({
    name: "create",
    summary: "Create an organization owned by a user",
    positionals: [organization.positional],
    flags: { ...userIdFlag("the user who owns the organization", true), ...nameFlags, attributes: attributesFlag },
    method: OrganizationRegistry.method.create,
    request: (a) => ({
      organization: {
        ids: organizationIds(a),
        name: a.str("name") ?? "",
        description: a.str("description") ?? "",
        attributes: a.map("attributes") ?? {},
      },
      collaborator: account(a),
    }),
  }),
  rpc({
    name: "get",
    summary: `Get an organization (default fields: ${ORGANIZATION_DEFAULT_FIELDS.join(", ")})`,
    positionals: [organization.positional],
    flags: fieldMaskFlags,
    exclusive: fieldMaskExclusive,
    method: OrganizationRegistry.method.get,
    request: (a) => ({ organizationIds: organizationIds(a), fieldMask: readMask(a, OrganizationSchema, ORGANIZATION_DEFAULT_FIELDS) }),
  }),
  rpc({
    name: "list",
    summary: "List organizations (of a user, or those the caller may see)",
    flags: { ...userIdFlag("list the organizations of this user", false), ...paginationFlags, deleted: deletedFlag("organizations"), ...fieldMaskFlags },
    exclusive: fieldMaskExclusive,
    list: true,
    method: OrganizationRegistry.method.list,
    request: (a) => ({
      collaborator: account(a),
      ...pagination(a),
      deleted: a.has("deleted"),
      fieldMask: readMask(a, OrganizationSchema, ORGANIZATION_DEFAULT_FIELDS),
    }),
  }),
  rpc({
    name: "update",
    summary: "Change an organization (field mask = the flags given)",
    positionals: [organization.positional],
    flags: { ...nameFlags, attributes: attributesFlag },
    requireAny: Object.keys(UPDATABLE),
    method: OrganizationRegistry.method.update,
    request: (a) => ({
      organization: {
        ids: organizationIds(a),
        name: a.str("name") ?? "",
        description: a.str("description") ?? "",
        attributes: a.map("attributes") ?? {},
      },
      fieldMask: updateMask(a, UPDATABLE),
    }),
  }),
  ...lifecycleCommands(organization, {
    delete: OrganizationRegistry.method.delete,
    restore: OrganizationRegistry.method.restore,
    purge: OrganizationRegistry.method.purge,
    rights: OrganizationAccess.method.listRights,
  }),
  apiKeyCommands(organization, {
    create: OrganizationAccess.method.createAPIKey,
    list: OrganizationAccess.method.listAPIKeys,
    get: OrganizationAccess.method.getAPIKey,
    update: OrganizationAccess.method.updateAPIKey,
    delete: OrganizationAccess.method.deleteAPIKey,
  }),
  members,
  { ...members, name: "collaborators", summary: "Same as members" },
]);
