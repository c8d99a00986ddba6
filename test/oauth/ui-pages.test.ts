// The OAuth pages over real HTTP with a cookie jar: security headers and CSP,
// login with redirect back (same origin only), authorize / consent (CSRF,
// approve, deny, prior consent, skip_authorization, bad redirect URI), logout
// (the form, client logout with access_token_id), code and local-callback,
// register, forgot and update password, validate, the account page, CSRF on
// every form, the built-in assets, and a moved mount.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { startTestServer } from "../helpers/harness.js";
import { WebClient, type WebResponse } from "../helpers/browser.js";
import { alertOf, attrOf, authorizePath, createClient, defaultRedirect } from "./ui-helpers.js";

const server = await startTestServer({ "is.user-registration.password-requirements.min-length": 10 });
const approval = await startTestServer({ "is.user-registration.admin-approval.required": true });
const closed = await startTestServer({ "is.user-registration.enabled": false });
const moved = await startTestServer({ "is.oauth.mount": "/account" });
const pop = server.population;
const alice = await pop.user({ id: "alice" });
const consentClient = await createClient(server, { id: "consent-app", name: "Consent App", description: "Reads <b>your</b> things", rights: ["RIGHT_USER_INFO", "RIGHT_APPLICATION_DEVICES_READ", "RIGHT_GATEWAY_INFO"] });
const skipClient = await createClient(server, { id: "skip-app", skipAuthorization: true });

const web = (s = server) => new WebClient(s.httpURL);
async function loggedIn(userId = "alice", password = alice.password, s = server): Promise<WebClient> {
  const w = web(s);
  await w.login(userId, password, s === moved ? "/account" : "/oauth");
  return w;
}
const nonceOf = (res: WebResponse) => /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1];

// ---- headers -----------------------------------------------------------------------

test("every page has the security headers and a nonce CSP without unsafe-inline", async () => {
  const w = await loggedIn();
  for (const path of ["/oauth/login", "/oauth/register", "/oauth/forgot-password", "/oauth/update-password", "/oauth/token-login", "/oauth/code?code=x", "/oauth/", "/oauth/logout", authorizePath(consentClient.id), "/oauth/no-such-page"]) {
    // Pages for logged-out people redirect logged-in ones.
    const res = ["/oauth/login", "/oauth/register", "/oauth/token-login"].includes(path) ? await web().get(path) : await w.get(path);
    const csp = res.headers.get("content-security-policy") ?? "";
    assert.ok(csp, `CSP on ${path}`);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.match(csp, /script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/, path);
    assert.match(csp, /object-src 'none'/, path);
    assert.not.match(csp, /unsafe-inline|unsafe-eval/, path);
    assert.is(res.headers.get("x-frame-options"), "DENY", path);
    assert.is(res.headers.get("x-content-type-options"), "nosniff", path);
    assert.is(res.headers.get("referrer-policy"), "no-referrer", path);
    assert.is(res.headers.get("cache-control"), "no-store", path);
    // Every inline script and style carries this response's nonce; no inline handlers.
    const nonce = nonceOf(res)!;
    for (const tag of res.text.match(/<(script|style)\b[^>]*>/g) ?? []) assert.ok(tag.includes(`nonce="${nonce}"`), `${path}: ${tag}`);
    assert.not.match(res.text, /\son[a-z]+="/, `${path}: inline event handler`);
  }
  const a = await web().get("/oauth/login");
  const b = await web().get("/oauth/login");
  assert.is.not(nonceOf(a), nonceOf(b), "a nonce per response");
});

test("the JSON API and the protocol endpoints get the base headers too", async () => {
  for (const path of ["/oauth/api/me", "/oauth/token"]) {
    const res = await web().get(path);
    assert.is(res.headers.get("x-content-type-options"), "nosniff", path);
    assert.is(res.headers.get("x-frame-options"), "DENY", path);
  }
});

test("pages label their inputs", async () => {
  for (const path of ["/oauth/login", "/oauth/register", "/oauth/forgot-password", "/oauth/update-password"]) {
    const html = (await web().get(path)).text;
    for (const input of html.match(/<input\b[^>]*>/g) ?? []) {
      if (/type="hidden"/.test(input)) continue;
      const id = /\sid="([^"]+)"/.exec(input)?.[1];
      assert.ok(id && html.includes(`<label for="${id}"`) || html.includes(`<label class="check" for="${id}"`), `${path}: ${input} has a label`);
    }
  }
});

