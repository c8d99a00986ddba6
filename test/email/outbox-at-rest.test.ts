// Tokens at rest in the e-mail outbox: every token-carrying mail (registration
// validation, invitation, login token, temporary password) goes through a real
// SMTP server; the values read from the received mail must then appear nowhere
// in the database (every row of every table as text, and `pg_dump --data-only`
// on PostgreSQL). Mail still queued is sealed with is.email.encryption-key-id,
// mail given up is scrubbed, and the migration scrubs rows of earlier versions.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { UserAccess, UserInvitationRegistry, UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { silentLogger } from "../../src/log.js";
import { startServer } from "../../src/server.js";
import * as schema from "../../src/store/pg/schema/index.js";
import type { Database, Db } from "../../src/store/pg/database.js";
import { grpcClient } from "../helpers/clients.js";
import { testDatabase } from "../helpers/database.js";
import { it } from "../helpers/expect.js";
import { startTestServer, testConfig, type TestServer } from "../helpers/harness.js";
import { startMailbox, type ReceivedMail } from "../helpers/mailbox.js";
import { invitationLink, register, validationLink } from "../services/account-flows-helpers.js";
import { address, loginToken, smtpOptions, waitFor } from "./helpers.js";

const mailbox = await startMailbox();
const KEY_ID = "mail-key-1";
const sealing = { "key-vault.static": [`${KEY_ID}=${"a1".repeat(32)}`], "is.email.encryption-key-id": KEY_ID };
const flows = { "is.login-tokens.enabled": true };
test.after(() => mailbox.stop());

// ---- what a dump holds ---------------------------------------------------------

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? []));

/** Every row of every table of `db`, as text: what any dump of the data would show. */
async function everyRow(db: Db): Promise<string> {
  const tables = rowsOf<{ s: string; t: string }>(
    await db.execute(sql`SELECT table_schema AS s, table_name AS t FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`),
  );
  assert.ok(tables.some((t) => t.t === "email_outbox"), "the scan sees the outbox");
  const out: string[] = [];
  for (const { s, t } of tables) {
    const q = `SELECT x::text AS row FROM "${s.replaceAll('"', '""')}"."${t.replaceAll('"', '""')}" x`;
    for (const r of rowsOf<{ row: string }>(await db.execute(sql.raw(q)))) out.push(r.row);
  }
  return out.join("\n");
}

const run = promisify(execFile);
/** pg_dump from PATH, else the newest of /usr/lib/postgresql/<version>/bin. */
async function pgDumpBinary(): Promise<string> {
  const candidates = ["pg_dump"];
  try {
    for (const v of readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a))) candidates.push(`/usr/lib/postgresql/${v}/bin/pg_dump`);
  } catch {
    // no Debian layout
  }
  for (const c of candidates) if (await run(c, ["--version"]).then(() => true, () => false)) return c;
  throw new Error("DATABASE_URL is set but no pg_dump was found");
}

/** The database as someone holding a dump sees it: every row on both databases, `pg_dump --data-only` on PostgreSQL too. */
async function dump(): Promise<string> {
  const parts = [await everyRow((await testDatabase()).db)];
  const url = process.env.DATABASE_URL;
  if (url) {
    const { stdout } = await run(await pgDumpBinary(), ["--data-only", url], { maxBuffer: 512 * 1024 * 1024 });
    assert.match(stdout, "COPY public.email_outbox", "pg_dump dumped the outbox");
    parts.push(stdout);
  }
  return parts.join("\n");
}

function assertAbsent(text: string, secrets: Record<string, string>): void {
  for (const [what, value] of Object.entries(secrets)) {
    assert.ok(value.length >= 20, `${what} read from the mail: ${value}`);
    assert.not.ok(text.includes(value), `the ${what} is in the database dump`);
  }
}

interface StoredBody {
  template: string;
  recipient: { address: string };
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
  attempts: number;
  sent_at: Date | null;
  given_up: boolean;
  last_error: string | null;
}

