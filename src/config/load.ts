// Loading the configuration: turns defaults, YAML files, TTN_LW_* environment
// variables and command-line flags (in that increasing precedence) into one
// validated Config object, and renders help text and the effective config.
// Everything is driven by the option table in options.ts; nothing here is
// specific to a single option except the cross-field checks in validateConfig.
// No module-level mutable state: callers own the Config they get back.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parseEUIPrefix, prefixEndCounter } from "../messages/eui.js";
import { trustedProxies } from "../net/client-address.js";
import { options, type Config, type OptionDef, type OptionName } from "./options.js";
import { boolExpected, parseBoolText } from "./bool.js";
import { isOtherComponentEnv, isOtherComponentOption } from "./stack.js";

// YAML only where there is some (a --config file, `config`, a message about a
// structured value): a start from flags and environment never loads the parser.
// `require` because loading is synchronous; yaml is CommonJS under Node.
const yaml = (): typeof import("yaml") => createRequire(import.meta.url)("yaml");
const parseYaml = (text: string): unknown => yaml().parse(text);
const stringifyYaml = (value: unknown, options?: { indent: number }): string => yaml().stringify(value, options);

/** Any problem with the configuration; the message is meant for the operator. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    message: string,
    /** Dotted option name, when the problem is about one option. */
    readonly option?: string,
    /** Where the value came from, e.g. `flag --x.y`, `env TTN_LW_X_Y`, `file ./c.yml`. */
    readonly source?: string,
  ) {
    super(message);
  }
}

type Value = string | number | boolean | string[];

// Read-only lookups derived from the table (built once; never mutated).
const byName: ReadonlyMap<string, OptionDef> = new Map(options.map((o) => [o.name, o]));
const byEnv: ReadonlyMap<string, OptionDef> = new Map(options.map((o) => [envName(o.name), o]));
// Every proper prefix of an option name ("is", "is.user-registration", ...), so
// YAML sections and unknown-vs-misplaced keys can be told apart.
const sections: ReadonlySet<string> = new Set(
  options.flatMap((o) => o.name.split(".").slice(0, -1).map((_, i, segs) => segs.slice(0, i + 1).join("."))),
);

/** Comma-separated config files, used when no --config flag is given. */
const CONFIG_ENV = "TTN_LW_CONFIG";

/** `is.database-uri` → `TTN_LW_IS_DATABASE_URI`. */
export function envName(name: string): string {
  return "TTN_LW_" + name.toUpperCase().replace(/[.-]/g, "_");
}

