// Owns JSON input: checking a JSON document against the message descriptor
// and rewriting it into canonical JSON (proto names, full enum names, base64
// bytes, field masks as {"paths"}), then decoding that with protobuf-es.
//
// Two steps so that the HTTP handler can merge body, query and path variables
// before decoding. Every check names the field path of the bad value
// (`application.ids.application_id`, `rights[1]`, `attributes["k"]`).
//
// Accepted on input (The Things Stack's rules, spec §2 and §3.6):
//   - field names in snake_case or lowerCamelCase; null = unset;
//   - enums by full name, by name without the prefix shared by the enum's
//     values ("APPROVED", "APPLICATION_INFO"), or by number (defined values only);
//   - dev_eui, join_eui, eui, dev_addr, net_id, ns_id: hex of the exact length,
//     or base64 (std or URL alphabet, padding optional) of the exact length;
//     "" = unset. Other bytes: base64;
//   - 64-bit integers as numbers or strings; 32-bit ones too, range-checked;
//   - google.protobuf.FieldMask as {"paths": [...]} or "a,b.c", paths as written;
//   - google.protobuf.Duration as "3600s" or in Go syntax ("1h30m", "90m");
//   - google.protobuf.Timestamp as RFC 3339 in UTC ("...Z"), 1-9 fraction digits.
import { create, fromJson, ScalarType, type DescEnum, type DescField, type DescMessage, type JsonObject, type JsonValue, type Message, type MessageShape, type Registry } from "@bufbuild/protobuf";
import { base64Decode, base64Encode } from "@bufbuild/protobuf/wire";
import { FieldMaskSchema, type FieldMask } from "@bufbuild/protobuf/wkt";
import { errMalformedRequest } from "../errors/index.js";
import {
  ANY,
  eachMessage,
  elementKind,
  FIELD_MASK,
  findField,
  getField,
  hasFieldMask,
  hexLengthOf,
  isObject,
  messageOf,
  resolveEnumValue,
  typeOf,
  valueFormTypes,
  wrapperTypes,
  type Kind,
} from "./json-schema.js";

/** Builds the error for a bad value at a field path ("" = the whole document). */
export type Fail = (path: string, problem: string) => Error;

export interface JsonOptions {
  /** Needed for google.protobuf.Any. */
  registry?: Registry;
}

export interface NormalizeOptions extends JsonOptions {
  fail?: Fail;
  /** Path of `json` inside the request, for error messages. */
  path?: string;
}

/** The default: a pkg/jsonpb:unmarshal error (InvalidArgument) naming the field. */
export const bodyFail: Fail = (path, problem) =>
  errMalformedRequest({ reason: path ? `\`${path}\`: ${problem}` : problem, field: path });

// ---------------------------------------------------------------------------
// Input: JSON -> canonical JSON

interface Ctx {
  fail: Fail;
  registry: Registry | undefined;
  /** Inside google.protobuf.Any, fromJson decodes field masks itself. */
  inAny: boolean;
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/**
 * Checks `json` against the message descriptor and rewrites it into the
 * canonical form decodeNormalized() expects. Throws `fail(path, problem)`.
 */
export function normalizeJson(desc: DescMessage, json: JsonValue, opts: NormalizeOptions = {}): JsonValue {
  const ctx: Ctx = { fail: opts.fail ?? bodyFail, registry: opts.registry, inAny: false };
  const out = normMessage(desc, json, opts.path ?? "", ctx);
  return out === undefined ? {} : out;
}

function normMessage(desc: DescMessage, json: JsonValue, path: string, ctx: Ctx): JsonValue | undefined {
  switch (desc.typeName) {
    case "google.protobuf.Timestamp":
      return normTimestamp(json, path, ctx);
    case "google.protobuf.Duration":
      return normDuration(json, path, ctx);
    case FIELD_MASK:
      return normFieldMask(json, path, ctx);
    case ANY:
      return normAny(json, path, ctx);
    case "google.protobuf.Value":
      return json;
    case "google.protobuf.Struct":
      if (!isObject(json)) throw ctx.fail(path, `expected a JSON object, got ${typeOf(json)}`);
      return json;
    case "google.protobuf.ListValue":
      if (!Array.isArray(json)) throw ctx.fail(path, `expected a JSON array, got ${typeOf(json)}`);
      return json;
  }
  if (wrapperTypes.has(desc.typeName)) return normScalar(desc.fields[0]!, (desc.fields[0] as { scalar: ScalarType }).scalar, json, path, ctx);

  if (!isObject(json)) throw ctx.fail(path, `expected a JSON object, got ${typeOf(json)}`);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(json)) {
    const field = findField(desc, key);
    const p = join(path, field ? field.name : key);
    if (!field) throw ctx.fail(p, "unknown field");
    if (value === null && messageOf(field)?.typeName !== "google.protobuf.Value") continue; // null = unset
    const v = normField(field, value, p, ctx);
    if (v !== undefined) out[field.name] = v;
  }
  return out;
}

