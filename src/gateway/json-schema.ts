// Owns what the JSON mapping needs to know about descriptors: which fields are
// written as hex, which well-known types have a JSON form of their own, field
// lookup by either JSON name, enum values by alias, and small walkers over
// protobuf-es messages. Shared by json-input.ts, json.ts and query.ts.
import { ScalarType, type DescEnum, type DescEnumValue, type DescField, type DescMessage, type JsonObject, type JsonValue, type Message } from "@bufbuild/protobuf";

/** Byte length of the bytes fields written as hex, by field name. */
const hexBytesLength: ReadonlyMap<string, number> = new Map([
  ["dev_eui", 8],
  ["join_eui", 8],
  ["eui", 8],
  ["ns_id", 8],
  ["dev_addr", 4],
  ["net_id", 3],
]);

export const FIELD_MASK = "google.protobuf.FieldMask";
export const ANY = "google.protobuf.Any";
export const wrapperTypes = new Set(
  ["Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "Bool", "String", "Bytes"].map((t) => `google.protobuf.${t}Value`),
);
/** Well-known types whose JSON is not an object of their fields (inside Any they sit under "value"). */
export const valueFormTypes = new Set([
  ...wrapperTypes,
  "google.protobuf.Timestamp",
  "google.protobuf.Duration",
  FIELD_MASK,
  "google.protobuf.Struct",
  "google.protobuf.Value",
  "google.protobuf.ListValue",
  ANY,
]);

export function hexLengthOf(field: DescField): number | undefined {
  if (field.fieldKind === "map" || field.fieldKind === "message" || field.fieldKind === "enum") return undefined;
  if (field.scalar !== ScalarType.BYTES) return undefined;
  return hexBytesLength.get(field.name);
}

// ---------------------------------------------------------------------------
// Descriptor helpers

export type Kind =
  | { kind: "scalar"; scalar: ScalarType }
  | { kind: "enum"; enum: DescEnum }
  | { kind: "message"; message: DescMessage };

/** What one element of the field holds (the value of a map, the item of a list). */
export function elementKind(field: DescField): Kind {
  switch (field.fieldKind) {
    case "scalar":
      return { kind: "scalar", scalar: field.scalar };
    case "enum":
      return { kind: "enum", enum: field.enum };
    case "message":
      return { kind: "message", message: field.message };
    case "list":
      if (field.listKind === "scalar") return { kind: "scalar", scalar: field.scalar };
      if (field.listKind === "enum") return { kind: "enum", enum: field.enum };
      return { kind: "message", message: field.message };
    case "map":
      if (field.mapKind === "scalar") return { kind: "scalar", scalar: field.scalar };
      if (field.mapKind === "enum") return { kind: "enum", enum: field.enum };
      return { kind: "message", message: field.message };
  }
}

export function messageOf(field: DescField): DescMessage | undefined {
  const k = elementKind(field);
  return k.kind === "message" ? k.message : undefined;
}

const fieldsByJsonKey = new WeakMap<DescMessage, Map<string, DescField>>();

/** Looks a field up by proto name or lowerCamelCase JSON name. */
export function findField(desc: DescMessage, key: string): DescField | undefined {
  let byKey = fieldsByJsonKey.get(desc);
  if (!byKey) {
    byKey = new Map();
    for (const f of desc.fields) byKey.set(f.jsonName, f);
    for (const f of desc.fields) byKey.set(f.name, f); // proto names win a clash
    fieldsByJsonKey.set(desc, byKey);
  }
  return byKey.get(key);
}

const reachCache = new Map<string, WeakMap<DescMessage, boolean>>();

/**
 * True when a message of type `desc`, or one nested in it at any depth, can
 * hold something `test` accepts. Lets the walks below skip messages that need
 * no rewriting.
 */
export function reaches(desc: DescMessage, key: string, test: (m: DescMessage) => boolean): boolean {
  let cache = reachCache.get(key);
  if (!cache) reachCache.set(key, (cache = new WeakMap()));
  const hit = cache.get(desc);
  if (hit !== undefined) return hit;
  const seen = new Set<DescMessage>();
  const stack = [desc];
  let found = false;
  while (stack.length > 0 && !found) {
    const m = stack.pop()!;
    if (seen.has(m)) continue;
    seen.add(m);
    if (test(m)) found = true;
    for (const f of m.fields) {
      const sub = messageOf(f);
      if (sub) stack.push(sub);
    }
  }
  cache.set(desc, found);
  return found;
}

export const hasFieldMask = (desc: DescMessage) => reaches(desc, "mask", (m) => m.typeName === FIELD_MASK);
export const needsOutputFix = (desc: DescMessage) =>
  reaches(desc, "output", (m) => m.typeName === FIELD_MASK || m.typeName === ANY || m.fields.some((f) => hexLengthOf(f) !== undefined));
export const needsMaskClearing = (desc: DescMessage) => reaches(desc, "clear", (m) => m.typeName === FIELD_MASK || m.typeName === ANY);

/** The value of a field on a protobuf-es message, oneof members included. */
export function getField(msg: Message, field: DescField): unknown {
  const record = msg as unknown as Record<string, unknown>;
  if (field.oneof) {
    const sel = record[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
    return sel?.case === field.localName ? sel.value : undefined;
  }
  return record[field.localName];
}

/**
 * Calls fn for every message held by a message-typed field (singular, list or
 * map), with its JSON counterpart in `parent` (when given) and a setter for it.
 */
export function eachMessage(
  field: DescField,
  value: unknown,
  parent: JsonObject | undefined,
  fn: (m: Message, json: JsonValue | undefined, set: (v: JsonValue) => void) => void,
): void {
  if (value === undefined || value === null) return;
  const json = parent?.[field.name];
  if (field.fieldKind === "list") {
    const jarr = Array.isArray(json) ? json : undefined;
    (value as Message[]).forEach((m, i) => fn(m, jarr?.[i], (v) => jarr && (jarr[i] = v)));
  } else if (field.fieldKind === "map") {
    const rec = value as Record<string, Message>;
    const jobj = isObject(json) ? json : undefined;
    for (const k of Object.keys(rec)) fn(rec[k]!, jobj?.[k], (v) => jobj && (jobj[k] = v));
  } else {
    fn(value as Message, json, (v) => parent && (parent[field.name] = v));
  }
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}

// ---------------------------------------------------------------------------
// Enums

const enumAliases = new WeakMap<DescEnum, Map<string, DescEnumValue>>();

/**
 * The prefix shared by the enum's value names, up to and including its last
 * "_" ("RIGHT_" for Right, "CONTACT_TYPE_" for ContactType). Compared without
 * case because some zero values are lower-case (`right_invalid`).
 */
function sharedPrefixLength(desc: DescEnum): number {
  const names = desc.values.map((v) => v.name.toUpperCase());
  if (names.length < 2) return 0;
  let n = names[0]!.length;
  for (const name of names) {
    let i = 0;
    while (i < n && i < name.length && name[i] === names[0]![i]) i++;
    n = i;
  }
  return names[0]!.lastIndexOf("_", n - 1) + 1;
}

function aliasesOf(desc: DescEnum): Map<string, DescEnumValue> {
  let map = enumAliases.get(desc);
  if (map) return map;
  map = new Map();
  const cut = sharedPrefixLength(desc);
  if (cut > 0) {
    for (const v of desc.values) {
      const alias = v.name.slice(cut);
      // An alias must still read as a name: "1_0" or "" would be ambiguous.
      if (alias !== "" && !/^[0-9]/.test(alias)) map.set(alias, v);
    }
  }
  for (const v of desc.values) map.set(v.name, v); // full names win
  enumAliases.set(desc, map);
  return map;
}

/** Resolves an enum value by full name, name without the shared prefix, or number. */
export function resolveEnumValue(desc: DescEnum, input: string | number): DescEnumValue | undefined {
  if (typeof input === "number") return desc.values.find((v) => v.number === input);
  return aliasesOf(desc).get(input);
}