async function storedBodies(tenantId: string): Promise<StoredBody[]> {
  const db = (await testDatabase()).db;
  return rowsOf<StoredBody>(
    await db.execute(sql`SELECT template, recipient, subject, text_body, html_body, attempts, sent_at, next_attempt_at = 'infinity' AS given_up, last_error
      FROM email_outbox WHERE tenant_id = ${tenantId} ORDER BY created_at`),
  );
}

// ---- the token-carrying mail -----------------------------------------------------

const loginTokenOf = (mail: ReceivedMail) => /\/token-login\?token=([A-Z2-7]{52})\b/.exec(mail.text)?.[1] ?? "";
const temporaryPasswordOf = (mail: ReceivedMail) => /Temporary password: ([A-Z2-7]{52})\b/.exec(mail.text)?.[1] ?? "";

/** Sends one mail of each token-carrying kind through the mailbox; returns the secrets read from them. */
async function sendEveryKind(server: TestServer): Promise<Record<string, string>> {
  const tag = randomBytes(3).toString("hex");
  await register(server, `rest-reg-${tag}`);
  const validationToken = validationLink(await mailbox.next(`rest-reg-${tag}@example.org`)).token;

  const invitee = address("rest-invitee");
  await grpcClient(server, UserInvitationRegistry, server.adminAPIKey).send({ email: invitee });
  const invitationToken = invitationLink(await mailbox.next(invitee));

  const u = await server.population.user();
  await grpcClient(server, UserAccess).createLoginToken({ userIds: { userId: u.id } });
  const token = loginTokenOf(await mailbox.next(`${u.id}@example.com`));

  const v = await server.population.user();
  await grpcClient(server, UserRegistry).createTemporaryPassword({ userIds: { userId: v.id } });
  const temporaryPassword = temporaryPasswordOf(await mailbox.next(`${v.id}@example.com`));

  return { "validation token": validationToken, "invitation token": invitationToken, "login token": token, "temporary password": temporaryPassword };
}

/** Sent rows keep their metadata and nothing of the message. */
async function assertScrubbed(rows: StoredBody[]): Promise<void> {
  assert.equal(rows.map((r) => r.template).sort(), ["invitation", "login_token", "temporary_password", "validate"]);
  for (const r of rows) {
    assert.ok(r.recipient.address && r.attempts >= 1, JSON.stringify(r));
    assert.equal([r.subject, r.text_body, r.html_body], [null, null, null], `${r.template}: body scrubbed`);
  }
}

for (const [name, options] of [
  ["with is.email.encryption-key-id", sealing],
  ["without an encryption key", {}],
] as const) {
  it(`${name}: after delivery no token or temporary password of any mail is in the database (row scan${process.env.DATABASE_URL ? " and pg_dump" : ""})`, async () => {
    const server = await startTestServer(smtpOptions(mailbox, { ...flows, ...options }));
    try {
      const secrets = await sendEveryKind(server);
      const rows = await waitFor("every message marked sent", async () => {
        const rows = await storedBodies(server.tenantId);
        return rows.length === 4 && rows.every((r) => r.sent_at) && rows;
      });
      assertAbsent(await dump(), secrets);
      await assertScrubbed(rows);
    } finally {
      await server.close();
    }
  });
}

it("mail queued while SMTP is down is sealed with is.email.encryption-key-id: a dump then holds no usable password", async () => {
  const server = await startTestServer(smtpOptions(mailbox, sealing));
  try {
    await mailbox.stop();
    const u = await server.population.user();
    await grpcClient(server, UserRegistry).createTemporaryPassword({ userIds: { userId: u.id } });
    const [queued] = await waitFor("a failed attempt", async () => {
      const rows = await storedBodies(server.tenantId);
      return rows[0]?.last_error ? rows : undefined;
    });
    assert.is(queued!.sent_at, null);
    for (const part of [queued!.subject, queued!.text_body, queued!.html_body]) assert.match(part ?? "", new RegExp(`^${KEY_ID}:[0-9a-f]+$`));
    const whileQueued = await dump();

    await mailbox.start();
    const mail = await mailbox.next(`${u.id}@example.com`);
    assert.match(mail.subject, /temporary password/i, "the sealed subject is opened for sending");
    const password = temporaryPasswordOf(mail);
    assertAbsent(whileQueued, { "temporary password": password });
    assert.not.ok(whileQueued.includes(mail.subject), "the subject is sealed too");
    await waitFor("the row scrubbed", async () => (await storedBodies(server.tenantId))[0]?.text_body === null);
  } finally {
    await mailbox.start();
    await server.close();
  }
});

