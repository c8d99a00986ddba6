// Every is.oauth.ui option has a visible effect on the pages: one row per
// option, each read from a page served with all of them set. Plus the options
// that change what is served (is.enabled, the mount, the cookie keys).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer } from "../helpers/harness.js";
import { WebClient } from "../helpers/browser.js";

const options = {
  "is.oauth.ui.canonical-url": "https://id.example.net/acct",
  "is.oauth.ui.console-url": "https://console.example.net/c",
  "is.oauth.ui.is.base-url": "https://api.example.net/api/v3",
  "is.oauth.ui.assets-base-url": "https://cdn.example.net/static",
  "is.oauth.ui.branding-base-url": "https://brand.example.net/b",
  "is.oauth.ui.branding-cluster-id": "eu1.cloud",
  "is.oauth.ui.branding-text": "Operated by Example & Co",
  "is.oauth.ui.cluster-picker-url": "https://example.net/pick",
  "is.oauth.ui.site-name": "Example Network",
  "is.oauth.ui.title": "Example Account",
  "is.oauth.ui.sub-title": "For makers",
  "is.oauth.ui.descriptions": "Log in to the Example Network",
  "is.oauth.ui.language": "nl",
  "is.oauth.ui.theme-color": "#ff6600",
  "is.oauth.ui.css-file": ["account.css", "brand.css"],
  "is.oauth.ui.js-file": ["account.js", "brand.js"],
  "is.oauth.ui.icon-prefix": "example-",
  "is.oauth.ui.fair-use-policy-information-url": "https://example.net/fair-use",
  "is.oauth.ui.sla-applies": ">99.9%",
  "is.oauth.ui.sla-information-url": "https://example.net/sla",
  "is.oauth.ui.support-plan-applies": "priority",
  "is.oauth.ui.support-plan-information-url": "https://example.net/support",
  "is.oauth.ui.sentry-dsn": "https://key@sentry.example.net/42",
};
const branded = await startTestServer(options);
const plain = await startTestServer();
const off = await startTestServer({ "is.oauth.ui.is.enabled": false });

const page = await new WebClient(branded.httpURL).get("/oauth/login");
const plainPage = await new WebClient(plain.httpURL).get("/oauth/login");
const csp = page.headers.get("content-security-policy") ?? "";
const nonce = /'nonce-([^']+)'/.exec(csp)?.[1] ?? "missing";
const config = JSON.parse(/window\.__ttn_config__ = (\{.*?\});<\/script>/.exec(page.text)?.[1] ?? "{}");

/** [option, what must be on the branded page, what must not be on the default one] */
const rows: [string, (html: string) => boolean][] = [
  ["canonical-url", (h) => h.includes('<link rel="canonical" href="https://id.example.net/acct/login">') && config.canonical_url === "https://id.example.net/acct"],
  ["console-url", (h) => h.includes('<a href="https://console.example.net/c">Console</a>') && config.console_url === "https://console.example.net/c"],
  ["is.base-url", () => config.stack_config?.is?.base_url === "https://api.example.net/api/v3" && csp.includes("connect-src 'self' https://api.example.net")],
  ["assets-base-url", (h) => h.includes('href="https://cdn.example.net/static/account.css"') && h.includes('src="https://cdn.example.net/static/account.js"') && /script-src [^;]*https:\/\/cdn\.example\.net/.test(csp)],
  ["branding-base-url", (h) => h.includes('<img src="https://brand.example.net/b/logo.svg" alt="Example Network">') && /img-src [^;]*https:\/\/brand\.example\.net/.test(csp)],
  ["branding-cluster-id", (h) => h.includes('<span class="sub cluster-id">Cluster: eu1.cloud</span>')],
  ["branding-text", (h) => h.includes('<span class="sub branding-text">Operated by Example &amp; Co</span>')],
  ["cluster-picker-url", (h) => h.includes('<a class="cluster-picker" href="https://example.net/pick">Choose another cluster</a>')],
  ["site-name", (h) => h.includes("<title>Log in · Example Account · Example Network</title>") && h.includes('<span class="site-name">Example Network</span>')],
  ["title", (h) => /<title>[^<]*Example Account[^<]*<\/title>/.test(h)],
  ["sub-title", (h) => h.includes('<span class="sub sub-title">For makers</span>')],
  ["descriptions", (h) => h.includes('<meta name="description" content="Log in to the Example Network">')],
  ["language", (h) => h.includes('<html lang="nl">') && config.language === "nl"],
  ["theme-color", (h) => h.includes('<meta name="theme-color" content="#ff6600">') && h.includes(`<style nonce="${nonce}">:root { --brand: #ff6600; }</style>`)],
  ["css-file", (h) => h.includes(`<link rel="stylesheet" href="https://cdn.example.net/static/brand.css" nonce="${nonce}">`)],
  ["js-file", (h) => h.includes(`<script src="https://cdn.example.net/static/brand.js" defer nonce="${nonce}"></script>`)],
  ["icon-prefix", (h) => h.includes('<link rel="icon" href="https://cdn.example.net/static/example-favicon.ico">') && h.includes("example-touch-icon.png") && h.includes("example-og-image.png")],
  ["fair-use-policy-information-url", (h) => h.includes('<li class="fair-use"><a href="https://example.net/fair-use">Fair use policy</a></li>')],
  ["sla-applies", (h) => h.includes("Service level: &gt;99.9%")],
  ["sla-information-url", (h) => h.includes('<li class="sla"><a href="https://example.net/sla">')],
  ["support-plan-applies", (h) => h.includes("Support plan: priority")],
  ["support-plan-information-url", (h) => h.includes('<li class="support-plan"><a href="https://example.net/support">')],
  ["sentry-dsn", () => config.sentry_dsn === "https://key@sentry.example.net/42"],
];

