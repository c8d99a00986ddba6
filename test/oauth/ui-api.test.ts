// The OAuth pages' JSON API and browser sessions, over real HTTP with a
// cookie jar: login (CSRF, the generic error, throttling, user states, hash
// upgrade), token login, logout, /api/me, and the session cookie (flags,
// tampering, tenant binding, server-side revocation).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http2 from "node:http2";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { makePBKDF2 } from "../../src/auth/secrets.js";
import { httpError } from "../helpers/expect.js";
import { startTestServer } from "../helpers/harness.js";
import { WebClient } from "../helpers/browser.js";

let clock = Date.parse("2030-01-01T00:00:00Z");
const server = await startTestServer(
  { "is.login-tokens.enabled": true, "http.cookie.hash-key": "11".repeat(32), "http.cookie.block-key": "22".repeat(32) },
  { now: () => new Date(clock) },
);
/** Same cookie keys, another tenant: a cookie of `server` must mean nothing here. */
const otherTenant = await startTestServer({ "http.cookie.hash-key": "11".repeat(32), "http.cookie.block-key": "22".repeat(32) });
/** Throttling gets a server of its own, so other tests' failures do not count. */
const throttled = await startTestServer({}, { now: () => new Date(clock) });
const noCredentials = await startTestServer({ "is.user-login.disable-credentials-login": true });
const pop = server.population;
/** TLS: the cookie gets Secure; HTTP/2 (by ALPN) serves the pages as well as HTTP/1.1. */
const certDir = mkdtempSync(join(tmpdir(), "is-oauth-tls-"));
execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost",
  "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", join(certDir, "key.pem"), "-out", join(certDir, "cert.pem")], { stdio: "ignore" });
const tls = await startTestServer({ "http.listen": "", "grpc.listen": "", "http.listen-tls": "127.0.0.1:0", "tls.certificate": join(certDir, "cert.pem"), "tls.key": join(certDir, "key.pem") });
const ca = readFileSync(join(certDir, "cert.pem"));
const alice = await pop.user({ id: "alice" });

const client = (s = server) => new WebClient(s.httpURL);
/** What an error response carries, for comparing two of them. */
const shape = (json: any) => ({ code: json.code, message: json.message, name: json.details[0].name, namespace: json.details[0].namespace }); // eslint-disable-line @typescript-eslint/no-explicit-any

test("login without the CSRF token is refused (403 invalid_csrf_token), also with a wrong one", async () => {
  const web = client();
  let res = await web.request("POST", "/oauth/api/auth/login", { json: { user_id: "alice", password: alice.password } });
  httpError({ status: res.status, headers: res.headers, body: res.json }, 403, "invalid_csrf_token");
  await web.csrf();
  res = await web.request("POST", "/oauth/api/auth/login", { json: { user_id: "alice", password: alice.password }, headers: { "x-csrf-token": "A".repeat(43) } });
  httpError({ status: res.status, headers: res.headers, body: res.json }, 403, "invalid_csrf_token");
  assert.is(res.json.details[0].namespace, "pkg/webmiddleware");
  // A token without its cookie is worthless too.
  const token = await web.csrf();
  res = await new WebClient(server.httpURL).request("POST", "/oauth/api/auth/login", { json: { user_id: "alice", password: alice.password }, headers: { "x-csrf-token": token } });
  assert.is(res.status, 403);
  assert.not.ok(res.setCookies.some((c) => c.startsWith("_session=")));
});