it("mail given up (is.email.queue.give-up-after) is scrubbed, also without an encryption key", async () => {
  const server = await startTestServer(smtpOptions(mailbox, { "is.email.queue.give-up-after": 300 }));
  try {
    await mailbox.stop();
    const secret = randomBytes(20).toString("hex").toUpperCase();
    const to = address("rest-given-up");
    await server.server.emails.queue(server.server.store, loginToken(to, secret));
    const [row] = await waitFor("the message given up", async () => {
      const rows = await storedBodies(server.tenantId);
      return rows[0]?.given_up && rows;
    });
    assertAbsent(await dump(), { "login token": secret });
    assert.ok(row!.last_error && row!.attempts >= 1, JSON.stringify(row));
    assert.equal([row!.subject, row!.text_body, row!.html_body], [null, null, null]);
  } finally {
    await mailbox.start();
    await server.close();
  }
});

it("a server whose key-vault.static lacks the sealing key retries the mail, and a server with the key sends it", async () => {
  await mailbox.stop();
  const a = await startTestServer(smtpOptions(mailbox, sealing));
  const to = address("rest-key-roll");
  await a.server.emails.queue(a.server.store, loginToken(to, "ROLLTOKEN"));
  await waitFor("a failed attempt", async () => (await storedBodies(a.tenantId))[0]?.last_error);
  await a.close();
  await mailbox.start();
  const b = await startTestServer(smtpOptions(mailbox), { tenantId: a.tenantId });
  try {
    const [row] = await waitFor("an attempt without the key", async () => {
      const rows = await storedBodies(a.tenantId);
      return rows[0]?.last_error?.includes(KEY_ID) ? rows : undefined;
    });
    assert.is(row!.given_up, false, "not given up: another server may hold the key");
    assert.match(row!.text_body ?? "", `${KEY_ID}:`);
  } finally {
    await b.close();
  }
  const c = await startTestServer(smtpOptions(mailbox, sealing), { tenantId: a.tenantId });
  try {
    assert.match((await mailbox.next(to)).text, "token=ROLLTOKEN");
  } finally {
    await c.close();
  }
});

it("is.email.encryption-key-id naming a key that key-vault.static lacks stops the start, naming the option", async () => {
  const err = await startTestServer(smtpOptions(mailbox, { "is.email.encryption-key-id": "missing" })).then(
    async (server) => {
      await server.close();
      return new Error("started");
    },
    (e: Error) => e,
  );
  assert.match(err.message, "is.email.encryption-key-id");
  assert.match(err.message, "missing");
});

// ---- upgrading a database of an earlier version -----------------------------------

const migrationsFolder = fileURLToPath(new URL("../../drizzle", import.meta.url));
const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
const scrubbing = journal.entries.findIndex((e) => e.tag.endsWith("_email_outbox_sealed"));

/**
 * A database of its own, migrated up to (not including) the outbox migration:
 * a fresh PGlite, or a schema of its own in the DATABASE_URL database (the
 * migrations' `"public".` references are pointed at it).
 */
