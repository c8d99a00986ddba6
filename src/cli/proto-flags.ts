// Flags derived from a message schema, named as The Things Stack's CLI names
// them (the proto path with `-` for `_`, and a oneof's name between a message
// field and its member: `administrative-contact.ids.user-ids.user-id`):
// - select flags (`get --name --attributes`): one presence flag per field path,
//   read into a field mask by `selectedPaths`;
// - settable flags (`create`/`set --name N --version-ids.brand-id B`): one
//   typed flag per scalar, enum, list, map, timestamp or wrapper leaf, as
//   Settable entries (flags.ts) that build the message and the update mask.
// Hand-written flags of a command win over derived ones of the same name.
import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import type { FlagSpec, FlagType, FlagValue } from "./args.js";
import type { Settable } from "./flags.js";

/** Paths no client sets: identifiers and timestamps the server keeps. */
const SERVER_KEPT = ["ids", "created_at", "updated_at", "deleted_at"];
/** Nesting depth followed below a top-level field (deep enough for contacts' user IDs). */
const MAX_DEPTH = 4;

interface Leaf {
  /** Flag name, e.g. `administrative-contact.ids.user-ids.user-id`. */
  readonly flag: string;
  /** Field path without oneof names, e.g. `administrative_contact.user_ids.user_id`. */
  readonly path: string;
  readonly field: DescField;
  /** The fields from the top down, the last being `field`. */
  readonly chain: readonly DescField[];
}

const dashed = (name: string) => name.replace(/_/g, "-");
const isWellKnown = (m: DescMessage) => m.typeName.startsWith("google.protobuf.");

function walk(schema: DescMessage, exclude: readonly string[], visit: (leaf: Leaf, isMessage: boolean) => void): void {
  const go = (desc: DescMessage, flagPrefix: string, pathPrefix: string, chain: DescField[], seen: Set<DescMessage>) => {
    for (const f of desc.fields) {
      const path = pathPrefix + f.name;
      if (chain.length === 0 && exclude.includes(f.name)) continue;
      const flag = `${flagPrefix}${f.oneof ? `${dashed(f.oneof.name)}.` : ""}${dashed(f.name)}`;
      const here = [...chain, f];
      const nested = f.fieldKind === "message" && !isWellKnown(f.message) && !seen.has(f.message) && here.length < MAX_DEPTH;
      visit({ flag, path, field: f, chain: here }, nested);
      if (nested) go(f.message, `${flag}.`, `${path}.`, here, new Set([...seen, f.message]));
    }
  };
  go(schema, "", "", [], new Set([schema]));
}

// ---- select flags -------------------------------------------------------------

const selectCache = new WeakMap<DescMessage, Map<string, Map<string, string>>>();

/** Select flag name → field path, for every field path of `schema` outside `exclude` (top-level names). */
export function selectTable(schema: DescMessage, exclude: readonly string[] = []): Map<string, string> {
  const key = exclude.join(",");
  let bySchema = selectCache.get(schema);
  if (!bySchema) selectCache.set(schema, (bySchema = new Map()));
  let table = bySchema.get(key);
  if (!table) {
    table = new Map();
    const t = table;
    walk(schema, exclude, ({ flag, path }) => void t.set(flag, path));
    bySchema.set(key, table);
  }
  return table;
}

/** Presence flags `--<field>` selecting fields of `schema` for the read mask. */
export function selectFlags(schema: DescMessage, exclude: readonly string[] = []): Record<string, FlagSpec> {
  const out: Record<string, FlagSpec> = {};
  for (const [flag, path] of selectTable(schema, exclude)) {
    out[flag] = { type: { kind: "boolean" }, description: `select the ${path} field`, placeholder: "" };
  }
  return out;
}

/** The paths of the select flags given (a flag a command redefines with another type does not select). */
export function selectedPaths(flags: Readonly<Record<string, FlagValue>>, schema: DescMessage, exclude: readonly string[] = []): string[] {
  const paths: string[] = [];
  for (const [flag, path] of selectTable(schema, exclude)) if (flags[flag] === true) paths.push(path);
  return paths;
}

// ---- settable flags -----------------------------------------------------------

/** The longest `X_` prefix every value name shares (`STATE_`), so values may be given without it. */
function enumPrefix(names: readonly string[]): string {
  const first = names[0] ?? "";
  let prefix = first.slice(0, first.lastIndexOf("_") + 1);
  while (prefix && !names.every((n) => n.startsWith(prefix))) prefix = prefix.slice(0, prefix.slice(0, -1).lastIndexOf("_") + 1);
  return prefix;
}

