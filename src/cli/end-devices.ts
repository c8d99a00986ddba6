// The `end-devices` command group (the Identity Server's part of end devices;
// aliases end-device, devices, device, dev, ed, d): EndDeviceRegistry
// (create, get, list, set, delete), EndDeviceBatchRegistry (`batch-get`,
// `batch-delete`) and EndDeviceRegistrySearch (`search`). Devices are named by
// <application-id> <device-id> (or --application-id / --device-id); DevEUI and
// JoinEUI are hex on input and output.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { EndDeviceBatchRegistry, EndDeviceRegistry } from "../../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { EndDeviceRegistrySearch } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import type { FlagSpec, ParsedArgs, PositionalSpec } from "./args.js";
import { ALIASES, group, rpc, type CommandTree } from "./client.js";
import { hexContains, searchFlags, searchValues } from "./entity-search.js";
import {
  attributesFlag,
  euiField,
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
  versionField,
  withDerived,
  withUnset,
  type Settable,
} from "./flags.js";
import { settablesOf } from "./proto-flags.js";

const applicationId: PositionalSpec = { name: "application-id", description: "ID of the application", flag: "application-id" };
const deviceId: PositionalSpec = { name: "device-id", description: "ID of the end device", flag: "device-id" };
const applicationIds = (a: ParsedArgs) => ({ applicationId: a.arg("application-id") });
const deviceIds = (a: ParsedArgs) => ({ applicationIds: applicationIds(a), deviceId: a.arg("device-id") });

/** Fields returned by `get`, `list` and `search` without --field-mask / --all. */
export const END_DEVICE_DEFAULT_FIELDS = ["name", "description"] as const;
/** What the Identity Server holds of an end device: --all reads these. */
const IS_FIELDS = [
  "name", "description", "attributes", "version_ids", "service_profile_id", "network_server_address", "application_server_address",
  "join_server_address", "locations", "picture", "claim_authentication_code", "activated_at", "last_seen_at", "serial_number",
  "lora_alliance_profile_ids", "ids", "created_at", "updated_at",
];
const NOT_HELD = EndDeviceSchema.fields.map((f) => f.name).filter((n) => !IS_FIELDS.includes(n));

/** Flag → settable end device field, for both create and set, in usage order; then the other held fields by proto path. */
const OWN: Readonly<Record<string, Settable>> = {
  name: field(str("name"), "name", "name"),
  description: field(str("description"), "description", "description"),
  attributes: field(attributesFlag, "attributes", "attributes"),
  "brand-id": versionField("brandId", "brand ID (version identifiers)"),
  "model-id": versionField("modelId", "model ID (version identifiers)"),
  "hardware-version": versionField("hardwareVersion", "hardware version"),
  "firmware-version": versionField("firmwareVersion", "firmware version"),
  "band-id": versionField("bandId", "band ID"),
  "service-profile-id": field(str("service profile ID"), "service_profile_id", "serviceProfileId"),
  "network-server-address": field(str("Network Server address"), "network_server_address", "networkServerAddress"),
  "application-server-address": field(str("Application Server address"), "application_server_address", "applicationServerAddress"),
  "join-server-address": field(str("Join Server address"), "join_server_address", "joinServerAddress"),
  "serial-number": field(str("serial number"), "serial_number", "serialNumber"),
};
const SETTABLE: Readonly<Record<string, Settable>> = withDerived(OWN, settablesOf(EndDeviceSchema, [...NOT_HELD, "picture", "activated_at", "last_seen_at"]));
/** Identifiers set at creation only. */
const IDENTIFIERS: Readonly<Record<string, Settable>> = {
  "dev-eui": euiField("devEui", "DevEUI"),
  "join-eui": euiField("joinEui", "JoinEUI (AppEUI)"),
};

type EndDeviceInit = MessageInitShape<typeof EndDeviceSchema>;
const mask = (a: ParsedArgs) => readMask(a, EndDeviceSchema, END_DEVICE_DEFAULT_FIELDS, NOT_HELD);
const endDeviceReadFlags = readFlags(EndDeviceSchema, NOT_HELD);

/** `--device-ids a,b`: the devices of a batch command (1 to 20, checked by the server). */
const deviceIdsFlag: FlagSpec = { type: { kind: "list" }, placeholder: "ID,...", description: "end device IDs (comma-separated or repeated)", required: true };

