// Single sign-on against a real OpenID Provider (oidc-provider on 127.0.0.1):
// the start route, first login (registration with the username from the
// claims, the link), second login (the link), no takeover by e-mail address,
// the unverified-email error (exact JSON, and the page), allow_registrations,
// allowed_email_domains, the registration policies (admin approval, disabled,
// invitation-only), broken or foreign answers on the callback, and an OAuth
// authorization resuming after the login. Driven hop by hop with cookie jars.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { WebClient } from "../helpers/browser.js";
import { api } from "../helpers/clients.js";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { startOidcProvider, type AccountClaims } from "../helpers/oidc-provider.js";
import { alertOf, authorizePath, createClient, defaultRedirect } from "../oauth/ui-helpers.js";
import { callbackOf, createProvider, loggedInAs, serveCanonically, ssoLogin, withoutCorrelation } from "./sso-helpers.js";

const person = (local: string, extra: Partial<AccountClaims> = {}): AccountClaims => ({
  email: `${local}@example.com`,
  email_verified: true,
  name: `Person ${local}`,
  ...extra,
});

const op = await startOidcProvider({
  accounts: {
    "sub-jane": { email: "jane.doe@example.com", email_verified: true, name: "Jane Doe", given_name: "Jane", family_name: "Doe", preferred_username: "jane.doe" },
    "sub-unverified": person("unverified", { email_verified: false }),
    "sub-no-claim": { email: "no-claim@example.com", name: "No Claim" },
    "sub-newbie": person("newbie"),
    "sub-outsider": { email: "outsider@other.org", email_verified: true, name: "Out Sider" },
    "sub-insider": { email: "insider@example.com", email_verified: false, name: "In Sider" },
    "sub-pending": person("pending"),
    "sub-twin-1": person("twin.one", { preferred_username: "twin" }),
    "sub-twin-2": person("twin.two", { preferred_username: "twin" }),
    "sub-resume": person("resume"),
    "sub-state": person("state"),
  },
});

/** A server whose pages are reachable at their canonical URL, with the given providers at the test OP. */
async function serverWith(options: Record<string, unknown>, providers: Array<{ id: string; allowRegistrations?: boolean; allowedEmailDomains?: string[] }>): Promise<TestServer> {
  const server = await startTestServer(options);
  serveCanonically(server);
  for (const p of providers) {
    const clientId = `${server.tenantId}-${p.id}`;
    op.addClient({ client_id: clientId, client_secret: `secret:of/${p.id}`, redirect_uris: [callbackOf(server, p.id)] });
    await createProvider(server, { ...p, url: op.issuer, clientId, clientSecret: `secret:of/${p.id}` });
  }
  return server;
}

const server = await serverWith({}, [
  { id: "corp" },
  { id: "second" },
  { id: "closed", allowRegistrations: false },
  { id: "domains", allowedEmailDomains: ["Example.com"] },
]);
const approval = await serverWith({ "is.user-registration.admin-approval.required": true }, [{ id: "corp" }]);
const disabled = await serverWith({ "is.user-registration.enabled": false }, [{ id: "corp" }]);
const inviteOnly = await serverWith({ "is.user-registration.invitation.required": true }, [{ id: "corp" }]);

const web = (s = server) => new WebClient(s.httpURL);
const json = { accept: "application/json" };
const at = (sub: string) => ({ op, sub });
const userCount = async (s = server) => (await s.server.store.users.find({ limit: 1000, page: 1 })).total;

test("start: a redirect to the provider's authorization endpoint (code, PKCE S256, state, nonce) and a sealed flow cookie on the login path", async () => {
  const res = await web().get(`/oauth/login/corp?${new URLSearchParams({ n: "/oauth/authorize?client_id=x" })}`);
  assert.is(res.status, 302);
  const url = new URL(res.location!);
  assert.is(url.origin, op.issuer);
  const q = url.searchParams;
  assert.is(q.get("response_type"), "code");
  assert.is(q.get("client_id"), `${server.tenantId}-corp`);
  assert.is(q.get("scope"), "openid profile email");
  assert.is(q.get("redirect_uri"), callbackOf(server, "corp"));
  assert.is(q.get("code_challenge_method"), "S256");
  assert.match(q.get("code_challenge") ?? "", /^[A-Za-z0-9_-]{43}$/);
  assert.ok((q.get("state") ?? "").length >= 32, "a random state");
  assert.ok((q.get("nonce") ?? "").length >= 32, "a random nonce");
  const cookie = res.setCookies.find((c) => c.startsWith("_sso_login="))!;
  assert.ok(cookie, "flow cookie set");
  assert.match(cookie, /; Path=\/oauth\/login;/);
  assert.match(cookie, /SameSite=Lax/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /Max-Age=600/);
  // Sealed: neither state, nonce nor the next path can be read from it.
  assert.not.ok(cookie.includes(q.get("state")!) || cookie.includes("authorize"), "the cookie hides its contents");
});

