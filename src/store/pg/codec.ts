// Message <-> row by descriptor: every top-level field with a column of the same
// name is stored there. Timestamps are timestamptz, enums and scalars are plain
// columns, sub-messages (Struct fields as their JSON object), lists and maps are
// jsonb in the proto JSON mapping.
// Identifiers are the caller's business (they differ per entity).
import { create, fromJson, toJson, type DescField, type DescMessage, type JsonValue, type Message } from "@bufbuild/protobuf";
import { isWrapperDesc, timestampDate, timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { getField, isStructField, setField } from "../../messages/fields.js";

type Row = Record<string, unknown>;

const isTimestamp = (f: DescField) => f.fieldKind === "message" && f.message.typeName === "google.protobuf.Timestamp";

function toColumn(field: DescField, value: unknown): unknown {
  if (value === undefined) return null;
  switch (field.fieldKind) {
    case "scalar":
    case "enum":
      return value;
    case "message":
      if (isTimestamp(field)) return timestampDate(value as Timestamp);
      // Singular wrapper fields hold the unboxed scalar; the column holds its proto JSON ("5" for UInt64Value).
      if (isWrapperDesc(field.message)) return toJson(field.message, create(field.message, { value } as never));
      // A Struct field holds its JSON object already (its proto JSON).
      if (isStructField(field)) return value;
      return toJson(field.message, value as Message, { useProtoFieldName: true });
    case "list":
      if ((value as unknown[]).length === 0) return null;
      if (field.listKind === "message") return (value as Message[]).map((m) => toJson(field.message, m, { useProtoFieldName: true }));
      return value;
    case "map": {
      const entries = Object.entries(value as Row);
      if (entries.length === 0) return null;
      if (field.mapKind !== "message") return value;
      return Object.fromEntries(entries.map(([k, v]) => [k, toJson(field.message, v as Message, { useProtoFieldName: true })]));
    }
  }
}

function fromColumn(field: DescField, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  switch (field.fieldKind) {
    case "scalar":
    case "enum":
      return value;
    case "message":
      if (isTimestamp(field)) return timestampFromDate(value as Date);
      if (isWrapperDesc(field.message)) return (fromJson(field.message, value as JsonValue) as unknown as { value: unknown }).value;
      if (isStructField(field)) return value;
      return fromJson(field.message, value as JsonValue, { ignoreUnknownFields: true });
    case "list":
      if (field.listKind === "message") return (value as JsonValue[]).map((v) => fromJson(field.message, v, { ignoreUnknownFields: true }));
      return [...(value as unknown[])];
    case "map":
      if (field.mapKind !== "message") return { ...(value as Row) };
      return Object.fromEntries(
        Object.entries(value as Record<string, JsonValue>).map(([k, v]) => [k, fromJson(field.message, v, { ignoreUnknownFields: true })]),
      );
  }
}

export interface RowCodec<T extends Message> {
  /** Fields stored in columns, by proto name. */
  readonly columns: ReadonlySet<string>;
  decode(row: Row): T;
  /** Column values for the given top-level fields (all stored fields when omitted). */
  encode(msg: T, fields?: Iterable<string>): Row;
}

export function rowCodec<T extends Message>(desc: DescMessage, columnNames: Iterable<string>, skip: string[] = []): RowCodec<T> {
  const names = new Set(columnNames);
  const stored = desc.fields.filter((f) => names.has(f.name) && !skip.includes(f.name));
  const byName = new Map(stored.map((f) => [f.name, f]));
  return {
    columns: new Set(byName.keys()),
    decode(row) {
      const msg = create(desc) as T;
      for (const f of stored) {
        const v = fromColumn(f, row[f.name]);
        if (v !== undefined) setField(msg, f, v);
      }
      return msg;
    },
    encode(msg, fields) {
      const out: Row = {};
      for (const name of fields ?? byName.keys()) {
        const f = byName.get(name);
        if (f) out[f.name] = toColumn(f, getField(msg, f));
      }
      return out;
    },
  };
}