// ---- login page ----------------------------------------------------------------------

test("login page: form login redirects to n, only to paths of this origin", async () => {
  const cases: [string, string][] = [
    ["/oauth/authorize?client_id=x", "/oauth/authorize?client_id=x"],
    ["/console/apps", "/console/apps"],
    ["https://evil.example/", "/oauth/"],
    ["//evil.example/x", "/oauth/"],
    ["/\\evil.example", "/oauth/"],
    ["javascript:alert(1)", "/oauth/"],
    ["", "/oauth/"],
  ];
  for (const [n, want] of cases) {
    const w = web();
    const page = await w.get(`/oauth/login?n=${encodeURIComponent(n)}`);
    assert.is(page.status, 200);
    const res = await w.postForm("/oauth/login", { user_id: "alice", password: alice.password, n });
    assert.is(res.status, 303, `${n}: ${res.text.slice(0, 200)}`);
    assert.is(res.location, want, n);
  }
});

test("login page: a wrong password shows the generic error and keeps the user ID", async () => {
  const w = web();
  const res = await w.postForm("/oauth/login", { user_id: "alice", password: "Wrong-password-1" });
  assert.is(res.status, 400);
  assert.match(alertOf(res.text) ?? "", /Incorrect password or user ID/);
  assert.match(alertOf(res.text) ?? "", /pkg\/account\/session:no_user_id_password_match/);
  assert.is(attrOf(res.text, /<input[^>]*name="user_id"[^>]*>/, "value"), "alice");
  assert.not.ok(w.jar.has("_session"));
});

test("login page: without the CSRF field the form is refused and nobody is logged in", async () => {
  const w = web();
  await w.get("/oauth/login");
  const res = await w.request("POST", "/oauth/login", { form: { user_id: "alice", password: alice.password } });
  assert.is(res.status, 403);
  assert.match(alertOf(res.text) ?? "", /invalid_csrf_token/);
  assert.not.ok(w.jar.has("_session"));
});

test("login page: a logged-in browser goes straight to n", async () => {
  const w = await loggedIn();
  const res = await w.get("/oauth/login?n=%2Foauth%2Fcode");
  assert.is(res.status, 302);
  assert.is(res.location, "/oauth/code");
});

test("token-login page: GET shows a button (does not use the token), POST logs in", async () => {
  const t = await startTestServer({ "is.login-tokens.enabled": true });
  const u = await t.population.user({ id: "tok" });
  void u;
  const { token } = await t.server.store.loginTokens.create("tok", { now: new Date(), expiresAt: new Date(Date.now() + 60_000), maxActive: 5 });
  const w = web(t);
  const page = await w.get(`/oauth/token-login?token=${token}`);
  assert.is(page.status, 200);
  assert.is(attrOf(page.text, /<input[^>]*name="token"[^>]*>/, "value"), token);
  assert.not.ok(w.jar.has("_session"));
  const res = await w.postForm("/oauth/token-login", { token, n: "/oauth/code" });
  assert.is(res.status, 303, res.text.slice(0, 300));
  assert.is(res.location, "/oauth/code");
  assert.is((await w.get("/oauth/api/me")).json.user.ids.user_id, "tok");
  const again = await web(t).postForm("/oauth/token-login", { token });
  assert.is(again.status, 400);
  assert.match(alertOf(again.text) ?? "", /login_token_already_used/);
  await t.close();
});

// ---- authorize -------------------------------------------------------------------------

test("authorize: not logged in → 302 to the login page with n set to the request", async () => {
  const res = await web().get(authorizePath(consentClient.id));
  assert.is(res.status, 302);
  const location = new URL(res.location!, server.httpURL);
  assert.is(location.pathname, "/oauth/login");
  assert.is(location.searchParams.get("n"), authorizePath(consentClient.id));
});

