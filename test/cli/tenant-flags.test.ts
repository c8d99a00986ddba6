// is-cli and tenants, without the TenantRegistry: the global `--tenant-id`
// flag (and IS_CLI_TENANT_ID) addressing another tenant of a real server, the
// tenant's admission (unknown, suspended, deleted), and what the `tenants`
// commands put on the wire and refuse before any call: the tenant admin key
// (flag or TTN_LW_TENANT_ADMIN_KEY) as `authorization: TenantAdminKey <hex>`,
// no `tenant-id` header, the tenant from the positional or --tenant-id. What
// goes on the wire is read by a bare HTTP/2 peer that records each request and
// answers UNIMPLEMENTED. tenants.test.ts covers the registry itself.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerHttp2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { fromBinary } from "@bufbuild/protobuf";
import { sql } from "drizzle-orm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GetTenantIdentifiersForGatewayEUIRequestSchema, GetTenantRequestSchema, UpdateTenantRequestSchema } from "../../gen/tti/lorawan/v3/tenant_pb.js";
import { createPgStore } from "../../src/store/pg/store.js";
import { cliRunner, failed, ok, usage, type CliResult } from "../helpers/cli.js";
import { testDatabase } from "../helpers/database.js";
import { startTestServer } from "../helpers/harness.js";
import { Population } from "../helpers/population.js";

const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;
const NOT_FOUND = 5;
const UNIMPLEMENTED = 12;

const server = await startTestServer();
test.after(() => server.close());
const db = (await testDatabase()).db;

// Another tenant of the same server, made as an operator would by hand: its
// record, then a user with an API key and an application in it.
const suffix = randomBytes(4).toString("hex");
const other = `other-${suffix}`;
const suspended = `suspended-${suffix}`;
const deleted = `deleted-${suffix}`;
await db.execute(sql`INSERT INTO tenants (tenant_id, name) VALUES (${other}, 'Other')`);
await db.execute(sql`INSERT INTO tenants (tenant_id, name, state, state_description) VALUES (${suspended}, 'Suspended', 4, 'unpaid bills')`);
await db.execute(sql`INSERT INTO tenants (tenant_id, name, deleted_at) VALUES (${deleted}, 'Deleted', now())`);
const population = new Population(createPgStore({ primary: db, tenantId: other }));
const alice = await population.user({ id: "alice" });
await population.application({ kind: "user", id: "alice" }, { id: "alice-app", name: "Alice's" });
await new Population(createPgStore({ primary: db, tenantId: suspended })).user({ id: "sam" });

const cli = cliRunner(server, alice.apiKey);
const appIds = (r: CliResult) => (ok(r, "list").applications ?? []).map((a: { ids: { application_id: string } }) => a.ids.application_id);

test("--tenant-id addresses another tenant, before or after the command words", async () => {
  assert.equal(appIds(await cli(["--tenant-id", other, "applications", "list"])), ["alice-app"]);
  assert.is(ok(await cli(["applications", "get", "alice-app", "--tenant-id", other]), "get").name, "Alice's");
  const info = ok(await cli(["auth-info", "--tenant-id", other]), "auth-info");
  assert.is(info.api_key.entity_ids.user_ids.user_id, "alice");
});

test("IS_CLI_TENANT_ID does the same; --tenant-id wins over it", async () => {
  assert.equal(appIds(await cli(["applications", "list"], alice.apiKey, { IS_CLI_TENANT_ID: other })), ["alice-app"]);
  failed(await cli(["applications", "list", "--tenant-id", `nowhere-${suffix}`], alice.apiKey, { IS_CLI_TENANT_ID: other }), "flag over env", NOT_FOUND, "tenant_not_found");
});

test("tenants are apart: a key works in its own tenant only", async () => {
  failed(await cli(["applications", "list"]), "alice's key in the server's default tenant", UNAUTHENTICATED, "api_key_not_found");
  failed(await cli(["applications", "list", "--tenant-id", other], server.adminAPIKey), "the default tenant's admin key in another tenant", UNAUTHENTICATED, "api_key_not_found");
  assert.equal(appIds(await cli(["applications", "list"], server.adminAPIKey)), [], "the default tenant has no application");
});

test("unknown, suspended and deleted tenants are refused", async () => {
  failed(await cli(["applications", "list", "--tenant-id", `nowhere-${suffix}`]), "unknown", NOT_FOUND, "tenant_not_found");
  const r = await cli(["users", "get", "sam", "--tenant-id", suspended]);
  failed(r, "suspended", PERMISSION_DENIED, "tenant_suspended");
  assert.match(JSON.parse(r.stderr).message, /unpaid bills/);
  failed(await cli(["applications", "list", "--tenant-id", deleted]), "deleted", PERMISSION_DENIED, "tenant_deleted");
});

