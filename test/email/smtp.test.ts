// E-mail through SMTP to a real SMTP server (test/helpers/mailbox.ts): every
// template arrives with its subject, sender, greeting, links built from the
// network URLs and both parts; the server authenticates with the configured
// credentials; mail queued in a transaction goes out only when it commits.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { EmailRequest } from "../../src/email/api.js";
import { startTestServer } from "../helpers/harness.js";
import { startMailbox } from "../helpers/mailbox.js";
import { address, outboxRows, sleep, smtpOptions, waitFor } from "./helpers.js";

const mailbox = await startMailbox({ auth: { username: "mailer", password: "s3cret" } });
// A long poll interval: delivery here must come from the kick after commit.
const server = await startTestServer(smtpOptions(mailbox, { "is.email.queue.poll-interval": 60_000 }));
const { emails, store } = server.server;

const html = (s: string) => s.replace(/&/g, "&amp;");

test("a validation e-mail: sender, recipient, subject, greeting, link in text and HTML", async () => {
  const to = address("vera");
  await emails.queue(store, {
    template: "validate",
    to: { name: "Vera Validate", address: to },
    data: { user: { id: "vera", name: "Vera Validate" }, address: to, validationId: "REF123", token: "TOK456" },
  });
  const mail = await mailbox.next(to);
  assert.equal(mail.to, [to]);
  assert.is(mail.from, "noreply@example.net");
  assert.is(mail.raw.from?.value[0]?.name, "Example Network");
  assert.is(mail.subject, "Please confirm your email address for Example Network");
  const link = "https://id.example.net/oauth/validate?reference=REF123&token=TOK456";
  assert.match(mail.text, "Dear Vera Validate,");
  assert.match(mail.text, link);
  assert.match(mail.html, `href="${html(link)}"`);
  assert.match(mail.html, "Dear Vera Validate,");
  assert.ok(mail.raw.date, "Date header");
  assert.match(mail.raw.messageId ?? "", /@example\.net>$/);
});

const subjects: Array<[EmailRequest, string, string]> = (() => {
  const user = { id: "uma", name: "Uma User" };
  const app = { kind: "application", id: "my-app" };
  const key = { id: "KEYID", name: "reader", rights: ["RIGHT_APPLICATION_INFO"] };
  const con = "https://console.example.net/console";
  const is = "https://id.example.net/oauth";
  const req = <R extends EmailRequest>(r: Omit<R, "to">) => ({ ...r, to: { name: "", address: "" } }) as R;
  return [
    [req({ template: "validate", data: { user, address: "x", validationId: "V", token: "T" } }), "Please confirm your email address for Example Network", `${is}/validate?reference=V&token=T`],
    [req({ template: "invitation", data: { sender: { id: "admin", name: "" }, token: "INV" } }), "You have been invited to join Example Network", `${is}/register?invitation_token=INV`],
    [req({ template: "temporary_password", data: { user, temporaryPassword: "TMPPW" } }), "Your temporary password for Example Network", `${is}/update-password?user=uma&current=TMPPW`],
    [req({ template: "login_token", data: { user, token: "LT" } }), "Your login token for Example Network", `${is}/token-login?token=LT`],
    [req({ template: "api_key_created", data: { receiver: user, entity: app, key } }), "A new API key has been created for your application", `${con}/applications/my-app/api-keys/KEYID`],
    [req({ template: "api_key_changed", data: { receiver: user, entity: { kind: "gateway", id: "gw" }, key } }), "An API key of your gateway has been changed", `${con}/gateways/gw/api-keys/KEYID`],
    [
      req({ template: "collaborator_changed", data: { receiver: user, entity: { kind: "organization", id: "org" }, collaborator: { kind: "user", id: "bob" }, rights: ["RIGHT_ORGANIZATION_INFO"] } }),
      "A collaborator of your organization has been changed",
      `${con}/organizations/org/members/user/bob`,
    ],
    [
      req({ template: "entity_state_changed", data: { receiver: user, entity: { kind: "client", id: "cli" }, state: "STATE_APPROVED", stateDescription: "" } }),
      "The state of your OAuth client has been changed",
      `${con}/oauth-clients/cli`,
    ],
    [req({ template: "password_changed", data: { receiver: user, entity: { kind: "user", id: "uma" } } }), "Your password on Example Network has been changed", `${con}/user-settings/profile`],
    [
      req({ template: "user_requested", data: { receiver: user, entity: { kind: "user", id: "newbie" }, requester: { id: "newbie", name: "New", email: "n@example.com" } } }),
      "A new user has requested to join Example Network",
      `${con}/admin-panel/user-management/newbie`,
    ],
    [
      req({ template: "client_requested", data: { receiver: user, entity: { kind: "client", id: "cli" }, client: { id: "cli", name: "CLI" }, collaborator: { kind: "user", id: "uma" } } }),
      "A new OAuth client has been requested",
      `${con}/oauth-clients/cli`,
    ],
  ];
})();