function normField(field: DescField, json: JsonValue, path: string, ctx: Ctx): JsonValue | undefined {
  const kind = elementKind(field);
  if (field.fieldKind === "list") {
    if (!Array.isArray(json)) throw ctx.fail(path, `expected a JSON array, got ${typeOf(json)}`);
    const out: JsonValue[] = [];
    json.forEach((item, i) => {
      const p = `${path}[${i}]`;
      if (item === null && !(kind.kind === "message" && kind.message.typeName === "google.protobuf.Value")) {
        throw ctx.fail(p, "null is not allowed in a list");
      }
      const v = normElement(field, kind, item, p, ctx);
      if (v !== undefined) out.push(v);
    });
    return out;
  }
  if (field.fieldKind === "map") {
    if (!isObject(json)) throw ctx.fail(path, `expected a JSON object, got ${typeOf(json)}`);
    const out: JsonObject = {};
    for (const [k, item] of Object.entries(json)) {
      const p = `${path}[${JSON.stringify(k)}]`;
      checkMapKey(field.mapKey, k, p, ctx);
      if (item === null) throw ctx.fail(p, "null is not allowed as a map value");
      const v = normElement(field, kind, item, p, ctx);
      out[k] = v === undefined ? "" : v;
    }
    return out;
  }
  return normElement(field, kind, json, path, ctx);
}

function normElement(field: DescField, kind: Kind, json: JsonValue, path: string, ctx: Ctx): JsonValue | undefined {
  switch (kind.kind) {
    case "scalar":
      return normScalar(field, kind.scalar, json, path, ctx);
    case "enum":
      return normEnum(kind.enum, json, path, ctx);
    case "message":
      return normMessage(kind.message, json, path, ctx);
  }
}

function checkMapKey(scalar: ScalarType, key: string, path: string, ctx: Ctx): void {
  switch (scalar) {
    case ScalarType.BOOL:
      if (key !== "true" && key !== "false") throw ctx.fail(path, "map key must be true or false");
      return;
    case ScalarType.STRING:
      return;
    default:
      if (!/^-?[0-9]+$/.test(key)) throw ctx.fail(path, "map key must be an integer");
  }
}

const int32Range: Partial<Record<ScalarType, [bigint, bigint]>> = {
  [ScalarType.INT32]: [-(2n ** 31n), 2n ** 31n - 1n],
  [ScalarType.SINT32]: [-(2n ** 31n), 2n ** 31n - 1n],
  [ScalarType.SFIXED32]: [-(2n ** 31n), 2n ** 31n - 1n],
  [ScalarType.UINT32]: [0n, 2n ** 32n - 1n],
  [ScalarType.FIXED32]: [0n, 2n ** 32n - 1n],
  [ScalarType.INT64]: [-(2n ** 63n), 2n ** 63n - 1n],
  [ScalarType.SINT64]: [-(2n ** 63n), 2n ** 63n - 1n],
  [ScalarType.SFIXED64]: [-(2n ** 63n), 2n ** 63n - 1n],
  [ScalarType.UINT64]: [0n, 2n ** 64n - 1n],
  [ScalarType.FIXED64]: [0n, 2n ** 64n - 1n],
};