test("login: 204, an HttpOnly SameSite=Lax session cookie, then /api/me", async () => {
  const web = client();
  const res = await web.postJson("/oauth/api/auth/login", { user_id: "alice", password: alice.password });
  assert.is(res.status, 204, res.text);
  const cookie = res.setCookies.find((c) => c.startsWith("_session="));
  assert.ok(cookie, "session cookie set");
  assert.match(cookie!, /; Path=\//);
  assert.match(cookie!, /; HttpOnly/);
  assert.match(cookie!, /; SameSite=Lax/);
  assert.not.match(cookie!, /Secure/, "plain HTTP: no Secure flag");
  assert.not.match(cookie!, /Max-Age|Expires/, "a browser-session cookie");
  assert.not.ok(cookie!.includes(alice.id), "the value is sealed, not readable");
  const me = await web.get("/oauth/api/me");
  assert.is(me.status, 200, me.text);
  assert.is(me.json.user.ids.user_id, "alice");
  assert.is(me.json.user.password, undefined);
  assert.is(me.json.user.temporary_password, undefined);
  assert.is(typeof me.json.session_id, "string");
  assert.is(me.json.logged_in_at, new Date(clock).toISOString());
  const sessions = await server.server.store.sessions.find("alice", { limit: 100, page: 1 });
  assert.ok(sessions.items.some((s) => s.sessionId === me.json.session_id));
});

test("logging in again replaces the browser's session: the old one ends", async () => {
  const web = client();
  await web.login("alice", alice.password);
  const first = (await web.get("/oauth/api/me")).json.session_id;
  const copy = new WebClient(server.httpURL);
  copy.jar.set("_session", web.jar.get("_session")!);
  await web.login("alice", alice.password);
  const second = (await web.get("/oauth/api/me")).json.session_id;
  assert.is.not(second, first);
  assert.is((await copy.get("/oauth/api/me")).status, 401, "the first session is over");
});

test("login takes a form body and the _csrf field too", async () => {
  const web = client();
  const res = await web.request("POST", "/oauth/api/auth/login", { form: { _csrf: await web.csrf(), user_id: "alice", password: alice.password } });
  assert.is(res.status, 204, res.text);
  assert.is((await web.get("/oauth/api/me")).status, 200);
});

test("wrong password and unknown user get the same generic error", async () => {
  const web = client();
  const wrong = await web.postJson("/oauth/api/auth/login", { user_id: "alice", password: "Not-the-password-1" });
  const unknown = await web.postJson("/oauth/api/auth/login", { user_id: "nobody-here", password: "Not-the-password-1" });
  const invalid = await web.postJson("/oauth/api/auth/login", { user_id: "NOT A VALID ID!", password: "x" });
  for (const res of [wrong, unknown, invalid]) {
    httpError({ status: res.status, headers: res.headers, body: res.json }, 400, "no_user_id_password_match");
    assert.is(res.json.details[0].namespace, "pkg/account/session");
    assert.not.ok(res.setCookies.some((c) => c.startsWith("_session=")));
  }
  assert.equal(shape(wrong.json), shape(unknown.json));
  assert.equal(shape(wrong.json), shape(invalid.json));
  assert.is((await web.get("/oauth/api/me")).status, 401);
});

test("missing user ID or password: missing_user_id / missing_password", async () => {
  const web = client();
  let res = await web.postJson("/oauth/api/auth/login", { password: "x" });
  httpError({ status: res.status, headers: res.headers, body: res.json }, 400, "missing_user_id");
  assert.is(res.json.details[0].namespace, "pkg/account");
  res = await web.postJson("/oauth/api/auth/login", { user_id: "alice" });
  httpError({ status: res.status, headers: res.headers, body: res.json }, 400, "missing_password");
  res = await web.request("POST", "/oauth/api/auth/login", { body: "<xml/>", headers: { "content-type": "text/xml", "x-csrf-token": await web.csrf() } });
  assert.is(res.status, 400);
});

test("failed logins are throttled per user: the 6th attempt within a minute gets 429, even with the right password", async () => {
  const victim = await throttled.population.user({ id: "victim" });
  const web = client(throttled);
  for (let i = 0; i < 5; i++) {
    const res = await web.postJson("/oauth/api/auth/login", { user_id: "victim", password: `Wrong-${i}` });
    assert.is(res.status, 400, `attempt ${i + 1}`);
  }
  const res = await web.postJson("/oauth/api/auth/login", { user_id: "victim", password: victim.password });
  httpError({ status: res.status, headers: res.headers, body: res.json }, 429, "rate_limited");
  assert.ok(Number(res.headers.get("retry-after")) > 0 && Number(res.headers.get("retry-after")) <= 60, `retry-after ${res.headers.get("retry-after")}`);
  assert.not.ok(res.setCookies.some((c) => c.startsWith("_session=")));
  // Another user is not locked out by it.
  const other = await throttled.population.user({ id: "other" });
  assert.is((await web.postJson("/oauth/api/auth/login", { user_id: "other", password: other.password })).status, 204);
  // A minute later the user may try again.
  clock += 61_000;
  assert.is((await client(throttled).postJson("/oauth/api/auth/login", { user_id: "victim", password: victim.password })).status, 204);
});

test("failed logins are throttled per client address across user IDs", async () => {
  clock += 120_000;
  const web = client(throttled);
  let limited = 0;
  for (let i = 0; i < 25; i++) {
    const res = await web.postJson("/oauth/api/auth/login", { user_id: `spray-${i}`, password: "Guess-1234" });
    if (res.status === 429) limited++;
    else assert.is(res.status, 400);
  }
  assert.ok(limited >= 5, `429s: ${limited}`);
  clock += 120_000;
});

test("login is refused when credentials login is disabled", async () => {
  await noCredentials.population.user({ id: "carol" });
  const web = client(noCredentials);
  const res = await web.postJson("/oauth/api/auth/login", { user_id: "carol", password: "Passw0rd-of-carol" });
  httpError({ status: res.status, headers: res.headers, body: res.json }, 403, "credentials_login_disabled");
});

test("pending, rejected and suspended users are told why, after the right password only", async () => {
  for (const [state, name] of [[State.REQUESTED, "user_requested"], [State.REJECTED, "user_rejected"], [State.SUSPENDED, "user_suspended"]] as const) {
    const u = await pop.user({ state });
    const web = client();
    const wrong = await web.postJson("/oauth/api/auth/login", { user_id: u.id, password: "Wrong-password-1" });
    httpError({ status: wrong.status, headers: wrong.headers, body: wrong.json }, 400, "no_user_id_password_match");
    const right = await web.postJson("/oauth/api/auth/login", { user_id: u.id, password: u.password });
    httpError({ status: right.status, headers: right.headers, body: right.json }, 403, name);
    assert.not.ok(right.setCookies.some((c) => c.startsWith("_session=")));
  }
});

test("an old-format password hash is upgraded to argon2id at login", async () => {
  const u = await pop.user({ id: "legacy" });
  const before = await server.server.store.users.get("legacy");
  assert.ok(before.password.startsWith("PBKDF2$"));
  await client().login(u.id, u.password);
  const after = await server.server.store.users.get("legacy");
  assert.ok(after.password.startsWith("$argon2id$"), after.password.slice(0, 12));
  // ... and the new hash works.
  await client().login(u.id, u.password);
  assert.ok(makePBKDF2("x", 1).startsWith("PBKDF2$"));
});

test("logout: 401 without a session, 403 without CSRF, else 204 and the session is gone", async () => {
  const anonymous = client();
  let res = await anonymous.postJson("/oauth/api/auth/logout", {});
  httpError({ status: res.status, headers: res.headers, body: res.json }, 401, "not_authenticated");
  assert.is(res.json.details[0].namespace, "pkg/account");

  const web = client();
  await web.login("alice", alice.password);
  const { session_id } = (await web.get("/oauth/api/me")).json;
  res = await web.request("POST", "/oauth/api/auth/logout", { json: {} });
  httpError({ status: res.status, headers: res.headers, body: res.json }, 403, "invalid_csrf_token");
  const stolen = web.jar.get("_session")!;
  res = await web.postJson("/oauth/api/auth/logout", {});
  assert.is(res.status, 204, res.text);
  assert.ok(res.setCookies.some((c) => /^_session=;.*Max-Age=0/.test(c)), res.setCookies.join(" | "));
  assert.is((await web.get("/oauth/api/me")).status, 401);
  // The cookie's session is deleted on the server: a copy of the cookie is worthless.
  const copy = new WebClient(server.httpURL);
  copy.jar.set("_session", stolen);
  assert.is((await copy.get("/oauth/api/me")).status, 401);
  const sessions = await server.server.store.sessions.find("alice", { limit: 100, page: 1 });
  assert.not.ok(sessions.items.some((s) => s.sessionId === session_id));
});

test("/api/me: 401 not_authenticated without a session, with a tampered cookie, or after the sessions were revoked", async () => {
  const web = client();
  let res = await web.get("/oauth/api/me");
  httpError({ status: res.status, headers: res.headers, body: res.json }, 401, "not_authenticated");
  await web.login("alice", alice.password);
  const good = web.jar.get("_session")!;
  const tampered = new WebClient(server.httpURL);
  tampered.jar.set("_session", good.slice(0, 10) + (good[10] === "A" ? "B" : "A") + good.slice(11));
  assert.is((await tampered.get("/oauth/api/me")).status, 401);
  const garbage = new WebClient(server.httpURL);
  garbage.jar.set("_session", "not-a-cookie");
  assert.is((await garbage.get("/oauth/api/me")).status, 401);
  assert.is((await web.get("/oauth/api/me")).status, 200);
  await server.server.store.sessions.deleteAllOfUser("alice");
  res = await web.get("/oauth/api/me");
  assert.is(res.status, 401);
  assert.ok(res.setCookies.some((c) => /^_session=;/.test(c)), "a stale cookie is cleared");
});

test("a session cookie is bound to its tenant", async () => {
  await otherTenant.population.user({ id: "alice" });
  const web = client();
  await web.login("alice", alice.password);
  const elsewhere = new WebClient(otherTenant.httpURL);
  elsewhere.jar.set("_session", web.jar.get("_session")!);
  assert.is((await elsewhere.get("/oauth/api/me")).status, 401);
});

test("token login: consumes the login token once, then refuses it", async () => {
  const { token } = await server.server.store.loginTokens.create("alice", { now: new Date(clock), expiresAt: new Date(clock + 3600_000), maxActive: 5 });
  const web = client();
  let res = await web.postJson("/oauth/api/auth/token-login", { token });
  assert.is(res.status, 204, res.text);
  assert.is((await web.get("/oauth/api/me")).json.user.ids.user_id, "alice");
  res = await client().postJson("/oauth/api/auth/token-login", { token });
  httpError({ status: res.status, headers: res.headers, body: res.json }, 400, "login_token_already_used");
  res = await client().postJson("/oauth/api/auth/token-login", {});
  httpError({ status: res.status, headers: res.headers, body: res.json }, 400, "missing_token");
  res = await client().postJson("/oauth/api/auth/token-login", { token: "NOPE" });
  httpError({ status: res.status, headers: res.headers, body: res.json }, 404, "login_token_not_found");
  res = await client().request("POST", "/oauth/api/auth/token-login", { json: { token } });
  httpError({ status: res.status, headers: res.headers, body: res.json }, 403, "invalid_csrf_token");
});

test("/api/v3 takes the session cookie as the session's credential; unsafe methods need the CSRF header", async () => {
  const web = client();
  await web.login("alice", alice.password);
  let res = await web.get("/api/v3/users/alice");
  assert.is(res.status, 200, res.text);
  assert.is(res.json.ids.user_id, "alice");
  const update = { user: { ids: { user_id: "alice" }, name: "Alice Cookie" }, field_mask: { paths: ["name"] } };
  res = await web.request("PUT", "/api/v3/users/alice", { json: update });
  httpError({ status: res.status, headers: res.headers, body: res.json }, 403, "invalid_csrf_token");
  res = await web.request("PUT", "/api/v3/users/alice", { json: update, headers: { "x-csrf-token": await web.csrf() } });
  assert.is(res.status, 200, res.text);
  assert.is((await server.server.store.users.get("alice")).name, "Alice Cookie");
  // An explicit Authorization header wins over the cookie (and needs no CSRF token).
  const bob = await pop.user({ id: "bob" });
  res = await web.request("GET", "/api/v3/users/bob", { headers: { authorization: `Bearer ${bob.apiKey}` } });
  assert.is(res.status, 200);
  // Without a cookie nothing changes: anonymous.
  res = await client().get("/api/v3/users/alice?field_mask=primary_email_address");
  assert.ok(res.status === 401 || res.status === 403, String(res.status));
});

test("over TLS the cookies are Secure; HTTP/1.1 and HTTP/2 both log in", async () => {
  const u = await tls.population.user({ id: "tls-user" });
  const base = `https://${tls.server.httpsAddress}`;
  // HTTP/1.1 over TLS.
  const h1 = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
      const req = https.request(base + path, { method, headers, ca }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers }));
      });
      req.on("error", reject);
      req.end(body);
    });
  const first = await h1("GET", "/oauth/api/me", {});
  const csrfCookie = (first.headers["set-cookie"] as string[]).find((c) => c.startsWith("_csrf="))!;
  assert.match(csrfCookie, /; Secure/);
  const login = await h1("POST", "/oauth/api/auth/login", { "content-type": "application/json", cookie: csrfCookie.split(";")[0]!, "x-csrf-token": String(first.headers["x-csrf-token"]) }, JSON.stringify({ user_id: u.id, password: u.password }));
  assert.is(login.status, 204);
  const session = (login.headers["set-cookie"] as string[]).find((c) => c.startsWith("_session="))!;
  assert.match(session, /; HttpOnly/);
  assert.match(session, /; Secure/);
  // HTTP/2 over TLS: the login page, then /api/me with the session.
  const h2 = http2.connect(base, { ca });
  const get = (path: string, cookie = "") =>
    new Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = h2.request({ ":path": path, ...(cookie ? { cookie } : {}) });
      let body = "";
      let headers: http2.IncomingHttpHeaders = {};
      req.setEncoding("utf8");
      req.on("response", (h) => (headers = h));
      req.on("data", (c: string) => (body += c));
      req.on("end", () => resolve({ status: Number(headers[":status"]), headers, body }));
      req.on("error", reject);
      req.end();
    });
  try {
    const page = await get("/oauth/login");
    assert.is(page.status, 200);
    assert.match(page.body, /<h1>Log in<\/h1>/);
    assert.ok(page.headers["content-security-policy"]);
    const me = await get("/oauth/api/me", session.split(";")[0]!);
    assert.is(me.status, 200, me.body);
    assert.is(JSON.parse(me.body).user.ids.user_id, "tls-user");
  } finally {
    h2.close();
  }
});

test("wrong methods on the JSON API are refused in the error format", async () => {
  const res = await client().get("/oauth/api/auth/login");
  assert.ok(res.status >= 400, String(res.status));
  assert.ok(res.json?.details?.[0]?.name, res.text);
});

test.after(async () => {
  for (const s of [server, otherTenant, throttled, noCredentials, tls]) await s.close();
  rmSync(certDir, { recursive: true, force: true });
});
test.run();
