// Argument parsing for is-cli: the command tree types, the table-driven parser
// (command words → positionals → typed flags → constraints), value parsers for
// rights, enums, timestamps and addresses, global flags/env, and usage text.
// Knows nothing about gRPC: commands carry their RPC as opaque extra fields.
import { parseArgs } from "node:util";
import type { DescEnum } from "@bufbuild/protobuf";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { RightSchema, type Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { boolExpected, parseBoolText } from "../config/bool.js";

export const PROGRAM = "is-cli";
export const DEFAULT_GRPC_ADDRESS = "localhost:1884";
export const ENV_GRPC_ADDRESS = "IS_CLI_GRPC_ADDRESS";
export const ENV_API_KEY = "IS_CLI_API_KEY";
export const ENV_OAUTH_SERVER_ADDRESS = "IS_CLI_OAUTH_SERVER_ADDRESS";
export const ENV_TENANT_ID = "IS_CLI_TENANT_ID";

/** A tenant ID: 3-36 lowercase letters and digits, single dashes between (as the server checks it). */
const TENANT_ID = /^[a-z0-9](?:-?[a-z0-9]){2,35}$/;
export const tenantIdRule = "3-36 lowercase letters, digits and single dashes";

/** `id` itself when it is a tenant ID; otherwise an Error saying what one is. */
export function checkTenantId(id: string): string {
  if (!TENANT_ID.test(id)) throw new Error(`"${id}" is not a tenant ID (${tenantIdRule})`);
  return id;
}

// ---- command tree -----------------------------------------------------------

export type FlagType =
  | { kind: "string" }
  | { kind: "boolean" } // presence: `--all`, `--all true`, `--all=false` (= not given)
  | { kind: "uint" } // non-negative integer
  | { kind: "number"; integer?: boolean } // a decimal number, may be negative (`--x=-1.5`)
  | { kind: "bool" } // `--x true` / `--x=false`; bare `--x` is true
  | { kind: "list" } // comma-separated strings, repeatable
  | { kind: "rights" } // comma-separated right names, repeatable
  | { kind: "timestamp" } // RFC 3339
  | { kind: "enum"; schema: DescEnum; prefix: string } // one enum value, by name without prefix
  | { kind: "enums"; schema: DescEnum; prefix: string } // comma-separated enum values, repeatable
  | { kind: "switch" } // `--x`, `--x=false` or `--x false`
  | { kind: "eui" } // EUI-64 as 16 hex digits
  | { kind: "hex" } // hex digits (part of an EUI), returned upper-case
  | { kind: "map" }; // comma-separated key=value pairs, repeatable

export type FlagValue = string | boolean | number | string[] | number[] | Timestamp | Uint8Array | Readonly<Record<string, string>>;

export interface FlagSpec {
  readonly type: FlagType;
  readonly description: string;
  /** Shown in usage after the flag name, e.g. `--limit N`. */
  readonly placeholder?: string;
  readonly required?: boolean;
  /** A `required` flag may be left out when a flag whose name starts with this is given (`--right-*` for `--rights`). */
  readonly requiredUnlessPrefix?: string;
  /** Another name of the flag `aliasOf`: its values count as that flag's (`--api-key-expiry` for `--expires-at`). */
  readonly aliasOf?: string;
  /** Accepted but left out of usage texts. */
  readonly hidden?: boolean;
  /** One-letter form, e.g. `c` for `-c`. */
  readonly short?: string;
}

export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  /** May be left out; only the last positional may be optional. */
  readonly optional?: boolean;
  /** Checks the value at parse time (e.g. `parseEUI`); throws an Error saying what is wrong. */
  readonly check?: (value: string) => unknown;
  /**
   * The positional may also be given as this string flag (`--application-id`),
   * as The Things Stack's CLI allows; a positional and the flag both given must agree.
   */
  readonly flag?: string;
}

export interface CommandSpec {
  readonly kind: "command";
  readonly name: string;
  /** Other words that name the command (`ls` for `list`). */
  readonly aliases?: readonly string[];
  readonly summary: string;
  readonly positionals?: readonly PositionalSpec[];
  readonly flags?: Readonly<Record<string, FlagSpec>>;
  /** Groups of flags of which at most one may be given. */
  readonly exclusive?: readonly (readonly string[])[];
  /** Groups of flags of which exactly one must be given. */
  readonly requireOne?: readonly (readonly string[])[];
  /** At least one of these flags must be given (update commands). */
  readonly requireAny?: readonly string[];
}

