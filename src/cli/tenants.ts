// The `tenants` command group: TenantRegistry (create, get, list, update,
// delete, restore, purge, get-registry-totals, and the routing look-ups
// get-identifiers-for-end-device-euis / get-identifiers-for-gateway-eui), with
// The Things Stack Enterprise CLI's command and flag names. These calls take a
// tenant admin key (`--tenant-admin-key` or TTN_LW_TENANT_ADMIN_KEY, the name
// the stack's CLI reads its flag from), sent as `authorization: TenantAdminKey
// <hex>`, instead of the API key; they are for no tenant in particular, so no
// `tenant-id` header goes with them. The tenant acted on is the positional or,
// as in the stack's CLI, `--tenant-id`.
import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import { StateSchema } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { TenantSchema } from "../../gen/tti/lorawan/v3/tenant_pb.js";
import { TenantRegistry } from "../../gen/tti/lorawan/v3/tenant_services_pb.js";
import { checkTenantId, UsageError, type FlagSpec, type ParsedArgs, type PositionalSpec } from "./args.js";
import { group, rpc, type CommandTree, type Env, type RpcCommand } from "./client.js";
import {
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
  type Settable,
} from "./flags.js";

export const ENV_TENANT_ADMIN_KEY = "TTN_LW_TENANT_ADMIN_KEY";

const adminKeyFlags = {
  "tenant-admin-key": {
    type: { kind: "string" },
    placeholder: "HEX",
    description: `tenant admin key, one of the server's is.tenancy.admin-keys (env ${ENV_TENANT_ADMIN_KEY})`,
  },
} as const satisfies Record<string, FlagSpec>;

/** `TenantAdminKey <hex>` from --tenant-admin-key or the environment; a UsageError when missing or malformed. */
export function tenantAdminAuthorization(a: ParsedArgs, env: Env): string {
  const flag = a.str("tenant-admin-key");
  const key = flag ?? (env[ENV_TENANT_ADMIN_KEY] || undefined);
  if (key === undefined) throw new UsageError(`missing tenant admin key: give --tenant-admin-key or set ${ENV_TENANT_ADMIN_KEY}`);
  // The server's keys are 16, 24 or 32 bytes: anything else cannot match one.
  if (!/^[0-9a-fA-F]+$/.test(key) || ![32, 48, 64].includes(key.length)) {
    const from = flag !== undefined ? "--tenant-admin-key" : ENV_TENANT_ADMIN_KEY;
    throw new UsageError(`invalid ${from}: a tenant admin key is 16, 24 or 32 bytes in hex (32, 48 or 64 hex digits)`);
  }
  return `TenantAdminKey ${key}`;
}

const tenantPositional: PositionalSpec = {
  name: "tenant-id",
  description: "ID of the tenant (or --tenant-id)",
  optional: true,
  check: checkTenantId,
};

/** The tenant acted on: the positional, or the `--tenant-id` flag (never the environment's tenant). */
function tenantIdOf(a: ParsedArgs): string {
  const positional = a.optionalArg(tenantPositional.name);
  const flag = a.global.tenantIdFromEnv ? undefined : a.global.tenantId;
  if (positional !== undefined && flag !== undefined && positional !== flag) {
    throw new UsageError(`<tenant-id> "${positional}" and --tenant-id "${flag}" name different tenants`);
  }
  const id = positional ?? flag;
  if (id === undefined) throw new UsageError("missing argument <tenant-id> (or --tenant-id)");
  return id;
}

const tenantIds = (a: ParsedArgs) => ({ tenantId: tenantIdOf(a) });

/** A tenant administration command: the admin key flag and credentials added to `spec`. */
function adminRpc<I extends DescMessage, O extends DescMessage>(spec: Parameters<typeof rpc<I, O>>[0]): RpcCommand {
  return rpc({ ...spec, flags: { ...spec.flags, ...adminKeyFlags }, authorization: tenantAdminAuthorization });
}

/** Fields returned by `get` and `list` without --field-mask / --all. */
export const TENANT_DEFAULT_FIELDS = ["name", "description", "state"] as const;

