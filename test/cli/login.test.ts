// is-cli `login` / `logout` end to end against a real server: the OAuth
// authorization code flow with PKCE driven through the server's pages by
// HTTP (a logged-in WebClient consenting by form), with the callback listener
// (in process, and as the real binary) and with the `code` page pasted back;
// the stored token used by later commands, refreshed when expired, kept from
// other hosts, and revoked by `logout`; `login --api-key`.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GrantType } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { WebClient } from "../helpers/browser.js";
import { failed, ok, runIn, type CliResult } from "../helpers/cli.js";
import { startTestServer } from "../helpers/harness.js";
import { oauthClient } from "../oauth/core-helpers.js";

const server = await startTestServer();
const home = mkdtempSync(join(tmpdir(), "is-cli-login-"));
test.after(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

const alice = await server.population.user({ id: "alice" });
const oauthURL = `${server.httpURL}/oauth`;
// The CLI's client as the stack registers it (ID `cli`, no secret), with a
// loopback callback (any port, RFC 8252) and the server's code page.
await oauthClient(server, {
  id: "cli",
  secret: "",
  redirectUris: ["http://127.0.0.1/oauth/callback", `${oauthURL}/code`],
  grants: [GrantType.GRANT_AUTHORIZATION_CODE, GrantType.GRANT_REFRESH_TOKEN],
  rights: [Right.ALL],
});

/** The stack CLI's settings, by TTN_LW_* variables only; HOME keeps the stored credentials. */
const env: Record<string, string> = {
  HOME: home,
  TTN_LW_IDENTITY_SERVER_GRPC_ADDRESS: server.grpcAddress,
  TTN_LW_INSECURE: "true",
  TTN_LW_OAUTH_SERVER_ADDRESS: oauthURL,
};
const credentialsFile = join(home, ".cache", "is-cli", "credentials.json");
const stored = () => JSON.parse(readFileSync(credentialsFile, "utf8")).credentials[""];

/** alice's browser: logs in, opens the authorization URL, consents; returns where the server sends it. */
async function authorize(url: string): Promise<string> {
  const web = new WebClient(server.httpURL);
  await web.login(alice.id, alice.password);
  const u = new URL(url);
  assert.is(u.origin + u.pathname, `${oauthURL}/authorize`);
  assert.is(u.searchParams.get("client_id"), "cli");
  assert.is(u.searchParams.get("code_challenge_method"), "S256");
  let res = await web.get(u.pathname + u.search);
  if (res.status === 200) res = await web.postForm("/oauth/authorize", { ...Object.fromEntries(u.searchParams), authorize: "true" });
  assert.ok(res.location, `authorize answered ${res.status}: ${res.text.slice(0, 300)}`);
  return res.location!;
}

/** `login` with the callback listener, in process; `browser` plays the browser with the URL the CLI opens. */
async function login(browser: (url: string) => Promise<void>): Promise<CliResult> {
  let opened!: (url: string) => void;
  const url = new Promise<string>((resolve) => (opened = resolve));
  const run = runIn(["login"], env, { openBrowser: async (u) => opened(u) });
  await browser(await url);
  return run;
}

test("login with the callback listener: the token is stored and used", async () => {
  const r = await login(async (url) => {
    const callback = await authorize(url);
    assert.match(callback, /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback\?/);
    const res = await fetch(callback);
    assert.is(res.status, 200);
    assert.match(await res.text(), /got an access token/);
  });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /Opening your browser on http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?/);
  assert.match(r.stderr, /Logged in/);
  const creds = stored();
  assert.match(creds.oauth_token.access_token, /^MFRWG\./);
  assert.match(creds.oauth_token.refresh_token, /^OJSWM\./);
  assert.equal(creds.hosts, ["127.0.0.1"]);
  assert.is(statSync(credentialsFile).mode & 0o777, 0o600, "only the user reads the credentials");

  // Later commands carry the token: no API key given.
  const info = ok(await runIn(["auth-info"], env), "auth-info");
  assert.is(info.oauth_access_token.user_ids.user_id, "alice");
  assert.is(info.oauth_access_token.client_ids.client_id, "cli");
  assert.is(ok(await runIn(["users", "get", "alice"], env), "get").ids.user_id, "alice");
});

test("a callback of another request (wrong state) is refused and the CLI keeps waiting", async () => {
  const r = await login(async (url) => {
    const callback = new URL(await authorize(url));
    const forged = new URL(callback);
    forged.searchParams.set("state", "not-ours");
    assert.is((await fetch(forged)).status, 400);
    assert.is((await fetch(callback)).status, 200);
  });
  assert.is(r.code, 0, r.stderr);
});

test("an expired access token is refreshed and stored again", async () => {
  const before = stored();
  writeFileSync(credentialsFile, JSON.stringify({ credentials: { "": { ...before, oauth_token: { ...before.oauth_token, expiry: "2001-01-01T00:00:00Z" } } } }));
  assert.is(ok(await runIn(["users", "get", "alice"], env), "get with a refreshed token").ids.user_id, "alice");
  const after = stored();
  assert.is.not(after.oauth_token.access_token, before.oauth_token.access_token);
  assert.is.not(after.oauth_token.refresh_token, before.oauth_token.refresh_token);
  assert.ok(Date.parse(after.oauth_token.expiry) > Date.now());
  // The refresh rotated the pair: the old access token is dead.
  failed(await runIn(["users", "get", "alice", "--api-key", before.oauth_token.access_token], env), "old token", 16, "invalid_authorization");
});