test("first login registers a user with the username from the claims, links it and logs the browser in", async () => {
  const before = await userCount();
  const w = web();
  const { callback } = await ssoLogin(server, w, "corp", at("sub-jane"));
  assert.is(callback.status, 302, callback.text.slice(0, 400));
  assert.is(callback.location, "/oauth/");
  assert.ok(callback.setCookies.some((c) => /^_sso_login=;.*Max-Age=0/.test(c)), "the flow is spent");
  assert.is(await loggedInAs(w), "jane-doe");
  assert.is(await userCount(), before + 1);

  const user = await api(server, "GET", "/users/jane-doe?field_mask=name,primary_email_address,primary_email_address_validated_at,state", { key: server.adminAPIKey });
  assert.is(user.status, 200);
  assert.is(user.body.name, "Jane Doe");
  assert.is(user.body.primary_email_address, "jane.doe@example.com");
  assert.ok(user.body.primary_email_address_validated_at, "the provider verified the address");
  assert.is(user.body.state ?? "STATE_REQUESTED", "STATE_APPROVED");
  const link = await server.server.store.externalUsers.getByExternalId("corp", "sub-jane");
  assert.is(link.userIds?.userId, "jane-doe");
});

test("second login finds the link: the same user, nobody registered", async () => {
  const before = await userCount();
  const w = web();
  const { callback } = await ssoLogin(server, w, "corp", at("sub-jane"));
  assert.is(callback.status, 302);
  assert.is(await loggedInAs(w), "jane-doe");
  assert.is(await userCount(), before);
});

test("a user registered through a provider has no password that logs in", async () => {
  assert.is((await server.server.store.users.get("jane-doe")).password, "");
  for (const password of ["", "anything", "Passw0rd-of-jane-doe"]) {
    const res = await web().postJson("/oauth/api/auth/login", { user_id: "jane-doe", password });
    assert.is(res.status, 400, password);
    assert.is(res.json.details[0].name, password ? "no_user_id_password_match" : "missing_password");
  }
});

test("a second provider with the same e-mail address does not take the account over, until an admin links it", async () => {
  const before = await userCount();
  const w = web();
  const refused = await ssoLogin(server, w, "second", at("sub-jane"), { headers: json });
  assert.is(refused.callback.status, 409);
  assert.is(refused.callback.json.details[0].namespace, "pkg/account/oidc");
  assert.is(refused.callback.json.details[0].name, "email_in_use");
  assert.is(await loggedInAs(w), undefined);
  const page = await ssoLogin(server, w, "second", at("sub-jane"));
  assert.is(page.callback.status, 409);
  assert.match(alertOf(page.callback.text) ?? "", /A user with email address `jane\.doe@example\.com` exists already/);
  assert.is(await userCount(), before);

  const linked = await api(server, "POST", "/authentication_providers/second/external_users", {
    key: server.adminAPIKey,
    body: { external_user: { user_ids: { user_id: "jane-doe" }, provider_ids: { provider_id: "second" }, external_id: "sub-jane" } },
  });
  assert.is(linked.status, 200, JSON.stringify(linked.body));
  const after = await ssoLogin(server, w, "second", at("sub-jane"));
  assert.is(after.callback.status, 302);
  assert.is(await loggedInAs(w), "jane-doe");
});