export interface GroupSpec<C extends CommandSpec = CommandSpec> {
  readonly kind: "group";
  readonly name: string;
  /** Other words that name the group (`ap` for `authentication-providers`). */
  readonly aliases?: readonly string[];
  readonly summary: string;
  readonly children: readonly (GroupSpec<C> | C)[];
}

// ---- parse result -----------------------------------------------------------

export interface GlobalArgs {
  /** Base URL for the transport, e.g. `http://localhost:1884`. */
  readonly baseUrl: string;
  readonly apiKey?: string;
  /** The server's OAuth URL (its `is.oauth.ui.canonical-url`), when given; see `oauthServerURL`. */
  readonly oauthServerAddress?: string;
  /** The tenant addressed (`--tenant-id`, else the environment); sent as the `tenant-id` header. */
  readonly tenantId?: string;
  /** The tenant ID came from the environment, not from the command line. */
  readonly tenantIdFromEnv?: boolean;
}

/**
 * The OAuth URL of the server: as given, else the server's default
 * `is.oauth.ui.canonical-url` (the URL the server builds callback URLs from,
 * which need not be the address the CLI talks gRPC to).
 */
export const defaultOAuthServerAddress = "http://localhost:1885/oauth";
export function oauthServerURL(global: GlobalArgs): string {
  return global.oauthServerAddress ?? defaultOAuthServerAddress;
}

/** Values of the global flags as given on the command line (the connection settings resolve them with files and environment). */
export type GlobalOptions = Readonly<Record<string, string | boolean | string[]>>;

export class ParsedArgs {
  constructor(
    readonly positionals: Readonly<Record<string, string>>,
    readonly flags: Readonly<Record<string, FlagValue>>,
    readonly global: GlobalArgs,
    readonly options: GlobalOptions = {},
  ) {}
  /** The same arguments with other global settings (the resolved connection settings). */
  withGlobal(global: GlobalArgs): ParsedArgs {
    return new ParsedArgs(this.positionals, this.flags, global, this.options);
  }
  has(flag: string): boolean {
    return flag in this.flags;
  }
  /** Flags actually given, in the order of the command definition. */
  given(names: readonly string[]): string[] {
    return names.filter((n) => this.has(n));
  }
  arg(name: string): string {
    const v = this.positionals[name];
    if (v === undefined) throw new Error(`bug: no positional ${name}`);
    return v;
  }
  /** An optional positional, when given. */
  optionalArg(name: string): string | undefined {
    return this.positionals[name];
  }
  str(flag: string): string | undefined {
    return this.typed(flag, (v): v is string => typeof v === "string");
  }
  bool(flag: string): boolean | undefined {
    return this.typed(flag, (v): v is boolean => typeof v === "boolean");
  }
  num(flag: string): number | undefined {
    return this.typed(flag, (v): v is number => typeof v === "number");
  }
  list(flag: string): string[] | undefined {
    return this.typed(flag, (v): v is string[] => Array.isArray(v));
  }
  rights(flag: string): Right[] | undefined {
    return this.typed(flag, (v): v is Right[] => Array.isArray(v));
  }
  /** Values of an `enums` flag. */
  enums(flag: string): number[] | undefined {
    return this.typed(flag, (v): v is number[] => Array.isArray(v));
  }
  timestamp(flag: string): Timestamp | undefined {
    return this.typed(flag, (v): v is Timestamp => typeof v === "object" && "seconds" in v);
  }
  eui(flag: string): Uint8Array | undefined {
    return this.typed(flag, (v): v is Uint8Array => v instanceof Uint8Array);
  }
  map(flag: string): Record<string, string> | undefined {
    return this.typed(flag, (v): v is Record<string, string> => typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array) && !("seconds" in v));
  }
  private typed<T extends FlagValue>(flag: string, guard: (v: FlagValue) => v is T): T | undefined {
    const v = this.flags[flag];
    if (v === undefined) return undefined;
    if (!guard(v)) throw new Error(`bug: flag --${flag} read with the wrong type`);
    return v;
  }
}

export type ParseResult<C extends CommandSpec> =
  | { readonly kind: "help"; readonly text: string }
  | { readonly kind: "run"; readonly command: C; readonly path: readonly string[]; readonly args: ParsedArgs };

