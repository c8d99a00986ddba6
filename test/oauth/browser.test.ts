// The OAuth pages in headless Chromium (playwright-core): a person registers,
// gets the validation e-mail from a real SMTP server, follows its link, logs
// in with the keyboard alone, authorizes a client and lands on the client's
// redirect URI with a code, which the client exchanges; then logs out. A
// second server shows the branding options. Screenshots of the login and
// consent pages go to test-artifacts/. No page may log a console error, throw,
// fail a request or violate its Content-Security-Policy.
import http from "node:http";
import net from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Browser } from "playwright-core";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { startMailbox } from "../helpers/mailbox.js";
import { artifactPath, launchChromium, watch } from "../helpers/browser.js";
import { createClient } from "./ui-helpers.js";

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** The client's own little website: its redirect URI, its logout landing page and a brand logo. */
const callbacks: URL[] = [];
const site = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://client.invalid");
  if (url.pathname === "/brand/logo.svg") {
    res.writeHead(200, { "content-type": "image/svg+xml" });
    res.end('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="120" height="40" rx="6" fill="#ff6600"/><text x="60" y="26" font-size="16" text-anchor="middle" fill="#fff">EXAMPLE</text></svg>');
    return;
  }
  if (url.pathname === "/callback") callbacks.push(url);
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end(`<!doctype html><html lang="en"><head><title>Example client</title><link rel="icon" href="data:,"></head><body><h1>${url.pathname === "/callback" ? "Signed in" : "Signed out"}</h1></body></html>`);
});
await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
const siteURL = `http://127.0.0.1:${(site.address() as net.AddressInfo).port}`;

const mailbox = await startMailbox();
const port = await freePort();
const server: TestServer = await startTestServer({
  "http.listen": `127.0.0.1:${port}`,
  "is.email.provider": "smtp",
  "is.email.smtp.address": mailbox.address,
  "is.email.queue.poll-interval": 100,
  "is.email.network.identity-server-url": `http://127.0.0.1:${port}/oauth`,
  "is.oauth.ui.canonical-url": `http://127.0.0.1:${port}/oauth`,
});
const branded = await startTestServer({
  "is.oauth.ui.site-name": "Example Network",
  "is.oauth.ui.title": "Example Account",
  "is.oauth.ui.sub-title": "LoRaWAN for makers",
  "is.oauth.ui.branding-text": "Operated by Example Co",
  "is.oauth.ui.branding-cluster-id": "eu1",
  "is.oauth.ui.branding-base-url": `${siteURL}/brand`,
  "is.oauth.ui.cluster-picker-url": "https://example.net/clusters",
  "is.oauth.ui.theme-color": "#ff6600",
  "is.oauth.ui.language": "en-GB",
  "is.oauth.ui.fair-use-policy-information-url": "https://example.net/fair-use",
  "is.oauth.ui.sla-applies": "99.9%",
  "is.oauth.ui.support-plan-applies": "priority",
});
const app = await createClient(server, {
  id: "example-client",
  name: "Example Client",
  description: "Shows your devices on a map.",
  redirectUris: [`${siteURL}/callback`],
  logoutRedirectUris: [`${siteURL}/logged-out`],
  rights: ["RIGHT_USER_INFO", "RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_DEVICES_READ"],
});
const browser: Browser = await launchChromium();