const INTEGER: readonly ScalarType[] = [ScalarType.INT32, ScalarType.SINT32, ScalarType.SFIXED32, ScalarType.INT64, ScalarType.SINT64, ScalarType.SFIXED64];
const UNSIGNED: readonly ScalarType[] = [ScalarType.UINT32, ScalarType.FIXED32, ScalarType.UINT64, ScalarType.FIXED64];
const BIG: readonly ScalarType[] = [ScalarType.INT64, ScalarType.SINT64, ScalarType.SFIXED64, ScalarType.UINT64, ScalarType.FIXED64];
const WRAPPERS: Readonly<Record<string, { type: FlagType; big?: boolean }>> = {
  "google.protobuf.StringValue": { type: { kind: "string" } },
  "google.protobuf.BoolValue": { type: { kind: "switch" } },
  "google.protobuf.UInt32Value": { type: { kind: "uint" } },
  "google.protobuf.UInt64Value": { type: { kind: "uint" }, big: true },
  "google.protobuf.Int32Value": { type: { kind: "number", integer: true } },
  "google.protobuf.Int64Value": { type: { kind: "number", integer: true }, big: true },
};

/** The flag type of a leaf field and how its parsed value becomes the field's value; undefined: not settable by flag. */
function leafType(f: DescField): { type: FlagType; convert?: (v: FlagValue) => unknown } | undefined {
  switch (f.fieldKind) {
    case "scalar": {
      if (f.scalar === ScalarType.STRING) return { type: { kind: "string" } };
      if (f.scalar === ScalarType.BOOL) return { type: { kind: "switch" } };
      const big = BIG.includes(f.scalar) ? (v: FlagValue) => BigInt(v as number) : undefined;
      if (UNSIGNED.includes(f.scalar)) return { type: { kind: "uint" }, convert: big };
      if (INTEGER.includes(f.scalar)) return { type: { kind: "number", integer: true }, convert: big };
      if (f.scalar === ScalarType.FLOAT || f.scalar === ScalarType.DOUBLE) return { type: { kind: "number" } };
      return undefined; // bytes: no text form that fits every field
    }
    case "enum": {
      const prefix = enumPrefix(f.enum.values.map((v) => v.name));
      return { type: { kind: "enum", schema: f.enum, prefix } };
    }
    case "list":
      if (f.listKind === "scalar" && f.scalar === ScalarType.STRING) return { type: { kind: "list" } };
      if (f.listKind === "enum") return { type: { kind: "enums", schema: f.enum, prefix: enumPrefix(f.enum.values.map((v) => v.name)) } };
      return undefined;
    case "map":
      return f.mapKey === ScalarType.STRING && f.mapKind === "scalar" && f.scalar === ScalarType.STRING ? { type: { kind: "map" } } : undefined;
    case "message": {
      if (f.message.typeName === "google.protobuf.Timestamp") return { type: { kind: "timestamp" } };
      const wrapper = WRAPPERS[f.message.typeName];
      if (wrapper) return { type: wrapper.type, convert: wrapper.big ? (v) => BigInt(v as number) : undefined };
      return undefined;
    }
  }
}

function placeholderOf(type: FlagType): string | undefined {
  return type.kind === "string" ? "VALUE" : undefined;
}

/**
 * Settable flags for every leaf of `schema` outside `exclude` (top-level
 * names; identifiers and server timestamps always left out). The mask path of
 * a leaf is its path, cut at a oneof: the whole message holding the oneof is
 * replaced (`administrative_contact`), as a oneof cannot be half set.
 */
export function settablesOf(schema: DescMessage, exclude: readonly string[] = []): Record<string, Settable> {
  const out: Record<string, Settable> = {};
  walk(schema, [...SERVER_KEPT, ...exclude], ({ flag, path, field, chain }) => {
    const leaf = leafType(field);
    if (!leaf) return;
    const cut = chain.findIndex((f) => f.oneof !== undefined);
    const maskPath = cut < 0 ? path : path.split(".").slice(0, Math.max(cut, 1)).join(".");
    const convert = leaf.convert ?? ((v: FlagValue) => v);
    out[flag] = {
      flag: { type: leaf.type, description: `the ${path} field`, ...(placeholderOf(leaf.type) ? { placeholder: placeholderOf(leaf.type)! } : {}) },
      path: maskPath,
      set: (value) => {
        let part: unknown = convert(value);
        for (let i = chain.length - 1; i >= 0; i--) {
          const f = chain[i]!;
          part = f.oneof ? { [f.oneof.localName]: { case: f.localName, value: part } } : { [f.localName]: part };
        }
        return part as Record<string, unknown>;
      },
    };
  });
  return out;
}

/** Field path of a `--unset` name given as a flag or a proto path (`network-server-address`, `version_ids.brand_id`). */
export function unsetPath(name: string, settables: Readonly<Record<string, Settable>>): string | undefined {
  const s = settables[name] ?? settables[dashed(name)];
  if (s) return s.path;
  const proto = name.replace(/-/g, "_");
  return Object.values(settables).some((x) => x.path === proto || x.path.startsWith(`${proto}.`)) ? proto : undefined;
}