/** `is.user-registration.enabled` → `["is", "userRegistration", "enabled"]`. */
export function optionPath(name: string): string[] {
  return name.split(".").map((seg) => seg.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
}

// ---- Value parsing ----------------------------------------------------------

const NS_PER_UNIT: Readonly<Record<string, number>> = { ns: 1, us: 1e3, "µs": 1e3, "μs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/**
 * Go `time.ParseDuration` syntax (`24h`, `1h30m`, `1.5h`, `500ms`, `0`) → milliseconds.
 * Negative durations are rejected: every duration option is a period or TTL.
 * Returns undefined when the text is not a valid duration.
 */
export function parseDuration(text: string): number | undefined {
  if (text === "0") return 0;
  if (text === "") return undefined;
  // Alternation order matters: "ms"/"ns" must be tried before "m"/"s".
  const part = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let ns = 0;
  for (let i = 0; i < text.length; i = part.lastIndex) {
    part.lastIndex = i;
    const m = part.exec(text);
    if (!m) return undefined;
    ns += Number(m[1]) * NS_PER_UNIT[m[2]!]!;
  }
  // Round at nanosecond precision so 1.1h is exactly 3960000 ms, not ...0005.
  return Math.round(ns) / 1e6;
}

/** Milliseconds → the shortest Go duration string that parses back to it. */
export function formatDuration(ms: number): string {
  let ns = Math.round(ms * 1e6);
  if (ns === 0) return "0s";
  let out = "";
  for (const [unit, size] of [["h", 3600e9], ["m", 60e9], ["s", 1e9], ["ms", 1e6], ["us", 1e3], ["ns", 1]] as const) {
    const n = Math.floor(ns / size);
    if (n > 0) out += `${n}${unit}`;
    ns -= n * size;
  }
  return out;
}

/** Allowed enum values for messages and help; the empty value is named, not shown as a blank item. */
function enumChoices(o: { values: readonly string[] }, sep: string, empty: string): string {
  const named = o.values.filter((v) => v !== "");
  return named.join(sep) + (named.length < o.values.length ? empty : "");
}

function expected(o: OptionDef): string {
  switch (o.type) {
    case "string": return "a string";
    case "url": return `an absolute http(s) URL such as https://example.com/path${o.paths ? ", a path on this server such as /assets" : ""}, or empty`;
    case "address": return "[host]:port with a port from 0 to 65535 (such as :1885 or 127.0.0.1:1885), or empty for off";
    case "hex": return `hex digits encoding ${o.bytes.join(" or ")} bytes, or empty`;
    case "int": return "a non-negative integer";
    case "float": return "a number such as 0.25, 1 or 1e-3";
    case "bool": return boolExpected;
    case "duration": return "a non-negative duration such as 24h, 10m, 1h30m or 500ms";
    case "string-list": return "a list of strings (comma-separated in env and flags)";
    case "enum": return `one of ${enumChoices(o, ", ", ", or empty")}`;
  }
}

/** Names whose values are credentials themselves, not paths to them. */
// `tls.key` is deliberately not matched: it is a file path, useful when debugging;
// nor `interop.packet-broker.token-issuer`: a URL naming who issues tokens.
function isSecret(name: string): boolean {
  return name.startsWith("key-vault.") || /(^keys$|-keys?$|password|secret|token(?!-issuer$))/.test(name.split(".").pop()!);
}

function invalid(o: OptionDef, raw: unknown, source: string): ConfigError {
  const shown = isSecret(o.name)
    ? `(${typeof raw === "string" ? `${raw.length} characters` : typeof raw}, not shown)`
    : typeof raw === "string" ? JSON.stringify(raw) : stringifyYaml(raw, { indent: 2 }).trim();
  return new ConfigError(`invalid value ${shown} for ${o.name} (from ${source}): expected ${expected(o)}`, o.name, source);
}


/** Parse the textual form used by env vars, flags, defaults and YAML strings. */
function parseText(o: OptionDef, text: string, source: string): Value {
  const t = text.trim();
  switch (o.type) {
    case "string":
      return text;
    case "url":
      if (t === "" || (o.paths && /^\/(?!\/)/.test(t)) || (/^https?:\/\/[^/?#\s]/i.test(t) && URL.canParse(t))) return t;
      break;
    case "address": {
      const port = /^(?:\[[0-9a-fA-F:.]+\]|[^\s:[\]/]*):(\d{1,5})$/.exec(t)?.[1];
      if (t === "" || (port !== undefined && Number(port) <= 65535)) return t;
      break;
    }
    case "hex":
      if (t === "" || (/^(?:[0-9a-fA-F]{2})+$/.test(t) && o.bytes.includes(t.length / 2))) return t;
      break;
    case "int": {
      const n = Number(t);
      if (/^\d+$/.test(t) && Number.isSafeInteger(n)) return n;
      break;
    }
    case "float": {
      const n = Number(t);
      if (/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(t) && Number.isFinite(n)) return n;
      break;
    }
    case "bool": {
      const b = parseBoolText(t);
      if (b !== undefined) return b;
      break;
    }
    case "duration": {
      const d = parseDuration(t);
      if (d !== undefined) return d;
      break;
    }
    case "string-list":
      return splitList(text);
    case "enum":
      if (o.values.includes(t)) return t;
      break;
  }
  throw invalid(o, text, source);
}

function splitList(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** YAML already has native types; accept those where they are unambiguous. */
function parseYamlValue(o: OptionDef, raw: unknown, source: string): Value {
  if (typeof raw === "string") {
    // A YAML string for a list option is the comma-separated form, as in env.
    return parseText(o, raw, source);
  }
  switch (o.type) {
    case "string":
    case "url":
    case "address":
    case "hex":
      // Empty `key:` means empty; numbers are refused because YAML would have
      // already mangled them (leading zeros, exponents) — quote them instead.
      if (raw === null) return "";
      break;
    case "int":
      if (typeof raw === "number" && Number.isSafeInteger(raw) && raw >= 0) return raw;
      break;
    case "float":
      if (typeof raw === "number" && Number.isFinite(raw)) return raw;
      break;
    case "bool":
      if (typeof raw === "boolean") return raw;
      // YAML 1 and 0, as the stack's configuration reader takes them.
      if (raw === 1 || raw === 0) return raw === 1;
      break;
    case "duration":
      if (raw === 0) return 0;
      break;
    case "string-list":
      if (raw === null) return [];
      if (Array.isArray(raw) && raw.every((s) => typeof s === "string")) return [...raw];
      // The stack's map options (`<key>: <value>`), as the `<key>=<value>` entries of flags and env.
      if (o.map && isMapping(raw) && Object.values(raw).every((v) => typeof v === "string")) return Object.entries(raw).map(([k, v]) => `${k}=${v as string}`);
      break;
    case "enum":
      break;
  }
  throw invalid(o, raw, source);
}

/** Defaults are stored in the table in textual form, so they share the parser. */
function defaultValue(o: OptionDef): Value {
  switch (o.type) {
    case "duration":
    case "url":
    case "address":
    case "hex":
      return parseText(o, o.default, "option table default");
    case "string-list":
      return [...o.default];
    default:
      return o.default;
  }
}

// ---- Config object access ---------------------------------------------------

type Tree = { [key: string]: Tree | Value };

function setPath(root: Tree, name: string, value: Value): void {
  const path = optionPath(name);
  let node = root;
  for (const seg of path.slice(0, -1)) node = (node[seg] ??= {}) as Tree;
  node[path[path.length - 1]!] = value;
}

function getPath(root: object, name: string): Value {
  let node: unknown = root;
  for (const seg of optionPath(name)) node = (node as Tree)[seg];
  return node as Value;
}

/** A fresh Config holding every option's default. */
export function defaultConfig(): Config {
  const cfg: Tree = {};
  for (const o of options) setPath(cfg, o.name, defaultValue(o));
  return cfg as unknown as Config;
}

// ---- Sources ----------------------------------------------------------------

/** Closest known name, for "did you mean" hints on typos; empty when nothing is close. */
function suggest(input: string, candidates: Iterable<string>): string {
  let best = "";
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = editDistance(input, c);
    if (d < bestDist) [best, bestDist] = [c, d];
  }
  return bestDist <= Math.max(2, Math.floor(input.length / 4)) ? best : "";
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

type Setting = { option: OptionDef; value: Value; source: string };

/** A value as given, parsed once every source has been read (so all unknown names are reported first). */
type Given = { option: OptionDef; raw: unknown; source: string; yaml: boolean };

/**
 * What the sources hold besides options of ours: `unknown` names are refused
 * (all at once), `ignored` ones belong to other components of the stack.
 */
interface Findings {
  unknown: { text: string; option?: string; source: string }[];
  ignored: string[];
}

function unknownName(found: Findings, name: string, source: string, candidates: Iterable<string>): void {
  const hint = suggest(name, candidates);
  found.unknown.push({ text: `${name} (from ${source}${hint ? `; did you mean ${hint}?` : ""})`, option: name, source });
}

/** Dotted option flags (`--a.b v`, `--a.b=v`, `--config f`, `-c f`, `-cf`) and the other args, in order. */
interface ArgvScan {
  configFiles: string[];
  flags: Given[];
  rest: string[];
}

/**
 * Separates option flags from everything else. Dotted `--a.b` flags must be
 * our options or other components' (ignored); undotted flags (`--help`, a
 * subcommand's own `--user-id x`) and positional args are passed through to
 * `rest` in order, as is all after `--`.
 */
function scanArgv(argv: readonly string[], found: Findings): ArgvScan {
  const scan: ArgvScan = { configFiles: [], flags: [], rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      scan.rest.push(...argv.slice(i + 1));
      break;
    }
    // `-c` is the stack's short form of --config: `-c f`, `-c=f` and, as its flag parser takes them, `-cf`.
    const flag = arg === "-c" || arg.startsWith("-c=") ? `--config${arg.slice(2)}` : /^-c[^-=]/.test(arg) ? `--config=${arg.slice(2)}` : arg;
    if (!flag.startsWith("--")) {
      scan.rest.push(arg);
      continue;
    }
    const eq = flag.indexOf("=");
    const name = eq < 0 ? flag.slice(2) : flag.slice(2, eq);
    const inline = eq < 0 ? undefined : flag.slice(eq + 1);
    const option = byName.get(name);
    const source = `flag --${name}`;
    const next = argv[i + 1];
    const nextIsValue = next !== undefined && !next.startsWith("-");
    if (name !== "config" && !option) {
      if (!name.includes(".")) {
        scan.rest.push(arg);
        continue;
      }
      // Its type is unknown here: a following word that is not a flag is taken as its value.
      if (inline === undefined && nextIsValue) i++;
      if (isOtherComponentOption(name)) found.ignored.push(`${name} (flag)`);
      else unknownName(found, name, source, byName.keys());
      continue;
    }
    let text = inline;
    if (text === undefined && option?.type === "bool") {
      // Bare `--flag` means true; `--flag false` / `--flag true` set it. Any
      // other word after it is taken as its value too, and refused as not a
      // bool, so a typo never turns into a silently enabled flag.
      text = nextIsValue ? argv[++i]! : "true";
    }
    if (text === undefined) {
      if (next === undefined || next.startsWith("--")) {
        const what = option ? expected(option) : "a YAML file path";
        throw new ConfigError(`missing value for ${name} (from ${source}): expected ${what}`, name, source);
      }
      text = next;
      i++;
    }
    if (option) scan.flags.push({ option, raw: text, source, yaml: false });
    else {
      // Like TTN_LW_CONFIG, --config takes a comma-separated list of files.
      const files = splitList(text);
      if (files.length === 0) throw new ConfigError(`missing value for config (from ${source}): expected a YAML file path`, "config", source);
      scan.configFiles.push(...files);
    }
  }
  return scan;
}

function readConfigFile(file: string, found: Findings): Given[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`, undefined, `file ${file}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`invalid YAML in config file ${file}: ${firstLine(err)}`, undefined, `file ${file}`);
  }
  const given: Given[] = [];
  if (doc === null || doc === undefined) return given; // empty file
  walkYaml(doc, "", file, given, found);
  return given;
}

const firstLine = (err: unknown) => String(err instanceof Error ? err.message : err).split("\n", 1)[0]!;

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function walkYaml(node: unknown, prefix: string, file: string, out: Given[], found: Findings): void {
  if (!isMapping(node)) {
    const where = prefix ? `${prefix} in config file ${file}` : `config file ${file}`;
    throw new ConfigError(`${where} must be a mapping of option names`, prefix || undefined, `file ${file}`);
  }
  for (const [key, raw] of Object.entries(node)) {
    // A dotted key ("is.database-uri: ...") is accepted too; it names the same option.
    const name = prefix ? `${prefix}.${key}` : key;
    const source = `file ${file}`;
    const option = byName.get(name);
    if (option) out.push({ option, raw, source, yaml: true });
    else if (sections.has(name)) {
      if (raw !== null) walkYaml(raw, name, file, out, found); // `is:` with nothing under it is fine
    } else if (isOtherComponentOption(name)) found.ignored.push(`${name} (${source})`);
    else unknownName(found, name, source, byName.keys());
  }
}

/** Env sections of ours (`TTN_LW_IS_`, `TTN_LW_HTTP_`, ...): an unknown variable there is a typo. */
const ownEnvPrefixes = [...new Set(options.map((o) => o.name.split(".", 1)[0]!))].map((s) => `${envName(s)}_`);

/**
 * TTN_LW_* variables. Like the stack, variables that are no option of ours
 * are not an error (the environment is shared with other components and
 * ttn-lw-cli), but they are listed in the warning; within our own sections an
 * unknown one is a typo and refused.
 */
function readEnv(env: Readonly<Record<string, string | undefined>>, found: Findings): Given[] {
  const given: Given[] = [];
  for (const key of Object.keys(env).sort()) {
    const text = env[key];
    if (!key.startsWith("TTN_LW_") || key === CONFIG_ENV || text === undefined) continue;
    const option = byEnv.get(key);
    const source = `env ${key}`;
    if (option) given.push({ option, raw: text, source, yaml: false });
    else if (!isOtherComponentEnv(key, envName) && ownEnvPrefixes.some((p) => key.startsWith(p))) {
      const hint = suggest(key, byEnv.keys());
      found.unknown.push({ text: `environment variable ${key} (no option maps to it${hint ? `; did you mean ${hint}?` : ""})`, source });
    } else found.ignored.push(`${key} (env)`);
  }
  return given;
}

function refuseUnknown(found: Findings): void {
  const [first, ...more] = found.unknown;
  if (!first) return;
  const list = found.unknown.map((u) => u.text).join(", ");
  throw new ConfigError(`${more.length ? "unknown options" : "unknown option"} ${list}; see --help for this server's options`, first.option, first.source);
}

// ---- Public API -------------------------------------------------------------

export interface LoadInput {
  /** Command-line arguments after the subcommand. */
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

export interface LoadResult {
  config: Config;
  /** Positional args and non-option flags, in their original order. */
  rest: string[];
  /** YAML files that were read, in the order applied. */
  configFiles: string[];
  /** One line for the operator when settings of other components were ignored; empty otherwise. */
  warnings: string[];
}

/** Where each option of a loaded Config was set; read by `describeOption`. */
const sourcesOf = new WeakMap<object, ReadonlyMap<string, string>>();

/**
 * `http.listen ":1885" (from flag --http.listen)`: an option of a loaded
 * Config with its value and origin, for errors found after loading (a port
 * in use, a file that cannot be read).
 */
export function describeOption(config: Config, name: OptionName): string {
  return `${name} ${shownValue(name, getPath(config, name))} (from ${sourcesOf.get(config)?.get(name) ?? "default"})`;
}

/** A value for an error message: JSON, URIs without passwords, secrets not at all. */
function shownValue(name: string, value: unknown): string {
  if (isSecret(name)) return "(not shown)";
  return JSON.stringify(typeof value === "string" && name.endsWith("database-uri") ? maskUri(value) : value);
}

/**
 * The one-line form of a ConfigError found after loading (by a module's own
 * checks, such as the e-mail settings): the option's value and where it came
 * from are added when the message lacks them.
 */
export function explainConfigError(config: Config | undefined, err: ConfigError): string {
  const message = err.message.replace(/\s*\n\s*/g, " ").trim();
  if (!config || !err.option || message.includes("(from ") || !byName.has(err.option)) return message;
  const reason = message.startsWith(`${err.option}: `) ? message.slice(err.option.length + 2) : message;
  return `invalid value ${shownValue(err.option, getPath(config, err.option))} for ${err.option} (from ${sourcesOf.get(config)?.get(err.option) ?? "default"}): ${reason}`;
}

/**
 * Precedence, lowest first: defaults, --config files (later files win),
 * TTN_LW_* env, flags. Within flags the last one wins, except that repeated
 * string-list flags append. Throws ConfigError on anything it does not accept.
 */
export function loadConfig(input: LoadInput): LoadResult {
  const found: Findings = { unknown: [], ignored: [] };
  const scan = scanArgv(input.argv, found);
  const configFiles = scan.configFiles.length > 0 ? scan.configFiles : splitList(input.env[CONFIG_ENV] ?? "");
  const given = [...configFiles.flatMap((file) => readConfigFile(file, found)), ...readEnv(input.env, found), ...scan.flags];
  refuseUnknown(found);

  const settings: Setting[] = [];
  const listFlagSeen = new Set<string>();
  for (const { option, raw, source, yaml } of given) {
    const value = yaml ? parseYamlValue(option, raw, source) : parseText(option, raw as string, source);
    if (source.startsWith("flag ") && option.type === "string-list" && listFlagSeen.has(option.name)) {
      // Repeated list flags accumulate instead of replacing the earlier flag.
      const prev = settings.findLast((s) => s.option === option)!;
      settings.push({ option, value: [...(prev.value as string[]), ...(value as string[])], source });
    } else settings.push({ option, value, source });
    if (source.startsWith("flag ")) listFlagSeen.add(option.name);
  }

  const config = defaultConfig();
  const sources = new Map<string, string>();
  for (const { option, value, source } of settings) {
    setPath(config as unknown as Tree, option.name, value);
    sources.set(option.name, source);
  }
  validateConfig(config, sources);
  sourcesOf.set(config, sources);
  const warnings = found.ignored.length
    ? [`ignoring ${found.ignored.length} setting(s) that are not options of this server (other components of The Things Stack, or unknown TTN_LW_ variables): ${found.ignored.join(", ")}`]
    : [];
  return { config, rest: scan.rest, configFiles, warnings };
}

/**
 * Cross-field checks that a single option's parser cannot do. `sources` maps
 * option names to where they were set, to point the operator at the culprit.
 */
export function validateConfig(config: Config, sources: ReadonlyMap<string, string> = new Map()): void {
  const fail = (name: string, msg: string): never => {
    throw new ConfigError(`invalid value ${shownValue(name, getPath(config, name))} for ${name} (from ${sources.get(name) ?? "default"}): ${msg}`, name, sources.get(name) ?? "default");
  };

  // Values built in code (tests, embedding) skip the text parsers: check the typed strings here too.
  for (const o of options) {
    if (o.type === "url" || o.type === "address" || o.type === "hex" || o.type === "enum") parseText(o, getPath(config, o.name) as string, sources.get(o.name) ?? "default");
  }

  if (config.tls.certificate && !config.tls.key) fail("tls.certificate", "tls.key must be set as well");
  if (config.tls.key && !config.tls.certificate) fail("tls.key", "tls.certificate must be set as well");
  if (config.http.listenTls && !config.tls.certificate) fail("http.listen-tls", "TLS listener needs tls.certificate and tls.key");
  if (config.grpc.listenTls && !config.tls.certificate) fail("grpc.listen-tls", "TLS listener needs tls.certificate and tls.key");
  if (config.interop.listenTls && !config.tls.certificate) fail("interop.listen-tls", "TLS listener needs tls.certificate and tls.key");

  // LoRaWAN Backend Interfaces (src/interop/): the network answered to HomeNSReq, and who may ask.
  if (!config.is.network.netId) fail("is.network.net-id", "the NetID must be set (3 bytes, hex; 000000 when the network has none of its own)");
  const cas = config.interop.senderClientCa;
  if (cas.source === "directory" && !cas.directory) fail("interop.sender-client-ca.directory", "must be set when interop.sender-client-ca.source is directory");
  config.interop.senderClientCas.forEach((entry, i) => {
    if (!/^[^=\s]+=\S.*$/.test(entry.trim())) fail("interop.sender-client-cas", `entry ${i + 1} must be <SenderID>=<PEM file of its client CAs>`);
  });
  // interop.packet-broker.enabled needs interop.public-tls-address and a token issuer: checked when the interop server starts (src/interop/).

  const mount = config.is.oauth.mount;
  if (!mount.startsWith("/") || /[?#\s]/.test(mount)) fail("is.oauth.mount", 'expected a path starting with "/"');

  if (!/^(postgres|postgresql|pglite):\/\//.test(config.is.databaseUri)) {
    fail("is.database-uri", `expected postgres://..., postgresql://... or pglite://<folder|memory>, got ${JSON.stringify(maskUri(config.is.databaseUri))}`);
  }
  if (config.is.readDatabaseUri && !/^(postgres|postgresql):\/\//.test(config.is.readDatabaseUri)) {
    fail("is.read-database-uri", `a read replica must be postgres://... or postgresql://..., got ${JSON.stringify(maskUri(config.is.readDatabaseUri))}`);
  }

  try {
    trustedProxies(config.http.trustedProxies);
  } catch (err) {
    fail("http.trusted-proxies", (err as Error).message);
  }

  const pw = config.is.userRegistration.passwordRequirements;
  if (pw.minLength > pw.maxLength) {
    fail("is.user-registration.password-requirements.min-length", `must not exceed max-length (${pw.maxLength})`);
  }

  config.cluster.keys.forEach((key, i) => {
    if (!/^([0-9a-fA-F]{2})+$/.test(key)) fail("cluster.keys", `entry ${i + 1} is not an even-length hex string`);
  });

  config.is.tenancy.adminKeys.forEach((key, i) => {
    if (!/^([0-9a-fA-F]{2})+$/.test(key) || ![16, 24, 32].includes(key.length / 2)) fail("is.tenancy.admin-keys", `entry ${i + 1} must be 16, 24 or 32 hex-encoded bytes`);
  });
  if (!/^[a-z0-9](?:-?[a-z0-9]){2,35}$/.test(config.tenancy.defaultId)) fail("tenancy.default-id", `${JSON.stringify(config.tenancy.defaultId)} is not a tenant ID (3-36 lowercase letters, digits and single dashes)`);
  config.tenancy.baseDomains.forEach((domain, i) => {
    if (!/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(domain)) fail("tenancy.base-domains", `entry ${i + 1} (${JSON.stringify(domain)}) is not a domain name`);
  });

  // Key material never appears in these messages: only key IDs and positions.
  const vaultIds = config.keyVault.static.map((entry, i) => {
    const m = /^([^=\s]+)=((?:[0-9a-fA-F]{2})+)$/.exec(entry.trim());
    if (!m || ![16, 24, 32].includes(m[2]!.length / 2)) fail("key-vault.static", `entry ${i + 1} must be <key-id>=<hex AES key of 16, 24 or 32 bytes>`);
    return m![1]!;
  });
  const keyId = config.is.gateways.encryptionKeyId;
  if (keyId && !vaultIds.includes(keyId)) fail("is.gateways.encryption-key-id", `no key \`${keyId}\` in key-vault.static`);
  const deviceKeyId = config.is.endDevices.encryptionKeyId;
  if (deviceKeyId && !vaultIds.includes(deviceKeyId)) fail("is.end-devices.encryption-key-id", `no key \`${deviceKeyId}\` in key-vault.static`);

  const block = config.is.devEuiBlock;
  if (block.enabled || block.prefix) {
    if (!block.prefix) fail("is.dev-eui-block.prefix", "must be set when is.dev-eui-block.enabled is true");
    try {
      const prefix = parseEUIPrefix(block.prefix);
      // The documented default /0 is the whole EUI space, no IEEE block: fine while issuing is off.
      if (block.enabled && prefix.length === 0) {
        fail("is.dev-eui-block.prefix", `${JSON.stringify(block.prefix)} is the whole EUI space: set the IEEE block to issue DevEUIs from (e.g. 70B3D57ED0000000/36) when is.dev-eui-block.enabled is true`);
      }
      if (block.initCounter < 0 || BigInt(block.initCounter) > prefixEndCounter(prefix)) {
        fail("is.dev-eui-block.init-counter", `must be 0 to ${prefixEndCounter(prefix)} for prefix length ${prefix.length}`);
      }
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      fail("is.dev-eui-block.prefix", (err as Error).message);
    }
  }
  if (block.applicationLimit < 0) fail("is.dev-eui-block.application-limit", "must not be negative");

  // Argon2 rejects these at hash time; failing at startup is kinder.
  if (config.is.passwordHashing.timeCost < 1) fail("is.password-hashing.time-cost", "must be at least 1");
  if (config.is.passwordHashing.memoryCost < 8) fail("is.password-hashing.memory-cost", "must be at least 8 (KiB)");
}

// ---- Rendering --------------------------------------------------------------

function showDefault(o: OptionDef): string {
  if (o.type === "string-list") return o.default.length ? o.default.join(",") : "[]";
  if (o.type === "string" && o.default === "") return '""';
  return String(o.default);
}

function showType(o: OptionDef): string {
  return o.type === "enum" ? enumChoices(o, "|", '|""') : o.type;
}

/** Help for every option: flag, type, default, description; grouped by top-level prefix. */
export function formatHelp(): string {
  const rows = options.map((o) => ({ group: o.name.split(".")[0]!, cols: [`--${o.name}`, showType(o), showDefault(o), o.description] }));
  const width = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r.cols[c]!.length)));
  const line = (cols: string[]) => "  " + cols.map((s, c) => (c < 3 ? s.padEnd(width[c]!) : s)).join("  ");

  const out = [
    "Configuration options. Precedence, lowest first: defaults, -c/--config <file.yml> (repeatable;",
    `or ${CONFIG_ENV}=a.yml,b.yml), environment TTN_LW_<NAME> (e.g. ${envName("is.database-uri")}), flags.`,
    "YAML files nest the name segments (is: {database-uri: ...}). Durations use Go syntax (24h, 1h30m, 500ms).",
    "Lists are comma-separated in env and flags; repeated list flags append.",
    "",
    line(["OPTION", "TYPE", "DEFAULT", "DESCRIPTION"]),
  ];
  let group = "";
  for (const r of rows) {
    if (r.group !== group) out.push("", `${(group = r.group)}:`);
    out.push(line(r.cols).trimEnd());
  }
  return out.join("\n") + "\n";
}

/** `postgres://user:pw@host/db?password=pw` → `postgres://user:***@host/db?password=***`. */
export function maskUri(value: string): string {
  return value
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/?#]*):[^@/?#]*@/i, "$1:***@")
    .replace(/([?&](?:password|pass|pwd|secret|token)=)[^&#]*/gi, "$1***");
}

/**
 * The effective configuration as YAML using the dotted names' segments, in
 * the form a --config file accepts; secrets are masked so it is safe to log.
 */
export function formatConfig(config: Config): string {
  const tree: Tree = {};
  for (const o of options) {
    let value = getPath(config, o.name);
    if (o.type === "duration") value = formatDuration(value as number);
    else if (Array.isArray(value)) value = isSecret(o.name) ? value.map(() => "***") : [...value];
    else if (typeof value === "string") value = isSecret(o.name) && value !== "" ? "***" : maskUri(value);
    let node = tree;
    const segs = o.name.split(".");
    for (const seg of segs.slice(0, -1)) node = (node[seg] ??= {}) as Tree;
    node[segs[segs.length - 1]!] = value;
  }
  return stringifyYaml(tree);
}