test("email_verified false or missing: exactly the unverified_email error for JSON clients, its message on the page", async () => {
  const before = await userCount();
  for (const sub of ["sub-unverified", "sub-no-claim"]) {
    const w = web();
    const { callback } = await ssoLogin(server, w, "corp", at(sub), { headers: json });
    assert.is(callback.status, 403, sub);
    assert.match(callback.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal(withoutCorrelation(callback.json), {
      code: 7,
      message: "error:pkg/account/oidc:unverified_email (email not verified)",
      details: [{
        "@type": "type.googleapis.com/ttn.lorawan.v3.ErrorDetails",
        namespace: "pkg/account/oidc",
        name: "unverified_email",
        message_format: "email not verified",
        correlation_id: "<id>",
        code: 7,
      }],
    }, sub);
    assert.match(callback.json.details[0].correlation_id, /^[0-9a-f]{32}$/);
    assert.is(await loggedInAs(w), undefined, sub);

    const page = await ssoLogin(server, w, "corp", at(sub));
    assert.is(page.callback.status, 403);
    assert.match(page.callback.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(alertOf(page.callback.text) ?? "", /^Email not verified pkg\/account\/oidc:unverified_email · [0-9a-f]{32}$/);
  }
  assert.is(await userCount(), before, "nobody registered");
});

test("allow_registrations false refuses new people; a linked person still logs in", async () => {
  const before = await userCount();
  const w = web();
  const { callback } = await ssoLogin(server, w, "closed", at("sub-newbie"), { headers: json });
  assert.is(callback.status, 403);
  assert.is(callback.json.details[0].name, "registrations_not_allowed");
  assert.is(await userCount(), before);
  const link = await api(server, "POST", "/authentication_providers/closed/external_users", {
    key: server.adminAPIKey,
    body: { external_user: { user_ids: { user_id: "jane-doe" }, provider_ids: { provider_id: "closed" }, external_id: "sub-jane" } },
  });
  assert.is(link.status, 200, JSON.stringify(link.body));
  const linked = await ssoLogin(server, w, "closed", at("sub-jane"));
  assert.is(linked.callback.status, 302);
  assert.is(await loggedInAs(w), "jane-doe");
});

test("allowed_email_domains: other domains are refused; in the list, an unverified address may register (and must be validated here)", async () => {
  const outsider = await ssoLogin(server, web(), "domains", at("sub-outsider"), { headers: json });
  assert.is(outsider.callback.status, 403);
  assert.is(outsider.callback.json.details[0].name, "email_domain_not_allowed");
  assert.equal(outsider.callback.json.details[0].attributes, { domain: "other.org", provider_id: "domains" });

  const w = web();
  const insider = await ssoLogin(server, w, "domains", at("sub-insider"));
  assert.is(insider.callback.status, 302, insider.callback.text.slice(0, 300));
  assert.is(await loggedInAs(w), "insider");
  const user = await server.server.store.users.get("insider");
  assert.is(user.primaryEmailAddressValidatedAt, undefined, "not verified by the provider: not validated");
  assert.ok(await server.server.store.emailValidations.pending("insider", "insider@example.com", new Date()), "a validation e-mail is on its way");
});

test("admin approval: the new user waits in STATE_REQUESTED, is not logged in, sees why, and the admins are told", async () => {
  const w = web(approval);
  const { callback } = await ssoLogin(approval, w, "corp", at("sub-pending"));
  assert.is(callback.status, 403);
  assert.match(alertOf(callback.text) ?? "", /User account has not been approved yet/);
  assert.is(await loggedInAs(w), undefined);
  const user = await approval.server.store.users.get("pending");
  assert.is(user.state, State.REQUESTED);
  assert.is((await approval.server.store.externalUsers.getByExternalId("corp", "sub-pending")).userIds?.userId, "pending");
  const notes = await api(approval, "GET", "/users/admin/notifications", { key: approval.adminAPIKey });
  assert.is(notes.status, 200);
  assert.ok(notes.body.notifications?.some((n: { notification_type: string }) => n.notification_type === "user_requested"), JSON.stringify(notes.body));

  // Once approved, the same login goes through.
  await approval.server.store.users.update("pending", { ...user, state: State.APPROVED }, ["state"]);
  const again = await ssoLogin(approval, w, "corp", at("sub-pending"));
  assert.is(again.callback.status, 302);
  assert.is(await loggedInAs(w), "pending");
});

test("registration disabled or invitation-only: new people are refused with the registration errors", async () => {
  for (const [s, name] of [[disabled, "user_registration_disabled"], [inviteOnly, "invitation_token_required"]] as const) {
    const { callback } = await ssoLogin(s, web(s), "corp", at("sub-newbie"), { headers: json });
    assert.is(callback.json?.details?.[0]?.name, name, callback.text);
    assert.is(await userCount(s), 1, "only the admin");
  }
});

test("concurrent first logins that want the same user ID both succeed with different IDs", async () => {
  const runs = await Promise.all(["sub-twin-1", "sub-twin-2"].map(async (sub) => {
    const w = web();
    const { callback } = await ssoLogin(server, w, "corp", at(sub));
    assert.is(callback.status, 302, callback.text.slice(0, 300));
    return loggedInAs(w);
  }));
  assert.ok(runs.includes("twin"), JSON.stringify(runs));
  assert.is(new Set(runs).size, 2, JSON.stringify(runs));
});

test("callback: a tampered state, no login in progress, another provider's callback and a replay each fail cleanly", async () => {
  const w = web();
  const start = await w.get("/oauth/login/corp");
  const back = new URL(await op.loginAs(new WebClient(op.issuer), start.location!, "sub-state"));
  const tampered = new URLSearchParams(back.search);
  tampered.set("state", "x" + tampered.get("state"));
  const bad = await w.get(`${back.pathname}?${tampered}`, json);
  assert.is(bad.status, 403);
  assert.is(bad.json.details[0].name, "invalid_state");
  // The flow is spent: the real answer arriving afterwards is not accepted either.
  const replay = await w.get(back.pathname + back.search, json);
  assert.is(replay.status, 400);
  assert.is(replay.json.details[0].name, "login_not_started");
  assert.is(await loggedInAs(w), undefined);

  const fresh = await web().get(back.pathname + back.search, json);
  assert.is(fresh.json.details[0].name, "login_not_started", "no flow cookie");

  const other = web();
  const started = await other.get("/oauth/login/corp");
  const answer = new URL(await op.loginAs(new WebClient(op.issuer), started.location!, "sub-state"));
  const crossed = await other.get(`/oauth/login/second/callback${answer.search}`, json);
  assert.is(crossed.json.details[0].name, "login_provider_mismatch");
  assert.equal(crossed.json.details[0].attributes, { expected: "corp", provider_id: "second" });
  assert.is(await loggedInAs(other), undefined);
  assert.not.ok(await server.server.store.invitations.addressRegistered("state@example.com"), "nobody registered");
  await server.server.store.externalUsers.getByExternalId("corp", "sub-state").then(
    () => assert.unreachable("sub-state must not be linked"),
    () => {},
  );
});

test("callback: the provider's error answer is shown, with its description", async () => {
  const w = web();
  const start = await w.get("/oauth/login/corp");
  const state = new URL(start.location!).searchParams.get("state")!;
  const res = await w.get(`/oauth/login/corp/callback?${new URLSearchParams({ error: "access_denied", error_description: "the person said no", state })}`);
  assert.is(res.status, 403);
  assert.match(alertOf(res.text) ?? "", /Authentication provider `corp` refused the login: the person said no \(access_denied\)/);
  assert.is(await loggedInAs(w), undefined);
});

test("an unknown provider is a 404 page, at the start and at the callback", async () => {
  for (const path of ["/oauth/login/nobody", "/oauth/login/nobody/callback?code=x&state=y", "/oauth/login/NOT%20AN%20ID"]) {
    const res = await web().get(path);
    assert.is(res.status, 404, path);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  }
  const res = await web().get("/oauth/login/nobody", json);
  assert.is(res.json.details[0].name, "authentication_provider_not_found");
});

test("an OAuth authorization in progress resumes after the login: login page button -> provider -> back -> authorization", async () => {
  const client = await createClient(server, { id: "sso-resume-app", skipAuthorization: true });
  const w = web();
  const authorize = await w.get(authorizePath(client.id));
  assert.is(authorize.status, 302);
  const loginPage = new URL(authorize.location!, server.httpURL);
  assert.is(loginPage.pathname, "/oauth/login");
  const next = loginPage.searchParams.get("n")!;
  const page = await w.get(loginPage.pathname + loginPage.search);
  const button = new RegExp(`<a class="button" href="(/oauth/login/corp\\?[^"]*)">Provider corp</a>`).exec(page.text)?.[1]?.replaceAll("&amp;", "&");
  assert.is(button, `/oauth/login/corp?${new URLSearchParams({ n: next })}`);

  const { callback } = await ssoLogin(server, w, "corp", at("sub-resume"), { next });
  assert.is(callback.status, 302);
  assert.is(callback.location, next, "back to the authorization");
  const resumed = await w.get(callback.location!);
  assert.is(resumed.status, 302);
  const final = new URL(resumed.location!);
  assert.is(`${final.origin}${final.pathname}`, defaultRedirect);
  assert.ok(final.searchParams.get("code"), "a code for the client");
  assert.is(final.searchParams.get("state"), "st-123");
});

test.after(async () => {
  await Promise.all([server, approval, disabled, inviteOnly].map((s) => s.close()));
  await op.close();
});

test.run();