/** Bad command line: `message` is the one-line reason, `usage` the usage of the (sub)command. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage = "",
  ) {
    super(message);
    this.name = "UsageError";
  }
}

// ---- global flags -----------------------------------------------------------

const IS_CLI_FLAGS: Readonly<Record<string, FlagSpec>> = {
  "grpc-address": {
    type: { kind: "string" },
    placeholder: "ADDR",
    description: `gRPC address, host:port (plain) or http(s)://host:port (env ${ENV_GRPC_ADDRESS}; default ${DEFAULT_GRPC_ADDRESS})`,
  },
  "api-key": {
    type: { kind: "string" },
    placeholder: "KEY",
    description: `API key sent as "authorization: Bearer KEY" (env ${ENV_API_KEY}; else the credentials of \`login\`)`,
  },
  "oauth-server-address": {
    type: { kind: "string" },
    placeholder: "URL",
    description: `the server's OAuth URL, its is.oauth.ui.canonical-url (env ${ENV_OAUTH_SERVER_ADDRESS} or TTN_LW_OAUTH_SERVER_ADDRESS; default: ${defaultOAuthServerAddress}, the server's default)`,
  },
  "tenant-id": {
    type: { kind: "string" },
    placeholder: "ID",
    description: `the tenant to address, sent as the "tenant-id" header (env ${ENV_TENANT_ID}; default: the server's, from its host name or tenancy.default-id); for tenants commands, the tenant acted on`,
  },
};

/**
 * The Things Stack CLI's global options that concern the Identity Server, as
 * flags; each also comes from TTN_LW_<NAME> and the config files (settings.ts).
 */
export const STACK_FLAGS: Readonly<Record<string, FlagSpec>> = {
  config: {
    type: { kind: "list" },
    short: "c",
    placeholder: "FILE,...",
    description: "config files, merged in order (default: .ttn-lw-cli.yml, $HOME/.ttn-lw-cli.yml, $HOME/.config/.ttn-lw-cli.yml, those that exist)",
  },
  "identity-server-grpc-address": {
    type: { kind: "string" },
    placeholder: "ADDR",
    description: "Identity Server gRPC address, host:port (TLS unless --insecure) or http(s)://host:port",
  },
  insecure: { type: { kind: "switch" }, description: "connect without TLS" },
  ca: { type: { kind: "string" }, placeholder: "FILE", description: "CA certificate file (PEM) to trust besides the system's" },
  "credentials-id": { type: { kind: "string" }, placeholder: "ID", description: "which stored login to use (set by `use` to the host)" },
  "allow-unknown-hosts": { type: { kind: "switch" }, description: "allow sending stored credentials to hosts other than those of the login" },
  "output-format": { type: { kind: "string" }, placeholder: "json", description: "output format (json only)" },
  "input-format": { type: { kind: "string" }, placeholder: "json", description: "input format (json only)" },
};

/** Other components' options of the stack's CLI: accepted so its scripts run, and not used. */
const IGNORED_STRING = [
  "gateway-server-grpc-address", "network-server-grpc-address", "application-server-grpc-address", "join-server-grpc-address",
  "device-claiming-server-grpc-address", "device-template-converter-grpc-address", "qr-code-generator-grpc-address",
  "device-repository-grpc-address", "packet-broker-agent-grpc-address", "log.level", "log.format", "retry.max", "retry.default-timeout",
  "retry.jitter", "telemetry.target", "experimental.features",
];
const IGNORED_SWITCH = [
  "gateway-server-enabled", "network-server-enabled", "application-server-enabled", "join-server-enabled", "device-claiming-server-enabled",
  "device-template-converter-enabled", "qr-code-generator-enabled", "device-repository-enabled", "packet-broker-agent-enabled",
  "dump-requests", "skip-version-check", "retry.enable-metadata", "telemetry.enable",
];
const IGNORED: Readonly<Record<string, FlagSpec>> = Object.fromEntries([
  ...IGNORED_STRING.map((n): [string, FlagSpec] => [n, { type: { kind: "string" }, description: "not used (ttn-lw-cli compatibility)", hidden: true }]),
  ...IGNORED_SWITCH.map((n): [string, FlagSpec] => [n, { type: { kind: "switch" }, description: "not used (ttn-lw-cli compatibility)", hidden: true }]),
]);

export const GLOBAL_FLAGS: Readonly<Record<string, FlagSpec>> = { ...IS_CLI_FLAGS, ...STACK_FLAGS, ...IGNORED };
const GLOBAL_SHORT: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(GLOBAL_FLAGS).flatMap(([name, spec]) => (spec.short ? [[spec.short, name]] : [])),
);

// ---- parser -----------------------------------------------------------------

