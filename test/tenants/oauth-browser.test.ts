// The OAuth pages of two tenants in headless Chromium, which resolves
// `<tenant>.localhost` to the loopback address: alice logs in on acme's host;
// other's host, same browser, does not know her session (its cookie is acme's
// host's) and does not take acme's password; acme's session lives on. No page
// may log a console error, throw, fail a request or violate its CSP.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Browser } from "playwright-core";
import { artifactPath, launchChromium, watch } from "../helpers/browser.js";
import { startTestServer } from "../helpers/harness.js";
import { freePort } from "../oauth/core-helpers.js";
import { createTenant, tenantName } from "./oauth-helpers.js";

const port = await freePort();
const ts = await startTestServer({
  "http.listen": `127.0.0.1:${port}`,
  "tenancy.base-domains": ["localhost"],
  "is.oauth.ui.canonical-url": `http://localhost:${port}/oauth`,
});
const acmeId = tenantName("acme");
const otherId = tenantName("other");
const acme = await createTenant(acmeId);
const other = await createTenant(otherId);
await acme.population.user({ id: "alice", password: "Acme-Passw0rd!", email: "alice@acme.example" });
await other.population.user({ id: "alice", password: "Other-Passw0rd!", email: "alice@other.example" });
const acmeBase = `http://${acmeId}.localhost:${port}`;
const otherBase = `http://${otherId}.localhost:${port}`;
const browser: Browser = await launchChromium();

test("logged in on acme's host, not on other's: one browser, two tenants", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const { problems } = await watch(page);

  await page.goto(`${acmeBase}/oauth/`);
  assert.is(page.url(), `${acmeBase}/oauth/login?n=%2Foauth%2F`, "acme's account page asks to log in, on acme's host");
  await page.locator("#field-user_id").fill("alice");
  await page.locator("#field-password").fill("Acme-Passw0rd!");
  await Promise.all([page.waitForURL(`${acmeBase}/oauth/`), page.keyboard.press("Enter")]);
  await page.getByRole("heading", { name: "Your account" }).waitFor();
  assert.match(await page.locator("main").innerText(), /alice@acme\.example/);
  await page.screenshot({ path: artifactPath("tenant-acme-account.png"), fullPage: true });
  assert.ok((await context.cookies(acmeBase)).some((c) => c.name === "_session"), "acme's host has a session cookie");

  // Other's host: the cookie is acme's host's, so the browser does not even send it; other asks to log in.
  assert.not.ok((await context.cookies(otherBase)).some((c) => c.name === "_session"));
  await page.goto(`${otherBase}/oauth/`);
  assert.is(new URL(page.url()).host, `${otherId}.localhost:${port}`);
  assert.is(new URL(page.url()).pathname, "/oauth/login", "not logged in on other");
  // Acme's password is not other's alice's.
  await page.locator("#field-user_id").fill("alice");
  await page.locator("#field-password").fill("Acme-Passw0rd!");
  await Promise.all([page.waitForLoadState(), page.keyboard.press("Enter")]);
  await page.getByRole("alert").waitFor();
  assert.is(new URL(page.url()).pathname, "/oauth/login");
  await page.screenshot({ path: artifactPath("tenant-other-refused.png"), fullPage: true });
  assert.not.ok((await context.cookies(otherBase)).some((c) => c.name === "_session"));

  // Acme's session lives on.
  await page.goto(`${acmeBase}/oauth/`);
  await page.getByRole("heading", { name: "Your account" }).waitFor();

  await context.close();
  // The refused login's page answers 400, which Chromium logs; nothing else may show up.
  const refused = `console error: Failed to load resource: the server responded with a status of 400 (Bad Request) (${otherBase}/oauth/login)`;
  assert.equal(problems.filter((p) => p !== refused), []);
  assert.ok(problems.includes(refused), "the login on other was refused");
});

test.after(async () => {
  await browser.close();
  await ts.close();
});

test.run();
