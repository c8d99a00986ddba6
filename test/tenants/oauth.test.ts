// The OAuth server per tenant, over HTTP: two tenants on one server (base
// domain localhost, so `<tenant>.localhost` is the tenant), the same user ID
// "alice" in both with different passwords. Pages, cookies, codes and tokens
// of one tenant are worthless on the other's host, each host's discovery
// document names its own issuer, a suspended or unknown tenant's pages are
// refused, a `tenant-id` header never picks the tenant of a page or a cookie,
// a password reset e-mail (real SMTP server) links to the tenant's host, and
// single sign-on gives the OpenID Provider a callback URL on the tenant's host.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { startTestServer } from "../helpers/harness.js";
import { WebClient } from "../helpers/browser.js";
import { startMailbox } from "../helpers/mailbox.js";
import { startOidcProvider } from "../helpers/oidc-provider.js";
import { freePort } from "../oauth/core-helpers.js";
import { createTenant, HostClient, hostRequest, redirectUri, tenantClient, tenantName } from "./oauth-helpers.js";

const mailbox = await startMailbox();
const port = await freePort();
const ts = await startTestServer({
  "http.listen": `127.0.0.1:${port}`,
  "tenancy.base-domains": ["localhost"],
  "is.oauth.ui.canonical-url": `http://localhost:${port}/oauth`,
  "is.email.network.identity-server-url": `http://localhost:${port}/oauth`,
  "is.email.provider": "smtp",
  "is.email.smtp.address": mailbox.address,
  "is.email.queue.poll-interval": 100,
});

const acmeId = tenantName("acme");
const otherId = tenantName("other");
const suspendedId = tenantName("gone");
const acme = await createTenant(acmeId);
const other = await createTenant(otherId);
const suspended = await createTenant(suspendedId, State.SUSPENDED);
const acmeHost = `${acmeId}.localhost:${port}`;
const otherHost = `${otherId}.localhost:${port}`;
const acmeAlice = await acme.population.user({ id: "alice", password: "Acme-Passw0rd!", email: `alice@${acmeId}.example` });
const otherAlice = await other.population.user({ id: "alice", password: "Other-Passw0rd!", email: `alice@${otherId}.example` });
await suspended.population.user({ id: "alice", password: "Gone-Passw0rd!" });
// The same client ID and secret in both tenants: what refuses acme's codes on other is the tenant, not the client.
const acmeClient = await tenantClient(acme.store, "portal", "alice");
await tenantClient(other.store, "portal", "alice");

const basic = (c: { id: string; secret: string }) => `Basic ${Buffer.from(`${c.id}:${c.secret}`).toString("base64")}`;

/** A code for alice on the browser's tenant (she is logged in there; the client skips consent). */
async function codeOn(browser: HostClient): Promise<{ code: string; iss: string | null }> {
  const res = await browser.get(`/oauth/authorize?${new URLSearchParams({ client_id: "portal", redirect_uri: redirectUri, response_type: "code", state: "s1", scope: "openid email" })}`);
  assert.is(res.status, 302, res.text);
  const location = new URL(res.location!);
  assert.is(`${location.origin}${location.pathname}`, redirectUri);
  return { code: location.searchParams.get("code")!, iss: location.searchParams.get("iss") };
}

function tokenOn(host: string, code: string) {
  return hostRequest(port, host, "POST", "/oauth/token", { "content-type": "application/x-www-form-urlencoded", authorization: basic(acmeClient) }, new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri }).toString());
}

test("each tenant's host logs in its own alice with her own password only", async () => {
  const onAcme = new HostClient(port, acmeHost);
  assert.is((await onAcme.login("alice", otherAlice.password)).status, 400);
  assert.is((await onAcme.login("alice", acmeAlice.password)).status, 204);
  const me = await onAcme.get("/oauth/api/me");
  assert.is(me.status, 200);
  assert.is(me.json.user.primary_email_address, `alice@${acmeId}.example`);

  const onOther = new HostClient(port, otherHost);
  assert.is((await onOther.login("alice", acmeAlice.password)).status, 400);
  assert.is((await onOther.login("alice", otherAlice.password)).status, 204);
  assert.is((await onOther.get("/oauth/api/me")).json.user.primary_email_address, `alice@${otherId}.example`);
  // The default tenant (the bare base domain) has no alice at all.
  assert.is((await new HostClient(port, `localhost:${port}`).login("alice", acmeAlice.password)).status, 400);
});

