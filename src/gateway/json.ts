// Owns the JSON mapping of The Things Stack's HTTP API (spec §2 intro, §3.6),
// layered on the proto3 JSON of @bufbuild/protobuf: toJson/fromJson do the real
// work, and the descriptor is walked before and after them for the differences.
//
// Output (messageToJson): proto field names (snake_case), zero values omitted,
//   enums as full names, 64-bit integers as strings, Timestamps RFC 3339 "Z",
//   Durations "3600s" (all from protobuf-es), plus:
//   - bytes named dev_eui, join_eui, eui, dev_addr, net_id, ns_id: upper-case hex;
//   - google.protobuf.FieldMask: {"paths": [...]} with the paths as stored
//     (protojson would write one lowerCamelCase string).
// Input (messageFromJson): see json-input.ts for what is accepted.
import { clone, toJson, type DescMessage, type JsonObject, type JsonValue, type Message, type MessageShape, type Registry } from "@bufbuild/protobuf";
import { anyPack, anyUnpack, type Any, type FieldMask } from "@bufbuild/protobuf/wkt";
import { bodyFail, decodeNormalized, normalizeJson, type JsonOptions, type NormalizeOptions } from "./json-input.js";
import {
  ANY,
  eachMessage,
  FIELD_MASK,
  getField,
  hexLengthOf,
  isObject,
  messageOf,
  needsMaskClearing,
  needsOutputFix,
  valueFormTypes,
} from "./json-schema.js";

export { bodyFail, decodeNormalized, normalizeJson, splitPaths, type Fail, type JsonOptions, type NormalizeOptions } from "./json-input.js";
export { findField, resolveEnumValue } from "./json-schema.js";

/** Parses a JSON document (string or already parsed) into a message of type `desc`. */
export function messageFromJson<Desc extends DescMessage>(desc: Desc, json: JsonValue | string, opts: NormalizeOptions = {}): MessageShape<Desc> {
  const fail = opts.fail ?? bodyFail;
  let value: JsonValue;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json) as JsonValue;
    } catch (err) {
      throw fail("", `malformed JSON: ${(err as Error).message}`);
    }
  } else {
    value = json;
  }
  return decodeNormalized(desc, normalizeJson(desc, value, opts), opts);
}

// ---------------------------------------------------------------------------
// Output: message -> JSON

/** Writes a message as The Things Stack's HTTP API does. */
export function messageToJson(desc: DescMessage, msg: Message, opts: JsonOptions = {}): JsonValue {
  if (desc.typeName === FIELD_MASK) return { paths: [...(msg as FieldMask).paths] };
  let src = msg;
  if (needsMaskClearing(desc)) {
    // toJson refuses paths it cannot write as lowerCamelCase; the paths are
    // written by fixOutput from the original message anyway.
    src = clone(desc, msg);
    clearFieldMasks(desc, src, opts.registry);
  }
  const json = toJson(desc, src, { useProtoFieldName: true, registry: opts.registry });
  if (isObject(json) && needsOutputFix(desc)) fixOutput(desc, msg, json, opts.registry);
  return json;
}

function clearFieldMasks(desc: DescMessage, msg: Message, registry: Registry | undefined): void {
  for (const field of desc.fields) {
    const sub = messageOf(field);
    if (!sub || !needsMaskClearing(sub)) continue;
    eachMessage(field, getField(msg, field), undefined, (m) => {
      if (sub.typeName === FIELD_MASK) (m as FieldMask).paths = [];
      else if (sub.typeName === ANY) clearFieldMasksInAny(m as Any, registry);
      else clearFieldMasks(sub, m, registry);
    });
  }
}

function clearFieldMasksInAny(any: Any, registry: Registry | undefined): void {
  const inner = registry && anyUnpack(any, registry);
  const innerDesc = inner && registry.getMessage(inner.$typeName);
  if (!inner || !innerDesc || !needsMaskClearing(innerDesc)) return;
  if (innerDesc.typeName === FIELD_MASK) return; // written by toJson in its own form inside Any
  clearFieldMasks(innerDesc, inner, registry);
  anyPack(innerDesc, inner, any);
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex").toUpperCase();
}

function fixOutput(desc: DescMessage, msg: Message, json: JsonObject, registry: Registry | undefined): void {
  for (const field of desc.fields) {
    const j = json[field.name];
    if (j === undefined) continue;
    const value = getField(msg, field);
    if (hexLengthOf(field) !== undefined) {
      json[field.name] = Array.isArray(value) ? value.map(toHex) : toHex(value as Uint8Array);
      continue;
    }
    const sub = messageOf(field);
    if (!sub || !needsOutputFix(sub)) continue;
    eachMessage(field, value, json, (m, mj, set) => {
      if (sub.typeName === FIELD_MASK) {
        set({ paths: [...(m as FieldMask).paths] });
      } else if (sub.typeName === ANY) {
        if (isObject(mj)) fixAny(m as Any, mj, registry);
      } else if (isObject(mj)) {
        fixOutput(sub, m, mj, registry);
      }
    });
  }
}

function fixAny(any: Any, json: JsonObject, registry: Registry | undefined): void {
  const inner = registry && anyUnpack(any, registry);
  const innerDesc = inner && registry.getMessage(inner.$typeName);
  if (!inner || !innerDesc || valueFormTypes.has(innerDesc.typeName)) return;
  fixOutput(innerDesc, inner, json, registry);
}
