// The callback URL of single sign-on lies below the issuer: with
// `is.oauth.ui.canonical-url` emptied by the operator, the server derives it
// from the request's host and scheme (as discovery and RFC 9207's `iss` do),
// so the provider is sent an absolute redirect URI and the login completes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { WebClient } from "../helpers/browser.js";
import { startTestServer } from "../helpers/harness.js";
import { startOidcProvider } from "../helpers/oidc-provider.js";
import { callbackOf, createProvider, loggedInAs, ssoLogin } from "./sso-helpers.js";

const op = await startOidcProvider({
  accounts: { "sub-hosted": { email: "hosted@example.com", email_verified: true, name: "Hosted Person" } },
});
const server = await startTestServer({ "is.oauth.ui.canonical-url": "" });
op.addClient({ client_id: "hosted-client", client_secret: "hosted-secret", redirect_uris: [callbackOf(server, "corp")] });
await createProvider(server, { id: "corp", url: op.issuer, clientId: "hosted-client", clientSecret: "hosted-secret" });

test("without a canonical URL, the provider gets the callback URL of the host the browser used, and the login completes", async () => {
  const w = new WebClient(server.httpURL);
  const start = await w.get("/oauth/login/corp");
  assert.is(start.status, 302, start.text);
  assert.is(new URL(start.location!).searchParams.get("redirect_uri"), callbackOf(server, "corp"));
  const { callback } = await ssoLogin(server, new WebClient(server.httpURL), "corp", { op, sub: "sub-hosted" });
  assert.is(callback.status, 302, callback.text.slice(0, 400));
  const after = new WebClient(server.httpURL);
  const again = await ssoLogin(server, after, "corp", { op, sub: "sub-hosted" });
  assert.is(again.callback.status, 302);
  assert.ok(await loggedInAs(after), "logged in");
});

test.after(async () => {
  await server.close();
  await op.close();
});

test.run();
