// The connection settings of one is-cli invocation, resolved as The Things
// Stack's CLI resolves its options: a flag beats the environment (is-cli's
// IS_CLI_* names and the stack's TTN_LW_<OPTION> names), which beats the
// config files, which beat the defaults. The config files are YAML with the
// options' names as keys (`identity-server-grpc-address: host:8884`), read in
// the order of `-c`/`--config`/TTN_LW_CONFIG or else of the defaults
// (.ttn-lw-cli.yml in the working directory, $HOME, $HOME/.config), those
// that exist; a later file overrides an earlier one, as the stack merges them.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { parseBoolText } from "../config/bool.js";
import {
  checkOAuthServerAddress, defaultOAuthServerAddress, DEFAULT_GRPC_ADDRESS, ENV_GRPC_ADDRESS, ENV_OAUTH_SERVER_ADDRESS, normalizeAddress,
  STACK_FLAGS, UsageError, type GlobalArgs, type ParsedArgs,
} from "./args.js";
import type { Env } from "./client.js";

export const CONFIG_FILE_NAME = ".ttn-lw-cli.yml";

type Value = string | boolean | string[];

/** Where a setting's value came from, for `config` and error messages. */
export type Source = "flag" | "env" | "file" | "default";

export interface Settings {
  /** The arguments' globals with the resolved address and OAuth URL. */
  readonly global: GlobalArgs;
  /** Base URL of the Identity Server's gRPC endpoint (`https://host:8884`). */
  readonly baseUrl: string;
  readonly oauthServerAddress: string;
  readonly insecure: boolean;
  /** The --ca file's PEM contents, to trust besides the system's CAs. */
  readonly ca?: Buffer;
  /** Which stored login to use ("" by default). */
  readonly credentialsId: string;
  readonly allowUnknownHosts: boolean;
  /** The config files read, in order. */
  readonly files: readonly string[];
  /** Every option with its value and source (for `config`). */
  readonly values: ReadonlyMap<string, { value: Value; source: Source }>;
  /** Folders of the user (undefined without $HOME). */
  readonly dirs: { readonly home?: string; readonly config?: string; readonly cache?: string; readonly cwd: string };
}

/** `identity-server-grpc-address` → `TTN_LW_IDENTITY_SERVER_GRPC_ADDRESS`. */
export function stackEnvName(option: string): string {
  return `TTN_LW_${option.toUpperCase().replace(/[.-]/g, "_")}`;
}

function userDirs(env: Env, cwd: string): Settings["dirs"] {
  const home = env.HOME || env.USERPROFILE || undefined;
  return {
    cwd,
    ...(home ? { home } : {}),
    ...(env.XDG_CONFIG_HOME || home ? { config: env.XDG_CONFIG_HOME || join(home!, ".config") } : {}),
    ...(env.XDG_CACHE_HOME || home ? { cache: env.XDG_CACHE_HOME || join(home!, ".cache") } : {}),
  };
}

/** The default config files, in merge order. */
export function defaultConfigFiles(dirs: Settings["dirs"]): string[] {
  const files = [join(dirs.cwd, CONFIG_FILE_NAME)];
  if (dirs.home) files.push(join(dirs.home, CONFIG_FILE_NAME), join(dirs.home, ".config", CONFIG_FILE_NAME));
  if (dirs.config && !files.includes(join(dirs.config, CONFIG_FILE_NAME))) files.push(join(dirs.config, CONFIG_FILE_NAME));
  return files;
}

/** `{log: {level: x}}` → `{"log.level": x}`; scalars as strings, lists as string lists. */
function flatten(value: unknown, prefix: string, out: Map<string, Value>): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) out.set(prefix, value.map(String));
  else if (typeof value === "object") for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else if (typeof value === "boolean") out.set(prefix, value);
  else out.set(prefix, String(value));
}

function readConfigFile(file: string): Map<string, Value> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = (createRequire(import.meta.url)("yaml") as typeof import("yaml")).parse(text);
  } catch (err) {
    throw new UsageError(`config file ${file} is not YAML: ${(err as Error).message.split("\n", 1)[0]}`);
  }
  if (doc !== null && doc !== undefined && (typeof doc !== "object" || Array.isArray(doc))) {
    throw new UsageError(`config file ${file} is not a map of options`);
  }
  const out = new Map<string, Value>();
  flatten(doc, "", out);
  return out;
}

const splitList = (s: string) => s.split(/[\s,]+/).filter(Boolean);

/**
 * Resolves the settings of `args` (from `parse`) with the environment and
 * the config files; a UsageError for anything unusable (a missing --config
 * file, bad YAML, an unreadable --ca file, a malformed address).
 */