test("a malformed tenant ID is a usage error", async () => {
  usage(await cli(["applications", "list", "--tenant-id", "Acme"]), /invalid --tenant-id: "Acme" is not a tenant ID/);
  usage(await cli(["applications", "list", "--tenant-id", "a"]), /is not a tenant ID/);
  usage(await cli(["applications", "list"], alice.apiKey, { IS_CLI_TENANT_ID: "under_score" }), /invalid IS_CLI_TENANT_ID/);
});

// ---- what goes on the wire ----------------------------------------------------

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}
const seen: Seen[] = [];
const peer = createServer();
peer.on("stream", (stream, headers) => {
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  stream.on("end", () => {
    seen.push({ path: String(headers[":path"]), headers, body: Buffer.concat(chunks) });
    stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": String(UNIMPLEMENTED), "grpc-message": "recorded" }));
    stream.end();
  });
});
const sessions = new Set<ServerHttp2Session>();
peer.on("session", (session) => {
  sessions.add(session);
  session.on("close", () => sessions.delete(session));
});
await new Promise<void>((resolve) => peer.listen(0, "127.0.0.1", resolve));
// The CLI's HTTP/2 sessions stay open in this process: close them with the peer.
test.after(() => {
  for (const session of sessions) session.destroy();
  return new Promise<void>((resolve) => peer.close(() => resolve()));
});
const peerAddress = `127.0.0.1:${(peer.address() as AddressInfo).port}`;

const KEY = randomBytes(32).toString("hex");
/** is-cli against the recording peer; the request it sent. */
async function onWire(args: string[], env: Record<string, string> = {}): Promise<Seen> {
  const before = seen.length;
  const r = await cli(["--grpc-address", peerAddress, ...args], "an-api-key", env);
  assert.is(r.code, 1, r.stderr);
  assert.is(JSON.parse(r.stderr).code, UNIMPLEMENTED, r.stderr);
  assert.is(seen.length, before + 1, "one request");
  return seen[seen.length - 1]!;
}
const message = (s: Seen) => s.body.subarray(5); // the gRPC frame's message

test("other commands send the API key and the tenant-id header", async () => {
  const s = await onWire(["--tenant-id", "acme", "applications", "list"]);
  assert.is(s.path, "/ttn.lorawan.v3.ApplicationRegistry/List");
  assert.is(s.headers.authorization, "Bearer an-api-key");
  assert.is(s.headers["tenant-id"], "acme");
  assert.is((await onWire(["applications", "list"])).headers["tenant-id"], undefined, "none without --tenant-id");
});

test("tenants commands send the tenant admin key, no API key and no tenant-id header", async () => {
  const s = await onWire(["tenants", "get", "acme", "--tenant-admin-key", KEY]);
  assert.is(s.path, "/tti.lorawan.v3.TenantRegistry/Get");
  assert.is(s.headers.authorization, `TenantAdminKey ${KEY}`);
  assert.is(s.headers["tenant-id"], undefined);
  assert.is(fromBinary(GetTenantRequestSchema, message(s)).tenantIds?.tenantId, "acme");

  // --tenant-id names the tenant acted on, as in the stack's CLI; the key may come from the environment.
  const byFlag = await onWire(["tenants", "get", "--tenant-id", "acme"], { TTN_LW_TENANT_ADMIN_KEY: KEY });
  assert.is(byFlag.headers.authorization, `TenantAdminKey ${KEY}`);
  assert.is(byFlag.headers["tenant-id"], undefined);
  assert.is(fromBinary(GetTenantRequestSchema, message(byFlag)).tenantIds?.tenantId, "acme");
  const flagWins = await onWire(["tenants", "get", "acme", "--tenant-admin-key", KEY], { TTN_LW_TENANT_ADMIN_KEY: "00".repeat(16) });
  assert.is(flagWins.headers.authorization, `TenantAdminKey ${KEY}`);
});

