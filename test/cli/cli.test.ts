// End-to-end tests of is-cli: runs `node bin/is-cli.js ...` as a child process
// against a real server from the test harness, and checks exit status, stdout
// JSON, the `total: N` line and error JSON on stderr.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer } from "../helpers/harness.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/is-cli.js", import.meta.url));

const server = await startTestServer();
test.after(() => server.close());

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

// The child's environment: nothing from ours that the CLI (or a server it
// might start) would read, plus the server address.
const baseEnv: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) {
  if (v !== undefined && !k.startsWith("IS_CLI_") && !k.startsWith("TTN_LW_")) baseEnv[k] = v;
}
baseEnv.IS_CLI_GRPC_ADDRESS = server.grpcAddress;

function cli(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { ...baseEnv, ...options.env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(options.stdin ?? "");
  });
}

const admin = () => ["--api-key", server.adminAPIKey];

function ok(r: Result, what: string): any {
  assert.is(r.code, 0, `${what}: exit ${r.code}, stderr: ${r.stderr}`);
  try {
    return JSON.parse(r.stdout);
  } catch {
    assert.unreachable(`${what}: stdout is not JSON: ${r.stdout}`);
  }
}

function failed(r: Result, what: string): { code: number; message: string; details: any[] } {
  assert.is(r.code, 1, `${what}: exit ${r.code}, stdout: ${r.stdout}, stderr: ${r.stderr}`);
  assert.is(r.stdout, "", `${what}: nothing on stdout`);
  let body;
  try {
    body = JSON.parse(r.stderr);
  } catch {
    assert.unreachable(`${what}: stderr is not JSON: ${r.stderr}`);
  }
  assert.type(body.code, "number");
  assert.type(body.message, "string");
  assert.ok(Array.isArray(body.details), `${what}: details is an array`);
  return body;
}

function totalOf(r: Result): number | undefined {
  const m = /^total: (\d+)$/m.exec(r.stderr);
  return m ? Number(m[1]) : undefined;
}

const PASSWORD = "Correct-Horse-9";

// ---- users -------------------------------------------------------------------

test("users create: self-registration without an API key", async () => {
  const user = ok(await cli(["users", "create", "cli-alice", "--email", "alice@example.com", "--password", PASSWORD, "--name", "Alice"]), "create");
  assert.is(user.ids.user_id, "cli-alice");
  assert.not.ok("password" in user, "password is never returned");
});

test("users create: password from stdin", async () => {
  const r = await cli(["users", "create", "cli-bob", "--email", "bob@example.com", "--password-stdin"], { stdin: `${PASSWORD}\n` });
  assert.is(ok(r, "create").ids.user_id, "cli-bob");
});

test("users get / update / list as admin", async () => {
  const got = ok(await cli(["users", "get", "cli-alice", ...admin()]), "get");
  assert.is(got.name, "Alice");
  assert.is(got.primary_email_address, "alice@example.com");
  assert.match(got.state, /^STATE_/);

  const all = ok(await cli(["users", "get", "cli-alice", "--all", ...admin()]), "get --all");
  assert.ok(all.created_at, "--all includes created_at");
  assert.not.ok("password" in all);

  const only = ok(await cli(["users", "get", "cli-alice", "--field-mask", "name", ...admin()]), "get --field-mask");
  assert.is(only.name, "Alice");
  assert.not.ok("primary_email_address" in only, "only the masked fields");

  const updated = ok(await cli(["users", "update", "cli-alice", "--description", "from the CLI", "--state", "approved", ...admin()]), "update");
  assert.is(updated.description, "from the CLI");
  const again = ok(await cli(["users", "get", "cli-alice", ...admin()]), "get after update");
  assert.is(again.description, "from the CLI");
  assert.is(again.name, "Alice", "fields outside the mask are kept");
  assert.is(again.state, "STATE_APPROVED");

  const r = await cli(["users", "list", "--limit", "2", ...admin()]);
  const list = ok(r, "list");
  assert.is(list.users.length, 2);
  assert.ok((totalOf(r) ?? 0) >= 3, `total on stderr (admin, cli-alice, cli-bob): ${r.stderr}`);
});

