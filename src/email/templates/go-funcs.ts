// Values and functions of the Go template subset: how a value prints (as Go's
// fmt %v does for the stack's data: strings, numbers, lists, durations), which
// values are true, Go's built-in functions, the stack's own e-mail functions
// (documentation_url, relDuration, relTime, enumDesc) and the common string
// functions of sprig that the stack's templates may use.
import { posix } from "node:path";

/** A Go time.Duration: prints as `48h0m0s`, is false when zero. */
export class GoDuration {
  constructor(readonly ms: number) {}

  toString(): string {
    if (this.ms === 0) return "0s";
    const sign = this.ms < 0 ? "-" : "";
    let rest = Math.abs(this.ms);
    if (rest < 1000) return `${sign}${rest}ms`;
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    const s = `${rest / 1000}s`;
    return sign + (h ? `${h}h${m}m${s}` : m ? `${m}m${s}` : s);
  }

  /** What `.TTL.Hours` and the like read (Go's methods of time.Duration). */
  fields(): Record<string, unknown> {
    return { Hours: this.ms / 3_600_000, Minutes: this.ms / 60_000, Seconds: this.ms / 1000, Milliseconds: this.ms, String: this.toString() };
  }
}

export class GoExecError extends Error {}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof GoDuration) && !(v instanceof Date);

/** Go's truth: false, 0, nil, and empty strings, lists and maps are false; everything else true. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoDuration) return v.ms !== 0;
  return true;
}

/** fmt's %v of a value. Nil prints as nothing: a mail should not say `<nil>`. */
export function show(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return `[${v.map(show).join(" ")}]`;
  if (v instanceof Date) return v.toISOString();
  if (isPlainObject(v)) return `{${Object.values(v).map(show).join(" ")}}`;
  return String(v);
}

const htmlEntities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;", "\0": "\uFFFD" };
export const escapeHtml = (s: string): string => s.replace(/[&<>"'\0]/g, (c) => htmlEntities[c]!);

function sprint(args: unknown[]): string {
  // Sprint puts a space between operands when neither is a string.
  let out = "";
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== "string" && typeof args[i - 1] !== "string") out += " ";
    out += show(a);
  });
  return out;
}

function sprintf(format: string, args: unknown[]): string {
  let n = 0;
  return format.replace(/%([-+# 0]*)(\d*)(?:\.(\d+))?([%vsdqtxXfg])/g, (_m, flags: string, width: string, prec: string | undefined, verb: string) => {
    if (verb === "%") return "%";
    if (n >= args.length) return `%!${verb}(MISSING)`;
    const a = args[n++];
    let s: string;
    switch (verb) {
      case "d":
        s = typeof a === "number" ? String(Math.trunc(a)) : `%!d(${show(a)})`;
        break;
      case "q":
        s = JSON.stringify(show(a));
        break;
      case "x":
      case "X":
        s = typeof a === "number" ? a.toString(16) : Buffer.from(show(a)).toString("hex");
        if (verb === "X") s = s.toUpperCase();
        break;
      case "f":
        s = typeof a === "number" ? a.toFixed(prec === undefined ? 6 : Number(prec)) : `%!f(${show(a)})`;
        break;
      default:
        s = show(a);
    }
    if (width && s.length < Number(width)) s = flags.includes("-") ? s.padEnd(Number(width)) : s.padStart(Number(width), flags.includes("0") && verb !== "s" ? "0" : " ");
    return s;
  });
}

function compare(a: unknown, b: unknown): number {
  const norm = (v: unknown) => (v instanceof GoDuration ? v.ms : v instanceof Date ? v.getTime() : v);
  const x = norm(a);
  const y = norm(b);
  if (typeof x !== typeof y || (typeof x !== "number" && typeof x !== "string")) throw new GoExecError(`incompatible types for comparison: ${show(a)} and ${show(b)}`);
  const [p, q] = [x as number | string, y as number | string];
  return p < q ? -1 : p > q ? 1 : 0;
}

function equal(a: unknown, b: unknown): boolean {
  if (a instanceof GoDuration && b instanceof GoDuration) return a.ms === b.ms;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a === "object" && a !== null) throw new GoExecError(`non-comparable type: ${show(a)}`);
  return a === b;
}