const is64 = (s: ScalarType) =>
  s === ScalarType.INT64 || s === ScalarType.UINT64 || s === ScalarType.SINT64 || s === ScalarType.FIXED64 || s === ScalarType.SFIXED64;

function normScalar(field: DescField, scalar: ScalarType, json: JsonValue, path: string, ctx: Ctx): JsonValue | undefined {
  switch (scalar) {
    case ScalarType.STRING:
      if (typeof json !== "string") throw ctx.fail(path, `expected a string, got ${typeOf(json)}`);
      return json;
    case ScalarType.BOOL:
      if (typeof json !== "boolean") throw ctx.fail(path, `expected true or false, got ${typeOf(json)}`);
      return json;
    case ScalarType.BYTES: {
      if (typeof json !== "string") throw ctx.fail(path, `expected a string, got ${typeOf(json)}`);
      const hexLength = hexLengthOf(field);
      if (hexLength !== undefined) return normHexBytes(json, hexLength, path, ctx);
      const bytes = decodeBase64(json);
      if (!bytes) throw ctx.fail(path, "invalid base64");
      return base64Encode(bytes);
    }
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE:
      if (typeof json === "number") return json;
      if (typeof json === "string" && (json === "NaN" || json === "Infinity" || json === "-Infinity")) return json;
      if (typeof json === "string" && json.trim() !== "" && Number.isFinite(Number(json))) return Number(json);
      throw ctx.fail(path, `expected a number, got ${typeOf(json)}`);
    default: {
      const range = int32Range[scalar]!;
      let n: bigint | undefined;
      if (typeof json === "number" && Number.isInteger(json)) n = BigInt(json);
      else if (typeof json === "string" && /^-?[0-9]+$/.test(json)) n = BigInt(json);
      const what = range[0] === 0n ? "an unsigned integer" : "an integer";
      if (n === undefined) throw ctx.fail(path, `expected ${what}, got ${typeOf(json)}`);
      if (n < range[0] || n > range[1]) throw ctx.fail(path, `${n} is out of range for ${what} of ${is64(scalar) ? 64 : 32} bits`);
      return is64(scalar) ? n.toString() : Number(n);
    }
  }
}

/** Standard or URL-safe base64, padding optional; undefined when malformed. */
function decodeBase64(s: string): Uint8Array | undefined {
  const unpadded = s.replace(/={1,2}$/, "");
  if (!/^[A-Za-z0-9+/_-]*$/.test(unpadded) || unpadded.length % 4 === 1) return undefined;
  if (unpadded.length !== s.length && s.length % 4 !== 0) return undefined;
  try {
    return base64Decode(unpadded);
  } catch {
    return undefined;
  }
}

function normHexBytes(json: string, length: number, path: string, ctx: Ctx): JsonValue | undefined {
  if (json === "") return undefined;
  if (json.length === length * 2 && /^[0-9A-Fa-f]+$/.test(json)) return base64Encode(Buffer.from(json, "hex"));
  const bytes = decodeBase64(json);
  if (bytes && bytes.length === length) return base64Encode(bytes);
  throw ctx.fail(path, `expected ${length} bytes as hex (${length * 2} digits) or base64, got ${JSON.stringify(json)}`);
}

function normEnum(desc: DescEnum, json: JsonValue, path: string, ctx: Ctx): JsonValue | undefined {
  if (desc.typeName === "google.protobuf.NullValue") return json;
  if (typeof json !== "string" && !(typeof json === "number" && Number.isInteger(json))) {
    throw ctx.fail(path, `expected an enum value name or number, got ${typeOf(json)}`);
  }
  const v = resolveEnumValue(desc, json);
  if (!v) throw ctx.fail(path, `unknown value ${JSON.stringify(json)} for enum ${desc.typeName}`);
  return v.name;
}

