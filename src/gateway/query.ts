// Owns the request fields that come from the URL: query parameters and path
// variables, turned into canonical JSON (see json.ts) and merged with the body.
//
// Query rules (grpc-gateway's): a key is a dotted field path, each part the
// proto or lowerCamelCase name (`collaborator.user_ids.user_id=x`); a repeated
// field takes the key once per element; `field_mask=a,b.c` is comma-separated
// (repeating the key adds paths); enums by name, alias or number; bools
// true/false/1/0 (and Go's t/f/True/...); numbers as written. An unknown key is
// an error naming it. Keys that address a field owned by the path or the body
// are ignored, as grpc-gateway filters them out.
//
// Precedence: body, then query (only for fields the body cannot hold), then
// path variables, which win; when a path variable selects a oneof member, the
// other members set by the body are dropped, as in grpc-gateway where the path
// is applied to the decoded message last.
import { ScalarType, type DescField, type DescMessage, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { errValidation } from "../errors/index.js";
import { normalizeJson, type Fail, type JsonOptions } from "./json-input.js";
import { findField, isObject, wrapperTypes } from "./json-schema.js";

/** Errors in the URL: pkg/errors:validation naming the parameter or path field. */
export const urlFail: Fail = (field, problem) => errValidation({ field, reason: problem });

const goTrue = new Set(["1", "t", "T", "true", "TRUE", "True"]);
const goFalse = new Set(["0", "f", "F", "false", "FALSE", "False"]);

/** Well-known message types written as one string in a URL. */
const stringForm = new Set(["google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask"]);

/** The value field of a wrapper type (google.protobuf.BoolValue, ...), which is written bare. */
function wrapped(desc: DescMessage): DescField | undefined {
  return wrapperTypes.has(desc.typeName) ? desc.fields[0] : undefined;
}

function scalarFromString(scalar: ScalarType, text: string, name: string, fail: Fail): JsonValue {
  if (scalar !== ScalarType.BOOL) return text; // numbers, strings and bytes are checked by normalizeJson
  if (goTrue.has(text)) return true;
  if (goFalse.has(text)) return false;
  throw fail(name, `expected true or false, got ${JSON.stringify(text)}`);
}

/**
 * The JSON value for one element of `field` written as text in a URL; `name`
 * is how the caller wrote the field, for errors.
 */
export function valueFromString(field: DescField, text: string, name: string, fail: Fail = urlFail): JsonValue {
  const kind = field.fieldKind === "list" ? field.listKind : field.fieldKind;
  switch (kind) {
    case "scalar":
      return scalarFromString((field as { scalar: ScalarType }).scalar, text, name, fail);
    case "enum":
      return /^-?[0-9]+$/.test(text) ? Number(text) : text;
    case "message": {
      const msg = (field as { message: DescMessage }).message;
      if (stringForm.has(msg.typeName)) return text;
      const inner = wrapped(msg);
      if (inner && inner.fieldKind === "scalar") return scalarFromString(inner.scalar, text, name, fail);
      throw fail(name, "is a message: set its fields one by one, e.g. `" + name + "." + (msg.fields[0]?.name ?? "field") + "`");
    }
    default:
      throw fail(name, "map fields cannot be set in a URL");
  }
}

/**
 * Sets `value` at the field path inside `json` (canonical keys), creating the
 * objects on the way and dropping other members of any oneof it selects.
 */
export function setAtFieldPath(json: JsonObject, fields: readonly DescField[], value: JsonValue): void {
  let obj = json;
  fields.forEach((field, i) => {
    if (field.oneof) for (const other of field.oneof.fields) if (other !== field) delete obj[other.name];
    if (i === fields.length - 1) {
      obj[field.name] = value;
      return;
    }
    const next = obj[field.name];
    if (typeof next !== "object" || next === null || Array.isArray(next)) obj[field.name] = {};
    obj = obj[field.name] as JsonObject;
  });
}

/** Resolves a dotted parameter name (proto or lowerCamelCase parts) to fields. */
function resolveKey(desc: DescMessage, key: string, fail: Fail): DescField[] {
  const fields: DescField[] = [];
  let msg: DescMessage | undefined = desc;
  for (const part of key.split(".")) {
    const field: DescField | undefined = msg && findField(msg, part);
    if (!msg || !field) {
      if (fields.length > 0 && !msg) throw fail(key, `\`${fields.map((f) => f.name).join(".")}\` has no fields`);
      throw fail(key, "unknown query parameter");
    }
    fields.push(field);
    const isPlainMessage: boolean =
      field.fieldKind === "message" && !stringForm.has(field.message.typeName) && !wrapped(field.message);
    msg = isPlainMessage ? (field as { message: DescMessage }).message : undefined;
  }
  return fields;
}

export interface QueryOptions extends JsonOptions {
  /** Proto field paths owned by the path or the body: parameters at or under them are ignored. */
  ignore?: readonly string[];
  fail?: Fail;
}

/** Query parameters -> canonical JSON of the request message `desc`. */
export function queryToJson(desc: DescMessage, params: URLSearchParams, opts: QueryOptions = {}): JsonObject {
  const fail = opts.fail ?? urlFail;
  const ignore = opts.ignore ?? [];
  const out: JsonObject = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    const fields = resolveKey(desc, key, fail);
    const protoPath = fields.map((f) => f.name).join(".");
    if (ignore.some((p) => protoPath === p || protoPath.startsWith(p + "."))) continue;
    const leaf = fields[fields.length - 1]!;
    let value: JsonValue;
    if (leaf.fieldKind === "list") {
      value = values.map((v) => valueFromString(leaf, v, key, fail));
    } else if (leaf.fieldKind === "message" && leaf.message.typeName === "google.protobuf.FieldMask") {
      value = values.join(",");
    } else {
      if (values.length > 1) throw fail(key, "expects a single value, got " + values.length);
      value = valueFromString(leaf, values[0]!, key, fail);
    }
    setAtFieldPath(out, fields, value);
  }
  return normalizeJson(desc, out, { fail, registry: opts.registry }) as JsonObject;
}

/** Path variables (field path -> decoded text) -> canonical JSON of the request message. */
export function pathToJson(
  desc: DescMessage,
  variables: readonly { fieldPath: string; fields: readonly DescField[] }[],
  values: Readonly<Record<string, string>>,
  opts: { fail?: Fail } & JsonOptions = {},
): JsonObject {
  const fail = opts.fail ?? urlFail;
  const out: JsonObject = {};
  for (const v of variables) {
    const text = values[v.fieldPath];
    if (text === undefined) continue;
    setAtFieldPath(out, v.fields, valueFromString(v.fields[v.fields.length - 1]!, text, v.fieldPath, fail));
  }
  return normalizeJson(desc, out, { fail, registry: opts.registry }) as JsonObject;
}

/**
 * Merges canonical JSON `over` into `base` (both for message `desc`); `over`
 * wins. Nested messages merge field by field; a oneof member in `over` drops
 * the other members from `base`; lists, maps and field masks are replaced.
 */
export function mergeJson(desc: DescMessage, base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const key of Object.keys(over)) {
    const value = over[key]!;
    // Canonical keys are proto names, which findField resolves first.
    const field = findField(desc, key);
    if (field?.oneof) for (const other of field.oneof.fields) if (other !== field) delete out[other.name];
    const prev = out[key];
    if (field?.fieldKind === "message" && !stringForm.has(field.message.typeName) && isObject(prev) && isObject(value)) {
      out[key] = mergeJson(field.message, prev, value);
    } else {
      out[key] = value;
    }
  }
  return out;
}
