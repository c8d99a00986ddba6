// Which strings a request may carry: well-formed Unicode without U+0000.
// PostgreSQL text cannot hold NUL, and a lone surrogate (possible only through
// JSON's \uD800 escapes) has no UTF-8 form and breaks header encoding; both are
// refused where requests come in, naming the field, so neither reaches a
// handler, SQL or an error message. One check: an interceptor walks every
// request message of every protocol (the /api/v3 gateway included), and the
// OAuth pages and endpoints check their parameters with `checkParams`.
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
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
      const fault = findBadText(reflect(req.method.input, req.message));
      if (fault) throw errValidation({ ...fault });
    }
    return next(req);
  };
}
