// Provider options with their other values, through a public flow (password
// reset, which e-mails `temporary_password`): is.email.sendgrid.sandbox=false
// sends sandbox mode off (sendgrid.test.ts covers true), and
// is.email.smtp.connections bounds the pool of reused SMTP connections,
// counted by a real SMTP server (smtp-server) of this test.
import http from "node:http";
import { SMTPServer } from "smtp-server";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { api } from "../helpers/clients.js";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { fastRetries, network, waitFor } from "./helpers.js";

// ---- a SendGrid stand-in -----------------------------------------------------

const sendgridBodies: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
const sendgrid = http.createServer((req, res) => {
  let text = "";
  req.on("data", (c: Buffer) => (text += c.toString()));
  req.on("end", () => {
    sendgridBodies.push(JSON.parse(text));
    res.writeHead(202);
    res.end();
  });
});
await new Promise<void>((resolve) => sendgrid.listen(0, "127.0.0.1", resolve));

// ---- an SMTP server that counts connections ---------------------------------

const smtp = { open: 0, maxOpen: 0, opened: 0, received: [] as string[] };
const smtpServer = new SMTPServer({
  disabledCommands: ["STARTTLS", "AUTH"],
  authOptional: true,
  logger: false,
  closeTimeout: 100,
  onConnect(_session, cb) {
    smtp.opened++;
    smtp.maxOpen = Math.max(smtp.maxOpen, ++smtp.open);
    cb();
  },
  onClose() {
    smtp.open--;
  },
  onRcptTo(address, _session, cb) {
    smtp.received.push(address.address);
    cb();
  },
  onData(stream, _session, cb) {
    stream.resume();
    // Slow enough that queued messages wait for a free connection.
    stream.on("end", () => setTimeout(() => cb(), 150));
  },
});
await new Promise<void>((resolve) => smtpServer.listen(0, "127.0.0.1", () => resolve()));
const smtpAddress = `127.0.0.1:${(smtpServer.server.address() as { port: number }).port}`;

const servers: TestServer[] = [];
test.after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await new Promise<void>((resolve) => smtpServer.close(() => resolve()));
  await new Promise<void>((resolve) => sendgrid.close(() => resolve()));
});

async function start(options: Record<string, unknown>): Promise<TestServer> {
  const s = await startTestServer({ ...network, ...fastRetries, ...options });
  servers.push(s);
  return s;
}

/** Users `<prefix>-1..n` ask for a temporary password: one e-mail each. */
async function resetPasswords(s: TestServer, prefix: string, n: number): Promise<string[]> {
  const addresses: string[] = [];
  for (let i = 1; i <= n; i++) {
    const id = `${prefix}-${i}`;
    await s.population.user({ id });
    addresses.push(`${id}@example.com`);
  }
  await Promise.all(addresses.map(async (_, i) => {
    const res = await api(s, "POST", `/users/${prefix}-${i + 1}/temporary_password`);
    assert.is(res.status, 200, JSON.stringify(res.body));
  }));
  return addresses;
}

test("is.email.sendgrid.sandbox=false: the request turns sandbox mode off", async () => {
  const s = await start({
    "is.email.provider": "sendgrid",
    "is.email.sendgrid.api-key": "SG.other",
    "is.email.sendgrid.api-url": `http://127.0.0.1:${(sendgrid.address() as { port: number }).port}`,
    "is.email.sendgrid.sandbox": false,
  });
  const [to] = await resetPasswords(s, "po-sg", 1);
  const body = await waitFor("the SendGrid request", async () => sendgridBodies.find((b) => b.personalizations?.[0]?.to?.[0]?.email === to));
  assert.is(body.subject, "Your temporary password for Example Network");
  assert.equal(body.mail_settings, { sandbox_mode: { enable: false } });
});

test("is.email.smtp.connections=1: every message goes over one reused connection", async () => {
  smtp.opened = 0;
  smtp.maxOpen = smtp.open;
  const s = await start({ "is.email.provider": "smtp", "is.email.smtp.address": smtpAddress, "is.email.smtp.connections": 1 });
  const addresses = await resetPasswords(s, "po-one", 5);
  await waitFor("5 messages", async () => addresses.every((a) => smtp.received.includes(a)));
  assert.is(smtp.opened, 1);
  assert.is(smtp.maxOpen, 1);
  await s.close();
});

test("is.email.smtp.connections=3: several connections at once, never more than 3, reused", async () => {
  await waitFor("the previous pool closed", async () => smtp.open === 0);
  smtp.opened = 0;
  smtp.maxOpen = 0;
  const s = await start({ "is.email.provider": "smtp", "is.email.smtp.address": smtpAddress, "is.email.smtp.connections": 3 });
  const addresses = await resetPasswords(s, "po-three", 12);
  await waitFor("12 messages", async () => addresses.every((a) => smtp.received.includes(a)));
  assert.ok(smtp.maxOpen >= 2 && smtp.maxOpen <= 3, `at most 3 at once, more than 1: ${smtp.maxOpen}`);
  assert.ok(smtp.opened <= 3, `connections are reused: ${smtp.opened} opened for 12 messages`);
});

test.run();