function length(v: unknown): number {
  if (typeof v === "string") return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (isPlainObject(v)) return Object.keys(v).length;
  throw new GoExecError(`len of ${show(v)}: not a string, list or map`);
}

function indexOf(v: unknown, keys: unknown[]): unknown {
  let cur = v;
  for (const key of keys) {
    if (Array.isArray(cur) || typeof cur === "string") {
      if (typeof key !== "number" || key < 0 || key >= cur.length || !Number.isInteger(key)) throw new GoExecError(`index out of range: ${show(key)}`);
      cur = cur[key];
    } else if (isPlainObject(cur)) cur = cur[String(key)] ?? null;
    else throw new GoExecError(`can't index item of ${show(cur)}`);
  }
  return cur;
}

// The stack's relative times (go-humanize with its magnitudes): "2 days from now", "an hour ago".
const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;
const week = 7 * day;
const month = 30 * day;
const year = 12 * month;
const magnitudes: Array<[number, string, number]> = [
  [second, "now", 1],
  [2 * second, "a second %s", 0],
  [minute, "%d seconds %s", second],
  [2 * minute, "a minute %s", 0],
  [hour, "%d minutes %s", minute],
  [2 * hour, "an hour %s", 0],
  [day, "%d hours %s", hour],
  [2 * day, "a day %s", 0],
  [week, "%d days %s", day],
  [2 * week, "a week %s", 0],
  [month, "%d weeks %s", week],
  [2 * month, "a month %s", 0],
  [year, "%d months %s", month],
  [2 * year, "a year %s", 0],
  [Infinity, "%d years %s", year],
];

export function relativeDuration(ms: number): string {
  const label = ms < 0 ? "ago" : "from now";
  const d = Math.abs(ms);
  const [, format, divBy] = magnitudes.find(([limit]) => d < limit)!;
  if (format === "now") return "now";
  return format.replace("%d", divBy ? String(Math.floor(d / divBy)) : "").replace("%s", label);
}

function durationOf(v: unknown, now: () => Date): number {
  if (v instanceof GoDuration) return v.ms;
  if (v instanceof Date) return v.getTime() - now().getTime();
  if (typeof v === "number") return v / 1e6; // nanoseconds, as a Go duration
  throw new GoExecError(`not a time or duration: ${show(v)}`);
}

const stateWords: Record<string, string> = {
  STATE_REQUESTED: "Requested",
  STATE_APPROVED: "Approved",
  STATE_REJECTED: "Rejected",
  STATE_FLAGGED: "Flagged",
  STATE_SUSPENDED: "Suspended",
};

const str = (v: unknown) => show(v);
const documentationBase = "https://www.thethingsindustries.com/docs";

/** A function: evaluated arguments in, a value out. `and`/`or` take thunks (Go evaluates them lazily). */
export type GoFunc = (args: unknown[]) => unknown;
export type LazyFunc = (args: Array<() => unknown>) => unknown;

export const lazyFuncs: Record<string, LazyFunc> = {
  and(args) {
    let v: unknown = undefined;
    for (const a of args) if (!truthy((v = a()))) return v;
    return v;
  },
  or(args) {
    let v: unknown = undefined;
    for (const a of args) if (truthy((v = a()))) return v;
    return v;
  },
};

