// Single sign-on in headless Chromium (playwright-core), end to end against a
// real OpenID Provider (oidc-provider on 127.0.0.1): an OAuth client sends the
// browser to authorize; our login page shows the provider's button, reached
// and followed with the keyboard; the provider's own login form; back on our
// callback a user is registered under the generated user ID and linked; our
// consent page; the client's redirect URI with a code, which the client
// exchanges. Screenshots of our login (with the button) and consent pages go
// to test-artifacts/. Our pages may log no console error, throw, fail a request
// or violate their Content-Security-Policy.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Browser } from "playwright-core";
import { artifactPath, launchChromium, watch } from "../helpers/browser.js";
import { api } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { startOidcProvider } from "../helpers/oidc-provider.js";
import { createClient } from "../oauth/ui-helpers.js";
import { callbackOf, createProvider, serveCanonically } from "./sso-helpers.js";

const PROVIDER_ID = "example-sso";
const SUBJECT = "sub-j-doe-4711";

/** The client's website: its redirect URI records what arrives. */
const callbacks: URL[] = [];
const site = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://client.invalid");
  if (url.pathname === "/callback") callbacks.push(url);
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end(`<!doctype html><html lang="en"><head><title>Example client</title><link rel="icon" href="data:,"></head><body><h1>Signed in</h1></body></html>`);
});
await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
const siteURL = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

// The person at the provider: the preferred username is reserved here (skipped),
// so the e-mail address's local part gives the user ID: `J.Doe+sso` -> `j-doe-sso`.
const op = await startOidcProvider({
  accounts: {
    [SUBJECT]: { email: "J.Doe+sso@example.com", email_verified: true, name: "Jane Doe", given_name: "Jane", family_name: "Doe", preferred_username: "Admin" },
  },
});
const server = await startTestServer();
serveCanonically(server);
op.addClient({ client_id: "identity-server", client_secret: "op-secret", redirect_uris: [callbackOf(server, PROVIDER_ID)] });
await createProvider(server, { id: PROVIDER_ID, name: "Example SSO", url: op.issuer, clientId: "identity-server", clientSecret: "op-secret" });
const app = await createClient(server, {
  id: "map-client",
  name: "Map Client",
  description: "Shows your devices on a map.",
  redirectUris: [`${siteURL}/callback`],
  rights: ["RIGHT_USER_INFO", "RIGHT_APPLICATION_INFO"],
});
const browser: Browser = await launchChromium();

test("authorize -> login page -> provider button (keyboard) -> provider login -> registered and linked -> consent -> code", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const { problems } = await watch(page);
  const base = server.httpURL;

  // The client starts an authorization; nobody is logged in, so our login page.
  const authorize = `${base}/oauth/authorize?${new URLSearchParams({ client_id: app.id, redirect_uri: `${siteURL}/callback`, response_type: "code", state: "sso-state-1" })}`;
  await page.goto(authorize);
  assert.is(new URL(page.url()).pathname, "/oauth/login");

  // The provider's button: a link named by the provider's name, in a labelled navigation region.
  const region = page.getByRole("navigation", { name: "Log in with another account" });
  const button = region.getByRole("link", { name: "Example SSO", exact: true });
  assert.is(await button.count(), 1);
  const href = new URL((await button.getAttribute("href"))!, base);
  assert.is(href.pathname, `/oauth/login/${PROVIDER_ID}`);
  assert.ok(href.searchParams.get("n")?.startsWith("/oauth/authorize?"), "the button carries the authorization to resume");
  await page.screenshot({ path: artifactPath("sso-login.png"), fullPage: true });

  // Keyboard: the user ID field has the focus; one Shift+Tab reaches the button, with a visible focus ring.
  assert.is(await page.evaluate("document.activeElement?.id"), "field-user_id");
  await page.keyboard.press("Shift+Tab");
  assert.is(await page.evaluate("document.activeElement?.textContent?.trim()"), "Example SSO");
  assert.is(await page.evaluate("document.activeElement?.matches(':focus-visible')"), true);
  assert.is(await page.evaluate("getComputedStyle(document.activeElement).outlineStyle"), "solid");

  // Enter follows it: the provider's own login form (oidc-provider's development interaction).
  await Promise.all([page.waitForURL(`${op.issuer}/interaction/**`), page.keyboard.press("Enter")]);
  await page.locator('input[name="login"]').fill(SUBJECT);
  await page.locator('input[name="password"]').fill("any password");
  // The provider sends the browser to our callback, which resumes the authorization: our consent page.
  await Promise.all([page.waitForURL(`${base}/oauth/authorize?**`), page.getByRole("button", { name: "Sign-in" }).click()]);
  await page.getByRole("heading", { name: "Authorize Map Client" }).waitFor();
  assert.match(await page.locator("main").innerText(), /Shows your devices on a map\./);
  await page.screenshot({ path: artifactPath("sso-consent.png"), fullPage: true });

  // Registered under the generated user ID, with the verified address, and linked to the provider's subject.
  const user = await api(server, "GET", "/users/j-doe-sso?field_mask=name,primary_email_address,primary_email_address_validated_at", { key: server.adminAPIKey });
  assert.is(user.status, 200, JSON.stringify(user.body));
  assert.is(user.body.name, "Jane Doe");
  assert.is(user.body.primary_email_address, "J.Doe+sso@example.com");
  assert.ok(user.body.primary_email_address_validated_at, "the provider verified the address");
  const link = await api(server, "GET", `/authentication_providers/${PROVIDER_ID}/external_users/${SUBJECT}`, { key: server.adminAPIKey });
  assert.is(link.status, 200, JSON.stringify(link.body));
  assert.is(link.body.user_ids.user_id, "j-doe-sso");
  const me = await page.evaluate(`fetch("/oauth/api/me").then((r) => r.json())`);
  assert.is((me as { user: { ids: { user_id: string } } }).user.ids.user_id, "j-doe-sso", "the browser is logged in as the new user");

  // Allow (focused): the client's redirect URI with the code and the state.
  assert.is(await page.evaluate("document.activeElement?.textContent"), "Allow");
  await Promise.all([page.waitForURL(`${siteURL}/callback**`), page.keyboard.press("Enter")]);
  const landed = new URL(page.url());
  assert.is(landed.searchParams.get("state"), "sso-state-1");
  const code = landed.searchParams.get("code");
  assert.match(code ?? "", /^MF2XI\./);
  assert.is(callbacks.at(-1)?.searchParams.get("code"), code);

  // The client exchanges it: a token of the new user.
  const tokenRes = await fetch(`${base}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code: code!, redirect_uri: `${siteURL}/callback`, client_id: app.id, client_secret: app.secret }),
  });
  assert.is(tokenRes.status, 200);
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  const authInfo = await fetch(`${base}/api/v3/auth_info`, { headers: { authorization: `Bearer ${access_token}` } });
  const info = (await authInfo.json()) as { oauth_access_token: { user_ids: { user_id: string } } };
  assert.is(info.oauth_access_token.user_ids.user_id, "j-doe-sso");

  await context.close();
  // Only our pages count: the provider's development form loads web fonts from the internet.
  const ours = problems.filter((p) => !p.includes(op.issuer) && !p.includes("fonts.googleapis.com"));
  assert.equal(ours, []);
});

test.after(async () => {
  await browser.close();
  await server.close();
  await op.close();
  await new Promise<void>((resolve) => site.close(() => resolve()));
});
test.run();
