// Template overrides and start-time checks: files in
// is.email.templates.directory replace the built-in parts they name (the rest
// stays), includes are partials, and a broken override or a missing option
// stops startServer with a message naming the file or option. With no
// provider, mail is logged and not stored.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createEmails } from "../../src/email/index.js";
import { silentLogger, type Logger } from "../../src/log.js";
import { startTestServer, testConfig } from "../helpers/harness.js";
import { startMailbox } from "../helpers/mailbox.js";
import { address, loginToken, network, outboxRows, smtpOptions } from "./helpers.js";

const root = await mkdtemp(join(tmpdir(), "is-templates-"));
let dirs = 0;
async function templateDir(files: Record<string, string>): Promise<string> {
  const dir = join(root, `t${++dirs}`);
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const validate = (to: string) =>
  ({ template: "validate", to: { name: "Vic", address: to }, data: { user: { id: "vic", name: "Vic" }, address: to, validationId: "REF", token: "TOK" } }) as const;

async function startFailure(options: Record<string, unknown>): Promise<string> {
  try {
    const s = await startTestServer(options);
    await s.close();
  } catch (err) {
    return (err as Error).message;
  }
  return assert.unreachable("startServer must fail") as never;
}

const mailbox = await startMailbox();

test("an override directory replaces the subject and text it has; HTML and other templates stay built in", async () => {
  const dir = await templateDir({
    "validate.subject.txt": "Confirm {{address}} for {{network.name}}\n",
    "validate.txt": "Hi {{recipientName}}! Open {{link}}\n{{> signature}}",
    "signature.txt": "-- the {{network.name}} team",
  });
  const server = await startTestServer(
    smtpOptions(mailbox, { "is.email.templates.source": "directory", "is.email.templates.directory": dir, "is.email.templates.includes": ["signature.txt"] }),
  );
  try {
    const to = address("override");
    await server.server.emails.queue(server.server.store, validate(to));
    const mail = await mailbox.next(to);
    assert.is(mail.subject, `Confirm ${to} for Example Network`);
    assert.is(mail.text.trim(), "Hi Vic! Open https://id.example.net/oauth/validate?reference=REF&token=TOK\n-- the Example Network team");
    assert.match(mail.html, "Please confirm your email address"); // built-in HTML
    const other = address("not-overridden");
    await server.server.emails.queue(server.server.store, loginToken(other));
    assert.is((await mailbox.next(other)).subject, "Your login token for Example Network");
  } finally {
    await server.close();
  }
});

test("includes override built-in partials by name (header/footer of every HTML message)", async () => {
  const dir = await templateDir({ "footer.html": "<p>Custom footer of {{network.name}}</p></body></html>" });
  const emails = await createEmails({
    config: testConfig({ ...network, "is.email.templates.source": "directory", "is.email.templates.directory": dir, "is.email.templates.includes": ["footer.html"] }),
    log: silentLogger,
  });
  const out = emails.render(loginToken("x@example.com"));
  assert.match(out.html, "<p>Custom footer of Example Network</p></body></html>");
  assert.not.match(out.html, "This message was sent by");
  await emails.close();
});

test("a template that does not parse fails the start, naming the file", async () => {
  const dir = await templateDir({ "invitation.html": "<p>{{#sender}}unclosed</p>" });
  const msg = await startFailure({ "is.email.templates.source": "directory", "is.email.templates.directory": dir });
  assert.match(msg, join(dir, "invitation.html"));
  assert.match(msg, /does not parse.*Unclosed section "sender"/);
});

test("a template referring to a missing partial fails the start, naming the file and the partial", async () => {
  const dir = await templateDir({ "login_token.txt": "{{> nowhere}} {{link}}" });
  const msg = await startFailure({ "is.email.templates.source": "directory", "is.email.templates.directory": dir });
  assert.match(msg, join(dir, "login_token.txt"));
  assert.match(msg, '"nowhere"');
});

test("a broken include or a missing one fails the start, naming the file", async () => {
  const dir = await templateDir({ "broken.html": "{{#a}}" });
  const broken = await startFailure({ "is.email.templates.source": "directory", "is.email.templates.directory": dir, "is.email.templates.includes": ["broken.html"] });
  assert.match(broken, join(dir, "broken.html"));
  const missing = await startFailure({ "is.email.templates.source": "directory", "is.email.templates.directory": dir, "is.email.templates.includes": ["gone.html"] });
  assert.match(missing, join(dir, "gone.html"));
});

test("an empty subject override fails the start", async () => {
  const dir = await templateDir({ "password_changed.subject.txt": "{{nothing}}" });
  const msg = await startFailure({ "is.email.templates.source": "directory", "is.email.templates.directory": dir });
  assert.match(msg, join(dir, "password_changed.subject.txt"));
  assert.match(msg, "empty subject");
});

test("a provider without its required option fails the start, naming the option", async () => {
  assert.match(await startFailure({ "is.email.provider": "smtp" }), "is.email.smtp.address");
  assert.match(await startFailure({ "is.email.provider": "sendgrid" }), "is.email.sendgrid.api-key");
  assert.match(await startFailure({ "is.email.provider": "dir" }), "is.email.dir");
  assert.match(await startFailure({ "is.email.provider": "smtp", "is.email.smtp.address": "host:99999" }), "is.email.smtp.address");
  assert.match(await startFailure({ "is.email.provider": "dir", "is.email.dir": "/tmp/x", "is.email.sender-address": "nobody" }), "is.email.sender-address");
  assert.match(await startFailure({ "is.email.templates.source": "directory" }), "is.email.templates.directory");
});

test("the deprecated blob and url sources read the same files", async () => {
  const blobRoot = await templateDir({});
  await mkdir(join(blobRoot, "bucket", "mail"), { recursive: true });
  await writeFile(join(blobRoot, "bucket", "mail", "login_token.subject.txt"), "Blob subject");
  const fromBlob = await createEmails({
    config: testConfig({ "blob.local.directory": blobRoot, "is.email.templates.source": "blob", "is.email.templates.blob.bucket": "bucket", "is.email.templates.blob.path": "mail" }),
    log: silentLogger,
  });
  assert.is(fromBlob.render(loginToken("x@example.com")).subject, "Blob subject");

  const files: Record<string, string> = { "/tpl/login_token.subject.txt": "URL subject {{network.name}}" };
  const web = http.createServer((req, res) => {
    const text = files[req.url!];
    res.writeHead(text === undefined ? 404 : 200).end(text);
  });
  await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
  const warnings: string[] = [];
  const log: Logger = { ...silentLogger, warn: (_f, m) => warnings.push(m) };
  try {
    const fromUrl = await createEmails({
      config: testConfig({ ...network, "is.email.templates.source": "url", "is.email.templates.url": `http://127.0.0.1:${(web.address() as { port: number }).port}/tpl/` }),
      log,
    });
    assert.is(fromUrl.render(loginToken("x@example.com")).subject, "URL subject Example Network");
    assert.match(warnings.join("\n"), "deprecated");
  } finally {
    await new Promise((r) => web.close(r));
  }
});

test("without a provider, mail is rendered and logged, not stored", async () => {
  const lines: Array<{ fields: Record<string, unknown>; msg: string }> = [];
  const log: Logger = { ...silentLogger, info: (fields, msg) => lines.push({ fields: fields as never, msg }) };
  const server = await startTestServer({}, { log });
  try {
    await server.server.emails.queue(server.server.store, loginToken("nobody@example.com"));
    const line = lines.find((l) => l.msg.startsWith("e-mail not sent"));
    assert.ok(line, "logged");
    assert.is(line!.fields.to, "nobody@example.com");
    assert.is(line!.fields.subject, "Your login token for The Things Stack");
    assert.is((await outboxRows(server.tenantId)).length, 0);
  } finally {
    await server.close();
  }
});

test.after(async () => {
  await mailbox.stop();
  await rm(root, { recursive: true, force: true });
});

test.run();