test("stored credentials go only to the hosts of the login", async () => {
  const elsewhere = { ...env, TTN_LW_OAUTH_SERVER_ADDRESS: oauthURL.replace("127.0.0.1", "localhost") };
  const r = await runIn(["users", "get", "alice"], elsewhere);
  assert.is(r.code, 1);
  assert.match(r.stderr, /^error: unknown host "localhost" for the stored credentials/);
  assert.is(ok(await runIn(["users", "get", "alice", "--allow-unknown-hosts"], elsewhere), "allowed").ids.user_id, "alice");
});

test("logout revokes the access token at the server and forgets it", async () => {
  const token = stored().oauth_token.access_token;
  const r = await runIn(["logout"], env);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /Revoking the OAuth access token/);
  assert.match(r.stderr, /Logged out/);
  assert.is(stored(), undefined);
  failed(await runIn(["users", "get", "alice", "--api-key", token], env), "revoked token", 16, "token_not_found");
  failed(await runIn(["users", "get", "alice"], env), "no credentials", 16, "unauthenticated");
});

test("login --callback=false: the code of the server's code page is pasted back", async () => {
  let paste!: (code: string) => void;
  const code = new Promise<string>((resolve) => (paste = resolve));
  let opened!: (url: string) => void;
  const url = new Promise<string>((resolve) => (opened = resolve));
  const lines = ["", "not-a-code"];
  const run = runIn(["login", "--callback=false"], env, {
    openBrowser: async (u) => opened(u),
    readLine: async () => (lines.length ? lines.shift() : code),
  });
  const landed = new URL(await authorize(await url));
  assert.is(landed.origin + landed.pathname, `${oauthURL}/code`);
  const page = await new WebClient(server.httpURL).get(landed.pathname + landed.search);
  assert.is(page.status, 200);
  const shown = /<code class="auth-code" id="auth-code">([^<]+)<\/code>/.exec(page.text)?.[1];
  assert.match(shown ?? "", /^MF2XI\./);
  paste(shown!);
  const r = await run;
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /Please paste the authorization code/);
  assert.match(r.stderr, /That is not an authorization code/);
  assert.is(ok(await runIn(["users", "get", "alice"], env), "get").ids.user_id, "alice");
  assert.is(ok(await runIn(["auth-info"], env), "auth-info").oauth_access_token.user_ids.user_id, "alice");
  assert.is((await runIn(["logout"], env)).code, 0);
});

test("login --api-key stores the key; logout forgets it", async () => {
  const r = await runIn(["login", "--api-key", alice.apiKey], env);
  assert.is(r.code, 0, r.stderr);
  assert.is(stored().api_key, alice.apiKey);
  assert.is(ok(await runIn(["auth-info"], env), "auth-info").api_key.entity_ids.user_ids.user_id, "alice");
  assert.is((await runIn(["logout"], env)).code, 0);
  assert.is(stored(), undefined);
});

test("the binary: login with its callback listener, then a command with the stored token", async () => {
  const bin = fileURLToPath(new URL("../../bin/is-cli.js", import.meta.url));
  const childEnv: Record<string, string> = { BROWSER: "none" };
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("IS_CLI_") && !k.startsWith("TTN_LW_")) childEnv[k] = v;
  Object.assign(childEnv, env, { BROWSER: "none" });
  const child = spawn(process.execPath, [bin, "login"], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /Opening your browser on (\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.on("exit", () => reject(new Error(`login exited: ${stderr}`)));
  });
  assert.is((await fetch(await authorize(url))).status, 200);
  assert.is(await exited, 0, stderr);
  assert.is(ok(await runIn(["users", "get", "alice"], env), "get").ids.user_id, "alice");
  assert.is((await runIn(["logout"], env)).code, 0);
});

test("the server matches loopback redirect URIs on any port, and nothing else loosely", async () => {
  const web = new WebClient(server.httpURL);
  await web.login(alice.id, alice.password);
  const authorizeAt = async (redirectUri: string) => {
    const q = new URLSearchParams({ client_id: "cli", redirect_uri: redirectUri, response_type: "code", state: "s", code_challenge: "x".repeat(43), code_challenge_method: "S256" });
    return web.get(`/oauth/authorize?${q}`);
  };
  const accepted = await authorizeAt("http://127.0.0.1:54321/oauth/callback");
  assert.match(accepted.location ?? "", /^http:\/\/127\.0\.0\.1:54321\/oauth\/callback\?code=/);
  for (const refused of ["http://127.0.0.1:54321/oauth/other", "http://localhost:54321/oauth/callback", "https://127.0.0.1:54321/oauth/callback", `${oauthURL.replace("/oauth", ":1/oauth")}/code`]) {
    const res = await authorizeAt(refused);
    assert.is(res.location, null, `${refused} must not be redirected to`);
    assert.ok(res.status >= 400, refused);
    assert.match(res.text, /invalid_redirect_uri|redirect/i, refused);
  }
});

test("login --callback=false without a code on standard input fails", async () => {
  const r = await runIn(["login", "--callback=false"], env, { readLine: async () => undefined });
  assert.is(r.code, 1);
  assert.match(r.stderr, /error: no authorization code given/);
});

test("a denied authorization ends login with the reason", async () => {
  const r = await login(async (url) => {
    const web = new WebClient(server.httpURL);
    await web.login(alice.id, alice.password);
    const u = new URL(url);
    // A client alice already authorized still shows no page here: ask by form directly.
    const res = await web.postForm("/oauth/authorize", { ...Object.fromEntries(u.searchParams), authorize: "false" });
    assert.ok(res.location, `deny answered ${res.status}`);
    assert.is((await fetch(res.location!)).status, 400);
  });
  assert.is(r.code, 1);
  assert.match(r.stderr, /error: the authorization failed: access_denied/);
});

test.run();
