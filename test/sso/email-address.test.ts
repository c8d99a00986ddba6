// E-mail addresses from a provider that this server does not accept for its
// users (here as in the API and the registration page: ASCII addresses only),
// through the real flow against oidc-provider: a person whose address is
// `José.Müller@example.com` gets a clear error, as JSON for JSON clients and
// as a page for people, never the raw validation error of
// `primary_email_address`; nobody is registered or linked, and once an
// administrator links the subject to an account, the same person logs in.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { WebClient } from "../helpers/browser.js";
import { api } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { startOidcProvider } from "../helpers/oidc-provider.js";
import { alertOf } from "../oauth/ui-helpers.js";
import { callbackOf, createProvider, loggedInAs, serveCanonically, ssoLogin, withoutCorrelation } from "./sso-helpers.js";

const address = "José.Müller@example.com";
const op = await startOidcProvider({
  accounts: {
    "sub-jose": { email: address, email_verified: true, name: "José Müller", given_name: "José", family_name: "Müller" },
    "sub-idn": { email: "jose@müller.example", email_verified: true, name: "José" },
  },
});
const server = await startTestServer();
serveCanonically(server);
op.addClient({ client_id: "unicode-client", client_secret: "unicode-secret", redirect_uris: [callbackOf(server, "corp")] });
await createProvider(server, { id: "corp", url: op.issuer, clientId: "unicode-client", clientSecret: "unicode-secret" });

const web = () => new WebClient(server.httpURL);
const json = { accept: "application/json" };
const userCount = async () => (await server.server.store.users.find({ limit: 1000, page: 1 })).total;

test("a non-ASCII address: the unsupported_email error for JSON clients, exactly", async () => {
  const before = await userCount();
  const w = web();
  const { callback } = await ssoLogin(server, w, "corp", { op, sub: "sub-jose" }, { headers: json });
  assert.is(callback.status, 400, callback.text);
  assert.match(callback.headers.get("content-type") ?? "", /^application\/json/);
  const format = "email address `{email}` given by authentication provider `{provider_id}` cannot be used here: only addresses of ASCII letters, digits and symbols are supported; ask an administrator to link your account";
  assert.equal(withoutCorrelation(callback.json), {
    code: 9,
    message: `error:pkg/account/oidc:unsupported_email (${format.replace("{email}", address).replace("{provider_id}", "corp")})`,
    details: [{
      "@type": "type.googleapis.com/ttn.lorawan.v3.ErrorDetails",
      namespace: "pkg/account/oidc",
      name: "unsupported_email",
      message_format: format,
      attributes: { email: address, provider_id: "corp" },
      correlation_id: "<id>",
      code: 9,
    }],
  });
  assert.is(await loggedInAs(w), undefined);
  assert.is(await userCount(), before, "nobody registered");
});

test("a non-ASCII address or domain: people see the reason on the page", async () => {
  for (const [sub, shown] of [["sub-jose", address], ["sub-idn", "jose@müller.example"]] as const) {
    const w = web();
    const { callback } = await ssoLogin(server, w, "corp", { op, sub });
    assert.is(callback.status, 400, sub);
    assert.match(callback.headers.get("content-type") ?? "", /^text\/html/);
    const alert = alertOf(callback.text) ?? "";
    assert.ok(alert.startsWith(`Email address \`${shown}\` given by authentication provider \`corp\` cannot be used here`), alert);
    assert.match(alert, /pkg\/account\/oidc:unsupported_email · [0-9a-f]{32}$/);
    assert.not.match(callback.text, /primary_email_address/);
    assert.is(await loggedInAs(w), undefined);
  }
  await server.server.store.externalUsers.getByExternalId("corp", "sub-jose").then(
    () => assert.unreachable("sub-jose must not be linked"),
    () => {},
  );
});

test("once an administrator links the subject to an account, the person logs in (the address is not used)", async () => {
  const jose = await server.population.user({ id: "jose", email: "jose@example.com" });
  const link = await api(server, "POST", "/authentication_providers/corp/external_users", {
    key: server.adminAPIKey,
    body: { external_user: { user_ids: { user_id: jose.id }, provider_ids: { provider_id: "corp" }, external_id: "sub-jose" } },
  });
  assert.is(link.status, 200, JSON.stringify(link.body));
  const w = web();
  const { callback } = await ssoLogin(server, w, "corp", { op, sub: "sub-jose" });
  assert.is(callback.status, 302, callback.text.slice(0, 400));
  assert.is(await loggedInAs(w), "jose");
});

test.after(async () => {
  await server.close();
  await op.close();
});

test.run();