test("acme's session cookie is no session on other's host, on the pages nor on /api/v3", async () => {
  const onAcme = new HostClient(port, acmeHost);
  assert.is((await onAcme.login("alice", acmeAlice.password)).status, 204);
  const acmeAuth = await onAcme.get("/api/v3/auth_info");
  assert.is(acmeAuth.status, 200);
  assert.ok(acmeAuth.json.user_session, JSON.stringify(acmeAuth.json));

  const stolen = onAcme.cookiesTo(otherHost);
  const me = await stolen.get("/oauth/api/me");
  assert.is(me.status, 401);
  assert.is(me.json.details[0].name, "not_authenticated");
  const account = await stolen.get("/oauth/");
  assert.is(account.status, 302, "the account page sends a stranger to log in");
  assert.match(account.location ?? "", "/oauth/login");
  const auth = await stolen.get("/api/v3/auth_info");
  assert.is(auth.status, 200);
  assert.not.ok(auth.json.user_session, JSON.stringify(auth.json));
  const user = await stolen.get("/api/v3/users/alice?field_mask=primary_email_address");
  assert.not.ok(user.json?.primary_email_address, "other's alice is not readable with acme's cookie");
});

test("a tenant-id header never picks the tenant of a page or a cookie", async () => {
  const onAcme = new HostClient(port, acmeHost);
  assert.is((await onAcme.login("alice", acmeAlice.password)).status, 204);
  // The default tenant's host naming acme in a header: the pages stay the default tenant's.
  const elsewhere = onAcme.cookiesTo(`127.0.0.1:${port}`);
  const me = await elsewhere.get("/oauth/api/me", { "tenant-id": acmeId });
  assert.is(me.status, 401);
  assert.is((await elsewhere.request("POST", "/oauth/api/auth/login", { json: { user_id: "alice", password: acmeAlice.password }, headers: { "tenant-id": acmeId, "x-csrf-token": await elsewhere.csrf() } })).status, 400);
  // /api/v3 serves acme by the header, but the cookie, made for another host, is no credential there.
  const auth = await elsewhere.get("/api/v3/auth_info", { "tenant-id": acmeId });
  assert.is(auth.status, 200);
  assert.not.ok(auth.json.user_session, JSON.stringify(auth.json));
  // On acme's own host a header naming another tenant is refused.
  const mismatch = await onAcme.get("/api/v3/auth_info", { "tenant-id": otherId });
  assert.is(mismatch.status, 400);
});

