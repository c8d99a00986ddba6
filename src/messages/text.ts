// Which strings a request may carry: well-formed Unicode without U+0000.
// PostgreSQL text cannot hold NUL, and a lone surrogate (possible only through
// JSON's \uD800 escapes) has no UTF-8 form and breaks header encoding; both are
// refused where requests come in, naming the field, so neither reaches a
// handler, SQL or an error message. One check: an interceptor walks every
// request message of every protocol (the /api/v3 gateway included), and the
// OAuth pages and endpoints check their parameters with `checkParams`.
import { ScalarType, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import { isWrapperDesc } from "@bufbuild/protobuf/wkt";
import type { Interceptor } from "@connectrpc/connect";
import { errValidation } from "../errors/index.js";

/** ES2024 string methods, in Node 20 but not in the ES2023 lib this project compiles against. */
type Es2024String = string & { isWellFormed(): boolean; toWellFormed(): string };

/** Why a string may not be taken in, or undefined when it is fine. */
export function textProblem(s: string): string | undefined {
  if (s.includes("\0")) return "must not contain the NUL character (U+0000)";
  if (!(s as Es2024String).isWellFormed()) return "must be well-formed Unicode (lone surrogate)";
  return undefined;
}

export interface TextFault {
  field: string;
  reason: string;
}

/** A field value as reflection yields it: a scalar, or a ReflectMessage for message fields and items. */
function checkValue(path: string, value: unknown): TextFault | undefined {
  if (typeof value === "string") {
    const reason = textProblem(value);
    return reason ? { field: path, reason } : undefined;
  }
  if (isReflectMessage(value)) return findBadText(value, path);
  return undefined;
}

/** The first string field (nested, repeated and map keys/values included) that `textProblem` refuses. */
export function findBadText(msg: ReflectMessage, prefix = ""): TextFault | undefined {
  for (const field of msg.fields) {
    if (!msg.isSet(field)) continue;
    const path = prefix ? `${prefix}.${field.name}` : field.name;
    let fault: TextFault | undefined;
    if (field.fieldKind === "list") {
      for (const item of msg.get(field)) if ((fault = checkValue(path, item))) break;
    } else if (field.fieldKind === "map") {
      for (const [key, item] of msg.get(field)) {
        const keyReason = typeof key === "string" ? textProblem(key) : undefined;
        if ((fault = keyReason ? { field: path, reason: `key ${keyReason}` } : checkValue(path, item))) break;
      }
    } else fault = checkValue(path, msg.get(field));
    if (fault) return fault;
  }
  return undefined;
}

function isReflectMessage(v: unknown): v is ReflectMessage {
  return typeof v === "object" && v !== null && "desc" in v && "fields" in v && "isSet" in v;
}

// The fast walk: per message type, once, the fields that can hold a string at
// any depth; a request is walked on its plain properties along those fields
// only (a Get request holds two strings among dozens of fields). It finds what
// findBadText finds, with the same field paths.

type Local = Record<string, unknown>;
type FieldCheck = (msg: Local, prefix: string) => TextFault | undefined;

const STRUCT = "google.protobuf.Struct";
const holdsText = new WeakMap<DescMessage, boolean>();
const checksOf = new WeakMap<DescMessage, FieldCheck[]>();

/** Whether a message of this type can carry a string somewhere (types on a cycle count as yes). */
function canHoldText(desc: DescMessage): boolean {
  let yes = holdsText.get(desc);
  if (yes !== undefined) return yes;
  holdsText.set(desc, true);
  yes = desc.fields.some(fieldHoldsText);
  holdsText.set(desc, yes);
  return yes;
}

function fieldHoldsText(field: DescField): boolean {
  if (field.fieldKind === "map" && field.mapKey === ScalarType.STRING) return true;
  const kind = field.fieldKind === "list" ? field.listKind : field.fieldKind === "map" ? field.mapKind : field.fieldKind;
  if (kind === "scalar") return (field as { scalar: ScalarType }).scalar === ScalarType.STRING;
  if (kind === "message") return canHoldText((field as { message: DescMessage }).message);
  return false;
}

const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

function textFault(path: string, value: unknown): TextFault | undefined {
  if (typeof value !== "string") return undefined;
  const reason = textProblem(value);
  return reason ? { field: path, reason } : undefined;
}

function walk(desc: DescMessage, msg: Local, prefix: string): TextFault | undefined {
  let checks = checksOf.get(desc);
  if (!checks) checksOf.set(desc, (checks = desc.fields.filter(fieldHoldsText).map(fieldCheck)));
  for (const check of checks) {
    const fault = check(msg, prefix);
    if (fault) return fault;
  }
  return undefined;
}

function fieldCheck(field: DescField): FieldCheck {
  const { oneof, localName } = field;
  const valueOf = oneof
    ? (msg: Local) => {
        const o = msg[oneof.localName] as { case?: string; value?: unknown } | undefined;
        return o?.case === localName ? o.value : undefined;
      }
    : (msg: Local) => msg[localName];
  const sub = field.fieldKind === "scalar" || field.fieldKind === "enum" ? undefined : (field as { message?: DescMessage }).message;
  // google.protobuf.Struct fields are JsonObjects, not messages: left to reflection (rare, so not worth a walk of its own).
  if (sub?.typeName === STRUCT && field.parent.typeName !== "google.protobuf.Value") {
    return (msg, prefix) => (valueOf(msg) === undefined ? undefined : checkValue(join(prefix, field.name), reflect(field.parent, msg as Message).get(field)));
  }
  const item = (path: string, v: unknown) => (sub ? (typeof v === "object" && v !== null ? walk(sub, v as Local, path) : undefined) : textFault(path, v));
  switch (field.fieldKind) {
    case "list":
      return (msg, prefix) => {
        const list = valueOf(msg) as unknown[] | undefined;
        if (!list?.length) return undefined;
        const path = join(prefix, field.name);
        for (const v of list) {
          const fault = item(path, v);
          if (fault) return fault;
        }
        return undefined;
      };
    case "map": {
      const stringKeys = field.mapKey === ScalarType.STRING;
      return (msg, prefix) => {
        const map = valueOf(msg) as Local | undefined;
        if (!map) return undefined;
        const path = join(prefix, field.name);
        for (const key of Object.keys(map)) {
          const keyReason = stringKeys ? textProblem(key) : undefined;
          const fault = keyReason ? { field: path, reason: `key ${keyReason}` } : item(path, map[key]);
          if (fault) return fault;
        }
        return undefined;
      };
    }
    case "message":
      // A singular wrapper outside a oneof holds its value unboxed; reflection names it `<field>.value`.
      if (isWrapperDesc(field.message) && !oneof) return (msg, prefix) => textFault(`${join(prefix, field.name)}.value`, valueOf(msg));
      return (msg, prefix) => {
        const v = valueOf(msg);
        return v === undefined ? undefined : item(join(prefix, field.name), v);
      };
    default:
      return (msg, prefix) => textFault(join(prefix, field.name), valueOf(msg));
  }
}

/** findBadText on a message of type `desc`, walking only the fields that can hold strings. */
export function findBadTextIn(desc: DescMessage, msg: Message): TextFault | undefined {
  return canHoldText(desc) ? walk(desc, msg as unknown as Local, "") : undefined;
}

/** Refuses the first parameter (name or value) that `textProblem` refuses: errValidation naming it. */
export function checkParams(params: Iterable<[string, string]>): void {
  for (const [name, value] of params) {
    const reason = textProblem(name) ?? textProblem(value);
    if (reason) throw errValidation({ field: (name as Es2024String).toWellFormed(), reason });
  }
}

/** Refuses a request message carrying a string that `textProblem` refuses (unary and streamed requests). */
export function textInterceptor(): Interceptor {
  return (next) => async (req) => {
    if (!req.stream) {
      const fault = findBadTextIn(req.method.input, req.message);
      if (fault) throw errValidation({ ...fault });
    }
    return next(req);
  };
}
