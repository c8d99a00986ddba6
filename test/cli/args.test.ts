// Unit tests of the is-cli argument parser (src/cli/args.ts) against the real
// command tree: command resolution, positionals, typed flags, right names,
// timestamps, addresses, env fallback, help, and usage errors.
import { create } from "@bufbuild/protobuf";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { UpdateUserRequestSchema, GetUserRequestSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UpdateApplicationAPIKeyRequestSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import {
  normalizeAddress,
  parse,
  parseRights,
  parseTimestamp,
  rightName,
  UsageError,
  type ParseResult,
} from "../../src/cli/args.js";
import type { RpcCommand } from "../../src/cli/client.js";
import { commands } from "../../src/cli/commands.js";

function run(argv: string[], env: Record<string, string> = {}) {
  const r: ParseResult<RpcCommand> = parse(commands, argv, env);
  if (r.kind !== "run") throw new Error(`expected run, got ${r.kind}`);
  return r;
}

function usageError(argv: string[], match: RegExp, usageMatch?: RegExp): UsageError {
  try {
    parse(commands, argv, {});
  } catch (err) {
    assert.instance(err, UsageError);
    const e = err as UsageError;
    assert.match(e.message, match);
    assert.not.match(e.message, /\n/, "reason is one line");
    if (usageMatch) assert.match(e.usage, usageMatch);
    return e;
  }
  assert.unreachable(`expected a usage error for ${argv.join(" ")}`);
  throw new Error("unreachable");
}

const noStdin = { readStdin: async () => "" };

// ---- command resolution & positionals -----------------------------------------

test("resolves nested commands and positionals", () => {
  const r = run(["applications", "api-keys", "get", "app1", "KEY1"]);
  assert.equal(r.path, ["applications", "api-keys", "get"]);
  assert.is(r.command.method.name, "GetAPIKey");
  assert.is(r.command.method.parent.typeName, "ttn.lorawan.v3.ApplicationAccess");
  assert.equal(r.args.positionals, { "application-id": "app1", "key-id": "KEY1" });
});

test("users api-keys use UserAccess", () => {
  const r = run(["users", "api-keys", "list", "u1", "--limit", "3"]);
  assert.is(r.command.method.parent.typeName, "ttn.lorawan.v3.UserAccess");
  assert.is(r.command.list, true);
  assert.equal(r.command.request(r.args, noStdin), { userIds: { userId: "u1" }, limit: 3, page: 0, order: "" });
});

test("top-level commands", () => {
  assert.is(run(["auth-info"]).command.method.name, "AuthInfo");
  assert.is(run(["is-configuration"]).command.method.name, "GetConfiguration");
});

test("unknown command → usage error with the group's usage", () => {
  usageError(["frobnicate"], /unknown command "frobnicate"/, /Usage: is-cli <command>/);
  usageError(["users", "frob"], /unknown command "users frob"/, /Usage: is-cli users <command>/);
  usageError([], /missing command/);
  usageError(["applications"], /missing subcommand of "applications"/, /api-keys/);
});

test("missing / extra positionals", () => {
  usageError(["users", "get"], /missing argument <user-id>/, /Usage: is-cli users get <user-id>/);
  usageError(["users", "get", "a", "b"], /unexpected argument "b"/);
  usageError(["applications", "api-keys", "delete", "app1"], /missing argument <key-id>/);
});

// ---- flags --------------------------------------------------------------------

test("string flags, with = and separate value; values may start with -", () => {
  const r = run(["users", "create", "u1", "--email=a@example.com", "--name", "-dash-", "--description", ""]);
  assert.equal(r.args.flags, { email: "a@example.com", name: "-dash-", description: "" });
});

test("unknown flag / missing value / value on boolean", () => {
  usageError(["users", "get", "u1", "--nope"], /unknown flag --nope/, /--field-mask/);
  usageError(["users", "get", "u1", "-x"], /unknown flag -x/);
  usageError(["users", "create", "u1", "--email"], /flag --email needs a value/);
  usageError(["users", "get", "u1", "--all=yes"], /flag --all takes no value/);
  usageError(["--nope", "users"], /unknown flag --nope/);
});

test("required flags, exclusive and one-of groups", () => {
  usageError(["users", "create", "u1"], /missing required flag --email/);
  usageError(["users", "create", "u1", "--email", "e", "--password", "p", "--password-stdin"], /--password and --password-stdin cannot be used together/);
  usageError(["applications", "create", "app1"], /one of --user-id or --organization-id is required/);
  usageError(["applications", "create", "app1", "--user-id", "u", "--organization-id", "o"], /cannot be used together/);
  usageError(["users", "get", "u1", "--all", "--field-mask", "name"], /--field-mask and --all cannot be used together/);
  usageError(["applications", "api-keys", "create", "app1"], /missing required flag --rights/);
});

test("uint flags", () => {
  const r = run(["users", "list", "--limit", "10", "--page", "2", "--order", "-created_at", "--deleted"]);
  assert.equal(r.command.request(r.args, noStdin), {
    limit: 10,
    page: 2,
    order: "-created_at",
    deleted: true,
    fieldMask: { paths: ["name", "description", "primary_email_address", "state", "admin"] },
  });
  usageError(["users", "list", "--limit", "-1"], /invalid value for --limit/);
  usageError(["users", "list", "--limit", "ten"], /invalid value for --limit: "ten" is not a non-negative integer/);
});

test("field masks: default, --field-mask, --all", () => {
  const mask = (argv: string[]) => {
    const r = run(argv);
    return create(GetUserRequestSchema, r.command.request(r.args, noStdin) as object).fieldMask?.paths;
  };
  assert.equal(mask(["users", "get", "u1"]), ["name", "description", "primary_email_address", "state", "admin"]);
  assert.equal(mask(["users", "get", "u1", "--field-mask", "name,admin", "--field-mask", "state"]), ["name", "admin", "state"]);
  const all = mask(["users", "get", "u1", "--all"])!;
  assert.ok(all.includes("primary_email_address") && all.includes("console_preferences") && all.includes("ids"));
  assert.not.ok(all.includes("password"));
  assert.not.ok(all.includes("temporary_password"));
});

test("users update: field mask is exactly the flags given; bool and enum flags", () => {
  const r = run(["users", "update", "u1", "--state", "Suspended", "--admin", "false", "--name", "N"]);
  const req = create(UpdateUserRequestSchema, r.command.request(r.args, noStdin) as object);
  assert.equal(req.fieldMask?.paths, ["name", "admin", "state"]);
  assert.is(req.user?.state, State.SUSPENDED);
  assert.is(req.user?.admin, false);
  assert.is(req.user?.name, "N");
  assert.is(run(["users", "update", "u1", "--state", "STATE_APPROVED"]).args.flags.state, State.APPROVED);
  assert.is(run(["users", "update", "u1", "--admin", "TRUE"]).args.flags.admin, true);
  usageError(["users", "update", "u1"], /nothing to do: give at least one of --name/);
  usageError(["users", "update", "u1", "--admin", "maybe"], /invalid value for --admin: "maybe" is not true or false/);
  usageError(["users", "update", "u1", "--state", "happy"], /invalid value for --state: unknown value "happy" \(one of requested, approved/);
});

test("users create --password-stdin reads stdin and strips one newline", async () => {
  const r = run(["users", "create", "u1", "--email", "e@x", "--password-stdin"]);
  const req = (await r.command.request(r.args, { readStdin: async () => "s3cret pw\n" })) as { user: { password: string } };
  assert.is(req.user.password, "s3cret pw");
});

// ---- rights -----------------------------------------------------------------

test("right names with or without prefix, any case; repeated and comma-separated", () => {
  assert.equal(parseRights("RIGHT_APPLICATION_ALL"), [Right.APPLICATION_ALL]);
  assert.equal(parseRights("application_all, application_info"), [Right.APPLICATION_ALL, Right.APPLICATION_INFO]);
  assert.equal(parseRights("Right_User_All,user_all"), [Right.USER_ALL]);
  const r = run(["applications", "api-keys", "create", "app1", "--rights", "application_info", "--rights", "RIGHT_APPLICATION_LINK"]);
  assert.equal(r.args.flags.rights, [Right.APPLICATION_INFO, Right.APPLICATION_LINK]);
  assert.is(rightName(Right.APPLICATION_ALL), "RIGHT_APPLICATION_ALL");
});

test("bad right names → usage error", () => {
  assert.throws(() => parseRights("application_everything"), /unknown right "application_everything"/);
  assert.throws(() => parseRights("invalid"), /unknown right/);
  assert.throws(() => parseRights(""), /no rights/);
  usageError(["applications", "api-keys", "create", "app1", "--rights", "all_the_things"], /invalid value for --rights: unknown right "all_the_things"/);
  usageError(["applications", "collaborators", "set", "app1", "--user-id", "u", "--rights", ","], /no rights given/);
});

test("api-keys update: field mask of the flags given", () => {
  const r = run(["applications", "api-keys", "update", "app1", "K1", "--rights", "application_info", "--expires-at", "2031-05-06T07:08:09Z"]);
  const req = create(UpdateApplicationAPIKeyRequestSchema, r.command.request(r.args, noStdin) as object);
  assert.equal(req.fieldMask?.paths, ["rights", "expires_at"]);
  assert.is(req.apiKey?.id, "K1");
  assert.equal(req.apiKey?.rights, [Right.APPLICATION_INFO]);
  assert.is(req.apiKey?.expiresAt?.seconds, BigInt(Date.UTC(2031, 4, 6, 7, 8, 9) / 1000));
  usageError(["applications", "api-keys", "update", "app1", "K1"], /nothing to do/);
});

test("collaborators: account oneof", () => {
  const r = run(["applications", "collaborators", "set", "app1", "--organization-id", "org1", "--rights", "application_all"]);
  assert.equal(r.command.request(r.args, noStdin), {
    applicationIds: { applicationId: "app1" },
    collaborator: { ids: { ids: { case: "organizationIds", value: { organizationId: "org1" } } }, rights: [Right.APPLICATION_ALL] },
  });
  usageError(["applications", "collaborators", "get", "app1"], /one of --user-id or --organization-id is required/);
});

// ---- timestamps ---------------------------------------------------------------

test("RFC 3339 timestamps", () => {
  const t = parseTimestamp("2030-01-02T03:04:05Z");
  assert.is(t.seconds, BigInt(Date.UTC(2030, 0, 2, 3, 4, 5) / 1000));
  assert.is(t.nanos, 0);
  const f = parseTimestamp("2030-01-02T03:04:05.123456789+01:30");
  assert.is(f.seconds, BigInt(Date.UTC(2030, 0, 2, 1, 34, 5) / 1000));
  assert.is(f.nanos, 123456789);
  assert.is(parseTimestamp("2030-01-02t03:04:05.5z").nanos, 500000000);
  for (const bad of ["2030-01-02", "tomorrow", "2030-02-30T00:00:00Z", "2030-13-01T00:00:00Z", "2030-01-02T25:00:00Z", "1700000000"]) {
    assert.throws(() => parseTimestamp(bad), /RFC 3339|valid/, bad);
  }
  usageError(["applications", "api-keys", "create", "a", "--rights", "application_all", "--expires-at", "next week"], /invalid value for --expires-at/);
});

// ---- global flags & env ---------------------------------------------------------

test("addresses", () => {
  assert.is(normalizeAddress("localhost:1884"), "http://localhost:1884");
  assert.is(normalizeAddress("127.0.0.1:9"), "http://127.0.0.1:9");
  assert.is(normalizeAddress("[::1]:1884"), "http://[::1]:1884");
  assert.is(normalizeAddress("example.com"), "http://example.com:1884");
  assert.is(normalizeAddress("https://is.example.com:8884/"), "https://is.example.com:8884");
  assert.is(normalizeAddress("http://h:1"), "http://h:1");
  assert.throws(() => normalizeAddress("ftp://h:1"), /scheme/);
  assert.throws(() => normalizeAddress("h:99999"), /invalid gRPC address/);
  assert.throws(() => normalizeAddress("a b"), /invalid gRPC address/);
});

test("global flags anywhere, env fallback, flag beats env", () => {
  assert.equal(run(["auth-info"]).args.global, { baseUrl: "http://localhost:1884" });
  const env = { IS_CLI_GRPC_ADDRESS: "envhost:1", IS_CLI_API_KEY: "ENVKEY" };
  assert.equal(run(["auth-info"], env).args.global, { baseUrl: "http://envhost:1", apiKey: "ENVKEY" });
  const r = run(["--api-key", "K", "users", "--grpc-address=h:2", "get", "u1", "--api-key", "K2"], env);
  assert.equal(r.args.global, { baseUrl: "http://h:2", apiKey: "K2" });
  assert.equal(r.args.positionals, { "user-id": "u1" });
  assert.equal(r.args.flags, {}, "global flags are not command flags");
  usageError(["auth-info", "--grpc-address", "ftp://x"], /scheme must be http or https/);
  // TTN_LW_ variables are not read.
  assert.equal(run(["auth-info"], { TTN_LW_IS_GRPC_ADDRESS: "x:1" }).args.global, { baseUrl: "http://localhost:1884" });
});

// ---- help ---------------------------------------------------------------------

test("--help at every level", () => {
  const help = (argv: string[]) => {
    const r = parse(commands, argv, {});
    assert.is(r.kind, "help");
    return r.kind === "help" ? r.text : "";
  };
  assert.match(help(["--help"]), /Commands:\n {2}users/);
  assert.match(help(["users", "-h"]), /update-password/);
  assert.match(help(["applications", "api-keys", "create", "--help"]), /--rights RIGHT_A,RIGHT_B/);
  assert.match(help(["--help", "users", "update"]), /--state requested\|approved\|rejected\|flagged\|suspended/);
  // --help wins over otherwise-invalid input of the same command.
  assert.match(help(["users", "get", "--help", "--bogus"]), /Usage: is-cli users get <user-id>/);
});

test.run();
