// The `gateways` command group: GatewayRegistry (create, get, get-by-eui, list,
// update, delete, restore, purge), GatewayAccess.ListRights (`rights`), plus
// `gateways api-keys` and `gateways collaborators`. EUIs are hex on input
// (parseEUI) and output (the HTTP API's JSON mapping).
import { DownlinkPathConstraintSchema } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { GatewaySchema } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { GatewayAccess, GatewayRegistry } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { parseEUI, type ParsedArgs } from "./args.js";
import { apiKeyCommands } from "./api-keys.js";
import { group, rpc, type CommandTree } from "./client.js";
import { collaboratorCommands } from "./collaborators.js";
import { entityRef, idsOf, lifecycleCommands } from "./entity.js";
import {
  account,
  accountChoice,
  accountFlags,
  attributesFlag,
  deletedFlag,
  field,
  fieldMaskExclusive,
  fieldMaskFlags,
  pagination,
  paginationFlags,
  readMask,
  settableFlags,
  settableValues,
  str,
  switchFlag,
  versionField,
  euiField,
  type Settable,
} from "./flags.js";

const gateway = entityRef("gateway", "gatewayId", "gatewayIds");
const gatewayIds = (a: ParsedArgs) => idsOf(gateway, a);

/** Fields returned by `get` and `list` without --field-mask / --all. */
export const GATEWAY_DEFAULT_FIELDS = ["name", "description", "frequency_plan_ids"] as const;

const secret = (value: unknown) => ({ value: new TextEncoder().encode(value as string) });

/** Flag → settable gateway field, for both create and update, in usage order. */
const SETTABLE: Readonly<Record<string, Settable>> = {
  eui: euiField("eui", "gateway EUI"),
  name: field(str("name"), "name", "name"),
  description: field(str("description"), "description", "description"),
  attributes: field(attributesFlag, "attributes", "attributes"),
  "frequency-plan-id": {
    flag: { type: { kind: "list" }, placeholder: "ID,...", description: "frequency plan IDs (comma-separated or repeated)" },
    path: "frequency_plan_ids",
    set: (ids) => ({ frequencyPlanIds: ids }),
  },
  "gateway-server-address": field(str("Gateway Server address"), "gateway_server_address", "gatewayServerAddress"),
  "status-public": field(switchFlag("status is public"), "status_public", "statusPublic"),
  "location-public": field(switchFlag("location is public"), "location_public", "locationPublic"),
  "auto-update": field(switchFlag("update the firmware automatically"), "auto_update", "autoUpdate"),
  "update-channel": field(str("firmware update channel"), "update_channel", "updateChannel"),
  "schedule-downlink-late": field(switchFlag("schedule downlinks late (just in time)"), "schedule_downlink_late", "scheduleDownlinkLate"),
  "enforce-duty-cycle": field(switchFlag("enforce the duty cycle"), "enforce_duty_cycle", "enforceDutyCycle"),
  "downlink-path-constraint": field(
    { type: { kind: "enum", schema: DownlinkPathConstraintSchema, prefix: "DOWNLINK_PATH_CONSTRAINT_" }, description: "downlink path constraint" },
    "downlink_path_constraint",
    "downlinkPathConstraint",
  ),
  "update-location-from-status": field(switchFlag("take the location from status messages"), "update_location_from_status", "updateLocationFromStatus"),
  "require-authenticated-connection": field(switchFlag("require an authenticated connection"), "require_authenticated_connection", "requireAuthenticatedConnection"),
  "disable-packet-broker-forwarding": field(switchFlag("do not forward traffic to Packet Broker"), "disable_packet_broker_forwarding", "disablePacketBrokerForwarding"),
  "lbs-lns-secret": { flag: str("LoRa Basics Station LNS secret", "SECRET"), path: "lbs_lns_secret", set: (v) => ({ lbsLnsSecret: secret(v) }) },
  "target-cups-uri": field(str("CUPS target URI"), "target_cups_uri", "targetCupsUri"),
  "target-cups-key": { flag: str("CUPS target key", "SECRET"), path: "target_cups_key", set: (v) => ({ targetCupsKey: secret(v) }) },
  "brand-id": versionField("brandId", "brand ID (version identifiers)"),
  "model-id": versionField("modelId", "model ID (version identifiers)"),
  "hardware-version": versionField("hardwareVersion", "hardware version"),
  "firmware-version": versionField("firmwareVersion", "firmware version"),
};
const UPDATABLE = Object.keys(SETTABLE);

