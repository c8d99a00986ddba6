// What the e-mail suites share: the options of a server that mails through a
// test mailbox with short retry timings, requests for each template, a look at
// the tenant's outbox rows, and waiting for a condition.
import { sql } from "drizzle-orm";
import type { EmailRequest } from "../../src/email/api.js";
import type { Mailbox } from "../helpers/mailbox.js";
import { testDatabase } from "../helpers/database.js";

export const network = {
  "is.email.sender-name": "Example Network",
  "is.email.sender-address": "noreply@example.net",
  "is.email.network.name": "Example Network",
  "is.email.network.identity-server-url": "https://id.example.net/oauth",
  "is.email.network.console-url": "https://console.example.net/console",
};

/** Durations in ms (the harness sets values as parsed). */
export const fastRetries = { "is.email.queue.retry-min": 50, "is.email.queue.retry-max": 200, "is.email.queue.poll-interval": 200 };

export const smtpOptions = (mailbox: Mailbox, extra: Record<string, unknown> = {}) => ({
  "is.email.provider": "smtp",
  "is.email.smtp.address": mailbox.address,
  ...(mailbox.auth ? { "is.email.smtp.username": mailbox.auth.username, "is.email.smtp.password": mailbox.auth.password } : {}),
  ...network,
  ...fastRetries,
  ...extra,
});

let n = 0;
/** A unique address per call, so suites sharing a mailbox never take each other's mail. */
export const address = (who: string) => `${who}-${++n}-${Date.now().toString(36)}@example.com`;

export const loginToken = (to: string, token = "TOKEN1"): EmailRequest => ({
  template: "login_token",
  to: { name: "Lena Login", address: to },
  data: { user: { id: "lena", name: "Lena Login" }, token },
});

export interface OutboxRow {
  id: string;
  template: string;
  recipient: { address: string };
  attempts: number;
  sent_at: Date | null;
  given_up: boolean;
  last_error: string | null;
}

export async function outboxRows(tenantId: string): Promise<OutboxRow[]> {
  const db = (await testDatabase()).db;
  const result = (await db.execute(sql`SELECT id, template, recipient, attempts, sent_at, last_error, next_attempt_at = 'infinity' AS given_up
    FROM email_outbox WHERE tenant_id = ${tenantId} ORDER BY created_at`)) as unknown as { rows?: OutboxRow[] } | OutboxRow[];
  return Array.isArray(result) ? result : (result.rows ?? []);
}

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