async function databaseBeforeUpgrade(): Promise<{ database: Database; upgrade(): Promise<void> }> {
  assert.ok(scrubbing > 0, "drizzle/ has the e-mail outbox migration");
  const url = process.env.DATABASE_URL;
  const schemaName = `email_upgrade_${randomBytes(4).toString("hex")}`;
  const folder = (upTo: number) => {
    const dir = mkdtempSync(join(tmpdir(), "outbox-migrations-"));
    cpSync(join(migrationsFolder, "meta"), join(dir, "meta"), { recursive: true });
    writeFileSync(join(dir, "meta/_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.slice(0, upTo) }));
    for (const e of journal.entries.slice(0, upTo)) {
      const text = readFileSync(join(migrationsFolder, `${e.tag}.sql`), "utf8");
      writeFileSync(join(dir, `${e.tag}.sql`), url ? text.replaceAll('"public".', `"${schemaName}".`) : text);
    }
    return dir;
  };
  const migrateTo = async (db: Db, upTo: number) => {
    const dir = folder(upTo);
    try {
      if (url) await migratePostgres(db as never, { migrationsFolder: dir, migrationsSchema: schemaName });
      else await migratePglite(db as never, { migrationsFolder: dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  let database: Database;
  if (url) {
    const client = postgres(url, { max: 2, onnotice: () => {}, connection: { search_path: schemaName } });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    database = {
      db,
      kind: "postgres",
      migrate: () => migrateTo(db, journal.entries.length),
      ping: async () => true,
      close: async () => {
        await db.execute(sql.raw(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`));
        await client.end({ timeout: 5 });
      },
    };
  } else {
    const client = new PGlite();
    await client.waitReady;
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    database = { db, kind: "pglite", migrate: () => migrateTo(db, journal.entries.length), ping: async () => true, close: () => client.close() };
  }
  await migrateTo(database.db, scrubbing);
  return { database, upgrade: () => database.migrate() };
}

it("upgrading: the migration scrubs mail that earlier versions sent or gave up; mail still queued is sent as it was", async () => {
  const { database, upgrade } = await databaseBeforeUpgrade();
  const tenant = `t${randomBytes(6).toString("hex")}`;
  const sentToken = randomBytes(20).toString("hex").toUpperCase();
  const givenUpToken = randomBytes(20).toString("hex").toUpperCase();
  const queuedTo = address("rest-upgrade-queued");
  const old = (id: string, to: string, token: string, extra: string) =>
    sql.raw(`INSERT INTO email_outbox (id, tenant_id, template, recipient, subject, text_body, html_body, attempts, created_at, next_attempt_at, sent_at)
      VALUES ('${id}', '${tenant}', 'login_token', '{"name": "Lena", "address": "${to}"}', 'Your login token: ${token}', 'Log in: https://id.example.net/oauth/token-login?token=${token}',
      '<a href="https://id.example.net/oauth/token-login?token=${token}">log in</a>', ${extra})`);
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const db = database.db;
    await db.execute(old("a-sent", address("rest-upgrade-sent"), sentToken, "1, now(), now(), now()"));
    await db.execute(old("b-given-up", address("rest-upgrade-given-up"), givenUpToken, "7, now(), 'infinity', NULL"));
    await db.execute(old("c-queued", queuedTo, "QUEUEDTOKEN", "2, now() - interval '1 minute', now() - interval '1 minute', NULL"));
    assert.ok((await everyRow(db)).includes(sentToken), "the earlier version kept the token");

    await upgrade();
    const after = await everyRow(db);
    assertAbsent(after, { "sent mail's token": sentToken, "given-up mail's token": givenUpToken });
    const rows = rowsOf<{ id: string; subject: string | null; attempts: number; sent_at: Date | null }>(
      await db.execute(sql`SELECT id, subject, attempts, sent_at FROM email_outbox ORDER BY id`),
    );
    assert.equal(rows.map((r) => [r.id, r.subject === null, r.attempts]), [["a-sent", true, 1], ["b-given-up", true, 7], ["c-queued", false, 2]]);

    // The next server sends the queued row exactly as it was rendered.
    server = await startServer({ config: testConfig(smtpOptions(mailbox)), log: silentLogger, database, tenantId: tenant });
    const mail = await mailbox.next(queuedTo);
    assert.is(mail.subject, "Your login token: QUEUEDTOKEN");
    assert.is(mail.text.trim(), "Log in: https://id.example.net/oauth/token-login?token=QUEUEDTOKEN");
    await waitFor("the queued row sent and scrubbed", async () => {
      const [row] = rowsOf<{ sent_at: Date | null; text_body: string | null }>(await db.execute(sql`SELECT sent_at, text_body FROM email_outbox WHERE id = 'c-queued'`));
      return row?.sent_at && row.text_body === null;
    });
  } finally {
    await server?.close();
    await database.close();
  }
});

test.run();