test("every template is delivered with the subject of spec §6.8, a greeting and its link", async () => {
  assert.is(subjects.length, 11);
  const sent = subjects.map(([req, subject, link]) => {
    const to = address(req.template.replace(/_/g, "-"));
    return { req: { ...req, to: { name: "", address: to } } as EmailRequest, subject, link, to };
  });
  for (const s of sent) await emails.queue(store, s.req);
  for (const s of sent) {
    const mail = await mailbox.next(s.to);
    assert.is(mail.subject, s.subject, s.req.template);
    assert.match(mail.text, s.link, `${s.req.template} text link`);
    assert.match(mail.html, `href="${html(s.link)}"`, `${s.req.template} html link`);
    const greeting = s.req.template === "invitation" ? "Hello," : s.req.template === "user_requested" || s.req.template === "client_requested" ? "Dear Uma User," : "Dear Uma User,";
    assert.match(mail.text, greeting, `${s.req.template} greeting`);
  }
});

test("the greeting falls back to the user ID; names are escaped in HTML, not in text", async () => {
  const to = address("noname");
  await emails.queue(store, loginTokenFor(to, { id: "no-name", name: "" }));
  assert.match((await mailbox.next(to)).text, "Dear no-name,");

  const to2 = address("evil");
  await emails.queue(store, loginTokenFor(to2, { id: "eve", name: `<b>Eve & "Co"</b>` }));
  const mail = await mailbox.next(to2);
  assert.match(mail.text, `Dear <b>Eve & "Co"</b>,`);
  assert.match(mail.html, "Dear &lt;b&gt;Eve &amp; &quot;Co&quot;&lt;/b&gt;,");
  assert.not.match(mail.html, "<b>Eve");
});

function loginTokenFor(to: string, user: { id: string; name: string }): EmailRequest {
  return { template: "login_token", to: { name: user.name, address: to }, data: { user, token: "T" } };
}

test("mail queued in a committed transaction is sent; in a rolled-back one it never is", async () => {
  const committed = address("committed");
  await store.transact(async (tx) => {
    await emails.queue(tx, loginTokenFor(committed, { id: "c", name: "C" }));
  });
  await mailbox.next(committed);

  const rolledBack = address("rolled-back");
  await store
    .transact(async (tx) => {
      await emails.queue(tx, loginTokenFor(rolledBack, { id: "r", name: "R" }));
      throw new Error("roll back");
    })
    .then(() => assert.unreachable("the transaction must fail"), (err: Error) => assert.is(err.message, "roll back"));
  const after = address("after");
  await emails.queue(store, loginTokenFor(after, { id: "a", name: "A" }));
  await mailbox.next(after);
  await sleep(300);
  assert.not.ok(mailbox.received.some((m) => m.to.includes(rolledBack)), "rolled-back mail was sent");
  assert.not.ok((await outboxRows(server.tenantId)).some((r) => r.recipient.address === rolledBack), "rolled-back mail is in the outbox");
});

test("sent messages are marked sent in the outbox, once", async () => {
  const to = address("marked");
  await emails.queue(store, loginTokenFor(to, { id: "m", name: "M" }));
  await mailbox.next(to);
  const row = await waitFor("the row marked sent", async () => (await outboxRows(server.tenantId)).find((r) => r.recipient.address === to && r.sent_at));
  assert.is(row.attempts, 1);
  assert.is(row.last_error, null);
  assert.is(mailbox.received.filter((m) => m.to.includes(to)).length, 1);
});

test("without the SMTP credentials the server refuses the mail: nothing arrives and it stays queued", async () => {
  const wrong = await startTestServer(smtpOptions(mailbox, { "is.email.smtp.password": "wrong" }));
  try {
    const to = address("unauthenticated");
    await wrong.server.emails.queue(wrong.server.store, loginTokenFor(to, { id: "u", name: "U" }));
    const row = await waitFor("a failed attempt", async () => (await outboxRows(wrong.tenantId)).find((r) => r.attempts >= 1 && r.last_error));
    assert.match(row.last_error ?? "", /auth|535|credentials/i);
    assert.is(row.sent_at, null);
    assert.is(row.given_up, false, "authentication failures are retried");
    assert.not.ok(mailbox.received.some((m) => m.to.includes(to)));
  } finally {
    await wrong.close();
  }
});

test.after(async () => {
  await server.close();
  await mailbox.stop();
});

test.run();
