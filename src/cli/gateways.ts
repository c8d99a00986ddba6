// The `gateways` command group (aliases gateway, gtw, g): GatewayRegistry
// (create, get, get-by-eui, list, set, delete, restore, purge),
// EntityRegistrySearch (`search`), GatewayAccess.ListRights (`rights`),
// GatewayBatchRegistry.Delete (`batch-delete`), GatewayBatchAccess.AssertRights
// (`assert-rights`), plus `gateways api-keys` and `gateways collaborators`.
// EUIs are hex on input (parseEUI) and output (the HTTP API's JSON mapping).
// The Things Stack CLI's names work too: --gateway-id, --gateway-eui,
// --antenna.*, and a flag per settable or selectable field.
import { DownlinkPathConstraintSchema } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { GatewayAntennaPlacementSchema, GatewaySchema } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { LocationSourceSchema } from "../../gen/ttn/lorawan/v3/metadata_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { GatewayAccess, GatewayBatchAccess, GatewayBatchRegistry, GatewayRegistry } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { EntityRegistrySearch } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import type { FlagSpec } from "./args.js";
import { parseEUI, UsageError, type ParsedArgs } from "./args.js";
import { apiKeyCommands } from "./api-keys.js";
import { ALIASES, group, rpc, type CommandTree } from "./client.js";
import { collaboratorCommands } from "./collaborators.js";
import { entityRef, idsOf, lifecycleCommands } from "./entity.js";
import { hexContains, searchCommand } from "./entity-search.js";
import {
  account,
  accountChoice,
  accountFlags,
  alias,
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
  versionField,
  euiField,
  withDerived,
  withUnset,
  type Settable,
} from "./flags.js";
import { settablesOf } from "./proto-flags.js";

const gateway = entityRef("gateway", "gatewayId", "gatewayIds");
const gatewayIds = (a: ParsedArgs) => idsOf(gateway, a);

/** Fields returned by `get` and `list` without --field-mask / --all. */
export const GATEWAY_DEFAULT_FIELDS = ["name", "description", "frequency_plan_ids"] as const;

const secret = (value: unknown) => ({ value: new TextEncoder().encode(value as string) });