const timestampPattern = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?Z$/;

function normTimestamp(json: JsonValue, path: string, ctx: Ctx): JsonValue {
  const bad = () =>
    ctx.fail(path, `invalid timestamp ${typeOf(json)}: expected RFC 3339 in UTC, e.g. "2024-01-31T12:00:00Z"`);
  if (typeof json !== "string") throw bad();
  const m = timestampPattern.exec(json);
  if (!m) throw bad();
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s);
  // Round trip to reject "2024-02-30" and "25:00:00", which Date would roll over.
  const ok =
    y >= 1 &&
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s;
  if (!ok) throw bad();
  return json;
}

const goDurationUnits: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "µs": 1_000n,
  "μs": 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const maxDurationSeconds = 315_576_000_000n;

/** Parses Go's time.ParseDuration syntax ("1h30m", "-1.5s", "0") into nanoseconds. */
function parseGoDuration(s: string): bigint | undefined {
  let rest = s;
  let sign = 1n;
  if (rest[0] === "-" || rest[0] === "+") {
    sign = rest[0] === "-" ? -1n : 1n;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0n;
  if (rest === "") return undefined;
  let total = 0n;
  const part = /^([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (rest !== "") {
    const m = part.exec(rest);
    if (!m || (m[1] === "" && (m[2] ?? "") === "")) return undefined;
    const unit = goDurationUnits[m[3]!]!;
    total += BigInt(m[1] || "0") * unit;
    const frac = m[2] ?? "";
    if (frac !== "") total += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

function normDuration(json: JsonValue, path: string, ctx: Ctx): JsonValue {
  const bad = () => ctx.fail(path, `invalid duration ${typeOf(json)}: expected e.g. "3600s", "1.5s" or "1h30m"`);
  if (typeof json !== "string") throw bad();
  let nanos: bigint | undefined;
  const proto = /^(-)?([0-9]+)(?:\.([0-9]{1,9}))?s$/.exec(json);
  if (proto) {
    nanos = BigInt(proto[2]!) * 1_000_000_000n + BigInt((proto[3] ?? "").padEnd(9, "0"));
    if (proto[1]) nanos = -nanos;
  } else {
    nanos = parseGoDuration(json);
  }
  if (nanos === undefined) throw bad();
  const neg = nanos < 0n;
  const abs = neg ? -nanos : nanos;
  const seconds = abs / 1_000_000_000n;
  const frac = abs % 1_000_000_000n;
  if (seconds > maxDurationSeconds) throw ctx.fail(path, `duration ${JSON.stringify(json)} is out of range`);
  return `${neg ? "-" : ""}${seconds}${frac ? "." + frac.toString().padStart(9, "0") : ""}s`;
}

function normFieldMask(json: JsonValue, path: string, ctx: Ctx): JsonValue {
  let paths: string[];
  if (typeof json === "string") {
    paths = splitPaths(json);
  } else if (isObject(json)) {
    for (const key of Object.keys(json)) if (key !== "paths") throw ctx.fail(join(path, key), "unknown field");
    const raw = json.paths ?? [];
    if (!Array.isArray(raw)) throw ctx.fail(join(path, "paths"), `expected a JSON array, got ${typeOf(raw)}`);
    paths = raw.map((p, i) => {
      if (typeof p !== "string") throw ctx.fail(`${join(path, "paths")}[${i}]`, `expected a string, got ${typeOf(p)}`);
      return p;
    });
  } else {
    throw ctx.fail(path, `expected {"paths": [...]} or a comma-separated string, got ${typeOf(json)}`);
  }
  // protobuf-es reads field masks inside Any in the proto3 form: lowerCamelCase.
  if (ctx.inAny) return paths.map((p) => p.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())).join(",");
  return { paths };
}

/** "a, b.c,," -> ["a", "b.c"] */
export function splitPaths(s: string): string[] {
  return s
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

function normAny(json: JsonValue, path: string, ctx: Ctx): JsonValue {
  if (!isObject(json)) throw ctx.fail(path, `expected a JSON object, got ${typeOf(json)}`);
  const typeUrl = json["@type"];
  if (typeof typeUrl !== "string" || typeUrl === "") throw ctx.fail(join(path, "@type"), "expected a type URL");
  const inner = ctx.registry?.getMessage(typeUrl.slice(typeUrl.lastIndexOf("/") + 1));
  if (!inner) throw ctx.fail(join(path, "@type"), `unknown message type ${JSON.stringify(typeUrl)}`);
  const innerCtx = { ...ctx, inAny: true };
  if (valueFormTypes.has(inner.typeName)) {
    for (const key of Object.keys(json)) if (key !== "@type" && key !== "value") throw ctx.fail(join(path, key), "unknown field");
    return { "@type": typeUrl, value: normMessage(inner, json.value ?? null, join(path, "value"), innerCtx) ?? null };
  }
  const { ["@type"]: _, ...rest } = json;
  return { "@type": typeUrl, ...(normMessage(inner, rest, path, innerCtx) as JsonObject) };
}

// ---------------------------------------------------------------------------
// Input: canonical JSON -> message

/**
 * Decodes canonical JSON (from normalizeJson) with fromJson. Field masks are
 * set afterwards from the JSON, because fromJson only reads the proto3
 * lowerCamelCase string form and would rewrite snake_case paths.
 */
export function decodeNormalized<Desc extends DescMessage>(desc: Desc, json: JsonValue, opts: NormalizeOptions = {}): MessageShape<Desc> {
  const fail = opts.fail ?? bodyFail;
  if (desc.typeName === FIELD_MASK) {
    return create(FieldMaskSchema, { paths: (json as { paths: string[] }).paths }) as unknown as MessageShape<Desc>;
  }
  const prepared = hasFieldMask(desc) ? blankFieldMasks(desc, json as JsonObject) : json;
  let msg: MessageShape<Desc>;
  try {
    msg = fromJson(desc, prepared, { registry: opts.registry, ignoreUnknownFields: false });
  } catch (err) {
    // The walk above checked every value, so this is a conflict it cannot see
    // (e.g. two members of one oneof): report protobuf-es's words.
    throw fail("", (err as Error).message);
  }
  if (hasFieldMask(desc)) applyFieldMasks(desc, msg, json as JsonObject);
  return msg;
}

function blankFieldMasks(desc: DescMessage, json: JsonObject): JsonObject {
  let out = json;
  for (const field of desc.fields) {
    const sub = messageOf(field);
    const value = json[field.name];
    if (!sub || value === undefined || !hasFieldMask(sub)) continue;
    if (out === json) out = { ...json };
    if (field.fieldKind === "list") out[field.name] = (value as JsonValue[]).map((v) => blankValue(sub, v));
    else if (field.fieldKind === "map") out[field.name] = Object.fromEntries(Object.entries(value as JsonObject).map(([k, v]) => [k, blankValue(sub, v)]));
    else out[field.name] = blankValue(sub, value);
  }
  return out;
}

/** A value of message type `desc` with its field masks blanked (a field mask itself: ""). */
function blankValue(desc: DescMessage, v: JsonValue): JsonValue {
  return desc.typeName === FIELD_MASK ? "" : blankFieldMasks(desc, v as JsonObject);
}

function applyFieldMasks(desc: DescMessage, msg: Message, json: JsonObject): void {
  for (const field of desc.fields) {
    const sub = messageOf(field);
    const value = json[field.name];
    if (!sub || value === undefined || !hasFieldMask(sub)) continue;
    eachMessage(field, getField(msg, field), json, (m, j) => {
      if (!isObject(j)) return;
      if (sub.typeName === FIELD_MASK) (m as FieldMask).paths = [...(j.paths as string[])];
      else applyFieldMasks(sub, m, j);
    });
  }
}