type GatewayInit = MessageInitShape<typeof GatewaySchema>;

export const gateways: CommandTree = group("gateways", "Manage gateways", [
  rpc({
    name: "create",
    summary: "Create a gateway owned by a user or organization",
    positionals: [gateway.positional],
    flags: { ...accountFlags, ...settableFlags(SETTABLE) },
    requireOne: accountChoice,
    method: GatewayRegistry.method.create,
    request: (a) => ({
      gateway: settableValues(a, SETTABLE, { ids: gatewayIds(a) }).message as GatewayInit,
      collaborator: account(a),
    }),
  }),
  rpc({
    name: "get",
    summary: `Get a gateway (default fields: ${GATEWAY_DEFAULT_FIELDS.join(", ")})`,
    positionals: [gateway.positional],
    flags: fieldMaskFlags,
    exclusive: fieldMaskExclusive,
    method: GatewayRegistry.method.get,
    request: (a) => ({ gatewayIds: gatewayIds(a), fieldMask: readMask(a, GatewaySchema, GATEWAY_DEFAULT_FIELDS) }),
  }),
  rpc({
    name: "get-by-eui",
    summary: "Find the gateway identifiers for an EUI",
    positionals: [{ name: "eui", description: "gateway EUI (16 hex digits)", check: parseEUI }],
    method: GatewayRegistry.method.getIdentifiersForEUI,
    request: (a) => ({ eui: parseEUI(a.arg("eui")) }),
  }),
  rpc({
    name: "list",
    summary: "List gateways (of a user or organization, or all those the caller may see)",
    flags: { ...accountFlags, ...paginationFlags, deleted: deletedFlag("gateways"), ...fieldMaskFlags },
    exclusive: [...accountChoice, ...fieldMaskExclusive],
    list: true,
    method: GatewayRegistry.method.list,
    request: (a) => ({
      collaborator: account(a),
      ...pagination(a),
      deleted: a.has("deleted"),
      fieldMask: readMask(a, GatewaySchema, GATEWAY_DEFAULT_FIELDS),
    }),
  }),
  rpc({
    name: "update",
    summary: "Change a gateway (field mask = the flags given)",
    positionals: [gateway.positional],
    flags: settableFlags(SETTABLE),
    requireAny: UPDATABLE,
    method: GatewayRegistry.method.update,
    request: (a) => {
      const { message, paths } = settableValues(a, SETTABLE, { ids: gatewayIds(a) });
      return { gateway: message as GatewayInit, fieldMask: { paths } };
    },
  }),
  ...lifecycleCommands(gateway, {
    delete: GatewayRegistry.method.delete,
    restore: GatewayRegistry.method.restore,
    purge: GatewayRegistry.method.purge,
    rights: GatewayAccess.method.listRights,
  }),
  apiKeyCommands(gateway, {
    create: GatewayAccess.method.createAPIKey,
    list: GatewayAccess.method.listAPIKeys,
    get: GatewayAccess.method.getAPIKey,
    update: GatewayAccess.method.updateAPIKey,
    delete: GatewayAccess.method.deleteAPIKey,
  }),
  collaboratorCommands(gateway, {
    set: GatewayAccess.method.setCollaborator,
    list: GatewayAccess.method.listCollaborators,
    get: GatewayAccess.method.getCollaborator,
    delete: GatewayAccess.method.deleteCollaborator,
  }),
]);
