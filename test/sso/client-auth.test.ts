// How this server authenticates at a provider's token endpoint, against real
// OpenID Providers (oidc-provider) in three variants: one that compares HTTP
// Basic credentials as sent (only the exact RFC 6749 §2.3.1 encoding passes,
// `%2D` for `-` does not), one that supports and advertises only
// client_secret_post, and one that advertises both but refuses Basic for our
// client (Basic is tried first, then post once, and post is kept). Plus the
// encoding and the choice of method as tables.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { WebClient } from "../helpers/browser.js";
import { startTestServer } from "../helpers/harness.js";
import { rfc6749Encode, startOidcProvider, type OpClient, type OpOptions, type TestOidcProvider } from "../helpers/oidc-provider.js";
import { basicCredentials, chooseMethod, formEncode } from "../../src/sso/client-auth.js";
import { callbackOf, createProvider, loggedInAs, serveCanonically, ssoLogin } from "./sso-helpers.js";

const server = await startTestServer();
serveCanonically(server);
const json = { accept: "application/json" };
const web = () => new WebClient(server.httpURL);
const ops: TestOidcProvider[] = [];

/**
 * A provider of the given variant, with one client for `providerId` registered
 * here, and one person, `sub-<providerId>`, who becomes the user `<providerId>`.
 */
async function providerAt(providerId: string, op: OpOptions, client: Omit<OpClient, "redirect_uris">, secretHere = client.client_secret): Promise<TestOidcProvider> {
  const accounts = { [`sub-${providerId}`]: { email: `${providerId}@example.com`, email_verified: true, name: providerId, preferred_username: providerId } };
  const started = await startOidcProvider({ accounts, ...op });
  ops.push(started);
  started.addClient({ ...client, redirect_uris: [callbackOf(server, providerId)] });
  await createProvider(server, { id: providerId, url: started.issuer, clientId: client.client_id, clientSecret: secretHere });
  return started;
}

const readme = { client_id: "identity-server", client_secret: "change-this-secret" };

test("RFC 6749 §2.3.1 encoding: letters, digits and *-._ stay, space is +, everything else %XX of its UTF-8", () => {
  const cases: [string, string][] = [
    ["identity-server", "identity-server"],
    ["change-this-secret", "change-this-secret"],
    ["a.b_c*d-e", "a.b_c*d-e"],
    ["two words", "two+words"],
    ["!~'()", "%21%7E%27%28%29"],
    ["a:b/c?d#e&f=g+h%i", "a%3Ab%2Fc%3Fd%23e%26f%3Dg%2Bh%25i"],
    ["José", "Jos%C3%A9"],
  ];
  for (const [raw, encoded] of cases) {
    assert.is(formEncode(raw), encoded, raw);
    assert.is(rfc6749Encode(raw), encoded, `the test provider agrees: ${raw}`);
  }
  assert.is(basicCredentials("identity-server", "change-this-secret"), `Basic ${Buffer.from("identity-server:change-this-secret").toString("base64")}`);
  assert.is(basicCredentials("a b", "c:d"), `Basic ${Buffer.from("a+b:c%3Ad").toString("base64")}`);
});

test("the method follows token_endpoint_auth_methods_supported; Basic when absent, post only as the provider allows", () => {
  const cases: [string[] | undefined, ReturnType<typeof chooseMethod>][] = [
    [undefined, { method: "client_secret_basic", postFallback: true }],
    [["client_secret_basic"], { method: "client_secret_basic", postFallback: false }],
    [["client_secret_basic", "client_secret_post"], { method: "client_secret_basic", postFallback: true }],
    [["client_secret_post", "private_key_jwt"], { method: "client_secret_post", postFallback: false }],
    [["private_key_jwt"], { method: "client_secret_basic", postFallback: false }],
  ];
  for (const [supported, expected] of cases) assert.equal(chooseMethod(supported), expected, JSON.stringify(supported));
});

