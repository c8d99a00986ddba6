// is-cli `notifications list` and `notifications update-status` as a child
// process against a real server: the user from the API key by default,
// --user-id, --status filters, the `total: N` line, usage errors.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as assert from "uvu/assert";
import { test } from "uvu";
import { ApplicationAccess } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { appRef, userRef } from "../helpers/expect.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/is-cli.js", import.meta.url));

const server = await startTestServer();
test.after(() => server.close());
const p = server.population;
const alice = await p.user({ id: "alice" });
await p.application(userRef("alice"), { id: "alice-app" });
const appKey = await p.apiKey(appRef("alice-app"), R("RIGHT_APPLICATION_ALL"));
// Two notifications for alice: API keys created for her application.
const apps = grpcClient(server, ApplicationAccess, alice.apiKey);
await apps.createAPIKey({ applicationIds: { applicationId: "alice-app" }, name: "first", rights: [Right.APPLICATION_INFO] });
await apps.createAPIKey({ applicationIds: { applicationId: "alice-app" }, name: "second", rights: [Right.APPLICATION_INFO] });

const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("IS_CLI_") && !k.startsWith("TTN_LW_")) env[k] = v;
env.IS_CLI_GRPC_ADDRESS = server.grpcAddress;

function cli(args: string[], key = alice.apiKey): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, "--api-key", key, ...args], { cwd: ROOT, env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

test("notifications list: the API key's user by default, newest first, with the total", async () => {
  const r = await cli(["notifications", "list"]);
  assert.is(r.code, 0, r.stderr);
  const body = JSON.parse(r.stdout);
  assert.equal(body.notifications.map((n: { data: { name: string } }) => n.data.name), ["second", "first"]);
  assert.is(body.notifications[0].notification_type, "api_key_created");
  assert.is(body.notifications[0].data["@type"], "type.googleapis.com/ttn.lorawan.v3.APIKey");
  assert.match(r.stderr, /^total: 2$/m);
});

test("notifications update-status and list --status, with --user-id", async () => {
  const listed = JSON.parse((await cli(["notifications", "list", "--user-id", "alice", "--limit", "1"])).stdout);
  const newest = listed.notifications[0].id as string;
  const u = await cli(["notifications", "update-status", "--ids", newest, "--status", "seen"]);
  assert.is(u.code, 0, u.stderr);
  const seen = await cli(["notifications", "list", "--user-id", "alice", "--status", "seen"]);
  assert.is(seen.code, 0, seen.stderr);
  assert.equal(JSON.parse(seen.stdout).notifications.map((n: { id: string; status: string }) => [n.id, n.status]), [[newest, "NOTIFICATION_STATUS_SEEN"]]);
  assert.match(seen.stderr, /^total: 1$/m);
  const both = await cli(["notifications", "list", "--status", "unseen,seen"]);
  assert.match(both.stderr, /^total: 2$/m);
});

test("notifications list: usage errors exit 2; a key of no user needs --user-id; RPC errors exit 1", async () => {
  const bad = await cli(["notifications", "list", "--status", "read"]);
  assert.is(bad.code, 2, bad.stderr);
  const noUser = await cli(["notifications", "list"], appKey);
  assert.is(noUser.code, 2, noUser.stderr);
  assert.match(noUser.stderr, /--user-id/);
  const denied = await cli(["notifications", "list", "--user-id", "alice"], appKey);
  assert.is(denied.code, 1, denied.stderr);
  assert.match(denied.stderr, /no_user_rights/);
});

test.run();