export const endDevices: CommandTree = group("end-devices", "Manage end devices (the Identity Server's part)", [
  rpc({
    name: "create",
    aliases: ALIASES.create,
    summary: "Register an end device in an application",
    positionals: [applicationId, deviceId],
    flags: { ...settableFlags(IDENTIFIERS), ...settableFlags(SETTABLE) },
    method: EndDeviceRegistry.method.create,
    request: (a) => ({ endDevice: settableValues(a, { ...IDENTIFIERS, ...SETTABLE }, { ids: deviceIds(a) }).message as EndDeviceInit }),
  }),
  rpc({
    name: "get",
    aliases: ALIASES.get,
    summary: `Get an end device (default fields: ${END_DEVICE_DEFAULT_FIELDS.join(", ")})`,
    positionals: [applicationId, deviceId],
    flags: endDeviceReadFlags,
    exclusive: fieldMaskExclusive,
    method: EndDeviceRegistry.method.get,
    request: (a) => ({ endDeviceIds: deviceIds(a), fieldMask: mask(a) }),
  }),
  rpc({
    name: "list",
    aliases: ALIASES.list,
    summary: "List the end devices of an application",
    positionals: [applicationId],
    flags: { ...endDeviceReadFlags, ...paginationFlags },
    exclusive: fieldMaskExclusive,
    list: true,
    method: EndDeviceRegistry.method.list,
    request: (a) => ({ applicationIds: applicationIds(a), ...pagination(a), fieldMask: mask(a) }),
  }),
  rpc({
    name: "set",
    aliases: ALIASES.set,
    summary: "Change an end device (field mask = the flags given, and the fields of --unset)",
    positionals: [applicationId, deviceId],
    flags: { ...settableFlags(SETTABLE), unset: unsetFlag },
    requireAny: [...Object.keys(SETTABLE), "unset"],
    method: EndDeviceRegistry.method.update,
    request: (a) => {
      const { message, paths } = withUnset(a, SETTABLE, settableValues(a, SETTABLE, { ids: deviceIds(a) }));
      return { endDevice: message as EndDeviceInit, fieldMask: { paths } };
    },
  }),
  rpc({
    name: "delete",
    aliases: ALIASES.delete,
    summary: "Delete an end device",
    positionals: [applicationId, deviceId],
    method: EndDeviceRegistry.method.delete,
    request: deviceIds,
  }),
  rpc({
    name: "batch-get",
    summary: `Get several end devices of an application (those that exist; default fields: ${END_DEVICE_DEFAULT_FIELDS.join(", ")})`,
    positionals: [applicationId],
    flags: { ...endDeviceReadFlags, "device-ids": deviceIdsFlag },
    exclusive: fieldMaskExclusive,
    method: EndDeviceBatchRegistry.method.get,
    request: (a) => ({ applicationIds: applicationIds(a), deviceIds: a.list("device-ids")!, fieldMask: mask(a) }),
  }),
  rpc({
    name: "batch-delete",
    summary: "Delete several end devices of an application (those that exist)",
    positionals: [applicationId],
    flags: { "device-ids": deviceIdsFlag },
    method: EndDeviceBatchRegistry.method.delete,
    request: (a) => ({ applicationIds: applicationIds(a), deviceIds: a.list("device-ids")! }),
  }),
  rpc({
    name: "search",
    summary: "Search the end devices of an application",
    positionals: [applicationId],
    flags: {
      ...searchFlags,
      "dev-eui-contains": hexContains("DevEUI"),
      "join-eui-contains": hexContains("JoinEUI"),
      ...paginationFlags,
      ...endDeviceReadFlags,
    },
    exclusive: fieldMaskExclusive,
    list: true,
    method: EndDeviceRegistrySearch.method.searchEndDevices,
    request: (a) => ({
      applicationIds: applicationIds(a),
      ...searchValues(a),
      devEuiContains: a.str("dev-eui-contains") ?? "",
      joinEuiContains: a.str("join-eui-contains") ?? "",
      ...pagination(a),
      fieldMask: mask(a),
    }),
  }),
], ["end-device", "devices", "device", "dev", "ed", "d"]);
