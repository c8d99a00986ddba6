// The `clients` command group (OAuth clients; aliases client, cli, c):
// ClientRegistry (create, get, list, set, delete, restore, purge),
// EntityRegistrySearch (`search`), ClientAccess.ListRights (`rights`), plus
// `clients collaborators`. ClientAccess has no API keys.
import { StateSchema } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { ClientSchema, GrantTypeSchema } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { ClientAccess, ClientRegistry } from "../../gen/ttn/lorawan/v3/client_services_pb.js";
import { EntityRegistrySearch } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { FlagSpec, ParsedArgs } from "./args.js";
import { ALIASES, group, rpc, type CommandTree } from "./client.js";
import { collaboratorCommands } from "./collaborators.js";
import { entityRef, idsOf, lifecycleCommands } from "./entity.js";
import { searchCommand, withState } from "./entity-search.js";
import { settablesOf } from "./proto-flags.js";
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
  rightsFlag,
  settableFlags,
  settableValues,
  str,
  switchFlag,
  unsetFlag,
  withDerived,
  withUnset,
  type Settable,
} from "./flags.js";

const client = entityRef("client", "clientId", "clientIds");
const clientIds = (a: ParsedArgs) => idsOf(client, a);

/** Fields returned by `get` and `list` without --field-mask / --all. */
export const CLIENT_DEFAULT_FIELDS = ["name", "description", "state", "redirect_uris", "grants"] as const;

const uris = (description: string): FlagSpec => ({ type: { kind: "list" }, placeholder: "URI,...", description });

/** Flag → settable client field, for both create and set, in usage order; then every other field by its proto path. */
const OWN: Readonly<Record<string, Settable>> = {
  name: field(str("name"), "name", "name"),
  description: field(str("description"), "description", "description"),
  attributes: field(attributesFlag, "attributes", "attributes"),
  "redirect-uri": field(uris("OAuth redirect URIs (comma-separated or repeated)"), "redirect_uris", "redirectUris"),
  "logout-redirect-uri": field(uris("logout redirect URIs (comma-separated or repeated)"), "logout_redirect_uris", "logoutRedirectUris"),
  grants: field({ type: { kind: "enums", schema: GrantTypeSchema, prefix: "GRANT_" }, description: "OAuth grant types" }, "grants", "grants"),
  rights: field(rightsFlag(false, "rights the client may request, comma-separated"), "rights", "rights"),
  state: field({ type: { kind: "enum", schema: StateSchema, prefix: "STATE_" }, description: "review state (administrators)" }, "state", "state"),
  "state-description": field(str("reason for the state (administrators)"), "state_description", "stateDescription"),
  "skip-authorization": field(switchFlag("skip the authorization page (administrators)"), "skip_authorization", "skipAuthorization"),
  endorsed: field(switchFlag("endorsed by the network (administrators)"), "endorsed", "endorsed"),
};
const SETTABLE: Readonly<Record<string, Settable>> = withDerived(
  { ...OWN, "redirect-uris": { ...OWN["redirect-uri"]!, flag: { ...OWN["redirect-uri"]!.flag, aliasOf: "redirect-uri" } } },
  settablesOf(ClientSchema, ["contact_info", "secret"]),
);

type ClientInit = MessageInitShape<typeof ClientSchema>;

export const clientSearch = searchCommand("search", "clients", EntityRegistrySearch.method.searchClients, ClientSchema, CLIENT_DEFAULT_FIELDS, {
  ...withState,
  secret: ["secret"],
});

export const clients: CommandTree = group("clients", "Manage OAuth clients", [
  rpc({
    name: "create",
    aliases: ALIASES.create,
    summary: "Create an OAuth client owned by a user or organization; the response holds its secret, shown only once",
    positionals: [client.positional],
    flags: { ...accountFlags, ...settableFlags(SETTABLE) },
    requireOne: accountChoice,
    method: ClientRegistry.method.create,
    request: (a) => ({
      client: settableValues(a, SETTABLE, { ids: clientIds(a) }).message as ClientInit,
      collaborator: account(a),
    }),
  }),
  rpc({
    name: "get",
    aliases: ALIASES.get,
    summary: `Get an OAuth client (default fields: ${CLIENT_DEFAULT_FIELDS.join(", ")})`,
    positionals: [client.positional],
    flags: readFlags(ClientSchema, ["secret"]),
    exclusive: fieldMaskExclusive,
    method: ClientRegistry.method.get,
    request: (a) => ({ clientIds: clientIds(a), fieldMask: readMask(a, ClientSchema, CLIENT_DEFAULT_FIELDS, ["secret"]) }),
  }),
  rpc({
    name: "list",
    aliases: ALIASES.list,
    summary: "List OAuth clients (of a user or organization, or all those the caller may see)",
    flags: { ...readFlags(ClientSchema, ["secret"]), ...accountFlags, ...paginationFlags, deleted: deletedFlag("clients") },
    exclusive: [...accountChoice, ...fieldMaskExclusive],
    list: true,
    method: ClientRegistry.method.list,
    request: (a) => ({
      collaborator: account(a),
      ...pagination(a),
      deleted: a.has("deleted"),
      fieldMask: readMask(a, ClientSchema, CLIENT_DEFAULT_FIELDS, ["secret"]),
    }),
  }),
  clientSearch,
  rpc({
    name: "set",
    aliases: ALIASES.set,
    summary: "Change an OAuth client (field mask = the flags given, and the fields of --unset)",
    positionals: [client.positional],
    flags: { ...settableFlags(SETTABLE), unset: unsetFlag },
    requireAny: [...Object.keys(SETTABLE), "unset"],
    method: ClientRegistry.method.update,
    request: (a) => {
      const { message, paths } = withUnset(a, SETTABLE, settableValues(a, SETTABLE, { ids: clientIds(a) }));
      return { client: message as ClientInit, fieldMask: { paths } };
    },
  }),
  ...lifecycleCommands(client, {
    delete: ClientRegistry.method.delete,
    restore: ClientRegistry.method.restore,
    purge: ClientRegistry.method.purge,
    rights: ClientAccess.method.listRights,
  }),
  collaboratorCommands(client, {
    set: ClientAccess.method.setCollaborator,
    list: ClientAccess.method.listCollaborators,
    get: ClientAccess.method.getCollaborator,
    delete: ClientAccess.method.deleteCollaborator,
  }),
], ["client", "cli", "c"]);
