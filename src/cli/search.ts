// The `search` command group: EntityRegistrySearch (applications, clients,
// gateways, organizations, users, accounts), and the search flags shared with
// `end-devices search` (EndDeviceRegistrySearch).
import type { DescMessage, DescMethodUnary } from "@bufbuild/protobuf";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ClientSchema } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { StateSchema } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { GatewaySchema } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { OrganizationSchema } from "../../gen/ttn/lorawan/v3/organization_pb.js";
import { EntityRegistrySearch } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import type { FlagSpec, ParsedArgs } from "./args.js";
import { APPLICATION_DEFAULT_FIELDS } from "./applications.js";
import { CLIENT_DEFAULT_FIELDS } from "./clients.js";
import { group, rpc, type CommandTree, type RpcCommand } from "./client.js";
import { deletedFlag, fieldMaskExclusive, fieldMaskFlags, pagination, paginationFlags, readMask, str } from "./flags.js";
import { GATEWAY_DEFAULT_FIELDS } from "./gateways.js";
import { ORGANIZATION_DEFAULT_FIELDS } from "./organizations.js";
import { USER_DEFAULT_FIELDS, USER_SECRET_FIELDS } from "./users.js";

/** Filters every search has. */
export const searchFlags = {
  query: str("ID, name or description contains this", "TEXT"),
  "id-contains": str("ID contains", "TEXT"),
  "name-contains": str("name contains", "TEXT"),
  "description-contains": str("description contains", "TEXT"),
  "attributes-contain": { type: { kind: "map" }, description: "attribute values contain, key=value pairs" },
} as const satisfies Record<string, FlagSpec>;

export function searchValues(a: ParsedArgs) {
  return {
    query: a.str("query") ?? "",
    idContains: a.str("id-contains") ?? "",
    nameContains: a.str("name-contains") ?? "",
    descriptionContains: a.str("description-contains") ?? "",
    attributesContain: a.map("attributes-contain") ?? {},
  };
}

/** A filter on part of an EUI, as hex digits. */
export const hexContains = (what: string): FlagSpec => ({ type: { kind: "hex" }, description: `${what} contains these hex digits` });

const stateFlag: FlagSpec = {
  type: { kind: "enums", schema: StateSchema, prefix: "STATE_" },
  description: "only in these review states (administrators)",
};

/** One `search <kind>` command: the shared filters plus `extra` flags. */
function searchCommand(
  name: string,
  plural: string,
  method: DescMethodUnary<any, any>,
  schema: DescMessage,
  defaults: readonly string[],
  extra: { flags?: Record<string, FlagSpec>; request?: (a: ParsedArgs) => Record<string, unknown>; secret?: readonly string[] } = {},
): RpcCommand {
  return rpc({
    name,
    summary: `Search ${plural} the caller may see (default fields: ${defaults.join(", ")})`,
    flags: { ...searchFlags, ...extra.flags, deleted: deletedFlag(plural), ...paginationFlags, ...fieldMaskFlags },
    exclusive: fieldMaskExclusive,
    list: true,
    method,
    request: (a) => ({
      ...searchValues(a),
      ...extra.request?.(a),
      deleted: a.has("deleted"),
      ...pagination(a),
      fieldMask: readMask(a, schema, defaults, extra.secret),
    }),
  });
}

const withState = { flags: { state: stateFlag }, request: (a: ParsedArgs) => ({ state: a.enums("state") ?? [] }) };

/** --application-id etc.: the entity whose collaborators `search accounts` looks at. */
const COLLABORATOR_OF = {
  "application-id": (applicationId: string) => ({ case: "applicationIds" as const, value: { applicationId } }),
  "client-id": (clientId: string) => ({ case: "clientIds" as const, value: { clientId } }),
  "gateway-id": (gatewayId: string) => ({ case: "gatewayIds" as const, value: { gatewayId } }),
  "organization-id": (organizationId: string) => ({ case: "organizationIds" as const, value: { organizationId } }),
};

function collaboratorOf(a: ParsedArgs) {
  const [flag] = a.given(Object.keys(COLLABORATOR_OF)) as (keyof typeof COLLABORATOR_OF)[];
  return flag ? COLLABORATOR_OF[flag](a.str(flag)!) : undefined;
}

export const search: CommandTree = group("search", "Search entities", [
  searchCommand("applications", "applications", EntityRegistrySearch.method.searchApplications, ApplicationSchema, APPLICATION_DEFAULT_FIELDS),
  searchCommand("clients", "clients", EntityRegistrySearch.method.searchClients, ClientSchema, CLIENT_DEFAULT_FIELDS, { ...withState, secret: ["secret"] }),
  searchCommand("gateways", "gateways", EntityRegistrySearch.method.searchGateways, GatewaySchema, GATEWAY_DEFAULT_FIELDS, {
    flags: { "eui-contains": hexContains("EUI") },
    request: (a) => ({ euiContains: a.str("eui-contains") ?? "" }),
  }),
  searchCommand("organizations", "organizations", EntityRegistrySearch.method.searchOrganizations, OrganizationSchema, ORGANIZATION_DEFAULT_FIELDS),
  searchCommand("users", "users", EntityRegistrySearch.method.searchUsers, UserSchema, USER_DEFAULT_FIELDS, { ...withState, secret: USER_SECRET_FIELDS }),
  rpc({
    name: "accounts",
    summary: "Search user and organization accounts (e.g. to add as collaborators)",
    flags: {
      query: str("account ID contains this", "TEXT"),
      "only-users": { type: { kind: "boolean" }, description: "users only, no organizations" },
      "application-id": str("only collaborators of this application", "ID"),
      "client-id": str("only collaborators of this client", "ID"),
      "gateway-id": str("only collaborators of this gateway", "ID"),
      "organization-id": str("only members of this organization", "ID"),
      "complement-collaborators": { type: { kind: "boolean" }, description: "only accounts that are NOT collaborators of that entity" },
    },
    exclusive: [Object.keys(COLLABORATOR_OF)],
    method: EntityRegistrySearch.method.searchAccounts,
    request: (a) => ({
      query: a.str("query") ?? "",
      onlyUsers: a.has("only-users"),
      collaboratorOf: collaboratorOf(a) ?? { case: undefined },
      complementCollaborators: a.has("complement-collaborators"),
    }),
  }),
]);