test("users update-password with the old password, no API key", async () => {
  ok(await cli(["users", "update-password", "cli-bob", "--old", PASSWORD, "--new", "Another-Horse-7"]), "update-password");
  const wrong = failed(await cli(["users", "update-password", "cli-bob", "--old", PASSWORD, "--new", "Third-Horse-5"]), "wrong old");
  assert.match(wrong.message, /^error:pkg\//);
});

test("users api-keys create / get / list / delete", async () => {
  const key = ok(await cli(["users", "api-keys", "create", "admin", "--name", "cli-key", "--rights", "user_info,RIGHT_USER_APPLICATIONS_LIST", ...admin()]), "create");
  assert.match(key.key, /^NNSXS\./);
  assert.equal(key.rights, ["RIGHT_USER_INFO", "RIGHT_USER_APPLICATIONS_LIST"]);

  const got = ok(await cli(["users", "api-keys", "get", "admin", key.id, ...admin()]), "get");
  assert.is(got.name, "cli-key");
  assert.not.ok(got.key, "no secret after creation");

  // The new key works for what it allows.
  const me = ok(await cli(["users", "get", "admin"], { env: { IS_CLI_API_KEY: key.key } }), "get with the new key");
  assert.ok(me.ids.user_id === "admin");

  const r = await cli(["users", "api-keys", "list", "admin", ...admin()]);
  assert.ok(ok(r, "list").api_keys.some((k: any) => k.id === key.id));
  assert.ok((totalOf(r) ?? 0) >= 2, `total: ${r.stderr}`);

  assert.equal(ok(await cli(["users", "api-keys", "delete", "admin", key.id, ...admin()]), "delete"), {});
  failed(await cli(["users", "api-keys", "get", "admin", key.id, ...admin()]), "get deleted key");
});

// ---- applications --------------------------------------------------------------

test("applications create / get / list / update with the admin key", async () => {
  const app = ok(await cli(["applications", "create", "cli-app", "--user-id", "admin", "--name", "CLI App", ...admin()]), "create");
  assert.is(app.ids.application_id, "cli-app");

  // API key from the environment instead of the flag; address as a URL flag.
  const env = { IS_CLI_API_KEY: server.adminAPIKey };
  const got = ok(await cli(["applications", "get", "cli-app", "--grpc-address", `http://${server.grpcAddress}`], { env }), "get");
  assert.is(got.name, "CLI App");

  const r = await cli(["applications", "list", "--user-id", "admin"], { env });
  const list = ok(r, "list");
  assert.equal(
    list.applications.map((a: any) => a.ids.application_id),
    ["cli-app"],
  );
  assert.is(totalOf(r), 1, `total on stderr: ${r.stderr}`);

  const updated = ok(
    await cli(["applications", "update", "cli-app", "--description", "made by is-cli", "--network-server-address", "ns.example.com"], { env }),
    "update",
  );
  assert.is(updated.description, "made by is-cli");
  const all = ok(await cli(["applications", "get", "cli-app", "--all"], { env }), "get --all");
  assert.is(all.description, "made by is-cli");
  assert.is(all.network_server_address, "ns.example.com");
  assert.is(all.name, "CLI App");

  const rights = ok(await cli(["applications", "rights", "cli-app"], { env }), "rights");
  assert.ok(rights.rights.includes("RIGHT_APPLICATION_ALL") || rights.rights.includes("RIGHT_APPLICATION_INFO"), JSON.stringify(rights));
});

test("applications api-keys create / list / update / delete", async () => {
  const key = ok(
    await cli(["applications", "api-keys", "create", "cli-app", "--name", "k1", "--rights", "application_info", "--expires-at", "2099-01-01T00:00:00Z", ...admin()]),
    "create",
  );
  assert.match(key.key, /^NNSXS\./);
  assert.type(key.id, "string");
  assert.equal(key.rights, ["RIGHT_APPLICATION_INFO"]);
  assert.is(key.expires_at, "2099-01-01T00:00:00Z");

  // The key reads the application but cannot change it.
  const env = { IS_CLI_API_KEY: key.key };
  assert.is(ok(await cli(["applications", "get", "cli-app"], { env }), "get with key").name, "CLI App");
  const denied = failed(await cli(["applications", "update", "cli-app", "--name", "nope"], { env }), "update with read-only key");
  assert.match(denied.message, /^error:pkg\//);

  const r = await cli(["applications", "api-keys", "list", "cli-app", ...admin()]);
  const list = ok(r, "list");
  assert.equal(
    list.api_keys.map((k: any) => k.id),
    [key.id],
  );
  assert.not.ok(list.api_keys[0].key, "no secrets in list");
  assert.is(totalOf(r), 1, `total: ${r.stderr}`);

  const renamed = ok(await cli(["applications", "api-keys", "update", "cli-app", key.id, "--name", "k1-renamed", ...admin()]), "update");
  assert.is(renamed.name, "k1-renamed");
  assert.equal(renamed.rights, ["RIGHT_APPLICATION_INFO"], "rights untouched by a name-only update");

  assert.equal(ok(await cli(["applications", "api-keys", "delete", "cli-app", key.id, ...admin()]), "delete"), {});
  const after = await cli(["applications", "api-keys", "list", "cli-app", ...admin()]);
  assert.equal(ok(after, "list after delete").api_keys ?? [], []);
  assert.is(totalOf(after), 0);
});

test("applications collaborators set / get / list / delete", async () => {
  ok(await cli(["applications", "collaborators", "set", "cli-app", "--user-id", "cli-alice", "--rights", "application_info,application_settings_basic", ...admin()]), "set");
  const got = ok(await cli(["applications", "collaborators", "get", "cli-app", "--user-id", "cli-alice", ...admin()]), "get");
  assert.equal([...got.rights].sort(), ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_SETTINGS_BASIC"]);
  const r = await cli(["applications", "collaborators", "list", "cli-app", ...admin()]);
  const ids = ok(r, "list").collaborators.map((c: any) => c.ids.user_ids?.user_id);
  assert.ok(ids.includes("admin") && ids.includes("cli-alice"), JSON.stringify(ids));
  assert.is(totalOf(r), 2, `total: ${r.stderr}`);
  ok(await cli(["applications", "collaborators", "delete", "cli-app", "--user-id", "cli-alice", ...admin()]), "delete");
  failed(await cli(["applications", "collaborators", "get", "cli-app", "--user-id", "cli-alice", ...admin()]), "get removed collaborator");
});

test("applications delete / list --deleted / restore / purge", async () => {
  ok(await cli(["applications", "create", "cli-app-2", "--user-id", "admin", ...admin()]), "create");
  assert.equal(ok(await cli(["applications", "delete", "cli-app-2", ...admin()]), "delete"), {});
  failed(await cli(["applications", "get", "cli-app-2", ...admin()]), "get deleted");
  const deleted = ok(await cli(["applications", "list", "--deleted", ...admin()]), "list --deleted");
  assert.ok(deleted.applications?.some((a: any) => a.ids.application_id === "cli-app-2"), JSON.stringify(deleted));
  ok(await cli(["applications", "restore", "cli-app-2", ...admin()]), "restore");
  ok(await cli(["applications", "get", "cli-app-2", ...admin()]), "get restored");
  ok(await cli(["applications", "purge", "cli-app-2", ...admin()]), "purge");
  failed(await cli(["applications", "get", "cli-app-2", ...admin()]), "get purged");
});

// ---- server-wide ---------------------------------------------------------------

test("auth-info and is-configuration", async () => {
  const info = ok(await cli(["auth-info", ...admin()]), "auth-info");
  assert.ok(info.api_key, `API key access: ${JSON.stringify(info)}`);
  assert.is(info.is_admin, true);
  const conf = ok(await cli(["is-configuration"]), "is-configuration");
  assert.ok(conf.configuration, JSON.stringify(conf));
});

// ---- errors ------------------------------------------------------------------

test("permission error: no API key → exit 1, error JSON on stderr", async () => {
  const err = failed(await cli(["applications", "get", "cli-app"]), "get without key");
  assert.ok([7, 16].includes(err.code), `PermissionDenied or Unauthenticated, got ${err.code}`);
  assert.match(err.message, /^error:pkg\//);
  assert.ok(err.details.length > 0, "ErrorDetails present");
  assert.match(err.details[0].namespace, /^pkg\//);
  assert.type(err.details[0].name, "string");

  const list = failed(await cli(["users", "list"]), "list users without key");
  assert.match(list.message, /^error:pkg\//);

  const bad = failed(await cli(["applications", "get", "cli-app", "--api-key", "NNSXS.NOTAKEY.NOTASECRET"]), "bad key");
  assert.match(bad.message, /^error:pkg\//);
});

test("connection refused → exit 1 with code 14", async () => {
  const err = failed(await cli(["is-configuration", "--grpc-address", "127.0.0.1:1"]), "unreachable");
  assert.is(err.code, 14);
});

test("usage errors → exit 2, reason and usage on stderr, nothing sent", async () => {
  const cases: [string[], RegExp][] = [
    [["users", "get"], /missing argument <user-id>/],
    [["users", "frobnicate"], /unknown command "users frobnicate"/],
    [["users", "get", "cli-alice", "--bogus"], /unknown flag --bogus/],
    [["applications", "api-keys", "create", "cli-app", "--rights", "application_everything"], /unknown right "application_everything"/],
    [["applications", "api-keys", "create", "cli-app", "--rights", "application_info", "--expires-at", "tomorrow"], /--expires-at/],
    [["applications", "create", "x"], /one of --user-id or --organization-id is required/],
    [["users", "update", "cli-alice", "--state", "happy"], /--state/],
  ];
  // Independent invocations: run them side by side.
  const results = await Promise.all(cases.map(([args]) => cli([...args, ...admin()])));
  for (const [i, [args, reason]] of cases.entries()) {
    const r = results[i]!;
    assert.is(r.code, 2, `${args.join(" ")}: exit ${r.code}, ${r.stderr}`);
    assert.is(r.stdout, "");
    assert.match(r.stderr.split("\n")[0]!, reason);
    assert.match(r.stderr, /Usage: is-cli /);
  }
  const help = await cli(["applications", "api-keys", "--help"]);
  assert.is(help.code, 0);
  assert.match(help.stdout, /Usage: is-cli applications api-keys <command>/);
});

test.run();
