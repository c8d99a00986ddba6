// The full is-cli command tree: the users and applications groups plus the
// server-wide commands `auth-info` (EntityAccess.AuthInfo) and
// `is-configuration` (Is.GetConfiguration).
import { EntityAccess, Is } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { applications } from "./applications.js";
import { group, rpc, type CommandTree } from "./client.js";
import { users } from "./users.js";

export const commands: CommandTree = group("", "Command-line client for the LoRaWAN Identity Server (gRPC).", [
  users,
  applications,
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
