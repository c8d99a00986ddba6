// E-mail through SendGrid's v3 API, against a local HTTP server that records
// each request and answers with the status the test chose: the request's
// headers and JSON, retries after 5xx and 429, no retry after another 4xx.
import http from "node:http";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer } from "../helpers/harness.js";
import { address, fastRetries, loginToken, network, outboxRows, sleep, waitFor } from "./helpers.js";

interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const recorded: Recorded[] = [];
/** Statuses to answer per recipient, in order; 202 when none is left. */
const plan = new Map<string, number[]>();

const api = http.createServer((req, res) => {
  let text = "";
  req.on("data", (c: Buffer) => (text += c.toString()));
  req.on("end", () => {
    const body = JSON.parse(text);
    recorded.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    const to = body.personalizations?.[0]?.to?.[0]?.email as string;
    const status = plan.get(to)?.shift() ?? 202;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(status >= 400 ? JSON.stringify({ errors: [{ message: `planned ${status}` }] }) : "");
  });
});
await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
const apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}`;

const server = await startTestServer({
  "is.email.provider": "sendgrid",
  "is.email.sendgrid.api-key": "SG.test-key",
  "is.email.sendgrid.api-url": apiUrl,
  "is.email.sendgrid.sandbox": true,
  ...network,
  ...fastRetries,
});
const { emails, store } = server.server;
const requestsTo = (to: string) => recorded.filter((r) => r.body.personalizations?.[0]?.to?.[0]?.email === to);

test("a message is one POST /v3/mail/send with the API key and the documented JSON", async () => {
  const to = address("sg");
  await emails.queue(store, loginToken(to, "SGTOKEN"));
  const [req] = await waitFor("the request", async () => (requestsTo(to).length ? requestsTo(to) : undefined));
  assert.is(req!.method, "POST");
  assert.is(req!.url, "/v3/mail/send");
  assert.is(req!.headers.authorization, "Bearer SG.test-key");
  assert.match(req!.headers["content-type"] ?? "", "application/json");
  const b = req!.body;
  assert.equal(b.personalizations, [{ to: [{ email: to, name: "Lena Login" }] }]);
  assert.equal(b.from, { email: "noreply@example.net", name: "Example Network" });
  assert.is(b.subject, "Your login token for Example Network");
  assert.equal(b.content.map((c: { type: string }) => c.type), ["text/plain", "text/html"]);
  assert.match(b.content[0].value, "https://id.example.net/oauth/token-login?token=SGTOKEN");
  assert.match(b.content[1].value, 'href="https://id.example.net/oauth/token-login?token=SGTOKEN"');
  assert.equal(b.mail_settings, { sandbox_mode: { enable: true } });
  await waitFor("marked sent", async () => (await outboxRows(server.tenantId)).find((r) => r.recipient.address === to && r.sent_at));
});

test("5xx and 429 answers are retried until a 2xx", async () => {
  const to = address("sg-retry");
  plan.set(to, [503, 429, 500]);
  await emails.queue(store, loginToken(to));
  const row = await waitFor("marked sent", async () => (await outboxRows(server.tenantId)).find((r) => r.recipient.address === to && r.sent_at));
  assert.is(row.attempts, 4);
  const reqs = requestsTo(to);
  assert.is(reqs.length, 4);
  assert.ok(reqs.every((r) => JSON.stringify(r.body) === JSON.stringify(reqs[0]!.body)), "every attempt sends the same message");
});

test("another 4xx is permanent: logged, not retried", async () => {
  const to = address("sg-refused");
  plan.set(to, [400, 202]);
  await emails.queue(store, loginToken(to));
  const row = await waitFor("given up", async () => (await outboxRows(server.tenantId)).find((r) => r.recipient.address === to && r.given_up));
  assert.match(row.last_error ?? "", "HTTP 400");
  await sleep(400);
  assert.is(requestsTo(to).length, 1);
  assert.is((await outboxRows(server.tenantId)).find((r) => r.recipient.address === to)?.sent_at, null);
});

test("an unreachable API is retried", async () => {
  const down = await startTestServer({
    "is.email.provider": "sendgrid",
    "is.email.sendgrid.api-key": "SG.k",
    "is.email.sendgrid.api-url": "http://127.0.0.1:1",
    ...network,
    ...fastRetries,
  });
  try {
    const to = address("sg-down");
    await down.server.emails.queue(down.server.store, loginToken(to));
    const row = await waitFor("two failed attempts", async () => (await outboxRows(down.tenantId)).find((r) => r.attempts >= 2));
    assert.is(row.given_up, false);
    assert.match(row.last_error ?? "", /fetch failed|ECONNREFUSED/);
  } finally {
    await down.close();
  }
});

test.after(async () => {
  await server.close();
  await new Promise((r) => api.close(r));
});

test.run();
