// The top-level `search` command group (is-cli's own; The Things Stack's CLI
// has `<entity> search` under each group, which are the same commands):
// EntityRegistrySearch for applications, clients, gateways, organizations and
// users, and `search accounts` (SearchAccounts).
import { EntityRegistrySearch } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import type { ParsedArgs } from "./args.js";
import { applicationSearch } from "./applications.js";
import { clientSearch } from "./clients.js";
import { group, rpc, type CommandTree, type RpcCommand } from "./client.js";
import { str } from "./flags.js";
import { gatewaySearch } from "./gateways.js";
import { organizationSearch } from "./organizations.js";
import { userSearch } from "./users.js";

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

const named = (name: string, command: RpcCommand): RpcCommand => ({ ...command, name });

export const search: CommandTree = group("search", "Search entities (also `<entity> search`)", [
  named("applications", applicationSearch),
  named("clients", clientSearch),
  named("gateways", gatewaySearch),
  named("organizations", organizationSearch),
  named("users", userSearch),
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
