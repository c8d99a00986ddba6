// What the callback refuses in a provider's answer, with a hand-made provider
// that forges ID tokens (expired, another audience, another nonce, another
// issuer, a key it does not publish), and a provider that is down or hangs:
// each fails cleanly and fast, nobody is logged in or registered. Also the
// discovery cache: reused across logins, refreshed when the provider changes.
import net from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { WebClient } from "../helpers/browser.js";
import { api } from "../helpers/clients.js";
import { startForgedOp, type ForgeryMode } from "../helpers/forged-op.js";
import { startTestServer } from "../helpers/harness.js";
import { alertOf } from "../oauth/ui-helpers.js";
import { createProvider, loggedInAs, serveCanonically, ssoLogin } from "./sso-helpers.js";

const timeoutMs = 400;
const server = await startTestServer({ "is.authentication-providers.request-timeout": timeoutMs });
serveCanonically(server);
const forged = await startForgedOp({ clientId: "forged-client", claims: { sub: "sub-forged", email: "forged@example.com", email_verified: true, name: "For Ged" } });
await createProvider(server, { id: "forged", url: forged.issuer, clientId: "forged-client", clientSecret: "s3cret" });

// A port nobody listens on: taken, then released.
const closedPort = await new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => {
    const { port } = s.address() as net.AddressInfo;
    s.close(() => resolve(port));
  });
});
await createProvider(server, { id: "down", url: `http://127.0.0.1:${closedPort}`, clientId: "c", clientSecret: "s" });
// A provider that accepts connections and never answers.
const sockets = new Set<net.Socket>();
const hanging = net.createServer((socket) => void sockets.add(socket));
await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
await createProvider(server, { id: "hanging", url: `http://127.0.0.1:${(hanging.address() as net.AddressInfo).port}`, clientId: "c", clientSecret: "s" });

const web = () => new WebClient(server.httpURL);
const json = { accept: "application/json" };
const users = async () => (await server.server.store.users.find({ limit: 1000, page: 1 })).total;

test("each forged ID token is refused: nobody logged in, nobody registered", async () => {
  const before = await users();
  const cases: [ForgeryMode, RegExp][] = [
    ["expired", /unexpected JWT "exp" \(expiration time\) claim value/],
    ["foreign-audience", /unexpected JWT "aud" \(audience\) claim value/],
    ["wrong-nonce", /unexpected ID Token "nonce" claim value/],
    ["wrong-issuer", /unexpected JWT "iss" \(issuer\) claim value/],
    ["unpublished-key", /JWT signature verification failed/],
  ];
  for (const [mode, reason] of cases) {
    forged.mode = mode;
    const w = web();
    const { callback } = await ssoLogin(server, w, "forged", { forged: true }, { headers: json });
    assert.is(callback.status, 401, `${mode}: ${callback.text}`);
    assert.is(callback.json.details[0].name, "invalid_provider_response", mode);
    assert.match(callback.json.message, reason, `${mode}: ${callback.json.message}`);
    assert.is(await loggedInAs(w), undefined, mode);

    const page = await ssoLogin(server, w, "forged", { forged: true });
    assert.is(page.callback.status, 401, mode);
    assert.match(alertOf(page.callback.text) ?? "", /The answer of authentication provider `forged` could not be verified/);
  }
  assert.is(await users(), before);
});

test("the same hand-made provider, honest, logs in: the refusals above are about the tokens", async () => {
  forged.mode = "honest";
  const w = web();
  const { callback } = await ssoLogin(server, w, "forged", { forged: true });
  assert.is(callback.status, 302, callback.text.slice(0, 300));
  assert.is(await loggedInAs(w), "forged");
});

test("discovery is cached across logins and done again when the provider's client settings change", async () => {
  forged.mode = "honest";
  const seen = forged.discoveryRequests;
  for (let i = 0; i < 3; i++) assert.is((await ssoLogin(server, web(), "forged", { forged: true })).callback.status, 302);
  assert.is(forged.discoveryRequests, seen, "no discovery while cached");
  const updated = await api(server, "PUT", "/authentication_providers/forged", {
    key: server.adminAPIKey,
    body: { provider: { configuration: { oidc: { client_id: "forged-client", client_secret: "n3w-s3cret", provider_url: forged.issuer } } }, field_mask: { paths: ["configuration.provider.oidc.client_secret"] } },
  });
  assert.is(updated.status, 200, JSON.stringify(updated.body));
  assert.is((await ssoLogin(server, web(), "forged", { forged: true })).callback.status, 302);
  assert.is(forged.discoveryRequests, seen + 1, "the new secret takes effect at once");
});

test("a provider that is down: a clear error page, fast", async () => {
  const t0 = Date.now();
  const page = await web().get("/oauth/login/down");
  assert.ok(Date.now() - t0 < timeoutMs + 1000, `took ${Date.now() - t0} ms`);
  assert.is(page.status, 503);
  assert.match(alertOf(page.text) ?? "", /Authentication provider `down` cannot be reached: .*ECONNREFUSED/);
  const body = (await web().get("/oauth/login/down", json)).json;
  assert.is(body.details[0].name, "provider_unreachable");
  assert.is(body.code, 14);
});

test("a provider that never answers: the error after request-timeout, never a hang", async () => {
  const t0 = Date.now();
  const res = await web().get("/oauth/login/hanging", json);
  const took = Date.now() - t0;
  assert.is(res.status, 503);
  assert.is(res.json.details[0].name, "provider_unreachable");
  assert.match(res.json.message, /no answer in time/);
  assert.ok(took >= timeoutMs - 50 && took < timeoutMs + 1500, `took ${took} ms`);
  assert.ok(sockets.size > 0, "the request did reach the provider");
});

test("a provider whose token endpoint never answers: the callback fails after request-timeout", async () => {
  forged.mode = "token-hangs";
  const w = web();
  const start = await w.get("/oauth/login/forged");
  const back = new URL((await fetch(start.location!, { redirect: "manual" })).headers.get("location")!);
  const t0 = Date.now();
  const res = await w.get(back.pathname + back.search, json);
  const took = Date.now() - t0;
  assert.is(res.status, 503);
  assert.is(res.json.details[0].name, "provider_unreachable");
  assert.match(res.json.message, /no answer in time/);
  assert.ok(took >= timeoutMs - 50 && took < timeoutMs + 1500, `took ${took} ms`);
  assert.is(await loggedInAs(w), undefined);
  forged.mode = "honest";
});

test.after(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all([server.close(), forged.close(), new Promise((resolve) => hanging.close(resolve))]);
});

test.run();