test("a provider comparing Basic credentials as sent: the README's identity-server / change-this-secret logs in, sent unencoded", async () => {
  const op = await providerAt("strict", { basic: "as-sent", clientAuthMethods: ["client_secret_basic"] }, readme);
  const w = web();
  const { callback } = await ssoLogin(server, w, "strict", { op, sub: "sub-strict" }, { headers: json });
  assert.is(callback.status, 302, callback.text.slice(0, 500));
  assert.is(await loggedInAs(w), "strict");
  assert.equal(op.tokenRequests, [{ authorization: `Basic ${Buffer.from("identity-server:change-this-secret").toString("base64")}`, refusedAsSent: false }]);
});

test("a provider comparing Basic credentials as sent: an ID and secret that need encoding are encoded exactly as the RFC says", async () => {
  const client = { client_id: "strict client~1", client_secret: "s3cret with spaces:!~*'()-._" };
  const op = await providerAt("strict-odd", { basic: "as-sent", clientAuthMethods: ["client_secret_basic"] }, client);
  const { callback } = await ssoLogin(server, web(), "strict-odd", { op, sub: "sub-strict-odd" }, { headers: json });
  assert.is(callback.status, 302, callback.text.slice(0, 500));
  const sent = Buffer.from(op.tokenRequests[0]!.authorization!.slice("Basic ".length), "base64").toString();
  assert.is(sent, "strict+client%7E1:s3cret+with+spaces%3A%21%7E*%27%28%29-._");
});

test("a provider that supports only client_secret_post gets the secret in the body, never Basic", async () => {
  const op = await providerAt("post-only", { clientAuthMethods: ["client_secret_post"] }, { client_id: "post-client", client_secret: "post-secret", token_endpoint_auth_method: "client_secret_post" });
  const w = web();
  const { callback } = await ssoLogin(server, w, "post-only", { op, sub: "sub-post-only" }, { headers: json });
  assert.is(callback.status, 302, callback.text.slice(0, 500));
  assert.is(await loggedInAs(w), "post-only");
  assert.equal(op.tokenRequests.map((r) => r.authorization), [undefined]);
});

test("a provider that refuses Basic (invalid_client) though it lists it: retried once with client_secret_post, which later logins keep", async () => {
  const op = await providerAt("refuses-basic", { basic: "refused" }, { client_id: "picky-client", client_secret: "picky-secret", token_endpoint_auth_method: "client_secret_post" });
  for (let round = 0; round < 2; round++) {
    const w = web();
    const { callback } = await ssoLogin(server, w, "refuses-basic", { op, sub: "sub-refuses-basic" }, { headers: json });
    assert.is(callback.status, 302, `${round}: ${callback.text.slice(0, 500)}`);
    assert.is(await loggedInAs(w), "refuses-basic");
  }
  const sent = op.tokenRequests.map((r) => (r.authorization ? r.authorization.split(" ")[0] : "post"));
  assert.equal(sent, ["Basic", "post", "post"]);
});

test("a wrong secret: Basic refused, post tried once and refused too, and the login fails with the provider's answer", async () => {
  const op = await providerAt("wrong-secret", {}, { client_id: "right-client", client_secret: "the-right-secret" }, "a-wrong-secret");
  const w = web();
  const { callback } = await ssoLogin(server, w, "wrong-secret", { op, sub: "sub-wrong-secret" }, { headers: json });
  assert.is(callback.status, 401, callback.text.slice(0, 500));
  assert.is(callback.json.details[0].name, "invalid_provider_response");
  assert.match(callback.json.details[0].attributes.reason, /^the provider answered 401 invalid_client/);
  assert.is(await loggedInAs(w), undefined);
  assert.is(op.tokenRequests.length, 2, "one retry, no more");
});

test.after(async () => {
  await server.close();
  await Promise.all(ops.map((op) => op.close()));
});

test.run();