/** True when `token` names `node` (its name or an alias). */
function names(node: { readonly name: string; readonly aliases?: readonly string[] }, token: string): boolean {
  return node.name === token || (node.aliases?.includes(token) ?? false);
}

/** `-c x` → `--config x`: the short forms of global flags, for the tokenizer. */
function expandShort(token: string): string {
  const m = /^-([a-zA-Z])(=.*)?$/.exec(token);
  const long = m ? GLOBAL_SHORT[m[1]!] : undefined;
  return long ? `--${long}${m![2] ?? ""}` : token;
}

/** The flags a command accepts besides its own: globals, and its positionals as flags. */
function commandSpecs(command: CommandSpec): Record<string, FlagSpec> {
  const specs: Record<string, FlagSpec> = { ...GLOBAL_FLAGS };
  for (const p of command.positionals ?? []) {
    if (p.flag) specs[p.flag] = { type: { kind: "string" }, placeholder: "ID", description: `same as <${p.name}>` };
  }
  return { ...specs, ...command.flags };
}

/**
 * Parses `argv` (without node and script) against the command tree `root`.
 * Throws UsageError for anything wrong with the command line.
 */
export function parse<C extends CommandSpec>(
  root: GroupSpec<C>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): ParseResult<C> {
  // 1. Walk the command words down the tree; global flags may come anywhere,
  // and a subcommand's flags before it (`api-keys --application-id a create`),
  // as the stack's CLI allows for a group's persistent flags.
  let node: GroupSpec<C> | C = root;
  const path: string[] = [];
  const rest: string[] = [];
  const deferred: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const token = expandShort(argv[i]!);
    if (node.kind === "command" || token === "--") {
      const tail = argv.slice(i);
      const end = tail.indexOf("--");
      rest.push(...(end < 0 ? tail.map(expandShort) : [...tail.slice(0, end).map(expandShort), ...tail.slice(end)]));
      break;
    }
    if (token === "--help" || token === "-h") {
      help = true;
      continue;
    }
    if (token.startsWith("-") && token !== "-") {
      const name = token.replace(/^--?/, "").split("=", 1)[0]!;
      const spec = GLOBAL_FLAGS[name];
      if (!spec) {
        // Not global: maybe the subcommand's; its value is the next word unless that is a subcommand or a flag.
        const next = argv[i + 1];
        const takesValue = !token.includes("=") && next !== undefined && !next.startsWith("-") && !node.children.some((c) => names(c, next));
        deferred.push(token, ...(takesValue ? [argv[++i]!] : []));
        continue;
      }
      rest.push(token);
      // A switch takes the next word only when it is true/false; other flags always take it.
      const takesNext = spec.type.kind === "switch" || spec.type.kind === "boolean" ? BOOL_WORD.test(argv[i + 1] ?? "") : true;
      if (!token.includes("=") && i + 1 < argv.length && takesNext) rest.push(argv[++i]!);
      continue;
    }
    const child: GroupSpec<C> | C | undefined = node.children.find((c) => names(c, token));
    if (!child) {
      throw new UsageError(`unknown command "${[...path, token].join(" ")}"`, groupUsage(node, path));
    }
    node = child;
    path.push(child.name);
  }
  if (node.kind === "group" && deferred.length) {
    throw new UsageError(`unknown flag ${deferred[0]!.split("=", 1)[0]}`, groupUsage(node, path));
  }
  rest.unshift(...deferred);
  if (node.kind === "group") {
    if (help) return { kind: "help", text: groupUsage(node, path) };
    throw new UsageError(path.length ? `missing subcommand of "${path.join(" ")}"` : "missing command", groupUsage(node, path));
  }
  const command: C = node;
  const usage = commandUsage(command, path);
  if (help) return { kind: "help", text: usage };

  // 2. Tokenize the rest with the command's flags and the global flags.
  const specs = commandSpecs(command);
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = { help: { type: "boolean", short: "h" } };
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = { type: spec.type.kind === "boolean" || spec.type.kind === "switch" ? "boolean" : "string" };
  }
  let tokens;
  try {
    tokens = parseArgs({ args: boolValuesInline(rest, specs), options, strict: false, allowPositionals: true, tokens: true }).tokens;
  } catch (err) {
    throw new UsageError(firstLine(err), usage);
  }
  if (tokens.some((t) => t.kind === "option" && t.name === "help")) return { kind: "help", text: usage };

  const positionals: string[] = [];
  const raw = new Map<string, (string | true)[]>();
  for (const t of tokens) {
    if (t.kind === "positional") positionals.push(t.value);
    if (t.kind !== "option") continue;
    const given = specs[t.name];
    if (!given) throw new UsageError(`unknown flag ${t.rawName}`, usage);
    const name = given.aliasOf ?? t.name;
    const spec = specs[name] ?? given;
    let value: string | true;
    if (spec.type.kind === "boolean") {
      // Presence flag: `--all`, `--all=true` or `--all true`; false means not given.
      let on = true;
      try {
        on = t.value === undefined || parseBool(t.value);
      } catch (err) {
        throw new UsageError(`invalid value for --${t.name}: ${firstLine(err)}`, usage);
      }
      if (!on) {
        raw.delete(name);
        continue;
      }
      value = true;
    } else if (spec.type.kind === "switch") {
      value = t.value ?? true;
    } else {
      if (t.value === undefined) throw new UsageError(`flag --${t.name} needs a value`, usage);
      value = t.value;
    }
    raw.set(name, [...(raw.get(name) ?? []), value]);
  }

  // 3. Positionals, in order; one given as its flag too must agree with it.
  const wanted = command.positionals ?? [];
  if (positionals.length > wanted.length) {
    throw new UsageError(`unexpected argument "${positionals[wanted.length]}"`, usage);
  }
  const pos: Record<string, string> = {};
  for (const [i, p] of wanted.entries()) {
    const fromFlag = p.flag && !(p.flag in (command.flags ?? {})) ? raw.get(p.flag)?.at(-1) : undefined;
    const positional = positionals[i];
    if (positional !== undefined && typeof fromFlag === "string" && fromFlag !== positional) {
      throw new UsageError(`<${p.name}> "${positional}" and --${p.flag} "${fromFlag}" differ`, usage);
    }
    const value = positional ?? (typeof fromFlag === "string" ? fromFlag : undefined);
    if (value === undefined) {
      if (!p.optional) throw new UsageError(`missing argument <${p.name}>${p.flag ? ` (or --${p.flag})` : ""}`, usage);
      continue;
    }
    try {
      p.check?.(value);
    } catch (err) {
      throw new UsageError(`invalid <${p.name}>: ${firstLine(err)}`, usage);
    }
    pos[p.name] = value;
  }
  const positionalFlags = new Set(wanted.flatMap((p) => (p.flag ? [p.flag] : [])));

  // 4. Flag values.
  const flags: Record<string, FlagValue> = {};
  for (const [name, values] of raw) {
    if (name in GLOBAL_FLAGS || (positionalFlags.has(name) && !(name in (command.flags ?? {})))) continue;
    try {
      flags[name] = convert(specs[name]!.type, values);
    } catch (err) {
      throw new UsageError(`invalid value for --${name}: ${firstLine(err)}`, usage);
    }
  }

  // 5. Constraints.
  for (const [name, spec] of Object.entries(command.flags ?? {})) {
    if (!spec.required || name in flags) continue;
    if (spec.requiredUnlessPrefix && Object.keys(flags).some((f) => f.startsWith(spec.requiredUnlessPrefix!))) continue;
    throw new UsageError(`missing required flag --${name}`, usage);
  }
  for (const group of command.exclusive ?? []) {
    const given = group.filter((n) => n in flags);
    if (given.length > 1) throw new UsageError(`${dashed(given).join(" and ")} cannot be used together`, usage);
  }
  for (const group of command.requireOne ?? []) {
    const given = group.filter((n) => n in flags);
    if (given.length > 1) throw new UsageError(`${dashed(given).join(" and ")} cannot be used together`, usage);
    if (given.length === 0) throw new UsageError(`one of ${dashed(group).join(" or ")} is required`, usage);
  }
  if (command.requireAny && !command.requireAny.some((n) => n in flags)) {
    const shown = command.requireAny.slice(0, 6);
    const more = command.requireAny.length > shown.length ? `, ... (see --help)` : "";
    throw new UsageError(`nothing to do: give at least one of ${dashed(shown).join(", ")}${more}`, usage);
  }

  // 6. Global flags, falling back to the environment.
  const last = (name: string) => {
    const v = raw.get(name);
    return v ? (v[v.length - 1] as string) : undefined;
  };
  let baseUrl: string;
  try {
    baseUrl = normalizeAddress(last("grpc-address") ?? (env[ENV_GRPC_ADDRESS] || DEFAULT_GRPC_ADDRESS));
  } catch (err) {
    throw new UsageError(firstLine(err), usage);
  }
  const apiKey = last("api-key") ?? (env[ENV_API_KEY] || undefined);
  const oauth = last("oauth-server-address") ?? (env[ENV_OAUTH_SERVER_ADDRESS] || undefined);
  let oauthServerAddress: string | undefined;
  if (oauth !== undefined) {
    try {
      oauthServerAddress = checkOAuthServerAddress(oauth);
    } catch (err) {
      throw new UsageError(firstLine(err), usage);
    }
  }
  const tenantFlag = last("tenant-id");
  const tenantId = tenantFlag ?? (env[ENV_TENANT_ID] || undefined);
  if (tenantId !== undefined) {
    try {
      checkTenantId(tenantId);
    } catch (err) {
      throw new UsageError(`invalid ${tenantFlag !== undefined ? "--tenant-id" : ENV_TENANT_ID}: ${firstLine(err)}`, usage);
    }
  }
  const tenant = tenantId === undefined ? {} : { tenantId, ...(tenantFlag === undefined ? { tenantIdFromEnv: true } : {}) };
  const globalOptions: Record<string, string | boolean | string[]> = {};
  for (const [name, values] of raw) {
    if (!(name in GLOBAL_FLAGS)) continue;
    try {
      globalOptions[name] = convert(GLOBAL_FLAGS[name]!.type, values) as string | boolean | string[];
    } catch (err) {
      throw new UsageError(`invalid value for --${name}: ${firstLine(err)}`, usage);
    }
  }
  return {
    kind: "run",
    command,
    path,
    args: new ParsedArgs(
      pos,
      flags,
      { baseUrl, ...(apiKey ? { apiKey } : {}), ...(oauthServerAddress ? { oauthServerAddress } : {}), ...tenant },
      globalOptions,
    ),
  };
}

