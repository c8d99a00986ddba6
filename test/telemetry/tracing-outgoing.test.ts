// Tracing of outgoing calls: a single sign-on against a real OpenID Provider
// (oidc-provider) whose token endpoint receives a traceparent of the callback
// request's trace, the calls being CLIENT spans of that request; and e-mail
// through SendGrid (a local HTTP server) as spans of their own whose
// traceparent the API request carries.
import http from "node:http";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { WebClient } from "../helpers/browser.js";
import { startTestServer } from "../helpers/harness.js";
import { startOidcProvider } from "../helpers/oidc-provider.js";
import { startOtlpReceiver, Kind, Status, type ReceivedSpan } from "../helpers/otlp-receiver.js";
import { address, loginToken, network } from "../email/helpers.js";
import { callbackOf, createProvider, serveCanonically, ssoLogin } from "../sso/sso-helpers.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// SendGrid's API: every request's headers kept, 202 for all.
const sendgridRequests: http.IncomingHttpHeaders[] = [];
const sendgrid = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    sendgridRequests.push(req.headers);
    res.writeHead(202).end();
  });
});
await new Promise<void>((resolve) => sendgrid.listen(0, "127.0.0.1", resolve));

const receiver = await startOtlpReceiver();
const op = await startOidcProvider({ accounts: { "sub-traced": { email: "traced@example.com", email_verified: true, name: "Traced Person", preferred_username: "traced" } } });
const ts = await startTestServer({
  "tracing.enable": true,
  "tracing.collector-config.endpoint-url": receiver.url,
  "is.email.provider": "sendgrid",
  "is.email.sendgrid.api-key": "SG.test-key",
  "is.email.sendgrid.api-url": `http://127.0.0.1:${(sendgrid.address() as { port: number }).port}`,
  ...network,
});
serveCanonically(ts);
const clientId = `${ts.tenantId}-corp`;
op.addClient({ client_id: clientId, client_secret: "secret-of-corp", redirect_uris: [callbackOf(ts, "corp")] });
await createProvider(ts, { id: "corp", url: op.issuer, clientId, clientSecret: "secret-of-corp" });

async function spansUntil<T>(pick: (spans: ReceivedSpan[]) => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 250; i++) {
    await ts.server.flushTraces!();
    const found = pick(receiver.spans);
    if (found !== undefined) return found;
    await sleep(20);
  }
  throw new Error(`no ${what} among ${JSON.stringify(receiver.spans.map((s) => s.name))}`);
}

test("single sign-on: the provider receives a traceparent of the callback request's trace; its calls are CLIENT spans of the request", async () => {
  const { callback } = await ssoLogin(ts, new WebClient(ts.httpURL), "corp", { op, sub: "sub-traced" });
  assert.is(callback.status, 302, callback.text.slice(0, 400));
  const sent = op.tokenRequests.at(-1)?.traceparent;
  const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(sent ?? "");
  assert.ok(m, `a sampled traceparent at the token endpoint: ${sent}`);
  const [, traceId, parentId] = m!;

  const root = await spansUntil((spans) => spans.find((s) => s.kind === Kind.SERVER && s.traceId === traceId), "the callback's span");
  assert.is(root.name, "GET /oauth/login/corp/callback");
  assert.is(root.parentSpanId, "");
  const token = receiver.spans.find((s) => s.spanId === parentId);
  assert.ok(token, "the token request's span is the parent the provider saw");
  assert.is(token!.kind, Kind.CLIENT);
  assert.is(token!.parentSpanId, root.spanId);
  assert.is(token!.attributes["http.request.method"], "POST");
  assert.is(token!.attributes["http.response.status_code"], 200);
  assert.is(token!.attributes["url.full"], `${op.issuer}/token`);
  // userinfo too, from the same request.
  const calls = receiver.spans.filter((s) => s.parentSpanId === root.spanId && s.kind === Kind.CLIENT).map((s) => s.name);
  assert.ok(calls.some((n) => n.endsWith("/me")), `userinfo called as a span of the request: ${calls}`);
});

test("e-mail through SendGrid: a span of its own per delivery, its traceparent on the API request", async () => {
  const to = address("traced-mail");
  await ts.server.emails.queue(ts.server.store, loginToken(to));
  const span = await spansUntil((spans) => spans.find((s) => s.name === "email send" && s.attributes["is.email.template"] === "login_token"), "the delivery's span");
  assert.is(span.kind, Kind.CLIENT);
  assert.is(span.parentSpanId, "", "a root: the request that queued it is long gone");
  assert.is(span.attributes["is.email.provider"], "sendgrid");
  assert.is(span.attributes["is.tenant_id"], ts.tenantId);
  assert.is(span.status.code, Status.UNSET);
  const headers = sendgridRequests.at(-1)!;
  assert.is(headers.traceparent, `00-${span.traceId}-${span.spanId}-01`);
});

test.after(async () => {
  await ts.close();
  await op.close();
  await receiver.close();
  await new Promise<void>((resolve) => sendgrid.close(() => resolve()));
});

test.run();
