// The stack's relative redirect URIs, end to end: `is-db create-oauth-client`
// takes the documented commands for the CLI's client (`local-callback`,
// `code`) and the Console's (paths on this server); over HTTP a client with
// them runs the code flow as ttn-lw-cli does (`redirect_uri=code` or
// `local-callback`, no PKCE, the code exchanged by HTTP Basic `cli:`), by the
// absolute URL of those pages, and with a loopback listener on any port
// (RFC 8252 §7.3). Other URIs stay refused, and the token request must repeat
// the redirect URI as the authorization named it.
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GrantType } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { defaultConfig } from "../../src/config/index.js";
import { oauthCore } from "../../src/oauth/core/index.js";
import { R } from "../helpers/population.js";
import { api } from "../helpers/clients.js";
import { WebClient } from "../helpers/browser.js";
import { startTestServer } from "../helpers/harness.js";
import { openStore } from "../../src/server.js";
import { coreDeps, freePort, oauthClient, pkce, requestAt, tokenRequest } from "./core-helpers.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TTN_LW_"))) as Record<string, string>;

function run(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [join(ROOT, "bin", "identity-server.js"), ...args], { cwd: ROOT, env, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin);
  });
}

test("is-db create-oauth-client: the stack's documented commands for the CLI and the Console", async () => {
  const uri = `pglite://${mkdtempSync(join(tmpdir(), "is-cli-client-"))}`;
  const db = ["--is.database-uri", uri];
  const admin = await run(["is-db", "create-admin-user", ...db, "--id", "admin", "--email", "admin@example.com", "--password-stdin"], "Str0ng-password\n");
  assert.is(admin.code, 0, admin.stderr);
  const cli = await run(["is-db", "create-oauth-client", ...db, "--id", "cli", "--name", "Command Line Interface", "--owner", "admin", "--no-secret", "--redirect-uri", "local-callback", "--redirect-uri", "code"]);
  assert.is(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /created OAuth client cli/);
  const console_ = await run([
    "is-db", "create-oauth-client", ...db, "--id", "console", "--name", "Console", "--owner", "admin", "--secret", "console",
    "--redirect-uri", "https://thethings.example.com/console/oauth/callback", "--redirect-uri", "/console/oauth/callback",
    "--logout-redirect-uri", "https://thethings.example.com/console", "--logout-redirect-uri", "/console",
  ]);
  assert.is(console_.code, 0, console_.stderr);
  for (const [flag, bad] of [["--redirect-uri", "callback"], ["--redirect-uri", "//evil.example.com/cb"], ["--redirect-uri", "/cb#frag"], ["--logout-redirect-uri", "code"]]) {
    const refused = await run(["is-db", "create-oauth-client", ...db, "--id", "bad-client", "--owner", "admin", "--no-secret", "--redirect-uri", "code", flag!, bad!]);
    assert.is(refused.code, 1, `${flag} ${bad}: ${refused.stdout}`);
    assert.match(refused.stderr, flag!.slice(2), `${flag} ${bad}`);
  }
  const config = defaultConfig();
  config.is.databaseUri = uri;
  const { store, databases } = await openStore(config);
  try {
    const c = await store.clients.get("cli");
    assert.equal(c.redirectUris, ["local-callback", "code"]);
    assert.is(c.secret, "");
    assert.equal((await store.clients.get("console")).logoutRedirectUris, ["https://thethings.example.com/console", "/console"]);
  } finally {
    await Promise.all(databases.map((d) => d.close()));
  }
});

// The issuer names this server, so the pages' redirects can be followed.
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const ts = await startTestServer({ "http.listen": `127.0.0.1:${port}`, "is.oauth.ui.canonical-url": `${base}/oauth` });
const user = await ts.population.user({ id: "cli-user" });
await oauthClient(ts, { id: "cli", secret: "", redirectUris: ["local-callback", "code"], rights: [R("RIGHT_USER_INFO")], skipAuthorization: true, endorsed: true });
await oauthClient(ts, {
  id: "console", secret: "console", redirectUris: ["/console/oauth/callback"], grants: [GrantType.GRANT_AUTHORIZATION_CODE], rights: [R("RIGHT_USER_INFO")], skipAuthorization: true,
});
await oauthClient(ts, { id: "native-app", secret: "", redirectUris: ["http://127.0.0.1/callback"], rights: [R("RIGHT_USER_INFO")], skipAuthorization: true });
const web = new WebClient(base);
await web.login(user.id, user.password);

