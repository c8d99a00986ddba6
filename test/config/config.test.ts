// Tests for the configuration module: name → path mapping, value parsers,
// source precedence, error reporting per source, help and config rendering,
// and the compile-time shape of Config.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  ConfigError,
  defaultConfig,
  describeOption,
  envName,
  formatConfig,
  formatDuration,
  formatHelp,
  loadConfig,
  maskUri,
  optionPath,
  options,
  parseDuration,
  validateConfig,
  type Config,
  type OptionValue,
} from "../../src/config/index.js";

// ---- helpers ----------------------------------------------------------------

const tmp = mkdtempSync(join(tmpdir(), "is-config-test-"));
let fileCounter = 0;
function yamlFile(text: string): string {
  const path = join(tmp, `c${++fileCounter}.yml`);
  writeFileSync(path, text);
  return path;
}
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const load = (argv: string[] = [], env: Record<string, string | undefined> = {}) => loadConfig({ argv, env });

/** Asserts fn throws a ConfigError whose message contains every fragment. */
function throwsConfigError(fn: () => unknown, ...fragments: string[]): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.instance(err, ConfigError);
    const msg = (err as ConfigError).message;
    for (const f of fragments) assert.ok(msg.includes(f), `expected ${JSON.stringify(msg)} to include ${JSON.stringify(f)}`);
    return err as ConfigError;
  }
  assert.unreachable(`expected ConfigError mentioning ${fragments.join(", ")}`);
  throw new Error("unreachable");
}

function get(config: Config, name: string): unknown {
  return optionPath(name).reduce<unknown>((node, seg) => (node as Record<string, unknown>)[seg], config);
}

// ---- compile-time checks (fail `tsc` if the derived type is wrong) ----------

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const typeChecks: [
  Equal<Config["is"]["userRegistration"]["passwordRequirements"]["minLength"], number>,
  Equal<Config["log"]["level"], "debug" | "info" | "warn" | "error">,
  Equal<Config["cluster"]["keys"], string[]>,
  Equal<Config["is"]["adminRights"]["all"], boolean>,
  Equal<Config["is"]["delete"]["restore"], number>,
  Equal<Config["http"]["listenTls"], string>,
  Equal<OptionValue<"log.format">, "json" | "console">,
] = [true, true, true, true, true, true, true];

test("Config type is derived from the option table", () => {
  const config = defaultConfig();
  const minLength: number = config.is.userRegistration.passwordRequirements.minLength;
  // @ts-expect-error a number is not a string
  const notString: string = config.is.userRegistration.passwordRequirements.minLength;
  // @ts-expect-error no such option
  void config.is.userRegistration.passwordRequirements.minLenght;
  // @ts-expect-error enum values are checked
  config.log.level = "verbose";
  assert.is(minLength, 8);
  assert.is(notString, 8 as unknown as string);
  assert.ok(typeChecks.every(Boolean));
});

// ---- name → path ------------------------------------------------------------

test("dotted names map to camelCase paths and env names", () => {
  const cases: [string, string[], string][] = [
    ["log.level", ["log", "level"], "TTN_LW_LOG_LEVEL"],
    ["http.listen-tls", ["http", "listenTls"], "TTN_LW_HTTP_LISTEN_TLS"],
    ["is.database-uri", ["is", "databaseUri"], "TTN_LW_IS_DATABASE_URI"],
    ["is.admin-rights.all", ["is", "adminRights", "all"], "TTN_LW_IS_ADMIN_RIGHTS_ALL"],
    [
      "is.user-registration.password-requirements.min-length",
      ["is", "userRegistration", "passwordRequirements", "minLength"],
      "TTN_LW_IS_USER_REGISTRATION_PASSWORD_REQUIREMENTS_MIN_LENGTH",
    ],
    ["is.collaborator-rights.set-others-as-contacts", ["is", "collaboratorRights", "setOthersAsContacts"], "TTN_LW_IS_COLLABORATOR_RIGHTS_SET_OTHERS_AS_CONTACTS"],
  ];
  for (const [name, path, env] of cases) {
    assert.equal(optionPath(name), path, name);
    assert.is(envName(name), env, name);
  }
});

test("option table is well-formed", () => {
  const names = new Set<string>();
  const envs = new Set<string>();
  const paths = new Set<string>();
  for (const o of options) {
    assert.ok(/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)+$/.test(o.name), `bad name ${o.name}`);
    assert.ok(o.description.length > 0 && !o.description.includes("\n"), `description of ${o.name}`);
    assert.not.ok(names.has(o.name), `duplicate ${o.name}`);
    assert.not.ok(envs.has(envName(o.name)), `env collision ${o.name}`);
    assert.not.ok(paths.has(optionPath(o.name).join(".")), `path collision ${o.name}`);
    names.add(o.name);
    envs.add(envName(o.name));
    paths.add(optionPath(o.name).join("."));
    if (o.type === "enum") assert.ok((o.values as readonly string[]).includes(o.default), `enum default of ${o.name}`);
  }
  // No option may also be a section holding other options.
  for (const n of names) for (const m of names) assert.not.ok(m.startsWith(n + "."), `${n} is both option and section`);
});