/** Flag → settable gateway field, for both create and set, in usage order; then every other field by its proto path. */
const OWN: Readonly<Record<string, Settable>> = {
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
const SETTABLE: Readonly<Record<string, Settable>> = withDerived(OWN, settablesOf(GatewaySchema, ["contact_info", "antennas"]));

/** The stack's CLI's names of flags above. */
const ALIAS_FLAGS: Readonly<Record<string, FlagSpec>> = { "gateway-eui": alias("eui", OWN.eui!.flag) };

/**
 * The antenna flags describe one antenna; given on create or update they set
 * `antennas` to that antenna (most gateways have one), replacing any others.
 */
const ANTENNA: Readonly<Record<string, FlagSpec>> = {
  "antenna-gain": { type: { kind: "number" }, description: "antenna gain (dBi)" },
  "antenna-latitude": { type: { kind: "number" }, description: "antenna latitude (degrees, -90..90; negative as --antenna-latitude=-33.9)" },
  "antenna-longitude": { type: { kind: "number" }, description: "antenna longitude (degrees, -180..180)" },
  "antenna-altitude": { type: { kind: "number", integer: true }, description: "antenna altitude (meters)" },
  "antenna-accuracy": { type: { kind: "number", integer: true }, description: "accuracy of the antenna location (meters)" },
  "antenna-location-source": { type: { kind: "enum", schema: LocationSourceSchema, prefix: "SOURCE_" }, description: "where the antenna location comes from" },
  "antenna-placement": { type: { kind: "enum", schema: GatewayAntennaPlacementSchema, prefix: "" }, description: "antenna placement" },
};
const LOCATION_FLAGS = ["antenna-latitude", "antenna-longitude", "antenna-altitude", "antenna-accuracy", "antenna-location-source"];
/** The antenna flags by the stack's CLI's names (`--antenna.location.latitude`). */
const ANTENNA_ALIASES: Readonly<Record<string, FlagSpec>> = {
  "antenna.gain": alias("antenna-gain", ANTENNA["antenna-gain"]!),
  "antenna.location.latitude": alias("antenna-latitude", ANTENNA["antenna-latitude"]!),
  "antenna.location.longitude": alias("antenna-longitude", ANTENNA["antenna-longitude"]!),
  "antenna.location.altitude": alias("antenna-altitude", ANTENNA["antenna-altitude"]!),
  "antenna.location.accuracy": alias("antenna-accuracy", ANTENNA["antenna-accuracy"]!),
  "antenna.location.source": alias("antenna-location-source", ANTENNA["antenna-location-source"]!),
  "antenna.placement": alias("antenna-placement", ANTENNA["antenna-placement"]!),
};

/** The gateway message and mask with the antenna from the antenna flags, when any is given. */
function withAntenna(a: ParsedArgs, { message, paths }: { message: Record<string, unknown>; paths: string[] }) {
  if (a.given(Object.keys(ANTENNA)).length === 0) return { message, paths };
  const location = a.given(LOCATION_FLAGS).length
    ? {
        latitude: a.num("antenna-latitude") ?? 0,
        longitude: a.num("antenna-longitude") ?? 0,
        altitude: a.num("antenna-altitude") ?? 0,
        accuracy: a.num("antenna-accuracy") ?? 0,
        source: a.num("antenna-location-source") ?? 0,
      }
    : undefined;
  const antenna = { gain: a.num("antenna-gain") ?? 0, location, placement: a.num("antenna-placement") ?? 0 };
  return { message: { ...message, antennas: [antenna] }, paths: [...paths, "antennas"] };
}

const UPDATABLE = [...Object.keys(OWN), ...Object.keys(ANTENNA), ...Object.keys(SETTABLE).filter((f) => !(f in OWN)), "unset"];

/** `--gateway-ids a,b`: the gateways of a batch command. */
const gatewayIdsFlag: FlagSpec = { type: { kind: "list" }, placeholder: "ID,...", description: "gateway IDs (comma-separated or repeated)", required: true };
const batchGatewayIds = (a: ParsedArgs) => a.list("gateway-ids")!.map((gatewayId) => ({ gatewayId }));

type GatewayInit = MessageInitShape<typeof GatewaySchema>;

export const gatewaySearch = searchCommand("search", "gateways", EntityRegistrySearch.method.searchGateways, GatewaySchema, GATEWAY_DEFAULT_FIELDS, {
  flags: { "eui-contains": hexContains("EUI") },
  request: (a) => ({ euiContains: a.str("eui-contains") ?? "" }),
});

export const gateways: CommandTree = group("gateways", "Manage gateways", [
  rpc({
    name: "create",
    aliases: ALIASES.create,
    summary: "Create a gateway owned by a user or organization",
    positionals: [gateway.positional],
    flags: { ...accountFlags, ...settableFlags(SETTABLE), ...ALIAS_FLAGS, ...ANTENNA, ...ANTENNA_ALIASES },
    requireOne: accountChoice,
    method: GatewayRegistry.method.create,
    request: (a) => ({
      gateway: withAntenna(a, settableValues(a, SETTABLE, { ids: gatewayIds(a) })).message as GatewayInit,
      collaborator: account(a),
    }),
  }),
  rpc({
    name: "get",
    aliases: ALIASES.get,
    summary: `Get a gateway, by ID or by --gateway-eui (default fields: ${GATEWAY_DEFAULT_FIELDS.join(", ")})`,
    positionals: [{ ...gateway.positional, optional: true }],
    flags: { ...readFlags(GatewaySchema), "gateway-eui": { type: { kind: "eui" }, description: "the gateway's EUI, when no ID is given" } },
    exclusive: fieldMaskExclusive,
    method: GatewayRegistry.method.get,
    request: async (a, ctx) => {
      const fieldMask = readMask(a, GatewaySchema, GATEWAY_DEFAULT_FIELDS);
      const id = a.optionalArg(gateway.positional.name);
      if (id !== undefined) return { gatewayIds: { gatewayId: id }, fieldMask };
      const eui = a.eui("gateway-eui");
      if (!eui || !ctx.transport) throw new UsageError("missing argument <gateway-id> (or --gateway-id or --gateway-eui)");
      // As the stack's CLI does: the identifiers registered for the EUI first.
      const ids = await ctx.transport.unary(GatewayRegistry.method.getIdentifiersForEUI, undefined, undefined, undefined, { eui });
      return { gatewayIds: ids.message, fieldMask };
    },
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
    aliases: ALIASES.list,
    summary: "List gateways (of a user or organization, or all those the caller may see)",
    flags: { ...readFlags(GatewaySchema), ...accountFlags, ...paginationFlags, deleted: deletedFlag("gateways") },
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
  gatewaySearch,
  rpc({
    name: "set",
    aliases: ALIASES.set,
    summary: "Change a gateway (field mask = the flags given, and the fields of --unset)",
    positionals: [gateway.positional],
    flags: { ...settableFlags(SETTABLE), ...ALIAS_FLAGS, ...ANTENNA, ...ANTENNA_ALIASES, unset: unsetFlag },
    requireAny: UPDATABLE,
    method: GatewayRegistry.method.update,
    request: (a) => {
      const { message, paths } = withUnset(a, SETTABLE, withAntenna(a, settableValues(a, SETTABLE, { ids: gatewayIds(a) })));
      return { gateway: message as GatewayInit, fieldMask: { paths } };
    },
  }),
  rpc({
    name: "batch-delete",
    summary: "Delete several gateways at once (all or none; GATEWAY_DELETE on each)",
    flags: { "gateway-ids": gatewayIdsFlag },
    method: GatewayBatchRegistry.method.delete,
    request: (a) => ({ gatewayIds: batchGatewayIds(a) }),
  }),
  rpc({
    name: "assert-rights",
    summary: "Check that the caller has the rights on every gateway (empty answer: yes; else an error)",
    flags: { "gateway-ids": gatewayIdsFlag, rights: rightsFlag(true, "gateway rights to check, comma-separated (RIGHT_ prefix optional)") },
    method: GatewayBatchAccess.method.assertRights,
    request: (a) => ({ gatewayIds: batchGatewayIds(a), required: { rights: a.rights("rights")! } }),
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
], ["gateway", "gtw", "g"]);