/** GET authorize as the logged-in browser; returns where it sends the browser. */
async function authorize(params: Record<string, string>): Promise<URL> {
  const res = await web.get(`/oauth/authorize?${new URLSearchParams({ response_type: "code", ...params })}`);
  assert.is(res.status, 302, `authorize ${JSON.stringify(params)}: ${res.status} ${res.text.slice(0, 300)}`);
  return new URL(res.location!, base);
}

async function refusedRedirect(params: Record<string, string>): Promise<void> {
  const res = await web.get(`/oauth/authorize?${new URLSearchParams({ response_type: "code", ...params })}`);
  assert.is(res.location, null, `no redirect for ${JSON.stringify(params)}`);
  assert.is(res.status, 403, `status for ${JSON.stringify(params)}`);
  assert.match(res.text, "invalid_redirect_uri");
}

/** The token answer for a code, as ttn-lw-cli asks (HTTP Basic with the ID and an empty secret). */
async function exchange(clientId: string, secret: string, fields: Record<string, string>) {
  return tokenRequest(ts, { grant_type: "authorization_code", ...fields }, { basic: [clientId, secret] });
}

async function authInfo(accessToken: string): Promise<string | undefined> {
  const res = await api(ts, "GET", "/auth_info", { key: accessToken });
  return (res.body as { oauth_access_token?: { user_ids?: { user_id?: string } } }).oauth_access_token?.user_ids?.user_id;
}

test("ttn-lw-cli --callback=false: redirect_uri=code shows the code on <mount>/code; the code buys a token", async () => {
  const landed = await authorize({ client_id: "cli", redirect_uri: "code" });
  assert.is(`${landed.origin}${landed.pathname}`, `${base}/oauth/code`);
  const page = await web.get(landed.pathname + landed.search);
  assert.is(page.status, 200);
  const code = /<code class="auth-code" id="auth-code">([^<]+)<\/code>/.exec(page.text)?.[1];
  assert.ok(code, page.text.slice(0, 500));
  assert.is(code, landed.searchParams.get("code"));
  const res = await exchange("cli", "", { code: code!, redirect_uri: "code" });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(await authInfo(res.body.access_token), user.id);
});

test("ttn-lw-cli login: redirect_uri=local-callback goes on to the CLI's listener on localhost:11885", async () => {
  const landed = await authorize({ client_id: "cli", redirect_uri: "local-callback" });
  assert.is(`${landed.origin}${landed.pathname}`, `${base}/oauth/local-callback`);
  const hop = await web.get(landed.pathname + landed.search);
  assert.is(hop.status, 302);
  const listener = new URL(hop.location!);
  assert.is(`${listener.origin}${listener.pathname}`, "http://localhost:11885/oauth/callback");
  const code = listener.searchParams.get("code")!;
  assert.is(code, landed.searchParams.get("code"));
  // The token request repeats the redirect URI as the authorization named it.
  const wrong = await exchange("cli", "", { code, redirect_uri: `${base}/oauth/local-callback` });
  assert.is(wrong.status, 403);
  assert.is(wrong.body.error, "invalid_grant");
  const again = await authorize({ client_id: "cli", redirect_uri: "local-callback" });
  const res = await exchange("cli", "", { code: again.searchParams.get("code")!, redirect_uri: "local-callback" });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.ok(res.body.refresh_token);
});

test("the pages by their absolute URL on this server, and a loopback listener on any port (RFC 8252)", async () => {
  for (const redirect of [`${base}/oauth/code`, "http://127.0.0.1:53682/oauth/callback", "http://localhost:41001/oauth/callback", "http://[::1]:8085/oauth/callback"]) {
    const { verifier, challenge } = pkce();
    const landed = await authorize({ client_id: "cli", redirect_uri: redirect, code_challenge: challenge, code_challenge_method: "S256", state: "s1" });
    assert.is(`${landed.origin}${landed.pathname}`, new URL(redirect).href.replace(/\/$/, ""), redirect);
    assert.is(landed.searchParams.get("state"), "s1");
    const res = await exchange("cli", "", { code: landed.searchParams.get("code")!, redirect_uri: redirect, code_verifier: verifier });
    assert.is(res.status, 200, `${redirect}: ${JSON.stringify(res.body)}`);
  }
  // Anything but the stack's own pages still needs PKCE from a public client.
  const noPkce = await authorize({ client_id: "cli", redirect_uri: "http://127.0.0.1:53682/oauth/callback" });
  assert.is(noPkce.searchParams.get("error"), "invalid_request");
  assert.is(noPkce.searchParams.get("code"), null);
  // A native app registered with a loopback URI: any port, same path.
  const { verifier, challenge } = pkce();
  const landed = await authorize({ client_id: "native-app", redirect_uri: "http://127.0.0.1:60123/callback", code_challenge: challenge, code_challenge_method: "S256" });
  assert.is(landed.origin, "http://127.0.0.1:60123");
  const res = await exchange("native-app", "", { code: landed.searchParams.get("code")!, redirect_uri: "http://127.0.0.1:60123/callback", code_verifier: verifier });
  assert.is(res.status, 200, JSON.stringify(res.body));
});