test("acme's authorization code and access token are refused on other's host: token endpoint, userinfo, /api/v3", async () => {
  const onAcme = new HostClient(port, acmeHost);
  assert.is((await onAcme.login("alice", acmeAlice.password)).status, 204);
  const { code, iss } = await codeOn(onAcme);
  assert.is(iss, `http://${acmeHost}/oauth`, "RFC 9207 iss names acme's issuer");

  const refused = await tokenOn(otherHost, code);
  assert.is(refused.status, 403, refused.text);
  assert.is(refused.json.error, "invalid_grant");

  const granted = await tokenOn(acmeHost, code);
  assert.is(granted.status, 200, granted.text);
  const token = granted.json.access_token as string;
  const idToken = JSON.parse(Buffer.from((granted.json.id_token as string).split(".")[1]!, "base64url").toString());
  assert.is(idToken.iss, `http://${acmeHost}/oauth`);
  const bearer = { authorization: `Bearer ${token}` };

  const infoOther = await hostRequest(port, otherHost, "GET", "/oauth/userinfo", bearer);
  assert.is(infoOther.status, 401, infoOther.text);
  assert.is(infoOther.json.error, "invalid_token");
  const infoAcme = await hostRequest(port, acmeHost, "GET", "/oauth/userinfo", bearer);
  assert.is(infoAcme.status, 200, infoAcme.text);
  assert.is(infoAcme.json.sub, "alice");

  const apiOther = await hostRequest(port, otherHost, "GET", "/api/v3/users/alice", bearer);
  assert.is(apiOther.status, 401, apiOther.text);
  const apiAcme = await hostRequest(port, acmeHost, "GET", "/api/v3/users/alice?field_mask=primary_email_address", bearer);
  assert.is(apiAcme.status, 200, apiAcme.text);
  assert.is(apiAcme.json.primary_email_address, `alice@${acmeId}.example`);

  // And the other way round: other's token is nothing on acme.
  const onOther = new HostClient(port, otherHost);
  assert.is((await onOther.login("alice", otherAlice.password)).status, 204);
  const otherToken = (await tokenOn(otherHost, (await codeOn(onOther)).code)).json.access_token as string;
  assert.is((await hostRequest(port, acmeHost, "GET", "/oauth/userinfo", { authorization: `Bearer ${otherToken}` })).status, 401);
  assert.is((await hostRequest(port, otherHost, "GET", "/oauth/userinfo", { authorization: `Bearer ${otherToken}` })).status, 200);
});

test("each host's discovery document names that host's issuer", async () => {
  for (const [host, issuer] of [
    [acmeHost, `http://${acmeHost}/oauth`],
    [otherHost, `http://${otherHost}/oauth`],
    [`localhost:${port}`, `http://localhost:${port}/oauth`],
  ]) {
    for (const path of ["/oauth/.well-known/openid-configuration", "/.well-known/openid-configuration"]) {
      const res = await hostRequest(port, host!, "GET", path);
      assert.is(res.status, 200, `${host}${path}: ${res.text}`);
      assert.is(res.json.issuer, issuer);
      assert.is(res.json.token_endpoint, `${issuer}/token`);
      assert.is(res.json.authorization_endpoint, `${issuer}/authorize`);
    }
  }
  // The login page's canonical link and page configuration are on the tenant's host too.
  const login = await hostRequest(port, acmeHost, "GET", "/oauth/login");
  assert.match(login.text, `<link rel="canonical" href="http://${acmeHost}/oauth/login">`);
});

test("a suspended tenant's pages and endpoints are refused with a clear error; an unknown tenant's too", async () => {
  const host = `${suspendedId}.localhost:${port}`;
  const page = await hostRequest(port, host, "GET", "/oauth/login");
  assert.is(page.status, 403);
  assert.match(page.headers.get("content-type") ?? "", "text/html");
  assert.match(page.text, `Tenant \`${suspendedId}\` is suspended`);
  assert.match(page.text, "tenant_suspended");

  const browser = new HostClient(port, host);
  const login = await browser.request("POST", "/oauth/api/auth/login", { json: { user_id: "alice", password: "Gone-Passw0rd!" } });
  assert.is(login.status, 403);
  assert.is(login.json.details[0].name, "tenant_suspended");
  assert.not.ok(browser.jar.has("_session"));

  const token = await hostRequest(port, host, "POST", "/oauth/token", { "content-type": "application/x-www-form-urlencoded" }, "grant_type=password&username=alice&password=x");
  assert.is(token.status, 403);
  assert.is(token.json.details[0].name, "tenant_suspended");
  assert.ok(token.json.error, "an RFC 6749 error code beside the project's error");

  const unknown = await hostRequest(port, `${tenantName("nope")}.localhost:${port}`, "GET", "/oauth/.well-known/openid-configuration");
  assert.is(unknown.status, 404);
  assert.is(unknown.json.details[0].name, "tenant_not_found");
  // The built-in assets belong to no tenant: served on any host.
  assert.is((await hostRequest(port, host, "GET", "/assets/account.css")).status, 200);
});