test("authorize: the consent page names the client and the rights in words; Allow sends a code with the state", async () => {
  const u = await pop.user();
  const w = await loggedIn(u.id, u.password);
  const page = await w.get(authorizePath(consentClient.id));
  assert.is(page.status, 200, page.text.slice(0, 500));
  assert.match(page.text, /Consent App/);
  assert.match(page.text, /Reads &lt;b&gt;your&lt;\/b&gt; things/, "description shown, escaped");
  assert.match(page.text, /View your user account&#39;s information/);
  assert.match(page.text, /View your applications&#39; end devices/);
  assert.match(page.text, /View your gateways&#39; information/);
  assert.match(page.text, /<button type="submit" name="authorize" value="true" autofocus>Allow<\/button>/);
  // No CSRF token: refused, no code.
  const forged = await w.request("POST", "/oauth/authorize", { form: { client_id: consentClient.id, redirect_uri: defaultRedirect, response_type: "code", state: "st-123", authorize: "true" } });
  assert.is(forged.status, 403);
  assert.is(forged.location, null);
  // The form as the page has it.
  const form = Object.fromEntries([...page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]!.replace(/&amp;/g, "&")]));
  assert.is(form.client_id, consentClient.id);
  const res = await w.request("POST", "/oauth/authorize", { form: { ...form, authorize: "true" } });
  assert.is(res.status, 303, res.text.slice(0, 300));
  const back = new URL(res.location!);
  assert.is(back.origin + back.pathname, defaultRedirect);
  assert.match(back.searchParams.get("code") ?? "", /^MF2XI\./);
  assert.is(back.searchParams.get("state"), "st-123");
  // Consent given: the next request gets a code at once.
  const again = await w.get(authorizePath(consentClient.id, { state: "second" }));
  assert.is(again.status, 302);
  assert.is(new URL(again.location!).searchParams.get("state"), "second");
  assert.ok(new URL(again.location!).searchParams.get("code"));
});

test("authorize: Cancel sends access_denied back to the client", async () => {
  const u = await pop.user();
  const w = await loggedIn(u.id, u.password);
  await w.get(authorizePath(consentClient.id));
  const res = await w.postForm("/oauth/authorize", { client_id: consentClient.id, redirect_uri: defaultRedirect, response_type: "code", state: "st-9", authorize: "false" });
  assert.is(res.status, 303);
  const back = new URL(res.location!);
  assert.is(back.searchParams.get("error"), "access_denied");
  assert.is(back.searchParams.get("state"), "st-9");
  assert.is(back.searchParams.get("code"), null);
});

test("authorize: skip_authorization clients get a code without a consent page", async () => {
  const w = await loggedIn();
  const res = await w.get(authorizePath(skipClient.id));
  assert.is(res.status, 302);
  assert.ok(new URL(res.location!).searchParams.get("code"));
});

test("authorize: an unregistered redirect URI or unknown client is an error page, never a redirect", async () => {
  const w = await loggedIn();
  let res = await w.get(authorizePath(consentClient.id, { redirect_uri: "https://evil.example/cb" }));
  assert.is(res.status, 403);
  assert.is(res.location, null);
  assert.match(alertOf(res.text) ?? "", /invalid_redirect_uri/);
  res = await w.get(authorizePath("no-such-client"));
  assert.is(res.status, 404);
  assert.match(alertOf(res.text) ?? "", /client_not_found/);
});

test("authorize: request errors go back to the client (response_type)", async () => {
  const w = await loggedIn();
  const res = await w.get(authorizePath(consentClient.id, { response_type: "token" }));
  assert.is(res.status, 302);
  assert.is(new URL(res.location!).searchParams.get("error"), "unsupported_response_type");
});

test("authorize: a session of a user suspended since gets the reason, not a code", async () => {
  const u = await pop.user();
  const w = await loggedIn(u.id, u.password);
  const user = await server.server.store.users.get(u.id);
  await server.server.store.users.update(u.id, { ...user, state: State.SUSPENDED, stateDescription: "spam" }, ["state", "state_description"]);
  const res = await w.get(authorizePath(skipClient.id));
  assert.is(res.status, 403);
  assert.match(alertOf(res.text) ?? "", /suspended: spam/);
});

// ---- logout ------------------------------------------------------------------------------

test("logout page: GET asks, POST (with CSRF) logs out and clears the cookie", async () => {
  const w = await loggedIn();
  const page = await w.get("/oauth/logout");
  assert.is(page.status, 200);
  assert.match(page.text, /<form method="post" action="\/oauth\/logout"/);
  assert.is((await w.get("/oauth/api/me")).status, 200, "GET alone does not log out");
  const forged = await w.request("POST", "/oauth/logout", { form: {} });
  assert.is(forged.status, 403);
  const res = await w.postForm("/oauth/logout", {});
  assert.is(res.status, 303);
  assert.is(res.location, "/oauth/login");
  assert.not.ok(w.jar.has("_session"));
  assert.is((await w.get("/oauth/api/me")).status, 401);
  // Without a session and without access_token_id: the stack's error.
  const none = await web().get("/oauth/logout");
  assert.is(none.status, 403);
  assert.match(alertOf(none.text) ?? "", /missing_param_access_token_id/);
});

test("client logout: access_token_id deletes the token, ends the session, redirects to the registered logout URI", async () => {
  const w = await loggedIn();
  const code = new URL((await w.get(authorizePath(skipClient.id))).location!).searchParams.get("code")!;
  const tokenRes = await w.request("POST", "/oauth/token", {
    form: { grant_type: "authorization_code", code, redirect_uri: defaultRedirect, client_id: skipClient.id, client_secret: skipClient.secret },
  });
  assert.is(tokenRes.status, 200, tokenRes.text);
  const accessToken: string = tokenRes.json.access_token;
  const tokenId = accessToken.split(".")[1]!;
  const bad = await w.get(`/oauth/logout?access_token_id=${tokenId}&post_logout_redirect_uri=${encodeURIComponent("https://evil.example/")}`);
  assert.is(bad.status, 403);
  assert.match(alertOf(bad.text) ?? "", /invalid_logout_redirect_uri/);
  const res = await w.get(`/oauth/logout?access_token_id=${tokenId}&post_logout_redirect_uri=${encodeURIComponent("http://127.0.0.1:9/logged-out")}`);
  assert.is(res.status, 302);
  assert.is(res.location, "http://127.0.0.1:9/logged-out");
  assert.not.ok(w.jar.has("_session"));
  assert.is((await w.get("/oauth/api/me")).status, 401);
  const info = await fetch(`${server.httpURL}/api/v3/auth_info`, { headers: { authorization: `Bearer ${accessToken}` } });
  assert.ok(info.status === 401 || info.status === 403 || info.status === 404, `token revoked: ${info.status}`);
});

// ---- code and local-callback ----------------------------------------------------------------

test("code page shows the code; local-callback redirects to the CLI on localhost", async () => {
  const page = await web().get("/oauth/code?code=MF2XI.ABC.DEF&state=s");
  assert.is(page.status, 200);
  assert.match(page.text, /<code class="auth-code" id="auth-code">MF2XI.ABC.DEF<\/code>/);
  const none = await web().get("/oauth/code?error=access_denied");
  assert.is(none.status, 400);
  assert.match(none.text, /access_denied/);
  let res = await web().get("/oauth/local-callback?code=C1&state=S1");
  assert.is(res.status, 302);
  assert.is(res.location, "http://localhost:11885/oauth/callback?code=C1&state=S1");
  res = await web().get("/oauth/local-callback?port=4321&code=C2");
  assert.is(res.location, "http://localhost:4321/oauth/callback?code=C2");
  res = await web().get("/oauth/local-callback?port=evil.example&code=C2");
  assert.is(res.status, 400);
  assert.is(res.location, null);
});

// ---- register --------------------------------------------------------------------------------

test("register page shows the password rules of the configuration", async () => {
  const page = await web().get("/oauth/register?invitation_token=INV123");
  assert.is(page.status, 200);
  assert.match(page.text, /data-rule="min-length" data-n="10">At least 10 characters/);
  assert.match(page.text, /At least 1 uppercase letter/);
  assert.match(page.text, /At least 1 digit/);
  assert.match(page.text, /Must not contain your user ID/);
  assert.match(page.text, /<input type="hidden" name="invitation_token" value="INV123">/);
});

test("register: creates the user through UserRegistry.Create and says a validation e-mail was sent", async () => {
  const w = web();
  const res = await w.postForm("/oauth/register", { user_id: "newbie", name: "New Bie", primary_email_address: "newbie@example.com", password: "Very-secret-1", password_confirm: "Very-secret-1" });
  assert.is(res.status, 200, alertOf(res.text));
  assert.match(res.text, /Account created/);
  assert.match(res.text, /We sent an e-mail to <strong>newbie@example.com<\/strong>/);
  assert.match(res.text, /href="\/oauth\/login">Log in/);
  const user = await server.server.store.users.get("newbie");
  assert.is(user.name, "New Bie");
  assert.is(user.state, State.APPROVED);
  await w.login("newbie", "Very-secret-1");
});

test("register: mismatched passwords, weak passwords, taken IDs and missing CSRF show clear errors", async () => {
  const w = web();
  const base = { user_id: "second", name: "", primary_email_address: "second@example.com" };
  let res = await w.postForm("/oauth/register", { ...base, password: "Very-secret-1", password_confirm: "Very-secret-2" });
  assert.is(res.status, 400);
  assert.match(alertOf(res.text) ?? "", /The two passwords differ/);
  assert.is(attrOf(res.text, /<input[^>]*name="user_id"[^>]*>/, "value"), "second", "values kept");
  res = await w.postForm("/oauth/register", { ...base, password: "short1A", password_confirm: "short1A" });
  assert.is(res.status, 400);
  assert.match(alertOf(res.text) ?? "", /at least 10 characters/);
  assert.match(res.text, /name="password"[^>]*aria-invalid="true"/);
  res = await w.postForm("/oauth/register", { ...base, user_id: "alice", password: "Very-secret-1", password_confirm: "Very-secret-1" });
  assert.is(res.status, 409, alertOf(res.text));
  res = await w.request("POST", "/oauth/register", { form: { ...base, password: "Very-secret-1", password_confirm: "Very-secret-1" } });
  assert.is(res.status, 403);
  await server.server.store.users.get("second").then(
    () => assert.unreachable("no user may be created"),
    () => {},
  );
});

test("register: with admin approval required the page says the account awaits approval", async () => {
  const res = await web(approval).postForm("/oauth/register", { user_id: "waiting", primary_email_address: "w@example.com", password: "Very-secret-1", password_confirm: "Very-secret-1" });
  assert.is(res.status, 200, alertOf(res.text));
  assert.match(res.text, /An administrator has to approve your account/);
  const login = await web(approval).postJson("/oauth/api/auth/login", { user_id: "waiting", password: "Very-secret-1" });
  assert.is(login.status, 403);
  assert.is(login.json.details[0].name, "user_requested");
});

test("register: closed registration says so", async () => {
  const page = await web(closed).get("/oauth/register");
  assert.match(page.text, /Registration is closed/);
  const login = await web(closed).get("/oauth/login");
  assert.not.match(login.text, /Create an account/);
});

// ---- passwords -----------------------------------------------------------------------------------

test("forgot password: the same answer for known and unknown users; a temporary password is set", async () => {
  const u = await pop.user({ id: "forgetful" });
  void u;
  const known = await web().postForm("/oauth/forgot-password", { user_id: "forgetful" });
  const unknown = await web().postForm("/oauth/forgot-password", { user_id: "nobody-at-all" });
  assert.is(known.status, 200, alertOf(known.text));
  assert.is(unknown.status, 200, alertOf(unknown.text));
  assert.match(known.text, /we sent an e-mail/);
  const main = (html: string, id: string) => /<main[\s\S]*<\/main>/.exec(html)![0].replaceAll(id, "X");
  assert.is(main(known.text, "forgetful"), main(unknown.text, "nobody-at-all"), "no difference but the ID");
  const user = await server.server.store.users.get("forgetful");
  assert.ok(user.temporaryPassword, "temporary password stored");
});

test("update password: with the current password; the old one stops working", async () => {
  const u = await pop.user({ id: "changer" });
  const w = web();
  const page = await w.get("/oauth/update-password?user=changer");
  assert.match(page.text, /name="current"/);
  let res = await w.postForm("/oauth/update-password", { user: "changer", current: "Wrong-one-123", new: "Brand-new-pass-1", new_confirm: "Brand-new-pass-1", revoke_all_access: "true" });
  assert.is(res.status, 401);
  assert.match(alertOf(res.text) ?? "", /old_password/);
  res = await w.postForm("/oauth/update-password", { user: "changer", current: u.password, new: "Brand-new-pass-1", new_confirm: "Brand-new-pass-1", revoke_all_access: "true" });
  assert.is(res.status, 200, alertOf(res.text));
  assert.match(res.text, /Password changed/);
  assert.is((await web().postJson("/oauth/api/auth/login", { user_id: "changer", password: u.password })).status, 400);
  await web().login("changer", "Brand-new-pass-1");
});

test("update password from the e-mail link: user and temporary password come with the link", async () => {
  const page = await web().get("/oauth/update-password?user=someone&current=TEMP");
  assert.match(page.text, /<input type="hidden" name="user" value="someone">/);
  assert.match(page.text, /<input type="hidden" name="current" value="TEMP">/);
  assert.not.match(page.text, /type="password" id="field-current"/);
});

test("validate: a wrong link shows the error in the error format", async () => {
  let res = await web().get("/oauth/validate?reference=NOPE&token=NOPE");
  assert.is(res.status, 404);
  assert.match(alertOf(res.text) ?? "", /validation_token_not_found/);
  res = await web().get("/oauth/validate");
  assert.is(res.status, 400);
});

// ---- the account page -----------------------------------------------------------------------------

test("account page: login required; shows the profile and sessions; profile updates go through the API", async () => {
  const anon = await web().get("/oauth/");
  assert.is(anon.status, 302);
  assert.is(anon.location, "/oauth/login?n=%2Foauth%2F");
  const u = await pop.user({ id: "owner" });
  const other = await loggedIn("owner", u.password);
  const w = await loggedIn("owner", u.password);
  const page = await w.get("/oauth/");
  assert.is(page.status, 200);
  assert.match(page.text, /<strong class="user-id">owner<\/strong>/);
  assert.is(attrOf(page.text, /<input[^>]*name="name"[^>]*>/, "value"), "User owner");
  assert.is((page.text.match(/name="session_id"/g) ?? []).length, 2, "both sessions listed");
  let res = await w.postForm("/oauth/account/profile", { name: "Owner Renamed", primary_email_address: "owner@example.com" });
  assert.is(res.status, 303, alertOf(res.text));
  assert.is(res.location, "/oauth/?done=profile");
  assert.is((await server.server.store.users.get("owner")).name, "Owner Renamed");
  assert.match((await w.get(res.location!)).text, /Your profile was saved/);
  res = await w.postForm("/oauth/account/profile", { name: "x", primary_email_address: "not an address" });
  assert.is(res.status, 400);
  assert.ok(alertOf(res.text));
  // Ending the other browser's session.
  const otherId = (await other.get("/oauth/api/me")).json.session_id;
  res = await w.postForm("/oauth/account/sessions/delete", { session_id: otherId });
  assert.is(res.status, 303);
  assert.is((await other.get("/oauth/api/me")).status, 401);
  // Someone else's session ID is not ours to end.
  const a = await loggedIn();
  const aliceSession = (await a.get("/oauth/api/me")).json.session_id;
  await w.postForm("/oauth/account/sessions/delete", { session_id: aliceSession });
  assert.is((await a.get("/oauth/api/me")).status, 200);
  // Ending the own session logs out.
  const mine = (await w.get("/oauth/api/me")).json.session_id;
  res = await w.postForm("/oauth/account/sessions/delete", { session_id: mine });
  assert.is(res.location, "/oauth/login");
  assert.is((await w.get("/oauth/api/me")).status, 401);
});

// ---- CSRF on every form, methods, 404 -------------------------------------------------------------

test("every POST page refuses a request without the CSRF token", async () => {
  const w = await loggedIn();
  for (const path of ["/oauth/login", "/oauth/token-login", "/oauth/authorize", "/oauth/logout", "/oauth/register", "/oauth/forgot-password", "/oauth/update-password", "/oauth/account/profile", "/oauth/account/validation", "/oauth/account/sessions/delete", "/oauth/api/auth/login", "/oauth/api/auth/token-login", "/oauth/api/auth/logout"]) {
    const res = await w.request("POST", path, { form: { user_id: "alice", password: alice.password, name: "Hacked", primary_email_address: "h@example.com", session_id: "x", authorize: "true", client_id: consentClient.id, response_type: "code" } });
    assert.is(res.status, 403, `${path}: ${res.status}`);
    assert.ok(res.text.includes("invalid_csrf_token"), path);
  }
  assert.is((await server.server.store.users.get("alice")).name, "User alice");
  assert.is((await w.get("/oauth/api/me")).status, 200, "still logged in");
});

test("unknown pages are 404 pages; wrong methods are refused", async () => {
  let res = await web().get("/oauth/nothing-here");
  assert.is(res.status, 404);
  assert.match(alertOf(res.text) ?? "", /page_not_found/);
  res = await web().request("DELETE", "/oauth/login");
  assert.ok(res.status >= 400 && res.status < 600);
  res = await web().request("HEAD", "/oauth/login");
  assert.is(res.status, 200);
});

// ---- assets and the mount -------------------------------------------------------------------------

test("built-in assets are served under /assets", async () => {
  for (const [path, type] of [["/assets/account.css", "text/css"], ["/assets/account.js", "text/javascript"], ["/assets/oauth-favicon.ico", "image/x-icon"], ["/assets/oauth-touch-icon.png", "image/png"], ["/assets/logo.svg", "image/svg+xml"]]) {
    const res = await fetch(server.httpURL + path);
    assert.is(res.status, 200, path);
    assert.ok(res.headers.get("content-type")!.startsWith(type!), `${path}: ${res.headers.get("content-type")}`);
    assert.is(res.headers.get("x-content-type-options"), "nosniff");
    await res.arrayBuffer();
  }
  assert.is((await fetch(server.httpURL + "/assets/nope.css")).status, 404);
});

test("is.oauth.mount moves everything: pages, API, links, redirects", async () => {
  assert.is((await web(moved).get("/oauth/login")).status, 404);
  const page = await web(moved).get("/account/login");
  assert.is(page.status, 200);
  assert.match(page.text, /<form method="post" action="\/account\/login"/);
  assert.match(page.text, /href="\/account\/forgot-password"/);
  await moved.population.user({ id: "mover" });
  const w = web(moved);
  await w.login("mover", "Passw0rd-of-mover", "/account");
  assert.is((await w.get("/account/api/me")).json.user.ids.user_id, "mover");
  const anon = await web(moved).get("/account/");
  assert.is(anon.location, "/account/login?n=%2Faccount%2F");
  const c = await createClient(moved, { id: "moved-app" });
  const res = await web(moved).get(authorizePath(c.id, {}, "/account"));
  assert.ok(res.location!.startsWith("/account/login?n=%2Faccount%2Fauthorize"), res.location!);
  const logout = await w.postForm("/account/logout", {}, "/account");
  assert.is(logout.location, "/account/login");
});

test("is.oauth.mount moves the protocol endpoints too: consent, token, userinfo, JWKS, discovery", async () => {
  const u = await moved.population.user();
  const w = await loggedIn(u.id, u.password, moved);
  const c = await createClient(moved, { id: "moved-rp" });
  const page = await w.get(authorizePath(c.id, { scope: "openid" }, "/account"));
  assert.is(page.status, 200, page.text.slice(0, 300));
  assert.match(page.text, /<form method="post" action="\/account\/authorize"/);
  const form = Object.fromEntries([...page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]!.replace(/&amp;/g, "&")]));
  const allowed = await w.request("POST", "/account/authorize", { form: { ...form, authorize: "true" } });
  const code = new URL(allowed.location!).searchParams.get("code")!;
  const exchange = { grant_type: "authorization_code", code, redirect_uri: defaultRedirect, client_id: c.id, client_secret: c.secret };
  assert.is((await w.request("POST", "/oauth/token", { form: exchange })).status, 404, "nothing left at /oauth");
  const token = await w.request("POST", "/account/token", { form: exchange });
  assert.is(token.status, 200, token.text);
  const info = await fetch(`${moved.httpURL}/account/userinfo`, { headers: { authorization: `Bearer ${token.json.access_token}` } });
  assert.is(info.status, 200);
  assert.is(((await info.json()) as { sub: string }).sub, u.id);
  for (const path of ["/account/jwks", "/account/.well-known/openid-configuration"]) assert.is((await w.get(path)).status, 200, path);
  for (const path of ["/oauth/jwks", "/oauth/userinfo", "/oauth/.well-known/openid-configuration"]) assert.is((await w.get(path)).status, 404, path);
});

test.after(async () => {
  for (const s of [server, approval, closed, moved]) await s.close();
});
test.run();