test("other redirect URIs are refused as a page, never redirected to", async () => {
  const { challenge } = pkce();
  const withPkce = { code_challenge: challenge, code_challenge_method: "S256" };
  for (const redirect of [
    "http://evil.example.com/oauth/code", // the page's path on another host
    "https://127.0.0.1:53682/oauth/callback", // not http
    "http://127.0.0.1:53682/elsewhere", // not the CLI's callback path
    "http://192.168.1.2:53682/oauth/callback", // not loopback
    "http://127.0.0.1:53682/oauth/callback?x=1",
    "/oauth/code",
    "callback",
  ]) {
    await refusedRedirect({ client_id: "cli", redirect_uri: redirect, ...withPkce });
  }
  await refusedRedirect({ client_id: "native-app", redirect_uri: "http://127.0.0.1:60123/other", ...withPkce });
  await refusedRedirect({ client_id: "native-app", redirect_uri: "http://10.0.0.1:60123/callback", ...withPkce });
});

test("a path on this server: the Console's /console/oauth/callback, also by its absolute URL", async () => {
  const landed = await authorize({ client_id: "console", redirect_uri: "/console/oauth/callback", state: "c" });
  assert.is(`${landed.origin}${landed.pathname}`, `${base}/console/oauth/callback`);
  const res = await exchange("console", "console", { code: landed.searchParams.get("code")!, redirect_uri: "/console/oauth/callback" });
  assert.is(res.status, 200, JSON.stringify(res.body));
  const first = await authorize({ client_id: "console" }); // none named: the first registered
  assert.is(`${first.origin}${first.pathname}`, `${base}/console/oauth/callback`);
  const absolute = await authorize({ client_id: "console", redirect_uri: `${base}/console/oauth/callback` });
  const ok = await exchange("console", "console", { code: absolute.searchParams.get("code")!, redirect_uri: `${base}/console/oauth/callback` });
  assert.is(ok.status, 200, JSON.stringify(ok.body));
  await refusedRedirect({ client_id: "console", redirect_uri: "https://thethings.example.com/console/oauth/callback" });
});

test("the pages' absolute URL also at the host the request came to (issuer configured elsewhere)", async () => {
  const deps = coreDeps(ts);
  const params = { client_id: "cli", response_type: "code", redirect_uri: "http://localhost:1885/oauth/code", code_challenge: pkce().challenge, code_challenge_method: "S256" };
  const checked = await oauthCore.checkAuthorize(deps, params, requestAt("http://localhost:1885"));
  assert.ok(!("redirectTo" in checked));
  if (!("redirectTo" in checked)) {
    assert.is(checked.redirectUri, "http://localhost:1885/oauth/code");
    assert.is(checked.codeRedirectUri, "http://localhost:1885/oauth/code");
  }
  const other = oauthCore.checkAuthorize(deps, params, requestAt("http://other.example.com"));
  await other.then(
    () => assert.unreachable("another host's page must not match"),
    (err: Error) => assert.match(err.message, "not registered"),
  );
});

test("ClientRegistry takes the stack's relative redirect URIs too", async () => {
  const res = await api(ts, "POST", "/users/admin/clients", {
    key: ts.adminAPIKey,
    body: { client: { ids: { client_id: "api-cli" }, redirect_uris: ["local-callback", "code", "/console/oauth/callback"], logout_redirect_uris: ["/console"], grants: ["GRANT_AUTHORIZATION_CODE"] } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  for (const [field, uris] of [["redirect_uris", ["callback"]], ["redirect_uris", ["//evil.example.com/"]], ["logout_redirect_uris", ["code"]]] as const) {
    const bad = await api(ts, "POST", "/users/admin/clients", { key: ts.adminAPIKey, body: { client: { ids: { client_id: "api-bad" }, [field]: uris } } });
    assert.is(bad.status, 400, `${field} ${uris}: ${JSON.stringify(bad.body)}`);
    assert.match(JSON.stringify(bad.body), field);
  }
});

test.after(async () => {
  await ts.close();
});
test.run();