test("register, validate the e-mail, log in with the keyboard, authorize a client, get a code, log out", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const { problems } = await watch(page);
  const base = server.httpURL;

  // Register with the keyboard: the user ID has the focus, Tab goes from field to field, Enter submits.
  await page.goto(`${base}/oauth/register`);
  const typed: [string, string][] = [["field-user_id", "jane"], ["field-name", "Jane Doe"], ["field-primary_email_address", "jane@example.com"], ["field-password", "Correct-Horse-9"], ["field-password_confirm", "Correct-Horse-9"]];
  for (const [i, [id, text]] of typed.entries()) {
    if (i > 0) await page.keyboard.press("Tab");
    assert.is(await page.evaluate("document.activeElement?.id"), id);
    await page.keyboard.type(text);
  }
  assert.is(await page.locator("ul.rules li.met").count(), 3, "the rules met are ticked while typing");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Account created" }).waitFor();
  assert.match(await page.locator("main").innerText(), /We sent an e-mail to jane@example.com/);

  // The validation e-mail, from the real SMTP server; follow its link.
  const mail = await mailbox.next("jane@example.com", 15_000);
  const link = /https?:\/\/[^\s"<>]+\/validate\?[^\s"<>]+/.exec(mail.text)?.[0];
  assert.ok(link, `a validation link in: ${mail.text}`);
  assert.ok(link!.startsWith(`${base}/oauth/validate?reference=`), link);
  await page.goto(link!.replace(/&amp;/g, "&"));
  await page.getByRole("heading", { name: "E-mail address validated" }).waitFor();
  assert.ok((await server.server.store.users.get("jane")).primaryEmailAddressValidatedAt, "validated in the store");

  // The client sends the browser to authorize; not logged in yet, so to the login page.
  const authorize = `${base}/oauth/authorize?${new URLSearchParams({ client_id: app.id, redirect_uri: `${siteURL}/callback`, response_type: "code", state: "state-42" })}`;
  await page.goto(authorize);
  assert.is(new URL(page.url()).pathname, "/oauth/login");
  await page.screenshot({ path: artifactPath("oauth-login.png"), fullPage: true });

  // Keyboard only: the user ID field has the focus; Tab to the password; Enter submits.
  assert.is(await page.evaluate("document.activeElement?.id"), "field-user_id");
  await page.keyboard.type("jane");
  await page.keyboard.press("Tab");
  assert.is(await page.evaluate("document.activeElement?.id"), "field-password");
  await page.keyboard.type("Correct-Horse-9");
  await page.keyboard.press("Enter");

  // The consent page: the client and what it asks for, in words.
  await page.getByRole("heading", { name: "Authorize Example Client" }).waitFor();
  const consent = await page.locator("main").innerText();
  assert.match(consent, /Shows your devices on a map\./);
  assert.match(consent, /View your user account's information/);
  assert.match(consent, /View your applications' end devices/);
  await page.screenshot({ path: artifactPath("oauth-consent.png"), fullPage: true });

  // "Allow" has the focus: Enter approves, and the browser lands on the client with a code.
  assert.is(await page.evaluate("document.activeElement?.textContent"), "Allow");
  await Promise.all([page.waitForURL(`${siteURL}/callback**`), page.keyboard.press("Enter")]);
  const landed = new URL(page.url());
  assert.is(landed.searchParams.get("state"), "state-42");
  const code = landed.searchParams.get("code");
  assert.match(code ?? "", /^MF2XI\./);
  assert.is(callbacks.at(-1)?.searchParams.get("code"), code);

  // The client exchanges the code for an access token that works on the API.
  const tokenRes = await fetch(`${base}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code: code!, redirect_uri: `${siteURL}/callback`, client_id: app.id, client_secret: app.secret }),
  });
  assert.is(tokenRes.status, 200);
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  assert.match(access_token, /^MFRWG\./);

  // The account page, then log out with the keyboard.
  await page.goto(`${base}/oauth/`);
  await page.getByRole("heading", { name: "Your account" }).waitFor();
  assert.match(await page.locator("main").innerText(), /jane@example.com is validated/);
  await page.goto(`${base}/oauth/logout`);
  assert.is(await page.evaluate("document.activeElement?.textContent"), "Log out");
  await Promise.all([page.waitForURL(`${base}/oauth/login`), page.keyboard.press("Enter")]);
  const cookies = await context.cookies(base);
  assert.not.ok(cookies.some((c) => c.name === "_session"), "session cookie gone");
  await page.goto(`${base}/oauth/`);
  assert.is(new URL(page.url()).pathname, "/oauth/login", "logged out: the account page asks to log in");

  await context.close();
  assert.equal(problems, []);
});

test("the branding options show in the browser", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const { problems } = await watch(page);
  await page.goto(`${branded.httpURL}/oauth/login`);
  assert.is(await page.title(), "Log in · Example Account · Example Network");
  assert.is(await page.locator("html").getAttribute("lang"), "en-GB");
  const header = await page.locator("header.site").innerText();
  for (const text of ["Example Network", "LoRaWAN for makers", "Operated by Example Co", "Cluster: eu1", "Choose another cluster"]) assert.ok(header.includes(text), `${text} in ${header}`);
  assert.is(await page.locator("header.site img").getAttribute("src"), `${siteURL}/brand/logo.svg`);
  // Loaded and decoded, so the policy let it in.
  await page.waitForFunction("(() => { const i = document.querySelector('header.site img'); return i && i.complete && i.naturalWidth > 0; })()", undefined, { timeout: 10_000 });
  const footer = await page.locator("footer.site").innerText();
  for (const text of ["Fair use policy", "Service level: 99.9%", "Support plan: priority"]) assert.ok(footer.includes(text), `${text} in ${footer}`);
  // The theme color reaches the CSS (through the nonce'd style element).
  const brand = await page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()");
  assert.is(brand, "#ff6600");
  await page.screenshot({ path: artifactPath("oauth-login-branded.png"), fullPage: true });
  await context.close();
  assert.equal(problems, []);
});

test("the other pages show in Chromium without errors", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const { problems } = await watch(page);
  const base = server.httpURL;
  const pages: [string, string][] = [
    ["/oauth/forgot-password", "Forgot your password?"],
    ["/oauth/update-password", "Choose a new password"],
    ["/oauth/token-login", "Log in with a login link"],
    ["/oauth/code?code=MF2XI.CODE", "Your authorization code"],
  ];
  for (const [path, heading] of pages) {
    await page.goto(base + path);
    assert.is(await page.locator("main h1").first().innerText(), heading, path);
  }
  assert.equal(problems, []);
  // The error page: Chromium reports the document's own 404 status, nothing else.
  await page.goto(`${base}/oauth/no-such-page`);
  assert.is(await page.locator("main h1").first().innerText(), "Something went wrong");
  assert.equal(problems.filter((p) => !/status of 404 .*\/oauth\/no-such-page\)$/.test(p)), []);
  await context.close();
});

test("a CSP violation would be caught: an injected inline script without the nonce is blocked and reported", async () => {
  // Shows the watcher works: the page's policy blocks what an attacker would inject.
  const context = await browser.newContext();
  const page = await context.newPage();
  const { problems } = await watch(page);
  await page.goto(`${server.httpURL}/oauth/login`);
  await page.evaluate(`{ const s = document.createElement("script"); s.textContent = "window.__injected = true"; document.body.appendChild(s); }`);
  await page.waitForTimeout(200);
  assert.is(await page.evaluate("window.__injected"), undefined);
  assert.ok(problems.some((p) => p.startsWith("CSP violation: script-src")), problems.join("\n"));
  await context.close();
});

test.after(async () => {
  await browser.close();
  for (const s of [server, branded]) await s.close();
  await mailbox.stop();
  await new Promise<void>((resolve) => site.close(() => resolve()));
});
test.run();
