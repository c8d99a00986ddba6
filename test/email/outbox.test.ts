// The outbox across failures: an SMTP outage delays mail but loses none, a
// server closed with mail queued leaves it to the next server of the tenant,
// and mail failing for longer than give-up-after is given up.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer } from "../helpers/harness.js";
import { startMailbox } from "../helpers/mailbox.js";
import { address, loginToken, outboxRows, sleep, smtpOptions, waitFor } from "./helpers.js";

const mailbox = await startMailbox();

test("an SMTP outage: mail queued meanwhile is delivered once the server is back, each once", async () => {
  const server = await startTestServer(smtpOptions(mailbox));
  const { emails, store } = server.server;
  try {
    await mailbox.stop();
    const to = [address("outage-a"), address("outage-b"), address("outage-c")];
    for (const [i, a] of to.entries()) await emails.queue(store, loginToken(a, `T${i}`));
    // Every message has failed at least once while the server was down.
    await waitFor("failed attempts", async () => {
      const rows = (await outboxRows(server.tenantId)).filter((r) => to.includes(r.recipient.address));
      return rows.length === 3 && rows.every((r) => r.attempts >= 1 && r.last_error);
    });
    await mailbox.start();
    for (const [i, a] of to.entries()) assert.match((await mailbox.next(a)).text, `token=T${i}`);
    await sleep(300);
    for (const a of to) assert.is(mailbox.received.filter((m) => m.to.includes(a)).length, 1, `${a} once`);
    const rows = (await outboxRows(server.tenantId)).filter((r) => to.includes(r.recipient.address));
    assert.ok(rows.every((r) => r.sent_at && r.attempts >= 2), JSON.stringify(rows));
  } finally {
    await mailbox.start().catch(() => {}); // already listening when the test passed
    await server.close();
  }
});

test("a restart: mail queued by a server that closed while SMTP was down is sent by the next one", async () => {
  await mailbox.stop();
  const a = await startTestServer(smtpOptions(mailbox));
  const to = [address("restart-a"), address("restart-b")];
  for (const x of to) await a.server.emails.queue(a.server.store, loginToken(x));
  await waitFor("a failed attempt", async () => (await outboxRows(a.tenantId)).some((r) => r.last_error));
  await a.close();
  await mailbox.start();
  await sleep(300);
  assert.is(mailbox.received.filter((m) => to.some((x) => m.to.includes(x))).length, 0, "a closed server sends nothing");

  const b = await startTestServer(smtpOptions(mailbox), { tenantId: a.tenantId });
  try {
    for (const x of to) await mailbox.next(x);
    const rows = await waitFor("rows marked sent", async () => {
      const rows = await outboxRows(a.tenantId);
      return rows.every((r) => r.sent_at) && rows;
    });
    assert.is(rows.length, 2);
  } finally {
    await b.close();
  }
});

test("a server of another tenant does not send this tenant's mail", async () => {
  await mailbox.stop();
  const a = await startTestServer(smtpOptions(mailbox));
  const to = address("tenant-a");
  await a.server.emails.queue(a.server.store, loginToken(to));
  await waitFor("a failed attempt", async () => (await outboxRows(a.tenantId)).some((r) => r.last_error));
  await a.close();
  await mailbox.start();
  const other = await startTestServer(smtpOptions(mailbox));
  try {
    await sleep(500);
    assert.not.ok(mailbox.received.some((m) => m.to.includes(to)));
    assert.is((await outboxRows(a.tenantId))[0]?.sent_at, null);
  } finally {
    await other.close();
  }
});

test("mail failing for longer than is.email.queue.give-up-after is given up and never sent", async () => {
  await mailbox.stop();
  const server = await startTestServer(smtpOptions(mailbox, { "is.email.queue.give-up-after": 300 }));
  try {
    const to = address("given-up");
    await server.server.emails.queue(server.server.store, loginToken(to));
    const row = await waitFor("the message given up", async () => (await outboxRows(server.tenantId)).find((r) => r.given_up));
    assert.ok(row.attempts >= 2, `attempts: ${row.attempts}`);
    assert.ok(row.last_error);
    await mailbox.start();
    await sleep(500);
    assert.not.ok(mailbox.received.some((m) => m.to.includes(to)));
  } finally {
    await mailbox.start().catch(() => {});
    await server.close();
  }
});

test("two servers of one tenant share the outbox: every message is sent exactly once", async () => {
  const a = await startTestServer(smtpOptions(mailbox));
  const b = await startTestServer(smtpOptions(mailbox), { tenantId: a.tenantId });
  try {
    const to = Array.from({ length: 20 }, (_, i) => address(`shared-${i}`));
    // Queued through both servers' e-mail into the one tenant: both workers claim from the same rows.
    await Promise.all(to.map((x, i) => (i % 2 ? a : b).server.emails.queue(a.server.store, loginToken(x))));
    for (const x of to) await mailbox.next(x);
    await sleep(500);
    for (const x of to) assert.is(mailbox.received.filter((m) => m.to.includes(x)).length, 1, x);
  } finally {
    await a.close();
    await b.close();
  }
});

test("close() leaves no timers or sockets behind (the process can exit)", async () => {
  const server = await startTestServer(smtpOptions(mailbox));
  const to = address("close");
  await server.server.emails.queue(server.server.store, loginToken(to));
  await mailbox.next(to);
  await server.close();
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  const timers = handles.filter((h) => h?.constructor?.name === "Timeout" && (h as { hasRef(): boolean }).hasRef());
  assert.is(timers.length, 0, `referenced timers left: ${timers.length}`);
});

test.after(async () => {
  await mailbox.stop();
});

test.run();