test("a password reset on acme's pages e-mails alice of acme a link on acme's host; other's mail goes out too", async () => {
  const onAcme = new HostClient(port, acmeHost);
  const page = await onAcme.postForm("/oauth/forgot-password", { user_id: "alice" });
  assert.is(page.status, 200, page.text);
  const onOther = new HostClient(port, otherHost);
  assert.is((await onOther.postForm("/oauth/forgot-password", { user_id: "alice" })).status, 200);

  const mail = await mailbox.next(`alice@${acmeId}.example`, 10_000);
  const link = /http:\/\/\S+\/update-password\?\S+/.exec(mail.text)?.[0];
  assert.ok(link, mail.text);
  const url = new URL(link!);
  assert.is(url.host, acmeHost);
  assert.is(url.pathname, "/oauth/update-password");
  assert.match(mail.html, `http://${acmeHost}/oauth/update-password`);
  // The link works on acme: the temporary password is acme's alice's.
  const choose = await onAcme.get(`${url.pathname}${url.search}`);
  assert.is(choose.status, 200, choose.text);
  const done = await onAcme.postForm("/oauth/update-password", { user: "alice", current: url.searchParams.get("current")!, new: "Acme-N3w-Passw0rd!", new_confirm: "Acme-N3w-Passw0rd!" });
  assert.is(done.status, 200);
  assert.match(done.text, "Password changed");
  assert.is((await new HostClient(port, acmeHost).login("alice", "Acme-N3w-Passw0rd!")).status, 204);
  assert.is((await new HostClient(port, otherHost).login("alice", "Acme-N3w-Passw0rd!")).status, 400);

  const otherMail = await mailbox.next(`alice@${otherId}.example`, 10_000);
  assert.match(otherMail.text, `http://${otherHost}/oauth/update-password?user=alice`);
});

test("single sign-on on acme's host: the OpenID Provider gets acme's callback URL, and the user lands in acme", async () => {
  const op = await startOidcProvider({ accounts: { "sub-sso": { email: "sso@acme.example", email_verified: true, name: "Sso Person" } } });
  try {
    const callback = `http://${acmeHost}/oauth/login/corp/callback`;
    op.addClient({ client_id: "acme-at-op", client_secret: "op-secret", redirect_uris: [callback] });
    const admin = await acme.population.user({ id: "acme-admin", admin: true });
    const created = await hostRequest(port, acmeHost, "POST", "/api/v3/authentication_providers", { authorization: `Bearer ${admin.apiKey}`, "content-type": "application/json" }, JSON.stringify({
      provider: { ids: { provider_id: "corp" }, name: "Corp", allow_registrations: true, configuration: { oidc: { client_id: "acme-at-op", client_secret: "op-secret", provider_url: op.issuer } } },
    }));
    assert.is(created.status, 200, created.text);

    const browser = new HostClient(port, acmeHost);
    const start = await browser.get("/oauth/login/corp");
    assert.is(start.status, 302, start.text);
    assert.is(new URL(start.location!).searchParams.get("redirect_uri"), callback);
    const back = new URL(await op.loginAs(new WebClient(op.issuer), start.location!, "sub-sso"));
    assert.is(`${back.origin}${back.pathname}`, callback);
    const done = await browser.get(back.pathname + back.search);
    assert.is(done.status, 302, done.text.slice(0, 400));
    const me = await browser.get("/oauth/api/me");
    assert.is(me.status, 200, me.text);
    assert.is(me.json.user.primary_email_address, "sso@acme.example");
    const userId = me.json.user.ids.user_id as string;
    assert.ok(await acme.store.users.get(userId), "registered in acme");
    assert.is(await other.store.users.get(userId).then(() => "found", () => "not found"), "not found", "not in other");
    // The provider is acme's: other's host has no such provider.
    assert.is((await hostRequest(port, otherHost, "GET", "/oauth/login/corp")).status, 404);
  } finally {
    await op.close();
  }
});

test.after(async () => {
  await ts.close();
  await mailbox.stop();
});

test.run();
