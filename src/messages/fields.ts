// Reading and writing one field of a message by descriptor, including oneof
// members (which live under the oneof's property as {case, value}).
import { clone, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { isWrapperDesc } from "@bufbuild/protobuf/wkt";

type Obj = Record<string, unknown>;
interface OneofValue { case: string | undefined; value?: unknown }

export function fieldByName(desc: DescMessage, name: string): DescField | undefined {
  return desc.fields.find((f) => f.name === name);
}

export function getField(msg: Message, field: DescField): unknown {
  const obj = msg as unknown as Obj;
  if (field.oneof) {
    const o = obj[field.oneof.localName] as OneofValue | undefined;
    return o?.case === field.localName ? o.value : undefined;
  }
  return obj[field.localName];
}

/**
 * A google.protobuf.Struct field: protobuf-es holds its value as a plain JSON
 * object (JsonObject), not as a message (a Struct inside a Value stays one).
 */
export function isStructField(field: DescField): boolean {
  return field.fieldKind === "message" && field.message.typeName === "google.protobuf.Struct" && field.parent.typeName !== "google.protobuf.Value";
}

/** A deep copy of a field value, so two messages never share a sub-message, list or map. */
export function copyValue(field: DescField, value: unknown): unknown {
  if (value === undefined) return undefined;
  switch (field.fieldKind) {
    case "message":
      // Singular wrapper fields (google.protobuf.UInt64Value...) hold the unboxed scalar.
      if (isWrapperDesc(field.message)) return value;
      if (isStructField(field)) return structuredClone(value);
      return clone(field.message, value as Message);
    case "list":
      return field.listKind === "message"
        ? (value as Message[]).map((m) => clone(field.message, m))
        : [...(value as unknown[])];
    case "map": {
      const out: Obj = {};
      for (const [k, v] of Object.entries(value as Obj)) out[k] = field.mapKind === "message" ? clone(field.message, v as Message) : v;
      return out;
    }
    default:
      return value instanceof Uint8Array ? new Uint8Array(value) : value;
  }
}

export function setField(msg: Message, field: DescField, value: unknown): void {
  const obj = msg as unknown as Obj;
  if (field.oneof) {
    obj[field.oneof.localName] = value === undefined ? { case: undefined } : { case: field.localName, value };
    return;
  }
  obj[field.localName] = value === undefined ? zeroOf(field) : value;
}

export function clearField(msg: Message, field: DescField): void {
  const obj = msg as unknown as Obj;
  if (field.oneof) {
    const o = obj[field.oneof.localName] as OneofValue | undefined;
    if (o?.case === field.localName) obj[field.oneof.localName] = { case: undefined };
    return;
  }
  obj[field.localName] = zeroOf(field);
}

export function zeroOf(field: DescField): unknown {
  switch (field.fieldKind) {
    case "list":
      return [];
    case "map":
      return {};
    case "message":
      return undefined;
    case "enum":
      return field.enum.values[0]?.number ?? 0;
    case "scalar":
      return field.getDefaultValue() ?? scalarZero(field);
  }
}

function scalarZero(field: DescField & { fieldKind: "scalar" }): unknown {
  // ScalarType numbers: 9 string, 8 bool, 12 bytes, 3/4/6/16/18 64-bit.
  switch (field.scalar) {
    case 9:
      return "";
    case 8:
      return false;
    case 12:
      return new Uint8Array(0);
    case 3:
    case 4:
    case 6:
    case 16:
    case 18:
      return 0n;
    default:
      return 0;
  }
}

/** True when the field holds something other than its zero value. */
export function isSet(msg: Message, field: DescField): boolean {
  const v = getField(msg, field);
  if (v === undefined || v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Uint8Array) return v.length > 0;
  if (field.fieldKind === "map") return Object.keys(v as Obj).length > 0;
  if (field.fieldKind === "message") return true;
  return v !== "" && v !== false && v !== 0 && v !== 0n;
}
