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
import { UpdateGatewayRequestSchema, CreateGatewayRequestSchema } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { CreateClientRequestSchema, GrantType, UpdateClientRequestSchema } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { CreateEndDeviceRequestSchema, UpdateEndDeviceRequestSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { SearchAccountsRequestSchema, SearchEndDevicesRequestSchema, SearchUsersRequestSchema } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { CreateUserBookmarkRequestSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { DownlinkPathConstraint } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import {
  normalizeAddress,
  parse,
  parseEUI,
  parseMap,
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
  usageError(["users", "get", "u1", "--all=maybe"], /invalid value for --all: "maybe" is not true or false/);
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

// ---- entity kinds of issue 3 ---------------------------------------------------

const hexOf = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString("hex").toUpperCase();
const request = <T>(argv: string[]) => {
  const r = run(argv);
  return r.command.request(r.args, noStdin) as T;
};

test("EUIs: 16 hex digits, any case, optionally grouped by : or -", () => {
  assert.is(hexOf(parseEUI("70b3d57ed0000001")), "70B3D57ED0000001");
  assert.is(hexOf(parseEUI("70:B3:D5:7E:D0:00:00:01")), "70B3D57ED0000001");
  assert.is(hexOf(parseEUI("70-b3-d5-7e-d0-00-00-01")), "70B3D57ED0000001");
  for (const bad of ["", "70B3D57ED00000", "70B3D57ED000000100", "70B3D57ED000000G", "70:B3-D5:7E:D0:00:00:01", "0x70B3D57ED00000"]) {
    assert.throws(() => parseEUI(bad), /is not an EUI/, bad);
  }
  usageError(["gateways", "create", "g1", "--user-id", "u", "--eui", "1234"], /invalid value for --eui: "1234" is not an EUI/);
  usageError(["gateways", "get-by-eui", "xyz"], /invalid <eui>: "xyz" is not an EUI/, /Usage: is-cli gateways get-by-eui <eui>/);
  assert.is(hexOf(request<{ eui: Uint8Array }>(["gateways", "get-by-eui", "70b3d57ed0000001"]).eui), "70B3D57ED0000001");
  assert.is(run(["gateways", "get-by-eui", "70B3D57ED0000001"]).command.method.name, "GetIdentifiersForEUI");
});

test("key=value maps", () => {
  assert.equal(parseMap(["a=1,b=x=y", "a=2", "c="]), { a: "2", b: "x=y", c: "" });
  assert.throws(() => parseMap(["novalue"]), /"novalue" is not key=value/);
  assert.throws(() => parseMap(["=v"]), /is not key=value/);
  usageError(["organizations", "update", "o1", "--attributes", "oops"], /invalid value for --attributes/);
});

test("gateways create: account, EUI, switches, enums, nested version IDs, secrets", () => {
  const req = create(
    CreateGatewayRequestSchema,
    request<object>([
      "gateways", "create", "gw1", "--organization-id", "org1", "--eui", "0102030405060708", "--frequency-plan-id", "EU_863_870,US_902_928_FSB_2",
      "--status-public", "--location-public=false", "--downlink-path-constraint", "NEVER", "--brand-id", "b", "--model-id", "m", "--lbs-lns-secret", "s3",
    ]),
  );
  assert.is(req.gateway?.ids?.gatewayId, "gw1");
  assert.is(hexOf(req.gateway?.ids?.eui), "0102030405060708");
  assert.equal(req.gateway?.frequencyPlanIds, ["EU_863_870", "US_902_928_FSB_2"]);
  assert.is(req.gateway?.statusPublic, true);
  assert.is(req.gateway?.locationPublic, false);
  assert.is(req.gateway?.downlinkPathConstraint, DownlinkPathConstraint.NEVER);
  assert.is(req.gateway?.versionIds?.brandId, "b");
  assert.is(req.gateway?.versionIds?.modelId, "m");
  assert.is(new TextDecoder().decode(req.gateway?.lbsLnsSecret?.value), "s3");
  assert.equal(req.collaborator?.ids, { case: "organizationIds", value: req.collaborator?.ids.value });
  usageError(["gateways", "create", "gw1"], /one of --user-id or --organization-id is required/);
  usageError(["gateways", "create", "gw1", "--user-id", "u", "--downlink-path-constraint", "sometimes"], /unknown value "sometimes" \(one of none, prefer_other, never\)/);
  // Any other word after a switch stays a positional.
  usageError(["gateways", "create", "gw1", "--user-id", "u", "--status-public", "maybe"], /unexpected argument "maybe"/);
  usageError(["gateways", "create", "gw1", "--user-id", "u", "--status-public=maybe"], /invalid value for --status-public: "maybe" is not true or false/);
});

test("gateways update: field mask of the flags given, in definition order", () => {
  const req = create(UpdateGatewayRequestSchema, request<object>(["gateways", "update", "gw1", "--status-public=false", "--firmware-version", "1.2", "--name", "N", "--eui", "0102030405060708"]));
  assert.equal(req.fieldMask?.paths, ["ids.eui", "name", "status_public", "version_ids.firmware_version"]);
  assert.is(req.gateway?.ids?.gatewayId, "gw1");
  assert.is(req.gateway?.statusPublic, false);
  assert.is(req.gateway?.versionIds?.firmwareVersion, "1.2");
  usageError(["gateways", "update", "gw1"], /nothing to do/);
  usageError(["gateways", "update", "gw1", "--user-id", "u"], /unknown flag --user-id/);
});

test("gateways, organizations, clients: api-keys, collaborators and lifecycle use their own services", () => {
  const service = (argv: string[]) => {
    const r = run(argv);
    return `${r.command.method.parent.typeName.replace("ttn.lorawan.v3.", "")}.${r.command.method.name}`;
  };
  assert.is(service(["gateways", "api-keys", "create", "g", "--rights", "gateway_info"]), "GatewayAccess.CreateAPIKey");
  assert.is(service(["gateways", "collaborators", "list", "g"]), "GatewayAccess.ListCollaborators");
  assert.is(service(["gateways", "rights", "g"]), "GatewayAccess.ListRights");
  assert.is(service(["gateways", "purge", "g"]), "GatewayRegistry.Purge");
  assert.is(service(["organizations", "members", "set", "o", "--user-id", "u", "--rights", "organization_info"]), "OrganizationAccess.SetCollaborator");
  assert.is(service(["organizations", "collaborators", "delete", "o", "--user-id", "u"]), "OrganizationAccess.DeleteCollaborator");
  assert.is(service(["organizations", "api-keys", "list", "o"]), "OrganizationAccess.ListAPIKeys");
  assert.is(service(["clients", "collaborators", "get", "c", "--organization-id", "o"]), "ClientAccess.GetCollaborator");
  assert.is(service(["clients", "restore", "c"]), "ClientRegistry.Restore");
  assert.is(service(["applications", "issue-dev-eui", "a"]), "ApplicationRegistry.IssueDevEUI");
  assert.is(service(["end-devices", "search", "a"]), "EndDeviceRegistrySearch.SearchEndDevices");
  assert.is(service(["search", "accounts"]), "EntityRegistrySearch.SearchAccounts");
  assert.is(service(["users", "bookmarks", "list", "u"]), "UserBookmarkRegistry.List");
  assert.equal(request(["gateways", "delete", "g1"]), { gatewayId: "g1" });
  assert.equal(request(["gateways", "api-keys", "get", "g1", "K"]), { gatewayIds: { gatewayId: "g1" }, keyId: "K" });
  assert.equal(request(["applications", "issue-dev-eui", "a1"]), { applicationId: "a1" });
  // Clients have no API keys.
  usageError(["clients", "api-keys", "list", "c"], /unknown command "clients api-keys"/);
});

test("organization members are users only", () => {
  assert.equal(request(["organizations", "members", "set", "o1", "--user-id", "u1", "--rights", "organization_all"]), {
    organizationIds: { organizationId: "o1" },
    collaborator: { ids: { ids: { case: "userIds", value: { userId: "u1" } } }, rights: [Right.ORGANIZATION_ALL] },
  });
  usageError(["organizations", "members", "get", "o1"], /missing required flag --user-id/);
  // --organization-id names the organization itself (as in The Things Stack's CLI), never a member.
  usageError(["organizations", "members", "get", "o1", "--organization-id", "o2"], /<organization-id> "o1" and --organization-id "o2" differ/);
  usageError(["organizations", "create", "o1", "--organization-id", "o2"], /<organization-id> "o1" and --organization-id "o2" differ/);
});

test("clients create / update: URIs, grants, rights, admin fields", () => {
  const req = create(
    CreateClientRequestSchema,
    request<object>(["clients", "create", "c1", "--user-id", "u1", "--redirect-uri", "https://a/cb", "--redirect-uri", "https://b/cb", "--grants", "authorization_code,GRANT_REFRESH_TOKEN,refresh_token", "--rights", "user_info"]),
  );
  assert.equal(req.client?.redirectUris, ["https://a/cb", "https://b/cb"]);
  assert.equal(req.client?.grants, [GrantType.GRANT_AUTHORIZATION_CODE, GrantType.GRANT_REFRESH_TOKEN]);
  assert.equal(req.client?.rights, [Right.USER_INFO]);
  const upd = create(UpdateClientRequestSchema, request<object>(["clients", "update", "c1", "--state", "approved", "--skip-authorization", "--state-description", "ok"]));
  assert.equal(upd.fieldMask?.paths, ["state", "state_description", "skip_authorization"]);
  assert.is(upd.client?.state, State.APPROVED);
  assert.is(upd.client?.skipAuthorization, true);
  usageError(["clients", "create", "c1", "--user-id", "u", "--grants", "implicit"], /invalid value for --grants: unknown value "implicit" \(one of authorization_code, password, refresh_token\)/);
  usageError(["clients", "create", "c1", "--user-id", "u", "--grants", ","], /no values given/);
  // --all never asks for the secret.
  const r = run(["clients", "get", "c1", "--all"]);
  assert.not.ok((r.command.request(r.args, noStdin) as { fieldMask: { paths: string[] } }).fieldMask.paths.includes("secret"));
});

test("end-devices: identifiers from positionals, EUIs at creation only", () => {
  const req = create(CreateEndDeviceRequestSchema, request<object>(["end-devices", "create", "app1", "dev1", "--dev-eui", "0004a30b001c0530", "--join-eui", "70B3D57ED0000000", "--band-id", "EU_863_870"]));
  assert.is(req.endDevice?.ids?.deviceId, "dev1");
  assert.is(req.endDevice?.ids?.applicationIds?.applicationId, "app1");
  assert.is(hexOf(req.endDevice?.ids?.devEui), "0004A30B001C0530");
  assert.is(hexOf(req.endDevice?.ids?.joinEui), "70B3D57ED0000000");
  assert.is(req.endDevice?.versionIds?.bandId, "EU_863_870");
  const upd = create(UpdateEndDeviceRequestSchema, request<object>(["end-devices", "update", "app1", "dev1", "--name", "n", "--attributes", "k=v"]));
  assert.equal(upd.fieldMask?.paths, ["name", "attributes"]);
  assert.equal(upd.endDevice?.attributes, { k: "v" });
  usageError(["end-devices", "update", "app1", "dev1", "--join-eui", "70B3D57ED0000000"], /unknown flag --join-eui/);
  usageError(["end-devices", "create", "app1", "dev1", "--dev-eui", "nope"], /invalid value for --dev-eui/);
  usageError(["end-devices", "get", "app1"], /missing argument <device-id>/);
  const search = create(SearchEndDevicesRequestSchema, request<object>(["end-devices", "search", "app1", "--dev-eui-contains", "a30b", "--name-contains", "x", "--limit", "5"]));
  assert.is(search.applicationIds?.applicationId, "app1");
  assert.is(search.devEuiContains, "A30B");
  assert.is(search.nameContains, "x");
  assert.is(search.limit, 5);
  usageError(["end-devices", "search", "app1", "--join-eui-contains", "g0"], /invalid value for --join-eui-contains: "g0" is not hex digits/);
});

test("search: shared filters, states, attributes, accounts", () => {
  const users = create(SearchUsersRequestSchema, request<object>(["search", "users", "--query", "q", "--state", "approved,flagged", "--attributes-contain", "team=lora", "--deleted"]));
  assert.is(users.query, "q");
  assert.equal(users.state, [State.APPROVED, State.FLAGGED]);
  assert.equal(users.attributesContain, { team: "lora" });
  assert.is(users.deleted, true);
  assert.not.ok(users.fieldMask?.paths.includes("password"));
  const accounts = create(SearchAccountsRequestSchema, request<object>(["search", "accounts", "--query", "al", "--gateway-id", "g1", "--complement-collaborators", "--only-users"]));
  assert.equal(accounts.collaboratorOf, { case: "gatewayIds", value: accounts.collaboratorOf.value });
  assert.is(accounts.collaboratorOf.case === "gatewayIds" && accounts.collaboratorOf.value.gatewayId, "g1");
  assert.is(accounts.complementCollaborators, true);
  assert.is(accounts.onlyUsers, true);
  assert.is(create(SearchAccountsRequestSchema, request<object>(["search", "accounts"])).collaboratorOf.case, undefined);
  usageError(["search", "accounts", "--client-id", "c", "--organization-id", "o"], /--client-id and --organization-id cannot be used together/);
  usageError(["search", "applications", "--state", "approved"], /unknown flag --state/);
  usageError(["search", "organizations", "--eui-contains", "70"], /unknown flag --eui-contains/);
  usageError(["search"], /missing subcommand of "search"/);
});

test("users bookmarks: entity kind and ID", () => {
  const req = (argv: string[]) => create(CreateUserBookmarkRequestSchema, request<object>(argv));
  assert.equal(req(["users", "bookmarks", "create", "u1", "gateway", "g1"]).entityIds?.ids, { case: "gatewayIds", value: req(["users", "bookmarks", "create", "u1", "gateway", "g1"]).entityIds!.ids.value });
  const dev = req(["users", "bookmarks", "create", "u1", "end-device", "app1/dev1"]).entityIds?.ids;
  assert.is(dev?.case, "deviceIds");
  assert.is(dev?.case === "deviceIds" && `${dev.value.applicationIds?.applicationId}/${dev.value.deviceId}`, "app1/dev1");
  assert.is(req(["users", "bookmarks", "create", "u1", "user", "u2"]).userIds?.userId, "u1");
  usageError(["users", "bookmarks", "create", "u1", "planet", "x"], /invalid <entity-kind>: "planet" is not one of application, client, end-device/);
  assert.throws(() => request(["users", "bookmarks", "delete", "u1", "end-device", "dev1"]), /invalid <entity-id>: "dev1" is not <application-id>\/<device-id>/);
  assert.equal(request(["users", "bookmarks", "list", "u1", "--entity-types", "application,end-device"]), {
    userIds: { userId: "u1" },
    limit: 0,
    page: 0,
    order: "",
    deleted: false,
    entityTypes: ["application", "end device"],
  });
});

test("help for the new groups", () => {
  const help = (argv: string[]) => {
    const r = parse(commands, argv, {});
    return r.kind === "help" ? r.text : "";
  };
  const top = help(["--help"]);
  for (const g of ["organizations", "gateways", "clients", "end-devices", "search"]) assert.match(top, new RegExp(`\\n {2}${g} `));
  assert.match(help(["gateways", "create", "--help"]), /--status-public\[=true\|false\]/);
  assert.match(help(["gateways", "create", "--help"]), /--eui EUI/);
  assert.match(help(["clients", "update", "--help"]), /--grants authorization_code,password,refresh_token/);
  assert.match(help(["organizations", "--help"]), /members/);
  assert.match(help(["users", "bookmarks", "create", "--help"]), /<entity-kind>/);
});

// ---- boolean flags take true/false as the next word ---------------------------

test("every boolean flag kind: --x, --x=true|false and --x true|false; other words stay positionals", () => {
  // switch (authentication-providers create --allow-registrations), as the seed script writes it
  const ap = (extra: string[]) => run(["ap", "create", "sso", "--name", "SSO", ...extra, "--configuration.provider.oidc.client-id", "c", "--configuration.provider.oidc.provider-url", "https://op.example.com"]).args;
  assert.is(ap(["--allow-registrations", "true"]).flags["allow-registrations"], true);
  assert.is(ap(["--allow-registrations", "false"]).flags["allow-registrations"], false);
  assert.is(ap(["--allow-registrations", "FALSE"]).flags["allow-registrations"], false);
  assert.is(ap(["--allow-registrations=false"]).flags["allow-registrations"], false);
  assert.is(ap(["--allow-registrations"]).flags["allow-registrations"], true);
  // presence (users get --all): true is the flag, false means not given
  assert.ok(run(["users", "get", "u1", "--all", "true"]).args.has("all"));
  assert.ok(run(["users", "get", "u1", "--all=true"]).args.has("all"));
  assert.not.ok(run(["users", "get", "u1", "--all", "false"]).args.has("all"));
  assert.not.ok(run(["users", "get", "u1", "--all=false"]).args.has("all"));
  assert.is(run(["users", "get", "--all", "u1"]).args.arg("user-id"), "u1", "a positional after a presence flag stays a positional");
  // explicit bool (users update --admin): bare means true
  assert.is(run(["users", "update", "u1", "--admin"]).args.flags.admin, true);
  assert.is(run(["users", "update", "u1", "--admin", "--name", "N"]).args.flags.admin, true);
  assert.is(run(["users", "update", "u1", "--admin", "false", "--name", "N"]).args.flags.admin, false);
  // a bool word after `--` is a positional
  assert.is(run(["users", "get", "--all", "--", "true"]).args.arg("user-id"), "true");
  // every boolean flag of every command accepts `true`/`false` as the next word
  const walk = (node: typeof commands, path: string[]): void => {
    for (const child of node.children) {
      if (child.kind === "group") walk(child as typeof commands, [...path, child.name]);
      else {
        for (const [name, spec] of Object.entries(child.flags ?? {})) {
          if (!["boolean", "switch", "bool"].includes(spec.type.kind)) continue;
          for (const word of ["true", "false"]) {
            try {
              parse(commands, [...path, child.name, `--${name}`, word, "--help"], {});
            } catch (err) {
              assert.unreachable(`${[...path, child.name].join(" ")} --${name} ${word}: ${(err as Error).message}`);
            }
            // --help short-circuits before flag checks, so also read the tokens: the word must not be a positional.
            const positionals = (child.positionals ?? []).map((_, i) => `p${i}`);
            let message = "";
            try {
              parse(commands, [...path, child.name, ...positionals, `--${name}`, word], {});
            } catch (err) {
              message = (err as Error).message;
            }
            assert.not.match(message, /unexpected argument/, `${[...path, child.name].join(" ")} --${name} ${word}`);
          }
        }
      }
    }
  };
  walk(commands, []);
});

test.run();