/** A limit (google.protobuf.UInt64Value): the flag's number as the field's bigint. */
const limit = (key: string, path: string, what: string): Settable => ({
  flag: { type: { kind: "uint" }, description: `most ${what} the tenant may hold (unset: no limit)` },
  path,
  set: (v) => ({ [key]: BigInt(v as number) }),
});

/** Flag → settable tenant field, for both create and update, in usage order. */
const SETTABLE: Readonly<Record<string, Settable>> = {
  name: field(str("name"), "name", "name"),
  description: field(str("description"), "description", "description"),
  attributes: field(attributesFlag, "attributes", "attributes"),
  "max-applications": limit("maxApplications", "max_applications", "applications"),
  "max-clients": limit("maxClients", "max_clients", "OAuth clients"),
  "max-end-devices": limit("maxEndDevices", "max_end_devices", "end devices"),
  "max-gateways": limit("maxGateways", "max_gateways", "gateways"),
  "max-organizations": limit("maxOrganizations", "max_organizations", "organizations"),
  "max-users": limit("maxUsers", "max_users", "users"),
  state: field(
    { type: { kind: "enum", schema: StateSchema, prefix: "STATE_" }, description: "review state: only approved and flagged tenants are served" },
    "state",
    "state",
  ),
  "state-description": field(str("why the tenant is in its state"), "state_description", "stateDescription"),
};

/** Fields `update --unset` may clear (the field in the mask, unset in the message). */
const UNSETTABLE = Object.keys(SETTABLE).filter((f) => f !== "state");

const initialUserFlags = {
  "initial-user": switchFlag("create the initial user from the --initial-user.* flags (default true; false: refuse them)"),
  "initial-user.ids.user-id": str("ID of the tenant's first user, an admin of the tenant", "ID"),
  "initial-user.name": str("the initial user's name"),
  "initial-user.description": str("the initial user's description"),
  "initial-user.primary-email-address": str("the initial user's e-mail address", "EMAIL"),
  "initial-user.password": str("the initial user's password", "PASSWORD"),
  "initial-user.require-password-update": switchFlag("the initial user must change the password at first login"),
} as const satisfies Record<string, FlagSpec>;

/** CreateTenantRequest.initial_user from the --initial-user.* flags, when any is given. */
function initialUser(a: ParsedArgs): Record<string, unknown> | undefined {
  const given = a.given(Object.keys(initialUserFlags).filter((f) => f !== "initial-user"));
  if (a.bool("initial-user") === false) {
    if (given.length) throw new UsageError(`--initial-user=false and --${given[0]} cannot be used together`);
    return undefined;
  }
  if (!given.length) return undefined;
  const userId = a.str("initial-user.ids.user-id");
  if (userId === undefined) throw new UsageError("--initial-user.ids.user-id is required with the other --initial-user.* flags");
  return {
    ids: { userId },
    name: a.str("initial-user.name") ?? "",
    description: a.str("initial-user.description") ?? "",
    primaryEmailAddress: a.str("initial-user.primary-email-address") ?? "",
    password: a.str("initial-user.password") ?? "",
    requirePasswordUpdate: a.bool("initial-user.require-password-update") ?? false,
  };
}

type TenantInit = MessageInitShape<typeof TenantSchema>;

/** get-registry-totals: one flag per total, as the stack's CLI selects them (none: all). */
const TOTALS = ["applications", "clients", "end-devices", "activated-end-devices", "gateways", "organizations", "users"] as const;
const totalsFlags = Object.fromEntries(
  TOTALS.map((t) => [t, { type: { kind: "boolean" }, description: `select the ${t.replaceAll("-", "_")} total` } satisfies FlagSpec]),
);

const eui = (description: string): FlagSpec => ({ type: { kind: "eui" }, description: `${description} (16 hex digits)` });