for (const [option, visible] of rows) {
  test(`is.oauth.ui.${option} shows on the page`, () => {
    assert.is(page.status, 200);
    assert.ok(visible(page.text), `is.oauth.ui.${option} not visible on the branded page`);
    // The check is about this option: with the defaults it does not hold.
    assert.not.ok(visible(plainPage.text) && option !== "sentry-dsn" && option !== "is.base-url", `is.oauth.ui.${option} check also holds on the default page`);
  });
}

test("every is.oauth.ui option has a row above", async () => {
  const { options: table } = await import("../../src/config/options.js");
  const uiOptions = table.map((o) => o.name).filter((n) => n.startsWith("is.oauth.ui.") && n !== "is.oauth.ui.is.enabled");
  assert.equal(uiOptions.map((n) => n.slice("is.oauth.ui.".length)).sort(), rows.map(([o]) => o).sort());
});

test("the defaults: The Things Stack's names, local assets, English", () => {
  const h = plainPage.text;
  assert.ok(h.includes('<html lang="en">'));
  assert.ok(h.includes("<title>Log in · Account · The Things Stack for LoRaWAN</title>"));
  assert.ok(h.includes('href="/assets/account.css"'));
  assert.ok(h.includes('<link rel="icon" href="/assets/oauth-favicon.ico">'));
  assert.ok(h.includes('<link rel="canonical" href="http://localhost:1885/oauth/login">'));
  assert.not.ok(h.includes("theme-color"));
});

test("is.oauth.ui.is.enabled false: the pages answer 404; the JSON API and protocol endpoints stay", async () => {
  const w = new WebClient(off.httpURL);
  for (const path of ["/oauth/login", "/oauth/register", "/oauth/", "/oauth/authorize?client_id=x"]) {
    const res = await w.get(path);
    assert.is(res.status, 404, path);
    assert.is(res.json?.details?.[0]?.name, "page_not_found", path);
  }
  await off.population.user({ id: "api-user" });
  await w.login("api-user", "Passw0rd-of-api-user");
  assert.is((await w.get("/oauth/api/me")).status, 200);
  const token = await w.request("POST", "/oauth/token", { form: { grant_type: "authorization_code" } });
  assert.ok(token.status >= 400 && token.status < 500 && token.json, "the token endpoint still answers");
});

test("the is.oauth.ui.sla-applies text is escaped, not markup", () => {
  assert.not.ok(page.text.includes(">99.9%<") && !page.text.includes("&gt;99.9%"));
});

test("bad cookie keys or mount stop the start with the option's name", async () => {
  for (const [name, value] of [["http.cookie.hash-key", "abc"], ["http.cookie.block-key", "00".repeat(20)], ["is.oauth.mount", "oauth"]] as const) {
    let message = "";
    try {
      const s = await startTestServer({ [name]: value });
      await s.close();
    } catch (err) {
      message = (err as Error).message;
    }
    assert.ok(message.includes(name), `${name}=${value}: ${message || "started"}`);
  }
});

test.after(async () => {
  for (const s of [branded, plain, off]) await s.close();
});
test.run();
