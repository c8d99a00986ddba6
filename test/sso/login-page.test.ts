// The login page's single sign-on buttons (one link per provider, by name,
// carrying `n`), is.user-login.disable-credentials-login (only the buttons; the
// password endpoints refuse) and the warning at start when that leaves nobody a
// way to log in.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createLogger } from "../../src/log.js";
import { WebClient } from "../helpers/browser.js";
import { startTestServer } from "../helpers/harness.js";
import { createProvider } from "./sso-helpers.js";

const server = await startTestServer();
await createProvider(server, { id: "zeta", name: "Zeta <b>Login</b>", url: "http://127.0.0.1:9", clientId: "c", clientSecret: "s" });
await createProvider(server, { id: "alpha", name: "Alpha Login", url: "http://127.0.0.1:9", clientId: "c", clientSecret: "s" });

const logLines: string[] = [];
const log = createLogger({ level: "warn", format: "json", write: (line) => void logLines.push(line) });
const ssoOnly = await startTestServer({ "is.user-login.disable-credentials-login": true }, { log });

const buttons = (html: string) => [...html.matchAll(/<a class="button" href="([^"]*)">([^<]*)<\/a>/g)].map((m) => [m[1]!.replaceAll("&amp;", "&"), m[2]!]);
const warned = () => logLines.some((l) => JSON.parse(l).msg.includes("no authentication provider is registered"));

test("one button per provider, by name (escaped), in name order, carrying n", async () => {
  const page = await new WebClient(server.httpURL).get(`/oauth/login?${new URLSearchParams({ n: "/oauth/authorize?client_id=app&state=x" })}`);
  assert.is(page.status, 200);
  const n = new URLSearchParams({ n: "/oauth/authorize?client_id=app&state=x" });
  assert.equal(buttons(page.text), [
    [`/oauth/login/alpha?${n}`, "Alpha Login"],
    [`/oauth/login/zeta?${n}`, "Zeta &lt;b&gt;Login&lt;/b&gt;"],
  ]);
  assert.match(page.text, /<nav class="sso" aria-label="Log in with another account">/);
  assert.match(page.text, /name="user_id"/, "the password form stays");
  const plain = await new WebClient(server.httpURL).get("/oauth/login");
  assert.equal(buttons(plain.text).map(([href]) => href), ["/oauth/login/alpha", "/oauth/login/zeta"]);
});

test("without providers the page has no buttons", async () => {
  const other = await startTestServer();
  try {
    const page = await new WebClient(other.httpURL).get("/oauth/login");
    assert.equal(buttons(page.text), []);
    assert.not.match(page.text, /class="sso"/);
  } finally {
    await other.close();
  }
});

test("disable-credentials-login without providers: a warning at start, and the page says password login is off", async () => {
  assert.ok(warned(), logLines.join("\n"));
  const page = await new WebClient(ssoOnly.httpURL).get("/oauth/login");
  assert.match(page.text, /Login with user ID and password is disabled on this network/);
  assert.not.match(page.text, /name="user_id"/);
});

test("disable-credentials-login with a provider: only the buttons; the password login refuses; no warning at the next start", async () => {
  await createProvider(ssoOnly, { id: "corp", name: "Corporate Login", url: "http://127.0.0.1:9", clientId: "c", clientSecret: "s" });
  const page = await new WebClient(ssoOnly.httpURL).get("/oauth/login");
  assert.equal(buttons(page.text), [["/oauth/login/corp", "Corporate Login"]]);
  assert.not.match(page.text, /name="user_id"|name="password"|disabled on this network/);
  const admin = await ssoOnly.population.user({ id: "pw-user" });
  const refused = await new WebClient(ssoOnly.httpURL).postJson("/oauth/api/auth/login", { user_id: "pw-user", password: admin.password });
  assert.is(refused.status, 403);
  assert.is(refused.json.details[0].name, "credentials_login_disabled");

  logLines.length = 0;
  const restarted = await startTestServer({ "is.user-login.disable-credentials-login": true }, { log, tenantId: ssoOnly.tenantId });
  try {
    assert.not.ok(warned(), logLines.join("\n"));
  } finally {
    await restarted.close();
  }
});

test("with is.oauth.mount at the root the provider routes are served there too", async () => {
  const root = await startTestServer({ "is.oauth.mount": "/" });
  try {
    // A provider on a closed port: the start route answers (an error page), not the API's 404.
    await createProvider(root, { id: "corp", name: "Corporate Login", url: "http://127.0.0.1:9", clientId: "c", clientSecret: "s" });
    const page = await new WebClient(root.httpURL).get("/login");
    assert.equal(buttons(page.text), [["/login/corp", "Corporate Login"]]);
    const start = await new WebClient(root.httpURL).get("/login/corp", { accept: "application/json" });
    assert.is(start.json?.details?.[0]?.name, "provider_unreachable", start.text);
  } finally {
    await root.close();
  }
});

test("no warning when password login is on", async () => {
  logLines.length = 0;
  const normal = await startTestServer({}, { log });
  try {
    assert.not.ok(warned());
  } finally {
    await normal.close();
  }
});

test.after(async () => {
  await Promise.all([server.close(), ssoOnly.close()]);
});

test.run();
