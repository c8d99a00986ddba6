// The operator's side: `identity-server is-db create-oauth-client` (as the
// Console's client is bootstrapped) and `is-cli users oauth ...`, both run as
// child processes.
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GrantType } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { verifyClientSecret } from "../../src/auth/client-secrets.js";
import { createHashPool } from "../../src/auth/hash-pool.js";
import { createPasswordHasher } from "../../src/auth/passwords.js";
import { defaultConfig } from "../../src/config/index.js";
import { RIGHT_ALL } from "../../src/rights/algebra.js";
import { openStore } from "../../src/server.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { codeFor, coreDeps, defaultRedirect, oauthClient, tokenRequest } from "./core-helpers.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TTN_LW_") && !k.startsWith("IS_CLI_"))) as Record<string, string>;

function run(bin: string, args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [join(ROOT, "bin", bin), ...args], { cwd: ROOT, env: { ...env, ...extraEnv }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

test("is-db create-oauth-client: an approved, endorsed client with a hashed secret; a public one; clear errors", async () => {
  const uri = `pglite://${mkdtempSync(join(tmpdir(), "is-oauth-"))}`;
  const db = ["--is.database-uri", uri];
  const admin = await run("identity-server.js", ["is-db", "create-admin-user", ...db, "--id", "admin", "--email", "admin@example.com", "--password", "Str0ng-password"]);
  assert.is(admin.code, 0, admin.stderr);
  const console_ = await run("identity-server.js", [
    "is-db", "create-oauth-client", ...db, "--id", "console", "--name", "Console", "--owner", "admin",
    "--redirect-uri", "https://console.example.com/oauth/callback", "--redirect-uri", "https://console.example.com/console/oauth/callback",
    "--logout-redirect-uri", "https://console.example.com/", "--secret", "console-secret",
  ]);
  assert.is(console_.code, 0, console_.stderr);
  assert.match(console_.stdout, /created OAuth client console/);
  const cli = await run("identity-server.js", ["is-db", "create-oauth-client", ...db, "--id", "cli", "--owner", "admin", "--redirect-uri", "http://localhost:11885/oauth/callback", "--no-secret", "--grants", "authorization_code", "--rights", "RIGHT_USER_INFO,application_info"]);
  assert.is(cli.code, 0, cli.stderr);
  const generated = await run("identity-server.js", ["is-db", "create-oauth-client", ...db, "--id", "other-app", "--owner", "admin", "--redirect-uri", "https://o.example.com/cb"]);
  assert.is(generated.code, 0, generated.stderr);
  const printedSecret = generated.stdout.trim().split("\n").at(-1)!;
  assert.match(printedSecret, /^[A-Z2-7]{52}$/);

  const taken = await run("identity-server.js", ["is-db", "create-oauth-client", ...db, "--id", "console", "--owner", "admin", "--redirect-uri", "https://x.example.com/cb", "--secret", "s"]);
  assert.is(taken.code, 1);
  assert.match(taken.stderr, /id_taken/);
  const noOwner = await run("identity-server.js", ["is-db", "create-oauth-client", ...db, "--id", "orphan", "--owner", "nobody", "--redirect-uri", "https://x.example.com/cb", "--secret", "s"]);
  assert.is(noOwner.code, 1);
  assert.match(noOwner.stderr, /user_not_found/);
  const badUri = await run("identity-server.js", ["is-db", "create-oauth-client", ...db, "--id", "bad-uri", "--owner", "admin", "--redirect-uri", "relative", "--secret", "s"]);
  assert.is(badUri.code, 1);
  assert.match(badUri.stderr, /redirect-uri/);
  const usage = await run("identity-server.js", ["is-db", "create-oauth-client", ...db, "--id", "x-app", "--owner", "admin", "--redirect-uri", "https://x.example.com/cb", "--grants", "implicit"]);
  assert.is(usage.code, 2);
  const both = await run("identity-server.js", ["is-db", "create-oauth-client", ...db, "--id", "x-app", "--owner", "admin", "--redirect-uri", "https://x.example.com/cb", "--secret", "a", "--no-secret"]);
  assert.is(both.code, 2);

  const config = defaultConfig();
  config.is.databaseUri = uri;
  const { store, databases } = await openStore(config);
  try {
    const c = await store.clients.get("console");
    assert.is(c.state, State.APPROVED);
    assert.is(c.endorsed, true);
    assert.is(c.skipAuthorization, true);
    assert.equal(c.grants, [GrantType.GRANT_AUTHORIZATION_CODE, GrantType.GRANT_REFRESH_TOKEN]);
    assert.equal(c.rights, [RIGHT_ALL]);
    assert.equal(c.logoutRedirectUris, ["https://console.example.com/"]);
    assert.match(c.secret, /^\$argon2id\$/);
    const hasher = createPasswordHasher(config.is.passwordHashing, createHashPool());
    assert.ok(await verifyClientSecret(hasher, "console-secret", c.secret));
    assert.ok(await verifyClientSecret(hasher, printedSecret, (await store.clients.get("other-app")).secret));
    // Generated, so as strong as an API key: stored with the keyed hash, not argon2id.
    assert.match((await store.clients.get("other-app")).secret, /^HS256\$/);
    const pub = await store.clients.get("cli");
    assert.is(pub.secret, "");
    assert.equal(pub.grants, [GrantType.GRANT_AUTHORIZATION_CODE]);
    assert.equal(pub.rights, [R("RIGHT_USER_INFO"), R("RIGHT_APPLICATION_INFO")]);
    const owners = await store.memberships.all({ kind: "client", id: "console" });
    assert.is(owners[0]?.account.id, "admin");
    assert.not.ok(await store.exists({ kind: "client", id: "orphan" }));
  } finally {
    await Promise.all(databases.map((d) => d.close()));
  }
});

test("is-cli users oauth authorizations|tokens list|delete", async () => {
  const ts = await startTestServer();
  try {
    const deps = coreDeps(ts);
    const alice = await ts.population.user({ id: "alice" });
    const web = await oauthClient(ts, { id: "web-app", rights: [R("RIGHT_USER_INFO")] });
    const tokens: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { code } = await codeFor(deps, alice.id, { client_id: web.id });
      const res = await tokenRequest(ts, { grant_type: "authorization_code", code, redirect_uri: defaultRedirect }, { basic: [web.id, web.secret] });
      tokens.push(res.body.access_token);
    }
    const cli = (...args: string[]) => run("is-cli.js", args, { IS_CLI_GRPC_ADDRESS: ts.grpcAddress, IS_CLI_API_KEY: alice.apiKey });

    const list = await cli("users", "oauth", "authorizations", "list", alice.id);
    assert.is(list.code, 0, list.stderr);
    assert.equal(JSON.parse(list.stdout).authorizations.map((a: { client_ids: { client_id: string } }) => a.client_ids.client_id), [web.id]);
    assert.match(list.stderr, /total: 1/);

    const listed = await cli("users", "oauth", "tokens", "list", alice.id, web.id);
    assert.is(listed.code, 0, listed.stderr);
    const ids = JSON.parse(listed.stdout).tokens.map((t: { id: string; access_token?: string }) => {
      assert.not.ok(t.access_token);
      return t.id;
    });
    assert.equal(new Set(ids), new Set(tokens.map((t) => t.split(".")[1])));

    const del = await cli("users", "oauth", "tokens", "delete", alice.id, web.id, tokens[0]!.split(".")[1]!);
    assert.is(del.code, 0, del.stderr);
    const after = JSON.parse((await cli("users", "oauth", "tokens", "list", alice.id, web.id)).stdout);
    assert.is(after.tokens.length, 1);

    const revoke = await cli("users", "oauth", "authorizations", "delete", alice.id, web.id);
    assert.is(revoke.code, 0, revoke.stderr);
    const gone = await cli("users", "oauth", "tokens", "list", alice.id, web.id);
    assert.equal(JSON.parse(gone.stdout), {});
    const again = await cli("users", "oauth", "authorizations", "delete", alice.id, web.id);
    assert.is(again.code, 1);
    assert.match(again.stderr, /authorization_not_found/);
    const usage = await cli("users", "oauth", "tokens", "delete", alice.id);
    assert.is(usage.code, 2);
  } finally {
    await ts.close();
  }
});

test.run();
