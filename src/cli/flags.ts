// Flag definitions and request helpers shared by several command groups:
// pagination, field masks (--field-mask / --all / one presence flag per
// field), the owner/collaborator account (--user-id / --organization-id),
// rights (--rights and one --right-* flag per right), expiry, and the
// settable-field tables behind create and set (with --unset).
import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import type { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import type { OrganizationOrUserIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { RightSchema, type Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { UsageError, type FlagSpec, type FlagValue, type ParsedArgs } from "./args.js";
import { selectedPaths, selectFlags, unsetPath } from "./proto-flags.js";

export const paginationFlags = {
  limit: { type: { kind: "uint" }, description: "page size (0: server default)" },
  page: { type: { kind: "uint" }, description: "page number, starting at 1" },
  order: { type: { kind: "string" }, placeholder: "FIELD", description: "sort by this field; prefix with - for descending" },
} as const satisfies Record<string, FlagSpec>;

export function pagination(a: ParsedArgs): { limit: number; page: number; order: string } {
  return { limit: a.num("limit") ?? 0, page: a.num("page") ?? 0, order: a.str("order") ?? "" };
}

export const fieldMaskFlags = {
  "field-mask": { type: { kind: "list" }, placeholder: "a,b", description: "fields to return (proto names)" },
  all: { type: { kind: "boolean" }, description: "return all fields" },
} as const satisfies Record<string, FlagSpec>;

export const fieldMaskExclusive = [["field-mask", "all"]] as const;

/** --field-mask, --all and the stack's CLI's presence flags per field (`get --name --attributes`). */
export function readFlags(schema: DescMessage, exclude: readonly string[] = []): Record<string, FlagSpec> {
  return { ...selectFlags(schema, exclude), ...fieldMaskFlags };
}

/**
 * The field mask for --all / --field-mask and the field flags / the default:
 * `all` is every top-level field of `schema` except `exclude`.
 */
export function readMask(
  a: ParsedArgs,
  schema: DescMessage,
  defaults: readonly string[],
  exclude: readonly string[] = [],
): MessageInitShape<typeof FieldMaskSchema> {
  if (a.has("all")) return { paths: schema.fields.map((f) => f.name).filter((n) => !exclude.includes(n)) };
  const selected = [...(a.list("field-mask") ?? []), ...selectedPaths(a.flags, schema, exclude)];
  return { paths: selected.length ? [...new Set(selected)] : [...defaults] };
}

/** Field mask of exactly the flags given, mapped to field paths. */
export function updateMask(a: ParsedArgs, paths: Readonly<Record<string, string>>): MessageInitShape<typeof FieldMaskSchema> {
  return { paths: a.given(Object.keys(paths)).map((flag) => paths[flag]!) };
}

export const accountFlags = {
  "user-id": { type: { kind: "string" }, placeholder: "ID", description: "user account" },
  "organization-id": { type: { kind: "string" }, placeholder: "ID", description: "organization account" },
} as const satisfies Record<string, FlagSpec>;

export const accountChoice = [["user-id", "organization-id"]] as const;

/** OrganizationOrUserIdentifiers from --user-id / --organization-id, if either is given. */
export function account(a: ParsedArgs): MessageInitShape<typeof OrganizationOrUserIdentifiersSchema> | undefined {
  const userId = a.str("user-id");
  if (userId !== undefined) return { ids: { case: "userIds", value: { userId } } };
  const organizationId = a.str("organization-id");
  if (organizationId !== undefined) return { ids: { case: "organizationIds", value: { organizationId } } };
  return undefined;
}

export const rightsFlag = (required: boolean, description = "rights, comma-separated (RIGHT_ prefix optional)"): FlagSpec => ({
  type: { kind: "rights" },
  description,
  required,
  requiredUnlessPrefix: "right-",
});

/** `RIGHT_APPLICATION_ALL` → `right-application-all`. */
const rightFlagName = (name: string) => name.toLowerCase().replace(/_/g, "-");

/** One presence flag per right whose flag name `keep` accepts (`--right-application-all`), as the stack's CLI has them. */
export function rightFlags(keep: (flag: string) => boolean): Record<string, FlagSpec> {
  const out: Record<string, FlagSpec> = {};
  for (const v of RightSchema.values) {
    const flag = rightFlagName(v.name);
    if (v.number !== 0 && keep(flag)) out[flag] = { type: { kind: "boolean" }, description: `the right ${v.name}` };
  }
  return out;
}

/** The rights of --rights and the --right-* flags given; undefined when none is given. */
export function rightsOf(a: ParsedArgs): Right[] | undefined {
  const out = [...(a.rights("rights") ?? [])];
  for (const v of RightSchema.values) {
    if (a.flags[rightFlagName(v.name)] === true && !out.includes(v.number)) out.push(v.number);
  }
  return out.length || a.has("rights") ? out : undefined;
}

/** Right flags per entity kind, as the stack's CLI filters them. */
export const rightFlagsOf = {
  application: () => rightFlags((f) => f.startsWith("right-application")),
  client: () => rightFlags((f) => f.startsWith("right-client")),
  gateway: () => rightFlags((f) => f.startsWith("right-gateway")),
  organization: () => rightFlags((f) => !f.startsWith("right-user")),
  user: () => rightFlags(() => true),
} as const;

export const expiresAtFlag: FlagSpec = {
  type: { kind: "timestamp" },
  description: "expiry time, RFC 3339 (e.g. 2030-01-02T15:04:05Z)",
};

/** `--api-key-expiry`, the stack's CLI's name of --expires-at. */
export const apiKeyExpiryFlag: FlagSpec = { ...expiresAtFlag, aliasOf: "expires-at" };

/** Another name for `flag` of `spec` (e.g. `--gateway-eui` for `--eui`). */
export const alias = (flag: string, spec: FlagSpec): FlagSpec => ({ ...spec, aliasOf: flag, required: false });

/** A plain string flag. */
export const str = (description: string, placeholder?: string): FlagSpec => ({
  type: { kind: "string" },
  description,
  ...(placeholder ? { placeholder } : {}),
});

/** Name and description, settable on every entity kind. */
export const nameFlags = { name: str("name"), description: str("description") } as const satisfies Record<string, FlagSpec>;

export const attributesFlag: FlagSpec = { type: { kind: "map" }, description: "attributes, key=value pairs (comma-separated or repeated)" };

export const deletedFlag = (plural: string): FlagSpec => ({ type: { kind: "boolean" }, description: `list only deleted ${plural}` });

/**
 * One settable field of an entity: its flag, its field-mask path and the part
 * of the entity message it sets from the flag's value (nested parts merge).
 * A table of these defines both `create` (the message) and `update` (the
 * message plus the mask of exactly the flags given).
 */
export interface Settable {
  readonly flag: FlagSpec;
  readonly path: string;
  readonly set: (value: FlagValue) => Record<string, unknown>;
}

/** A settable field whose message field takes the flag value as is. */
export const field = (flag: FlagSpec, path: string, key: string): Settable => ({ flag, path, set: (value) => ({ [key]: value }) });

export function settableFlags(table: Readonly<Record<string, Settable>>): Record<string, FlagSpec> {
  return Object.fromEntries(Object.entries(table).map(([name, s]) => [name, s.flag]));
}

/** `own` first (their order is the mask order), then the derived flags of other names. */
export function withDerived(own: Readonly<Record<string, Settable>>, derived: Readonly<Record<string, Settable>>): Record<string, Settable> {
  const out: Record<string, Settable> = { ...own };
  for (const [name, s] of Object.entries(derived)) if (!(name in out)) out[name] = s;
  return out;
}

export const unsetFlag: FlagSpec = {
  type: { kind: "list" },
  placeholder: "FIELD,...",
  description: "clear these fields (by flag or field name, e.g. description,version-ids.brand-id)",
};

/** The fields of --unset added to the mask (left unset in the message); a UsageError for unknown ones or ones also set. */
export function withUnset(a: ParsedArgs, table: Readonly<Record<string, Settable>>, result: { message: Record<string, unknown>; paths: string[] }) {
  const paths = [...result.paths];
  for (const name of a.list("unset") ?? []) {
    const path = unsetPath(name, table);
    if (!path) throw new UsageError(`--unset: "${name}" is not a field that can be set here`);
    if (a.given(Object.keys(table)).some((f) => table[f]!.path === path)) throw new UsageError(`--unset ${name}: the field is also set by a flag`);
    if (!paths.includes(path)) paths.push(path);
  }
  return { message: result.message, paths };
}

/** The message parts of the flags given, merged onto `base`, and their field-mask paths. */
export function settableValues(
  a: ParsedArgs,
  table: Readonly<Record<string, Settable>>,
  base: Record<string, unknown>,
): { message: Record<string, unknown>; paths: string[] } {
  let message = base;
  const paths: string[] = [];
  for (const name of a.given(Object.keys(table))) {
    const s = table[name]!;
    message = merge(message, s.set(a.flags[name]!));
    if (!paths.includes(s.path)) paths.push(s.path);
  }
  return { message, paths };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && Object.getPrototypeOf(v) === Object.prototype;
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isPlainObject(out[k]) && isPlainObject(v) ? merge(out[k], v) : v;
  return out;
}

/** `--x`, `--x=false` or `--x false` (true likewise). */
export const switchFlag = (description: string): FlagSpec => ({ type: { kind: "switch" }, description });

/** A field of `version_ids` (gateways and end devices), e.g. `brandId` → `version_ids.brand_id`. */
export const versionField = (key: string, description: string): Settable => ({
  flag: str(description),
  path: `version_ids.${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`,
  set: (v) => ({ versionIds: { [key]: v } }),
});

/** An EUI flag setting a field of the identifiers, e.g. `devEui` → `ids.dev_eui`. */
export const euiField = (key: string, description: string): Settable => ({
  flag: { type: { kind: "eui" }, description: `${description} (16 hex digits)` },
  path: `ids.${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`,
  set: (eui) => ({ ids: { [key]: eui } }),
});