export function loadSettings(args: ParsedArgs, env: Env, cwd: string): Settings {
  const dirs = userDirs(env, cwd);
  const flagValue = (name: string): Value | undefined => args.options[name];

  // Config files: as given (each must exist), else the defaults that exist.
  const given = (flagValue("config") as string[] | undefined) ?? (env.TTN_LW_CONFIG ? splitList(env.TTN_LW_CONFIG) : undefined);
  const files = given ? given.map((f) => resolve(cwd, f)) : defaultConfigFiles(dirs).filter((f) => existsSync(f));
  const fromFiles = new Map<string, Value>();
  for (const file of files) for (const [k, v] of readConfigFile(file)) fromFiles.set(k, v);

  const values = new Map<string, { value: Value; source: Source }>();
  const pick = (name: string, isCliEnv?: string): { value: Value; source: Source } | undefined => {
    const flag = flagValue(name);
    if (flag !== undefined) return { value: flag, source: "flag" };
    const fromEnv = (isCliEnv && env[isCliEnv]) || env[stackEnvName(name)];
    if (fromEnv) return { value: fromEnv, source: "env" };
    const file = fromFiles.get(name);
    if (file !== undefined) return { value: file, source: "file" };
    return undefined;
  };
  const bool = (name: string): boolean => {
    const v = pick(name);
    if (!v) return false;
    if (typeof v.value === "boolean") return v.value;
    const b = parseBoolText(String(v.value));
    if (b === undefined) throw new UsageError(`invalid ${name} from ${v.source}: "${String(v.value)}" is not true or false`);
    return b;
  };
  const str = (name: string, isCliEnv?: string): { value: string; source: Source } | undefined => {
    const v = pick(name, isCliEnv);
    return v ? { value: Array.isArray(v.value) ? v.value.join(",") : String(v.value), source: v.source } : undefined;
  };

  const insecure = bool("insecure");
  // The Identity Server address: is-cli's own names mean plain h2c for host:port,
  // the stack's names TLS unless --insecure (with its default ports 8884/1884).
  const plain = (flagValue("grpc-address") as string | undefined) ?? undefined;
  const stackFlag = flagValue("identity-server-grpc-address") as string | undefined;
  const candidates: { value: string; source: Source; stack: boolean }[] = [];
  if (plain !== undefined) candidates.push({ value: plain, source: "flag", stack: false });
  if (stackFlag !== undefined) candidates.push({ value: stackFlag, source: "flag", stack: true });
  if (env[ENV_GRPC_ADDRESS]) candidates.push({ value: env[ENV_GRPC_ADDRESS]!, source: "env", stack: false });
  if (env.TTN_LW_IDENTITY_SERVER_GRPC_ADDRESS) candidates.push({ value: env.TTN_LW_IDENTITY_SERVER_GRPC_ADDRESS, source: "env", stack: true });
  const fileAddress = fromFiles.get("identity-server-grpc-address");
  if (typeof fileAddress === "string") candidates.push({ value: fileAddress, source: "file", stack: true });
  const chosen = candidates[0] ?? { value: DEFAULT_GRPC_ADDRESS, source: "default" as const, stack: false };
  let baseUrl: string;
  try {
    baseUrl = chosen.stack ? normalizeAddress(chosen.value, { tls: !insecure, defaultPort: insecure ? 1884 : 8884 }) : normalizeAddress(chosen.value);
  } catch (err) {
    throw new UsageError(`${(err as Error).message} (from ${chosen.source})`);
  }
  values.set("identity-server-grpc-address", { value: chosen.value, source: chosen.source });

  const oauth = str("oauth-server-address", ENV_OAUTH_SERVER_ADDRESS);
  let oauthServerAddress = defaultOAuthServerAddress;
  if (oauth) {
    try {
      oauthServerAddress = checkOAuthServerAddress(oauth.value);
    } catch (err) {
      throw new UsageError(`${(err as Error).message} (from ${oauth.source})`);
    }
  }
  values.set("oauth-server-address", oauth ?? { value: defaultOAuthServerAddress, source: "default" });

  const caFile = str("ca");
  let ca: Buffer | undefined;
  if (caFile?.value) {
    try {
      ca = readFileSync(resolve(cwd, caFile.value));
    } catch (err) {
      throw new UsageError(`cannot read the CA file ${caFile.value} (from ${caFile.source}): ${(err as Error).message}`);
    }
  }
  const credentialsId = str("credentials-id")?.value ?? "";
  const allowUnknownHosts = bool("allow-unknown-hosts");
  for (const name of ["output-format", "input-format"]) {
    const v = str(name);
    if (v && v.value !== "json") throw new UsageError(`--${name} "${v.value}" is not supported: only json`);
  }

  for (const name of Object.keys(STACK_FLAGS)) {
    if (values.has(name) || name === "config") continue;
    const v = pick(name);
    values.set(name, v ?? { value: name === "insecure" || name === "allow-unknown-hosts" ? false : name.endsWith("format") ? "json" : "", source: "default" });
  }
  values.set("config", { value: files, source: given ? (flagValue("config") ? "flag" : "env") : "default" });

  const global: GlobalArgs = { ...args.global, baseUrl, oauthServerAddress };
  return { global, baseUrl, oauthServerAddress, insecure, ...(ca ? { ca } : {}), credentialsId, allowUnknownHosts, files, values, dirs };
}

/** The host names credentials were stored for: the OAuth server's and the Identity Server's. */
export function hostsOf(settings: Pick<Settings, "baseUrl" | "oauthServerAddress">): string[] {
  return [...new Set([new URL(settings.oauthServerAddress).hostname, new URL(settings.baseUrl).hostname])];
}
