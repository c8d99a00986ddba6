// Request validation the proto cannot express without buf/validate: ID syntax,
// lengths, e-mail, attributes, addresses. Each failure is `pkg/errors:validation`
// naming the field path, as the stack reports it.
import { errValidation } from "../../errors/index.js";

export const ID3 = /^[a-z0-9](?:-?[a-z0-9]){2,}$/;
export const ID2 = /^[a-z0-9](?:-?[a-z0-9]){1,}$/;
const EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const HOSTPORT = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?::[0-9]{1,5})?$/;

export type Check = (value: unknown) => string | undefined;

export const checks = {
  id3: ((v) => idReason(v, ID3, 3)) as Check,
  id2: ((v) => idReason(v, ID2, 2)) as Check,
  maxLength: (n: number): Check => (v) => (typeof v === "string" && [...v].length > n ? `must be at most ${n} characters` : undefined),
  email: ((v) => (typeof v === "string" && EMAIL.test(v) && v.length <= 256 ? undefined : "must be a valid e-mail address")) as Check,
  hostPort: ((v) => (v === "" || (typeof v === "string" && v.length <= 256 && HOSTPORT.test(v)) ? undefined : "must be host[:port]")) as Check,
  attributes: ((v) => {
    const entries = Object.entries((v ?? {}) as Record<string, string>);
    if (entries.length > 10) return "must have at most 10 entries";
    for (const [k, val] of entries) {
      if (k.length > 36 || !ID3.test(k)) return `key \`${k}\` must be 3 to 36 lower-case letters, digits and single dashes`;
      if (val.length > 200) return `value of \`${k}\` must be at most 200 characters`;
    }
    return undefined;
  }) as Check,
  maxItems: (n: number): Check => (v) => (Array.isArray(v) && v.length > n ? `must have at most ${n} items` : undefined),
};

function idReason(v: unknown, pattern: RegExp, min: number): string | undefined {
  if (typeof v !== "string" || v === "") return "must be set";
  if (v.length > 36 || !pattern.test(v)) {
    return `must be ${min} to 36 lower-case letters, digits and single dashes, starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Throws for the first failing check; `field` is the path as the client wrote it. */
export function check(field: string, value: unknown, ...fns: Check[]): void {
  for (const fn of fns) {
    const reason = fn(value);
    if (reason) throw errValidation({ field, reason });
  }
}

/** Runs the checks of each path that is in `paths` (all when undefined). */
export function checkPaths(prefix: string, value: Record<string, unknown>, rules: Record<string, Check[]>, paths?: ReadonlySet<string>): void {
  for (const [path, fns] of Object.entries(rules)) {
    if (paths && !paths.has(path)) continue;
    const localName = path.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    check(`${prefix}${path}`, value[localName], ...fns);
  }
}