test("tenants update: the mask is the flags given and --unset; limits as numbers", async () => {
  const s = await onWire(["tenants", "update", "acme", "--tenant-admin-key", KEY, "--max-users", "10", "--state", "suspended", "--unset", "max-applications"]);
  const req = fromBinary(UpdateTenantRequestSchema, message(s));
  assert.equal(req.fieldMask?.paths, ["max_users", "state", "max_applications"]);
  assert.is(req.tenant?.maxUsers, 10n);
  assert.is(req.tenant?.maxApplications, undefined);
  assert.is(req.tenant?.state, 4);
  const eui = await onWire(["tenants", "get-identifiers-for-gateway-eui", "--eui", "00800000a00009ef", "--tenant-admin-key", KEY]);
  assert.is(Buffer.from(fromBinary(GetTenantIdentifiersForGatewayEUIRequestSchema, message(eui)).eui).toString("hex"), "00800000a00009ef");
});

test("tenants commands: key and tenant problems are usage errors, before any call", async () => {
  const before = seen.length;
  const t = (args: string[], env: Record<string, string> = {}) => cli(["--grpc-address", peerAddress, "tenants", ...args], "an-api-key", env);
  usage(await t(["get", "acme"]), /missing tenant admin key: give --tenant-admin-key or set TTN_LW_TENANT_ADMIN_KEY/);
  usage(await t(["list", "--tenant-admin-key", "not-hex"]), /invalid --tenant-admin-key: a tenant admin key is 16, 24 or 32 bytes in hex/);
  usage(await t(["list", "--tenant-admin-key", "abcd"]), /invalid --tenant-admin-key/);
  usage(await t(["list"], { TTN_LW_TENANT_ADMIN_KEY: "xyz" }), /invalid TTN_LW_TENANT_ADMIN_KEY/);
  usage(await t(["get", "--tenant-admin-key", KEY]), /missing argument <tenant-id> \(or --tenant-id\)/);
  usage(await t(["get", "--tenant-admin-key", KEY], { IS_CLI_TENANT_ID: "acme" }), /missing argument <tenant-id>/);
  usage(await t(["get", "acme", "--tenant-id", "other", "--tenant-admin-key", KEY]), /name different tenants/);
  usage(await t(["get", "Acme", "--tenant-admin-key", KEY]), /invalid <tenant-id>: "Acme" is not a tenant ID/);
  usage(await t(["update", "acme", "--tenant-admin-key", KEY]), /nothing to do/);
  usage(await t(["update", "acme", "--tenant-admin-key", KEY, "--unset", "state"]), /--unset: "state" is not one of/);
  usage(await t(["update", "acme", "--tenant-admin-key", KEY, "--name", "x", "--unset", "name"]), /--name and --unset name cannot be used together/);
  usage(await t(["create", "acme", "--tenant-admin-key", KEY, "--initial-user.password", "pw"]), /--initial-user.ids.user-id is required/);
  usage(await t(["create", "acme", "--tenant-admin-key", KEY, "--initial-user=false", "--initial-user.ids.user-id", "u"]), /cannot be used together/);
  usage(await t(["get-identifiers-for-gateway-eui", "--tenant-admin-key", KEY]), /one of --gateway-eui or --eui is required/);
  usage(await t(["get-identifiers-for-end-device-euis", "--tenant-admin-key", KEY, "--join-eui", "800000000000000C"]), /missing required flag --dev-eui/);
  usage(await t(["get-identifiers-for-end-device-euis", "--tenant-admin-key", KEY, "--join-eui", "80", "--dev-eui", "0004A30B001C0530"]), /invalid value for --join-eui/);
  usage(await cli(["applications", "list", "--tenant-admin-key", KEY]), /unknown flag --tenant-admin-key/);
  assert.is(seen.length, before, "no request made");
});

// ---- the binary ------------------------------------------------------------------

const BIN = fileURLToPath(new URL("../../bin/is-cli.js", import.meta.url));
const childEnv: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("IS_CLI_") && !k.startsWith("TTN_LW_")) childEnv[k] = v;

function run(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...childEnv, ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

test("bin/is-cli.js: --tenant-id on the wire to the real server; the admin key from the environment", async () => {
  const r = await run(["--tenant-id", other, "applications", "list"], { IS_CLI_GRPC_ADDRESS: server.grpcAddress, IS_CLI_API_KEY: alice.apiKey });
  assert.equal(appIds(r), ["alice-app"]);
  const missing = await run(["tenants", "list"], { IS_CLI_GRPC_ADDRESS: peerAddress });
  assert.is(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /^error: missing tenant admin key/);
  const before = seen.length;
  const sent = await run(["tenants", "list"], { IS_CLI_GRPC_ADDRESS: peerAddress, TTN_LW_TENANT_ADMIN_KEY: KEY });
  assert.is(sent.code, 1, sent.stderr);
  assert.is(seen.length, before + 1);
  assert.is(seen.at(-1)!.headers.authorization, `TenantAdminKey ${KEY}`);
});

test.run();