export const tenants: CommandTree = group("tenants", "Manage tenants (with a tenant admin key)", [
  adminRpc({
    name: "create",
    summary: "Create a tenant, and its first user (an admin of the tenant) with --initial-user.*",
    positionals: [tenantPositional],
    flags: { ...settableFlags(SETTABLE), ...initialUserFlags },
    method: TenantRegistry.method.create,
    request: (a) => {
      const user = initialUser(a);
      return {
        tenant: settableValues(a, SETTABLE, { ids: tenantIds(a) }).message as TenantInit,
        ...(user ? { initialUser: user } : {}),
      };
    },
  }),
  adminRpc({
    name: "get",
    summary: `Get a tenant (default fields: ${TENANT_DEFAULT_FIELDS.join(", ")})`,
    positionals: [tenantPositional],
    flags: fieldMaskFlags,
    exclusive: fieldMaskExclusive,
    method: TenantRegistry.method.get,
    request: (a) => ({ tenantIds: tenantIds(a), fieldMask: readMask(a, TenantSchema, TENANT_DEFAULT_FIELDS) }),
  }),
  adminRpc({
    name: "list",
    summary: "List tenants",
    flags: { ...paginationFlags, deleted: deletedFlag("tenants"), ...fieldMaskFlags },
    exclusive: fieldMaskExclusive,
    list: true,
    method: TenantRegistry.method.list,
    request: (a) => ({ ...pagination(a), deleted: a.has("deleted"), fieldMask: readMask(a, TenantSchema, TENANT_DEFAULT_FIELDS) }),
  }),
  adminRpc({
    name: "update",
    summary: "Change a tenant (field mask = the flags given, and the fields of --unset)",
    positionals: [tenantPositional],
    flags: {
      ...settableFlags(SETTABLE),
      unset: { type: { kind: "list" }, placeholder: "FLAG,...", description: `clear these fields, named like their flags (${UNSETTABLE.join(", ")})` },
    },
    requireAny: [...Object.keys(SETTABLE), "unset"],
    method: TenantRegistry.method.update,
    request: (a) => {
      const { message, paths } = settableValues(a, SETTABLE, { ids: tenantIds(a) });
      for (const name of a.list("unset") ?? []) {
        if (!UNSETTABLE.includes(name)) throw new UsageError(`--unset: "${name}" is not one of ${UNSETTABLE.join(", ")}`);
        if (a.has(name)) throw new UsageError(`--${name} and --unset ${name} cannot be used together`);
        if (!paths.includes(SETTABLE[name]!.path)) paths.push(SETTABLE[name]!.path);
      }
      return { tenant: message as TenantInit, fieldMask: { paths } };
    },
  }),
  adminRpc({
    name: "delete",
    summary: "Delete a tenant: its users can no longer log in and its credentials are refused (restorable for a while)",
    positionals: [tenantPositional],
    method: TenantRegistry.method.delete,
    request: tenantIds,
  }),
  adminRpc({
    name: "restore",
    summary: "Restore a deleted tenant",
    positionals: [tenantPositional],
    method: TenantRegistry.method.restore,
    request: tenantIds,
  }),
  adminRpc({
    name: "purge",
    summary: "Remove a tenant for good, with everything it holds",
    positionals: [tenantPositional],
    method: TenantRegistry.method.purge,
    request: tenantIds,
  }),
  adminRpc({
    name: "get-registry-totals",
    summary: "Count what a tenant holds (the totals selected by flags; none: all)",
    positionals: [tenantPositional],
    flags: totalsFlags,
    method: TenantRegistry.method.getRegistryTotals,
    request: (a) => ({
      tenantIds: tenantIds(a),
      fieldMask: { paths: a.given([...TOTALS]).map((t) => t.replaceAll("-", "_")) },
    }),
  }),
  adminRpc({
    name: "get-identifiers-for-end-device-euis",
    summary: "The tenant that registered the end device with these EUIs",
    flags: { "join-eui": { ...eui("JoinEUI"), required: true }, "dev-eui": { ...eui("DevEUI"), required: true } },
    method: TenantRegistry.method.getIdentifiersForEndDeviceEUIs,
    request: (a) => ({ joinEui: a.eui("join-eui")!, devEui: a.eui("dev-eui")! }),
  }),
  adminRpc({
    name: "get-identifiers-for-gateway-eui",
    summary: "The tenant that registered the gateway with this EUI",
    flags: { "gateway-eui": eui("gateway EUI"), eui: eui("gateway EUI, as --gateway-eui") },
    requireOne: [["gateway-eui", "eui"]],
    method: TenantRegistry.method.getIdentifiersForGatewayEUI,
    request: (a) => ({ eui: (a.eui("gateway-eui") ?? a.eui("eui"))! }),
  }),
]);
