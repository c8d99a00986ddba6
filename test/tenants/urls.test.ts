// The rule that moves configured URLs onto a tenant's host (src/tenancy/urls.ts),
// and where it applies: the OAuth options of a tenant and its e-mail links.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { defaultConfig } from "../../src/config/index.js";
import { tenantNetwork } from "../../src/email/index.js";
import { tenantOAuthConfig } from "../../src/oauth/tenant-front.js";
import { tenantUrl } from "../../src/tenancy/urls.js";

const hosts = { defaultId: "default", baseDomains: ["eu1.example.com", "localhost"] };

test("tenantUrl: a base domain's URL gets the label, the default tenant and hosts of their own do not", () => {
  const table: Array<[string, string, string | undefined]> = [
    ["http://localhost:1885/oauth", "acme", "http://acme.localhost:1885/oauth"],
    ["https://eu1.example.com/oauth", "acme", "https://acme.eu1.example.com/oauth"],
    ["https://EU1.example.com./console/", "acme", "https://acme.eu1.example.com/console/"],
    ["https://eu1.example.com", "acme", "https://acme.eu1.example.com"],
    ["https://eu1.example.com/oauth?x=1", "acme", "https://acme.eu1.example.com/oauth?x=1"],
    ["https://account.example.com/oauth", "acme", undefined],
    ["https://x.eu1.example.com/oauth", "acme", undefined],
    ["http://127.0.0.1:1885/oauth", "acme", undefined],
    ["http://localhost:1885/oauth", "default", "http://localhost:1885/oauth"],
    ["", "acme", ""],
    ["/assets", "acme", "/assets"],
  ];
  for (const [url, tenant, want] of table) assert.is(tenantUrl(url, tenant, hosts), want, `${url} for ${tenant}`);
  assert.is(tenantUrl("http://localhost:1885/oauth", "acme", { defaultId: "default", baseDomains: [] }), "http://localhost:1885/oauth", "no base domains: no tenant hosts");
});

test("a tenant's OAuth options: canonical, Console and API URLs on its host; a canonical URL of its own host gives way to the request's", () => {
  const config = defaultConfig();
  config.tenancy.baseDomains = ["localhost"];
  config.is.oauth.ui.canonicalUrl = "http://localhost:1885/oauth";
  config.is.oauth.ui.consoleUrl = "http://localhost:1885/console";
  config.is.oauth.ui.is.baseUrl = "http://localhost:1885/api/v3";
  const acme = tenantOAuthConfig(config, "acme", { defaultId: "default", baseDomains: ["localhost"] });
  assert.is(acme.is.oauth.ui.canonicalUrl, "http://acme.localhost:1885/oauth");
  assert.is(acme.is.oauth.ui.consoleUrl, "http://acme.localhost:1885/console");
  assert.is(acme.is.oauth.ui.is.baseUrl, "http://acme.localhost:1885/api/v3");
  assert.is(config.is.oauth.ui.canonicalUrl, "http://localhost:1885/oauth", "the server's options stay as they are");
  assert.is(tenantOAuthConfig(config, "default", { defaultId: "default", baseDomains: ["localhost"] }), config);

  config.is.oauth.ui.canonicalUrl = "https://account.example.net/oauth";
  assert.is(tenantOAuthConfig(config, "acme", { defaultId: "default", baseDomains: ["localhost"] }).is.oauth.ui.canonicalUrl, "", "the issuer follows the request's host");
});

test("a tenant's e-mail links: on its host, under the first base domain when the configured host is one of its own", () => {
  const network = { name: "N", identityServerURL: "https://account.example.net/oauth", consoleURL: "https://eu1.example.com/console", assetsBaseURL: "", brandingBaseURL: "" };
  const acme = tenantNetwork(network, "acme", hosts);
  assert.is(acme.identityServerURL, "https://acme.eu1.example.com/oauth");
  assert.is(acme.consoleURL, "https://acme.eu1.example.com/console");
  assert.equal(tenantNetwork(network, "default", hosts), network);
});

test.run();
