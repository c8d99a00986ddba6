// The full is-cli command tree: one group per entity kind, `search`, `tenants`
// (tenant administration, with a tenant admin key), plus the
// server-wide commands `auth-info` (EntityAccess.AuthInfo) and
// `is-configuration` (Is.GetConfiguration).
import { EntityAccess, Is } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { contactInfo } from "./account-flows.js";
import { applications } from "./applications.js";
import { authenticationProviders } from "./authentication-providers.js";
import { group, rpc, type CommandTree } from "./client.js";
import { clients } from "./clients.js";
import { endDevices } from "./end-devices.js";
import { gateways } from "./gateways.js";
import { notifications } from "./notifications.js";
import { organizations } from "./organizations.js";
import { search } from "./search.js";
import { tenants } from "./tenants.js";
import { users } from "./users.js";

export const commands: CommandTree = group("", "Command-line client for the LoRaWAN Identity Server (gRPC).", [
  users,
  applications,
  organizations,
  gateways,
  clients,
  endDevices,
  search,
  notifications,
  contactInfo,
  authenticationProviders,
  tenants,
  rpc({
    name: "auth-info",
    summary: "Show what the credentials give access to",
    method: EntityAccess.method.authInfo,
    request: () => ({}),
  }),
  rpc({
    name: "is-configuration",
    summary: "Show the public configuration of the Identity Server",
    method: Is.method.getConfiguration,
    request: () => ({}),
  }),
]);