test("defaultConfig has every option at its path with the table default", () => {
  const config = defaultConfig();
  const expectedType = { string: "string", url: "string", address: "string", hex: "string", int: "number", float: "number", bool: "boolean", duration: "number", enum: "string" } as const;
  for (const o of options) {
    const v = get(config, o.name);
    if (o.type === "string-list") assert.ok(Array.isArray(v), o.name);
    else assert.type(v, expectedType[o.type], o.name);
  }
  assert.is(config.is.delete.restore, 24 * 3600_000);
  assert.is(config.is.authCache.membershipTtl, 10 * 60_000);
  assert.is(config.http.maxBodySize, 16777216);
  assert.is(config.is.databaseUri, "pglite://./data");
  assert.equal(config.cluster.keys, []);
  // Fresh objects each call: mutating one must not leak into the next.
  config.cluster.keys.push("aa");
  config.is.adminRights.all = true;
  assert.equal(defaultConfig().cluster.keys, []);
  assert.is(defaultConfig().is.adminRights.all, false);
});

// ---- parsers ----------------------------------------------------------------

test("parseDuration: Go syntax to milliseconds", () => {
  const good: [string, number][] = [
    ["0", 0],
    ["0s", 0],
    ["24h", 86_400_000],
    ["10m", 600_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["1.1h", 3_960_000],
    ["500ms", 500],
    ["1m30s", 90_000],
    ["2h45m30s", 9_930_000],
    [".5s", 500],
    ["1.5s", 1500],
    ["1500us", 1.5],
    ["1500µs", 1.5],
    ["2000000ns", 2],
    ["1h1ms", 3_600_001],
  ];
  for (const [text, ms] of good) assert.is(parseDuration(text), ms, text);
  for (const bad of ["", "10", "1", "h", "1d", "1 h", "-1h", "+1h", "1h-30m", "1..5h", "1.5", "abc", "1hh", "5mins", "1H", "."]) {
    assert.is(parseDuration(bad), undefined, JSON.stringify(bad));
  }
});

test("formatDuration round-trips through parseDuration", () => {
  const cases: [number, string][] = [
    [0, "0s"],
    [500, "500ms"],
    [5_400_000, "1h30m"],
    [86_400_000, "24h"],
    [90_500, "1m30s500ms"],
    [1.5, "1ms500us"],
  ];
  for (const [ms, text] of cases) {
    assert.is(formatDuration(ms), text);
    assert.is(parseDuration(text), ms);
  }
});

test("int parser: non-negative integers only", () => {
  for (const [text, n] of [["0", 0], ["42", 42], [" 7 ", 7], ["9007199254740991", 9007199254740991]] as const) {
    assert.is(load([`--is.pagination.default-limit=${text}`]).config.is.pagination.defaultLimit, n, text);
  }
  for (const bad of ["-1", "1.5", "1e3", "0x10", "", "ten", "9007199254740993"]) {
    throwsConfigError(() => load([`--is.pagination.default-limit=${bad}`]), "is.pagination.default-limit", "non-negative integer");
  }
});

test("bool parser: accepted spellings", () => {
  for (const [text, b] of [["true", true], ["false", false], ["1", true], ["0", false], ["TRUE", true], ["yes", true], ["no", false], ["on", true], ["off", false]] as const) {
    assert.is(load([], { TTN_LW_IS_ADMIN_RIGHTS_ALL: text }).config.is.adminRights.all, b, text);
  }
  for (const bad of ["", "maybe", "2", "truee"]) {
    throwsConfigError(() => load([], { TTN_LW_IS_ADMIN_RIGHTS_ALL: bad }), "is.admin-rights.all", "TTN_LW_IS_ADMIN_RIGHTS_ALL", "true or false");
  }
});

test("enum parser: listed values only", () => {
  assert.is(load(["--log.level", "debug"]).config.log.level, "debug");
  assert.is(load(["--log.format=json"]).config.log.format, "json");
  throwsConfigError(() => load(["--log.level", "verbose"]), "log.level", "flag --log.level", "debug, info, warn, error", '"verbose"');
});

test("string parser keeps values verbatim, including empty", () => {
  const { config } = load(["--is.email.sender-name", " The Things ", "--grpc.listen="]);
  assert.is(config.is.email.senderName, " The Things ");
  assert.is(config.grpc.listen, "");
});

// ---- precedence -------------------------------------------------------------

test("precedence: default < file < env < flag", () => {
  const name = "is.pagination.default-limit";
  const file = yamlFile("is:\n  pagination:\n    default-limit: 200\n");
  const env = { TTN_LW_IS_PAGINATION_DEFAULT_LIMIT: "300" };
  const limit = (r: { config: Config }) => r.config.is.pagination.defaultLimit;

  assert.is(limit(load()), 100);
  assert.is(limit(load(["--config", file])), 200);
  assert.is(limit(load(["--config", file], env)), 300);
  assert.is(limit(load(["--config", file, `--${name}`, "400"], env)), 400);
  assert.is(limit(load([`--${name}=400`], env)), 400);
  // Options not mentioned anywhere keep defaults.
  assert.is(load(["--config", file]).config.is.pagination.defaultLimit, 200);
  assert.is(load(["--config", file]).config.log.level, "info");
});

test("several --config files: later files win per key, earlier keys survive", () => {
  const a = yamlFile("log:\n  level: debug\n  format: json\n");
  const b = yamlFile("log:\n  level: warn\n");
  const r = load(["--config", a, `--config=${b}`]);
  assert.equal(r.configFiles, [a, b]);
  assert.is(r.config.log.level, "warn");
  assert.is(r.config.log.format, "json");
});

test("TTN_LW_CONFIG names config files when no --config flag is given", () => {
  const a = yamlFile("log:\n  level: debug\n");
  const b = yamlFile("log:\n  level: error\n");
  assert.is(load([], { TTN_LW_CONFIG: a }).config.log.level, "debug");
  assert.equal(load([], { TTN_LW_CONFIG: `${a},${b}` }).configFiles, [a, b]);
  assert.is(load(["--config", a], { TTN_LW_CONFIG: b }).config.log.level, "debug");
});

test("YAML: all types, dotted keys, empty sections, empty file", () => {
  const file = yamlFile(
    [
      "log:",
      "  level: warn",
      "http:",
      '  listen: ":9000"',
      "  max-body-size: 1024",
      "is:",
      "  database-uri: postgres://u:p@db/is",
      "  delete:",
      "    restore: 1h30m",
      "  auth-cache:",
      "    membership-ttl: 0",
      "  admin-rights:",
      "    all: true",
      "  user-registration:",
      "    password-requirements:",
      "      reject-common: yes",
      "  pagination:",
      "is.user-rights.create-applications: false",
      "cluster:",
      "  keys: [aabb, ccdd]",
    ].join("\n"),
  );
  const { config } = load(["--config", file]);
  assert.is(config.log.level, "warn");
  assert.is(config.http.listen, ":9000");
  assert.is(config.http.maxBodySize, 1024);
  assert.is(config.is.databaseUri, "postgres://u:p@db/is");
  assert.is(config.is.delete.restore, 5_400_000);
  assert.is(config.is.authCache.membershipTtl, 0);
  assert.is(config.is.adminRights.all, true);
  assert.is(config.is.userRegistration.passwordRequirements.rejectCommon, true);
  assert.is(config.is.userRights.createApplications, false);
  assert.equal(config.cluster.keys, ["aabb", "ccdd"]);
  assert.is(config.is.pagination.defaultLimit, 100);

  assert.is(load(["--config", yamlFile("")]).config.log.level, "info");
  assert.is(load(["--config", yamlFile("# only a comment\n")]).config.log.level, "info");
});

// ---- flags ------------------------------------------------------------------

test("bool flag forms", () => {
  const all = (argv: string[]) => load(argv).config.is.adminRights.all;
  assert.is(all([]), false);
  assert.is(all(["--is.admin-rights.all"]), true);
  assert.is(all(["--is.admin-rights.all=true"]), true);
  assert.is(all(["--is.admin-rights.all=false"]), false);
  assert.is(all(["--is.admin-rights.all", "true"]), true);
  assert.is(all(["--is.admin-rights.all", "false"]), false);
  assert.is(all(["--is.admin-rights.all", "--is.admin-rights.all=false"]), false);
  assert.is(all(["--is.admin-rights.all", "--log.level", "debug"]), true);
  assert.is(all(["--is.admin-rights.all", "-h"]), true);
  // A word after a bool flag is its value: a non-bool word is refused, never silently dropped.
  throwsConfigError(() => load(["--is.admin-rights.all", "maybe"]), 'invalid value "maybe"', "is.admin-rights.all", "flag --is.admin-rights.all", "true or false");
  // Every bool option takes `true`/`false` as the next word.
  for (const o of options.filter((o) => o.type === "bool")) {
    for (const [word, value] of [["true", true], ["false", false]] as const) {
      const r = load([`--${o.name}`, word, "--is.dev-eui-block.prefix=70B3D57ED0000000/36"]);
      assert.is(get(r.config, o.name), value, `--${o.name} ${word}`);
      assert.equal(r.rest, []);
    }
  }
  // Env true, flag false: the flag wins.
  assert.is(load(["--is.user-registration.enabled=false"], { TTN_LW_IS_USER_REGISTRATION_ENABLED: "true" }).config.is.userRegistration.enabled, false);
});

test("value flag forms and positional args go to rest", () => {
  const r = load(["create", "--is.database-uri", "pglite://memory", "alice", "--log.level=debug", "--help", "-v", "--user-id", "bob", "--", "--is.nope", "x"]);
  assert.is(r.config.is.databaseUri, "pglite://memory");
  assert.is(r.config.log.level, "debug");
  assert.equal(r.rest, ["create", "alice", "--help", "-v", "--user-id", "bob", "--is.nope", "x"]);
  assert.equal(r.configFiles, []);
  // A value containing '=' is kept whole.
  assert.is(load(["--is.database-uri=postgres://h/db?sslmode=require"]).config.is.databaseUri, "postgres://h/db?sslmode=require");
  // Last of repeated scalar flags wins.
  assert.is(load(["--log.level=debug", "--log.level=error"]).config.log.level, "error");
});

test("missing flag value is an error", () => {
  throwsConfigError(() => load(["--is.database-uri"]), "is.database-uri", "flag --is.database-uri", "missing value");
  throwsConfigError(() => load(["--log.level", "--is.admin-rights.all"]), "log.level", "missing value");
  throwsConfigError(() => load(["--config"]), "config", "missing value", "YAML file");
});

// ---- string-list from every source ------------------------------------------

test("string-list from YAML, env and flags", () => {
  const listFile = yamlFile("cluster:\n  keys:\n    - aa\n    - bb\n");
  const csvFile = yamlFile("cluster:\n  keys: aa, bb\n");
  const emptyFile = yamlFile("cluster:\n  keys: []\n");
  assert.equal(load(["--config", listFile]).config.cluster.keys, ["aa", "bb"]);
  assert.equal(load(["--config", csvFile]).config.cluster.keys, ["aa", "bb"]);
  assert.equal(load(["--config", emptyFile]).config.cluster.keys, []);
  assert.equal(load([], { TTN_LW_CLUSTER_KEYS: "aa,bb, cc" }).config.cluster.keys, ["aa", "bb", "cc"]);
  assert.equal(load([], { TTN_LW_CLUSTER_KEYS: "" }).config.cluster.keys, []);
  assert.equal(load(["--cluster.keys", "aa,bb"]).config.cluster.keys, ["aa", "bb"]);
  // Repeated flags append to each other...
  assert.equal(load(["--cluster.keys", "aa", "--cluster.keys=bb,cc"]).config.cluster.keys, ["aa", "bb", "cc"]);
  // ...but flags replace (not append to) what env and files set.
  assert.equal(load(["--config", listFile, "--cluster.keys=ff"], { TTN_LW_CLUSTER_KEYS: "ee" }).config.cluster.keys, ["ff"]);
  assert.equal(load(["--config", listFile], { TTN_LW_CLUSTER_KEYS: "ee" }).config.cluster.keys, ["ee"]);
  throwsConfigError(() => load(["--config", yamlFile("cluster:\n  keys: [1, 2]\n")]), "cluster.keys", "list of strings");
});

// ---- unknown options, per source ----------------------------------------------

test("unknown option in each source", () => {
  const e1 = throwsConfigError(() => load(["--is.databse-uri", "x"]), "unknown option", "is.databse-uri", "flag --is.databse-uri", "did you mean is.database-uri");
  assert.is(e1.option, "is.databse-uri");
  assert.is(e1.source, "flag --is.databse-uri");
  throwsConfigError(() => load(["--is.database-uri.x=1"]), "is.database-uri.x", "flag");

  const e2 = throwsConfigError(() => load([], { TTN_LW_IS_DATABSE_URI: "x" }), "TTN_LW_IS_DATABSE_URI", "did you mean TTN_LW_IS_DATABASE_URI");
  assert.is(e2.source, "env TTN_LW_IS_DATABSE_URI");
  // Unrelated and undefined variables are ignored.
  load([], { PATH: "/bin", TTN_LW_LOG_LEVEL: undefined, TTN_LWX: "1" });

  const file = yamlFile("is:\n  user-registration:\n    password-requirement:\n      min-length: 3\n");
  const e3 = throwsConfigError(() => load(["--config", file]), "unknown option", "is.user-registration.password-requirement", file);
  assert.is(e3.source, `file ${file}`);
  throwsConfigError(() => load(["--config", yamlFile("nope: 1\n")]), "unknown option nope");
  throwsConfigError(() => load(["--config", yamlFile("is: 5\n")]), "is in config file", "mapping");
  throwsConfigError(() => load(["--config", yamlFile("- a\n- b\n")]), "mapping");
});

test("config file problems name the file", () => {
  const missing = join(tmp, "does-not-exist.yml");
  throwsConfigError(() => load(["--config", missing]), "cannot read config file", missing);
  const broken = yamlFile("log:\n  level: [unclosed\n");
  throwsConfigError(() => load(["--config", broken]), "invalid YAML", broken);
});

// ---- bad values, per source -------------------------------------------------

test("bad value in each source names option, source and expectation", () => {
  const cases: { argv?: string[]; env?: Record<string, string>; yaml?: string; option: string; source: string; expect: string }[] = [
    { argv: ["--is.database-max-idle-conns", "ten"], option: "is.database-max-idle-conns", source: "flag --is.database-max-idle-conns", expect: "non-negative integer" },
    { argv: ["--is.delete.restore=1d"], option: "is.delete.restore", source: "flag --is.delete.restore", expect: "duration" },
    { argv: ["--is.admin-rights.all=maybe"], option: "is.admin-rights.all", source: "flag --is.admin-rights.all", expect: "true or false" },
    { argv: ["--log.format", "xml"], option: "log.format", source: "flag --log.format", expect: "json, console" },
    { env: { TTN_LW_IS_DATABASE_MAX_OPEN_CONNS: "-3" }, option: "is.database-max-open-conns", source: "env TTN_LW_IS_DATABASE_MAX_OPEN_CONNS", expect: "non-negative integer" },
    { env: { TTN_LW_IS_AUTH_CACHE_MEMBERSHIP_TTL: "10" }, option: "is.auth-cache.membership-ttl", source: "env TTN_LW_IS_AUTH_CACHE_MEMBERSHIP_TTL", expect: "duration" },
    { env: { TTN_LW_LOG_LEVEL: "loud" }, option: "log.level", source: "env TTN_LW_LOG_LEVEL", expect: "debug, info, warn, error" },
    { yaml: "is:\n  database-max-idle-conns: 1.5\n", option: "is.database-max-idle-conns", source: "file", expect: "non-negative integer" },
    { yaml: "is:\n  database-max-idle-conns: -1\n", option: "is.database-max-idle-conns", source: "file", expect: "non-negative integer" },
    { yaml: "is:\n  delete:\n    restore: 30\n", option: "is.delete.restore", source: "file", expect: "duration" },
    { yaml: "is:\n  delete:\n    restore: 3 days\n", option: "is.delete.restore", source: "file", expect: "duration" },
    { yaml: "is:\n  admin-rights:\n    all: 1.5\n", option: "is.admin-rights.all", source: "file", expect: "true or false" },
    { yaml: "log:\n  level: 3\n", option: "log.level", source: "file", expect: "one of" },
    { yaml: "http:\n  listen: 1885\n", option: "http.listen", source: "file", expect: "[host]:port" },
  ];
  for (const c of cases) {
    const argv = c.argv ?? [];
    if (c.yaml !== undefined) argv.push("--config", yamlFile(c.yaml));
    const err = throwsConfigError(() => load(argv, c.env ?? {}), c.option, c.source, c.expect, "invalid value");
    assert.is(err.option, c.option);
    assert.ok(err.source?.startsWith(c.source), `${err.source} vs ${c.source}`);
  }
});

// ---- cross-field validation --------------------------------------------------

test("cross-field validation", () => {
  throwsConfigError(() => load(["--tls.certificate", "cert.pem"]), "tls.certificate", "flag --tls.certificate", "tls.key");
  throwsConfigError(() => load([], { TTN_LW_TLS_KEY: "key.pem" }), "tls.key", "env TTN_LW_TLS_KEY", "tls.certificate");
  throwsConfigError(() => load(["--http.listen-tls=:8885"]), "http.listen-tls", "tls.certificate");
  throwsConfigError(() => load(["--grpc.listen-tls=:8884"]), "grpc.listen-tls", "tls.certificate");
  const tls = load(["--grpc.listen-tls=:8884", "--http.listen-tls=:8885", "--tls.certificate=c.pem", "--tls.key=k.pem"]).config;
  assert.is(tls.grpc.listenTls, ":8884");

  for (const ok of ["postgres://u:p@h/db", "postgresql://h/db", "pglite://memory", "pglite://./data"]) {
    assert.is(load([`--is.database-uri=${ok}`]).config.is.databaseUri, ok);
  }
  const bad = throwsConfigError(() => load(["--is.database-uri=mysql://u:hunter2@h/db"]), "is.database-uri", "postgres://", "pglite://");
  assert.not.ok(bad.message.includes("hunter2"), "password must not leak into the error");
  throwsConfigError(() => load(["--is.database-uri="]), "is.database-uri");
  throwsConfigError(() => load(["--is.read-database-uri=pglite://memory"]), "is.read-database-uri", "read replica");

  throwsConfigError(
    () => load(["--is.user-registration.password-requirements.min-length=50", "--is.user-registration.password-requirements.max-length=20"]),
    "min-length",
    "max-length",
  );
  throwsConfigError(() => load(["--cluster.keys=abc"]), "cluster.keys", "hex");
  throwsConfigError(() => load(["--cluster.keys=zz"]), "cluster.keys", "hex");
  assert.equal(load(["--cluster.keys=0A1b"]).config.cluster.keys, ["0A1b"]);
  throwsConfigError(() => load(["--is.password-hashing.time-cost=0"]), "is.password-hashing.time-cost");
});

// ---- rendering ---------------------------------------------------------------

test("formatHelp lists every option with type, default and description, grouped", () => {
  const help = formatHelp();
  const lines = help.split("\n");
  for (const o of options) {
    const line = lines.find((l) => l.trimStart().startsWith(`--${o.name} `));
    assert.ok(line, `help lacks --${o.name}`);
    assert.ok(line.includes(o.description), `help lacks description of ${o.name}`);
    const named = o.type === "enum" ? o.values.filter((v) => v !== "").join("|") : o.type;
    assert.ok(line.includes(named), `help lacks type of ${o.name}`);
  }
  // An empty enum value is named, not a leading blank item.
  assert.match(help, /--is\.email\.provider\s+smtp\|sendgrid\|dir\|""\s/);
  assert.match(help, /--is\.delete\.restore\s+duration\s+24h\s/);
  assert.match(help, /--http\.max-body-size\s+int\s+16777216\s/);
  assert.match(help, /--tls\.key\s+string\s+""\s/);
  assert.match(help, /--cluster\.keys\s+string-list\s+\[\]\s/);
  for (const group of ["log:", "http:", "grpc:", "tls:", "cluster:", "is:"]) assert.ok(lines.includes(group), `group ${group}`);
  // Descriptions start in one column.
  const optionLines = lines.filter((l) => l.startsWith("  --"));
  const column = new Set(optionLines.map((l, i) => l.indexOf(options[i]!.description)));
  assert.is(column.size, 1, "descriptions aligned");
});

test("formatConfig prints YAML with masked secrets and round-trips", () => {
  const { config } = load([
    "--is.database-uri=postgres://is:s3cret@db.example.com:5432/ttn_lorawan",
    "--is.read-database-uri=postgres://ro@replica/ttn?password=alsosecret&sslmode=require",
    "--cluster.keys=aabbccdd",
    "--is.delete.restore=1h30m",
  ]);
  const out = formatConfig(config);
  assert.ok(out.includes("database-uri: postgres://is:***@db.example.com:5432/ttn_lorawan"), out);
  assert.ok(out.includes("read-database-uri: postgres://ro@replica/ttn?password=***&sslmode=require"), out);
  assert.not.ok(out.includes("s3cret"));
  assert.not.ok(out.includes("alsosecret"));
  assert.not.ok(out.includes("aabbccdd"));
  assert.ok(out.includes("restore: 1h30m"));
  assert.ok(out.includes("password-requirements:\n      min-length: 8"), out);

  // Without secrets, the printed config is a valid config file for the same config.
  const plain = load(["--is.delete.restore=1h30m", "--log.format=json", "--is.admin-rights.all"]).config;
  const again = load(["--config", yamlFile(formatConfig(plain))]).config;
  assert.equal(again, plain);
  assert.equal(load(["--config", yamlFile(formatConfig(defaultConfig()))]).config, defaultConfig());
});

test("maskUri", () => {
  const cases: [string, string][] = [
    ["postgres://user:pass@host/db", "postgres://user:***@host/db"],
    ["postgresql://user:p%40ss@host:5432/db?sslmode=disable", "postgresql://user:***@host:5432/db?sslmode=disable"],
    ["postgres://user@host/db", "postgres://user@host/db"],
    ["postgres://host/db?user=u&password=x", "postgres://host/db?user=u&password=***"],
    ["pglite://./data", "pglite://./data"],
    [":1885", ":1885"],
  ];
  for (const [input, masked] of cases) assert.is(maskUri(input), masked);
});

test("a malformed key vault entry or an unknown encryption key id stops the start, without key material in the message", () => {
  const key = "000102030405060708090a0b0c0d0e0f";
  const msg = (argv: string[]) => {
    try {
      loadConfig({ argv, env: {} });
      return "";
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return (err as Error).message;
    }
  };
  const short = msg(["--key-vault.static", "k1=deadbeef"]);
  assert.match(short, "key-vault.static");
  assert.not.match(short, "deadbeef");
  assert.match(msg(["--is.gateways.encryption-key-id", "k2", "--key-vault.static", `k1=${key}`]), "no key `k2`");
  assert.is(msg(["--is.gateways.encryption-key-id", "k1", "--key-vault.static", `k1=${key}`]), "");
});

test("a bad is.tenancy.admin-keys entry (not hex, odd or wrong length) stops the start naming the option, never the key", () => {
  const good = "ab".repeat(32);
  const cases: { argv?: string[]; env?: Record<string, string>; yaml?: string; entry: number }[] = [
    { argv: ["--is.tenancy.admin-keys", "zz".repeat(16)], entry: 1 },
    { argv: ["--is.tenancy.admin-keys", `${good},${"a".repeat(33)}`], entry: 2 },
    { env: { TTN_LW_IS_TENANCY_ADMIN_KEYS: "00".repeat(20) }, entry: 1 },
    { yaml: `is:\n  tenancy:\n    admin-keys:\n      - ${good}\n      - ${"0f".repeat(8)}ff\n`, entry: 2 },
    { argv: ["--is.tenancy.admin-keys", "0x" + "00".repeat(16)], entry: 1 },
  ];
  for (const c of cases) {
    const argv = c.argv ?? [];
    if (c.yaml !== undefined) argv.push("--config", yamlFile(c.yaml));
    const err = throwsConfigError(() => load(argv, c.env ?? {}), "is.tenancy.admin-keys", `entry ${c.entry}`, "16, 24 or 32 hex-encoded bytes");
    assert.is(err.option, "is.tenancy.admin-keys");
    assert.not.match(err.message, /zz|0f0f|aaaa|0000/, "no key material in the message");
  }
  for (const bytes of [16, 24, 32]) {
    const key = "Ab".repeat(bytes);
    assert.equal(load(["--is.tenancy.admin-keys", key]).config.is.tenancy.adminKeys, [key]);
  }
  const out = formatConfig(load(["--is.tenancy.admin-keys", good]).config);
  assert.not.ok(out.includes(good), "admin keys are masked when the configuration is printed");
});

// ---- typed strings: URLs, listen addresses, hex keys, enums ---------------------

test("URL, listen address, hex key and enum values are checked in every source; the message names option, value, source and expectation", () => {
  const cases: { argv?: string[]; env?: Record<string, string>; yaml?: string; option: string; value: string; expect: string }[] = [
    { argv: ["--http.listen", "notaport"], option: "http.listen", value: '"notaport"', expect: "[host]:port with a port from 0 to 65535" },
    { argv: ["--http.listen=:70000"], option: "http.listen", value: '":70000"', expect: "port from 0 to 65535" },
    { env: { TTN_LW_GRPC_LISTEN: "localhost" }, option: "grpc.listen", value: '"localhost"', expect: "[host]:port" },
    { yaml: "http:\n  listen-tls: 'example.com:https'\n", option: "http.listen-tls", value: '"example.com:https"', expect: "[host]:port" },
    { argv: ["--is.oauth.ui.canonical-url", "notaurl"], option: "is.oauth.ui.canonical-url", value: '"notaurl"', expect: "absolute http(s) URL" },
    { env: { TTN_LW_IS_EMAIL_NETWORK_CONSOLE_URL: "ftp://x/console" }, option: "is.email.network.console-url", value: '"ftp://x/console"', expect: "absolute http(s) URL" },
    { yaml: "is:\n  oauth:\n    ui:\n      is:\n        base-url: /api/v3\n", option: "is.oauth.ui.is.base-url", value: '"/api/v3"', expect: "absolute http(s) URL" },
    { argv: ["--is.oauth.ui.assets-base-url", "assets"], option: "is.oauth.ui.assets-base-url", value: '"assets"', expect: "a path on this server such as /assets" },
    { argv: ["--http.cookie.hash-key", "not-hex"], option: "http.cookie.hash-key", value: "(7 characters, not shown)", expect: "32 or 64 bytes" },
    { env: { TTN_LW_HTTP_COOKIE_BLOCK_KEY: "00".repeat(20) }, option: "http.cookie.block-key", value: "(40 characters, not shown)", expect: "16 or 24 or 32 bytes" },
    { argv: ["--is.email.provider", "carrier-pigeon"], option: "is.email.provider", value: '"carrier-pigeon"', expect: "one of smtp, sendgrid, dir, or empty" },
  ];
  for (const c of cases) {
    const argv = c.argv ?? [];
    if (c.yaml !== undefined) argv.push("--config", yamlFile(c.yaml));
    const err = throwsConfigError(() => load(argv, c.env ?? {}), `invalid value ${c.value} for ${c.option} (from `, c.expect);
    assert.is(err.option, c.option);
    assert.not.match(err.message, /one of ,/, "no blank first enum value");
  }
  // Accepted forms.
  const ok = load([
    "--http.listen=[::1]:0", "--grpc.listen=", "--is.oauth.ui.canonical-url=https://id.example.com/oauth", "--is.oauth.ui.assets-base-url=/static",
    "--is.profile-picture.bucket-url=https://cdn.example.com/pp", "--http.cookie.hash-key", "ab".repeat(64), "--http.cookie.block-key", "AB".repeat(16), "--is.email.provider=",
  ]).config;
  assert.is(ok.http.listen, "[::1]:0");
  assert.is(ok.is.oauth.ui.canonicalUrl, "https://id.example.com/oauth");
  assert.is(ok.is.email.provider, "");
  // Configs built in code are checked by validateConfig as well.
  const built = defaultConfig();
  built.is.oauth.ui.canonicalUrl = "notaurl";
  throwsConfigError(() => validateConfig(built), "is.oauth.ui.canonical-url", "notaurl");
});

// ---- sharing one configuration with the other components of the stack --------

test("other components' options in YAML, env and flags are ignored with one warning that lists them", () => {
  const file = yamlFile(
    "ns:\n  net-id: '000013'\ngs:\n  mqtt:\n    listen: ':1882'\nconsole:\n  ui:\n    canonical-url: https://x/console\nredis:\n  address: localhost:6379\n" +
      "http:\n  listen: ':1885'\n  pprof:\n    password: m\ncluster:\n  address: localhost\nis:\n  delete:\n    restore: 48h\n",
  );
  const r = load(["--config", file, "--ns.net-id", "000013", "--as.webhooks.downlink.public-address=http://x", "--log.level", "debug"], {
    TTN_LW_NS_NET_ID: "000013",
    TTN_LW_JS_JOIN_EUI_PREFIX: "0000000000000000/0",
    TTN_LW_OAUTH_SERVER_ADDRESS: "https://cli.example.com/oauth",
    TTN_LW_IS_DELETE_RESTORE: "72h",
  });
  assert.is(r.config.is.delete.restore, 72 * 3600_000, "our options still apply");
  assert.is(r.config.log.level, "debug", "a flag after an ignored flag's value still applies");
  assert.equal(r.rest, []);
  assert.is(r.warnings.length, 1, "one warning");
  for (const name of ["ns (file", "gs (file", "console (file", "redis (file", "http.pprof (file", "cluster.address (file", "ns.net-id (flag)", "as.webhooks.downlink.public-address (flag)", "TTN_LW_NS_NET_ID (env)", "TTN_LW_JS_JOIN_EUI_PREFIX (env)", "TTN_LW_OAUTH_SERVER_ADDRESS (env)"]) {
    assert.ok(r.warnings[0]!.includes(name), `warning lists ${name}: ${r.warnings[0]}`);
  }
  assert.not.match(r.warnings[0]!, /\n/);
  assert.equal(load().warnings, [], "no warning when there is nothing to ignore");
});

test("unknown options of our own sections are refused, all of them at once", () => {
  const file = yamlFile("is:\n  databse-uri: x\nhttp:\n  lissen: ':1'\niss:\n  x: 1\nns:\n  net-id: '000013'\n");
  const err = throwsConfigError(
    () => load(["--config", file, "--is.nope", "1", "--grpc.listn=:1", "--ns.net-id", "1"], { TTN_LW_IS_DATABSE_URI: "x", TTN_LW_NS_NET_ID: "1" }),
    "unknown options",
    `is.databse-uri (from file ${file}; did you mean is.database-uri?)`,
    `http.lissen (from file ${file}`,
    `iss (from file ${file}`,
    "is.nope (from flag --is.nope)",
    "grpc.listn (from flag --grpc.listn; did you mean grpc.listen?)",
    "TTN_LW_IS_DATABSE_URI (no option maps to it; did you mean TTN_LW_IS_DATABASE_URI?)",
  );
  assert.not.match(err.message, /ns\.net-id|TTN_LW_NS/, "other components' options are not errors");
  assert.not.match(err.message, /\n/);
});

test("-c is --config; TTN_LW_CONFIG applies without flags", () => {
  const file = yamlFile("is:\n  delete:\n    restore: 48h\n");
  assert.is(load(["-c", file]).config.is.delete.restore, 48 * 3600_000);
  assert.is(load([`-c=${file}`]).config.is.delete.restore, 48 * 3600_000);
  assert.equal(load(["-c", file]).configFiles, [file]);
  // As the stack's flag parser takes a short flag: the value glued on, and repeated.
  assert.is(load([`-c${file}`]).config.is.delete.restore, 48 * 3600_000);
  const later = yamlFile("is:\n  delete:\n    restore: 72h\n");
  assert.is(load(["-c", file, "-c", later]).config.is.delete.restore, 72 * 3600_000);
  assert.equal(load(["-c", file, `-c${later}`]).configFiles, [file, later]);
});

test("is.dev-eui-block.prefix: the documented default 0000000000000000/0 is the default and accepted; issuing needs a real block", () => {
  assert.is(defaultConfig().is.devEuiBlock.prefix, "0000000000000000/0");
  assert.is(load(["--is.dev-eui-block.prefix", "0000000000000000/0"]).config.is.devEuiBlock.prefix, "0000000000000000/0");
  assert.is(load(["--config", yamlFile("is:\n  dev-eui-block:\n    prefix: 0000000000000000/0\n")]).config.is.devEuiBlock.prefix, "0000000000000000/0");
  assert.is(load([], { TTN_LW_IS_DEV_EUI_BLOCK_PREFIX: "0000000000000000/0" }).config.is.devEuiBlock.enabled, false);
  throwsConfigError(() => load(["--is.dev-eui-block.enabled"]), "is.dev-eui-block.prefix", "whole EUI space");
  assert.is(load(["--is.dev-eui-block.enabled", "--is.dev-eui-block.prefix=70B3D57ED0000000/36"]).config.is.devEuiBlock.enabled, true);
});

test("describeOption names an option's value and where it was set, hiding secrets", () => {
  const { config } = load(["--http.listen", "127.0.0.1:1"], { TTN_LW_HTTP_COOKIE_HASH_KEY: "ab".repeat(32) });
  assert.is(describeOption(config, "http.listen"), 'http.listen "127.0.0.1:1" (from flag --http.listen)');
  assert.is(describeOption(config, "grpc.listen"), 'grpc.listen ":1884" (from default)');
  assert.is(describeOption(config, "http.cookie.hash-key"), "http.cookie.hash-key (not shown) (from env TTN_LW_HTTP_COOKIE_HASH_KEY)");
});

test.run();