/** The OAuth server address without trailing slashes; an Error when it is not an absolute http(s) URL. */
export function checkOAuthServerAddress(address: string): string {
  if (!/^https?:\/\/[^/?#]/i.test(address) || !URL.canParse(address)) throw new Error(`invalid OAuth server address "${address}" (want http(s)://host[:port]/path)`);
  return address.replace(/\/+$/, "");
}

const BOOL_WORD = /^(true|false)$/i;

/**
 * `--flag true` / `--flag false` → `--flag=true` / `--flag=false` for every
 * boolean kind, so the word is the flag's value and not a positional. Only
 * true/false are taken: any other word after a presence flag stays a
 * positional (`users get --all alice`). A bare `--x` of the explicit kind
 * `bool` means true, like the others.
 */
function boolValuesInline(args: readonly string[], specs: Readonly<Record<string, FlagSpec>>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    const kind = arg.startsWith("--") && !arg.includes("=") ? specs[arg.slice(2)]?.type.kind : undefined;
    const next = args[i + 1];
    if ((kind === "boolean" || kind === "switch" || kind === "bool") && next !== undefined && BOOL_WORD.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else if (kind === "bool" && (next === undefined || next.startsWith("-"))) out.push(`${arg}=true`);
    else out.push(arg);
  }
  return out;
}

function convert(type: FlagType, values: (string | true)[]): FlagValue {
  const lastValue = values[values.length - 1]!;
  if (type.kind === "boolean") return true;
  if (type.kind === "switch") return lastValue === true || parseBool(lastValue);
  const s = lastValue as string;
  const all = values as string[];
  switch (type.kind) {
    case "string":
      return s;
    case "uint":
      if (!/^\d+$/.test(s) || Number(s) > 0xffffffff) throw new Error(`"${s}" is not a non-negative integer`);
      return Number(s);
    case "number": {
      const n = /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
      if (!Number.isFinite(n) || (type.integer && !Number.isSafeInteger(n))) throw new Error(`"${s}" is not ${type.integer ? "an integer" : "a number"}`);
      return n;
    }
    case "bool":
      return parseBool(s);
    case "list":
      return splitList(all);
    case "rights":
      return parseRights(all.join(","));
    case "timestamp":
      return parseTimestamp(s);
    case "enum":
      return parseEnumValue(type.schema, type.prefix, s);
    case "enums": {
      const names = splitList(all);
      if (names.length === 0) throw new Error("no values given");
      return [...new Set(names.map((n) => parseEnumValue(type.schema, type.prefix, n)))];
    }
    case "eui":
      return parseEUI(s);
    case "hex":
      if (!/^[0-9a-fA-F]+$/.test(s)) throw new Error(`"${s}" is not hex digits`);
      return s.toUpperCase();
    case "map":
      return parseMap(all);
  }
}

function parseBool(s: string): boolean {
  const b = parseBoolText(s);
  if (b === undefined) throw new Error(`"${s}" is not ${boolExpected}`);
  return b;
}

function splitList(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

// ---- value parsers ----------------------------------------------------------

/**
 * Looks up an enum value by its proto name, with or without `prefix`,
 * case-insensitively: `approved`, `STATE_APPROVED`.
 */
export function parseEnumValue(schema: DescEnum, prefix: string, name: string): number {
  const wanted = name.trim().toUpperCase();
  const full = wanted.startsWith(prefix) ? wanted : prefix + wanted;
  const value = schema.values.find((v) => v.name.toUpperCase() === full && v.name.startsWith(prefix));
  if (!value) {
    throw new Error(`unknown value "${name}" (one of ${enumNames(schema, prefix).join(", ")})`);
  }
  return value.number;
}

/** EUI-64 as 16 hex digits, optionally grouped by `:` or `-` (`70B3D57ED0000001`, `70-B3-D5-...`). */
export function parseEUI(text: string): Uint8Array {
  const t = text.trim();
  const hex = /^[0-9a-fA-F]{2}([:-]?)[0-9a-fA-F]{2}(?:\1[0-9a-fA-F]{2}){6}$/.test(t) ? t.replace(/[:-]/g, "") : "";
  if (hex.length !== 16) throw new Error(`"${text}" is not an EUI (16 hex digits, e.g. 70B3D57ED0000001)`);
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

/** `key=value` pairs, comma-separated and/or repeated; a later key wins. */
export function parseMap(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of splitList(values)) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Error(`"${pair}" is not key=value`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/** Comma-separated right names, `RIGHT_` prefix optional, any case. Duplicates are dropped. */
export function parseRights(list: string): Right[] {
  const names = splitList([list]);
  if (names.length === 0) throw new Error("no rights given");
  const out: Right[] = [];
  for (const name of names) {
    const upper = name.toUpperCase();
    const full = upper.startsWith("RIGHT_") ? upper : `RIGHT_${upper}`;
    const value = RightSchema.values.find((v) => v.name === full);
    if (!value) throw new Error(`unknown right "${name}"`);
    if (!out.includes(value.number)) out.push(value.number);
  }
  return out;
}

/** Proto name of a right, e.g. `RIGHT_APPLICATION_ALL`. */
export function rightName(right: Right): string {
  return RightSchema.values.find((v) => v.number === right)?.name ?? String(right);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** RFC 3339 timestamp with nanosecond precision. */
export function parseTimestamp(s: string): Timestamp {
  const m = RFC3339.exec(s.trim());
  if (!m) throw new Error(`"${s}" is not an RFC 3339 timestamp (like 2030-01-02T15:04:05Z)`);
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}${zone!.toUpperCase()}`);
  const date = new Date(ms);
  // Reject dates that Date silently rolls over (Feb 30, hour 25, ...).
  if (Number.isNaN(ms) || Number(mo) < 1 || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) {
    throw new Error(`"${s}" is not a valid date and time`);
  }
  const local = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (local.getUTCDate() !== Number(d)) throw new Error(`"${s}" is not a valid date`);
  const ts = timestampFromMs(date.getTime());
  ts.nanos = frac ? Number(frac.padEnd(9, "0")) : 0;
  return ts;
}

/**
 * `host:port` → `http://host:port` (`https://` with `tls`); `http(s)://...`
 * kept; a bare `host` gets `defaultPort` (1884).
 */
export function normalizeAddress(address: string, opts: { tls?: boolean; defaultPort?: number } = {}): string {
  const a = address.trim();
  if (/^https?:\/\//i.test(a)) {
    let url: URL;
    try {
      url = new URL(a);
    } catch {
      throw new Error(`invalid gRPC address "${address}"`);
    }
    return url.href.replace(/\/+$/, "");
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(a)) throw new Error(`invalid gRPC address "${address}": scheme must be http or https`);
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(a);
  if (!m || (m[2] !== undefined && Number(m[2]) > 65535)) throw new Error(`invalid gRPC address "${address}" (want host:port or http(s)://host:port)`);
  return `${opts.tls ? "https" : "http"}://${m[1]}:${m[2] ?? opts.defaultPort ?? DEFAULT_GRPC_ADDRESS.split(":")[1]}`;
}

function dashed(names: readonly string[]): string[] {
  return names.map((n) => `--${n}`);
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n", 1)[0]!;
}

// ---- usage text -------------------------------------------------------------

function flagLine(name: string, spec: FlagSpec): [string, string] {
  const placeholder = spec.type.kind === "boolean" ? "" : spec.type.kind === "switch" ? "[=true|false]" : ` ${spec.placeholder ?? defaultPlaceholder(spec.type)}`;
  const short = spec.short ? `-${spec.short}, ` : "";
  const required = spec.required ? (spec.requiredUnlessPrefix ? ` (required, or a --${spec.requiredUnlessPrefix}* flag)` : " (required)") : "";
  const description = spec.aliasOf ? `same as --${spec.aliasOf}` : spec.description + required;
  return [`${short}--${name}${placeholder}`, description];
}

function flagLines(flags: Readonly<Record<string, FlagSpec>>): [string, string][] {
  return Object.entries(flags).filter(([, s]) => !s.hidden).map(([n, s]) => flagLine(n, s));
}

function enumNames(schema: DescEnum, prefix: string): string[] {
  return schema.values.filter((v) => v.name.startsWith(prefix)).map((v) => v.name.slice(prefix.length).toLowerCase());
}

function defaultPlaceholder(type: FlagType): string {
  switch (type.kind) {
    case "uint":
      return "N";
    case "number":
      return type.integer ? "N" : "X";
    case "bool":
      return "true|false";
    case "list":
      return "A,B";
    case "rights":
      return "RIGHT_A,RIGHT_B";
    case "timestamp":
      return "RFC3339";
    case "enum":
      return enumNames(type.schema, type.prefix).join("|");
    case "enums":
      return enumNames(type.schema, type.prefix).join(",");
    case "eui":
      return "EUI";
    case "hex":
      return "HEX";
    case "map":
      return "KEY=VALUE,...";
    default:
      return "VALUE";
  }
}

function table(rows: [string, string][]): string {
  if (rows.length === 0) return "";
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`).join("\n");
}

const GLOBAL_USAGE = `Global flags:\n${table([
  ...flagLines(GLOBAL_FLAGS),
  ["-h, --help", "show this help"],
])}`;

export function commandUsage(command: CommandSpec, path: readonly string[]): string {
  const pos = (command.positionals ?? []).map((p) => (p.optional ? `[<${p.name}>]` : `<${p.name}>`));
  const positionalFlags: Record<string, FlagSpec> = {};
  for (const p of command.positionals ?? []) {
    if (p.flag && !command.flags?.[p.flag]) positionalFlags[p.flag] = { type: { kind: "string" }, placeholder: "ID", description: `same as <${p.name}>` };
  }
  const flags = { ...positionalFlags, ...command.flags };
  const hasFlags = Object.keys(flags).length > 0;
  const parts = [`Usage: ${PROGRAM} ${[...path, ...pos].join(" ")}${hasFlags ? " [flags]" : ""}`, "", command.summary];
  if (command.aliases?.length) parts.push("", `Aliases: ${command.aliases.join(", ")}`);
  if (pos.length) parts.push("", `Arguments:\n${table((command.positionals ?? []).map((p) => [`<${p.name}>`, p.description]))}`);
  if (hasFlags) parts.push("", `Flags:\n${table(flagLines(flags))}`);
  const notes: string[] = [];
  for (const g of command.requireOne ?? []) notes.push(`exactly one of ${dashed(g).join(", ")} is required`);
  for (const g of command.exclusive ?? []) notes.push(`${dashed(g).join(", ")} are mutually exclusive`);
  if (command.requireAny) notes.push(`at least one of ${dashed(command.requireAny).join(", ")} is required`);
  if (notes.length) parts.push("", notes.map((n) => `Note: ${n}.`).join("\n"));
  parts.push("", GLOBAL_USAGE);
  return parts.join("\n");
}

export function groupUsage(group: GroupSpec<CommandSpec>, path: readonly string[]): string {
  const rows = group.children.map((c): [string, string] => [c.aliases?.length ? `${c.name} (${c.aliases.join(", ")})` : c.name, c.summary]);
  return [
    `Usage: ${PROGRAM} ${[...path, "<command>"].join(" ")} [flags]`,
    "",
    group.summary,
    "",
    `Commands:\n${table(rows)}`,
    "",
    `Run "${PROGRAM} ${[...path, "<command>"].join(" ")} --help" for the flags of a command.`,
    "",
    GLOBAL_USAGE,
  ].join("\n");
}