export function goFuncs(now: () => Date): Record<string, GoFunc> {
  const arity = (name: string, args: unknown[], min: number, max = min) => {
    if (args.length < min || args.length > max) throw new GoExecError(`wrong number of args for ${name}: want ${min === max ? min : `${min} to ${max}`} got ${args.length}`);
  };
  return {
    // Go's built-ins.
    not: (a) => (arity("not", a, 1), !truthy(a[0])),
    len: (a) => (arity("len", a, 1), length(a[0])),
    index: (a) => (arity("index", a, 1, 9), indexOf(a[0], a.slice(1))),
    slice: (a) => {
      arity("slice", a, 1, 3);
      const v = a[0];
      if (typeof v !== "string" && !Array.isArray(v)) throw new GoExecError(`can't slice ${show(v)}`);
      return v.slice((a[1] as number) ?? 0, (a[2] as number) ?? undefined);
    },
    eq: (a) => (arity("eq", a, 2, 9), a.slice(1).some((b) => equal(a[0], b))),
    ne: (a) => (arity("ne", a, 2), !equal(a[0], a[1])),
    lt: (a) => (arity("lt", a, 2), compare(a[0], a[1]) < 0),
    le: (a) => (arity("le", a, 2), compare(a[0], a[1]) <= 0),
    gt: (a) => (arity("gt", a, 2), compare(a[0], a[1]) > 0),
    ge: (a) => (arity("ge", a, 2), compare(a[0], a[1]) >= 0),
    print: (a) => sprint(a),
    println: (a) => `${a.map(show).join(" ")}\n`,
    printf: (a) => (arity("printf", a, 1, 99), sprintf(str(a[0]), a.slice(1))),
    html: (a) => escapeHtml(sprint(a)),
    urlquery: (a) => encodeURIComponent(sprint(a)).replace(/%20/g, "+"),
    js: (a) => sprint(a).replace(/[\\'"<>&=\n\r]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}`),
    // The stack's (pkg/email/funcs.go).
    // Go's path.Join cleans: no trailing slash.
    documentation_url: (a) => `${documentationBase}/${posix.join(...a.map(str)).replace(/^\/+|\/+$/g, "")}`,
    relDuration: (a) => (arity("relDuration", a, 1), relativeDuration(durationOf(a[0], now))),
    relTime: (a) => (arity("relTime", a, 1), relativeDuration(durationOf(a[0], now))),
    enumDesc: (a) => (arity("enumDesc", a, 1), stateWords[str(a[0])] ?? ""),
    // sprig's common string functions.
    default: (a) => (arity("default", a, 1, 2), a.length < 2 || !truthy(a[1]) ? a[0] : a[1]),
    empty: (a) => (arity("empty", a, 1), !truthy(a[0])),
    coalesce: (a) => a.find(truthy) ?? null,
    ternary: (a) => (arity("ternary", a, 3), truthy(a[2]) ? a[0] : a[1]),
    upper: (a) => (arity("upper", a, 1), str(a[0]).toUpperCase()),
    lower: (a) => (arity("lower", a, 1), str(a[0]).toLowerCase()),
    title: (a) => (arity("title", a, 1), str(a[0]).replace(/(^|\s)(\S)/g, (_m, s: string, c: string) => s + c.toUpperCase())),
    trim: (a) => (arity("trim", a, 1), str(a[0]).trim()),
    trimPrefix: (a) => (arity("trimPrefix", a, 2), str(a[1]).startsWith(str(a[0])) ? str(a[1]).slice(str(a[0]).length) : str(a[1])),
    trimSuffix: (a) => (arity("trimSuffix", a, 2), str(a[0]) && str(a[1]).endsWith(str(a[0])) ? str(a[1]).slice(0, -str(a[0]).length) : str(a[1])),
    replace: (a) => (arity("replace", a, 3), str(a[2]).split(str(a[0])).join(str(a[1]))),
    contains: (a) => (arity("contains", a, 2), str(a[1]).includes(str(a[0]))),
    hasPrefix: (a) => (arity("hasPrefix", a, 2), str(a[1]).startsWith(str(a[0]))),
    hasSuffix: (a) => (arity("hasSuffix", a, 2), str(a[1]).endsWith(str(a[0]))),
    join: (a) => (arity("join", a, 2), (Array.isArray(a[1]) ? a[1] : [a[1]]).map(show).join(str(a[0]))),
    quote: (a) => a.map((v) => JSON.stringify(show(v))).join(" "),
    squote: (a) => a.map((v) => `'${show(v)}'`).join(" "),
    repeat: (a) => (arity("repeat", a, 2), str(a[1]).repeat(Math.max(0, Number(a[0])))),
    trunc: (a) => (arity("trunc", a, 2), str(a[1]).slice(0, Math.max(0, Number(a[0])))),
    toString: (a: unknown[]) => (arity("toString", a, 1), show(a[0])),
  };
}

/** Every function name a template may call. */
export const goFuncNames: ReadonlySet<string> = new Set([...Object.keys(lazyFuncs), ...Object.keys(goFuncs(() => new Date()))]);
