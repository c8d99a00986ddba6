// The `organizations` command group (aliases organization, orgs, org, o):
// OrganizationRegistry (create, get, list, set, delete, restore, purge),
// EntityRegistrySearch (`search`), OrganizationAccess.ListRights (`rights`),
// plus `organizations api-keys` and `organizations collaborators` (the
// members of an organization, always users; also `members`).
import type { MessageInitShape } from "@bufbuild/protobuf";
import { OrganizationSchema } from "../../gen/ttn/lorawan/v3/organization_pb.js";
import { OrganizationAccess, OrganizationRegistry } from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import { EntityRegistrySearch } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import type { ParsedArgs } from "./args.js";
import { apiKeyCommands } from "./api-keys.js";
import { ALIASES, group, rpc, type CommandTree } from "./client.js";
import { collaboratorCommands } from "./collaborators.js";
import { entityRef, idsOf, lifecycleCommands } from "./entity.js";
import { searchCommand } from "./entity-search.js";
import {
  account,
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

const organization = entityRef("organization", "organizationId", "organizationIds");
const organizationIds = (a: ParsedArgs) => idsOf(organization, a);

/** Fields returned by `get` and `list` without field flags, --field-mask or --all. */
export const ORGANIZATION_DEFAULT_FIELDS = ["name", "description"] as const;

const userIdFlag = (description: string, required: boolean) => ({ "user-id": { ...accountFlags["user-id"], description, required } });

/** Flag → settable organization field, for create and set; then every other field by its proto path. */
const SETTABLE: Readonly<Record<string, Settable>> = withDerived(
  {
    name: field(str("name"), "name", "name"),
    description: field(str("description"), "description", "description"),
    attributes: field(attributesFlag, "attributes", "attributes"),
  },
  settablesOf(OrganizationSchema, ["contact_info"]),
);

type OrganizationInit = MessageInitShape<typeof OrganizationSchema>;

export const organizationSearch = searchCommand(
  "search",
  "organizations",
  EntityRegistrySearch.method.searchOrganizations,
  OrganizationSchema,
  ORGANIZATION_DEFAULT_FIELDS,
);

export const organizations: CommandTree = group(
  "organizations",
  "Manage organizations",
  [
    rpc({
      name: "create",
      aliases: ALIASES.create,
      summary: "Create an organization owned by a user",
      positionals: [organization.positional],
      flags: { ...userIdFlag("the user who owns the organization", true), ...settableFlags(SETTABLE) },
      method: OrganizationRegistry.method.create,
      request: (a) => ({
        organization: settableValues(a, SETTABLE, { ids: organizationIds(a) }).message as OrganizationInit,
        collaborator: account(a),
      }),
    }),
    rpc({
      name: "get",
      aliases: ALIASES.get,
      summary: `Get an organization (default fields: ${ORGANIZATION_DEFAULT_FIELDS.join(", ")})`,
      positionals: [organization.positional],
      flags: readFlags(OrganizationSchema),
      exclusive: fieldMaskExclusive,
      method: OrganizationRegistry.method.get,
      request: (a) => ({ organizationIds: organizationIds(a), fieldMask: readMask(a, OrganizationSchema, ORGANIZATION_DEFAULT_FIELDS) }),
    }),
    rpc({
      name: "list",
      aliases: ALIASES.list,
      summary: "List organizations (of a user, or those the caller may see)",
      flags: {
        ...readFlags(OrganizationSchema),
        ...userIdFlag("list the organizations of this user", false),
        ...paginationFlags,
        deleted: deletedFlag("organizations"),
      },
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
    organizationSearch,
    rpc({
      name: "set",
      aliases: ALIASES.set,
      summary: "Change an organization (field mask = the flags given, and the fields of --unset)",
      positionals: [organization.positional],
      flags: { ...settableFlags(SETTABLE), unset: unsetFlag },
      requireAny: [...Object.keys(SETTABLE), "unset"],
      method: OrganizationRegistry.method.update,
      request: (a) => {
        const { message, paths } = withUnset(a, SETTABLE, settableValues(a, SETTABLE, { ids: organizationIds(a) }));
        return { organization: message as OrganizationInit, fieldMask: { paths } };
      },
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
    collaboratorCommands(
      organization,
      {
        set: OrganizationAccess.method.setCollaborator,
        list: OrganizationAccess.method.listCollaborators,
        get: OrganizationAccess.method.getCollaborator,
        delete: OrganizationAccess.method.deleteCollaborator,
      },
      { usersOnly: true },
    ),
  ],
  ["organization", "orgs", "org", "o"],
);
