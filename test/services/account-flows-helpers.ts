// What the registration, e-mail validation and invitation suites share:
// servers that deliver e-mail to a real SMTP mailbox, reading the links out of
// received messages, and registering users over gRPC.
import * as assert from "uvu/assert";
import { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { grpcClient } from "../helpers/clients.js";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import type { Mailbox, ReceivedMail } from "../helpers/mailbox.js";

export const PASSWORD = "Secret-Passw0rd";
export const HOUR = 3600_000;

/** A clock tests move forward. */
export class Clock {
  offset = 0;
  readonly now = () => new Date(Date.now() + this.offset);
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** A test server whose e-mail goes to `mailbox`. */
export function startMailingServer(mailbox: Mailbox, options: Record<string, unknown> = {}, extra: { now?: () => Date } = {}): Promise<TestServer> {
  return startTestServer({ "is.email.provider": "smtp", "is.email.smtp.address": mailbox.address, ...options }, extra);
}

/** ID and token of the validation link in a `validate` e-mail. */
export function validationLink(mail: ReceivedMail): { id: string; token: string } {
  const m = /\/validate\?reference=([A-Z2-7]+)&(?:amp;)?token=([A-Z2-7]+)/.exec(mail.text);
  assert.ok(m, `no validation link in: ${mail.subject}\n${mail.text}`);
  return { id: m![1]!, token: m![2]! };
}

/** The invitation token of the registration link in an `invitation` e-mail. */
export function invitationLink(mail: ReceivedMail): string {
  const m = /\/register\?invitation_token=([A-Z2-7]+)/.exec(mail.text);
  assert.ok(m, `no invitation link in: ${mail.subject}\n${mail.text}`);
  return m![1]!;
}

/** Fails when a message to `address` arrives (or has arrived unclaimed) within `ms`. */
export async function noMailTo(mailbox: Mailbox, address: string, ms = 700): Promise<void> {
  const got = await mailbox.next(address, ms).then((m) => m, () => undefined);
  assert.not.ok(got, `unexpected e-mail to ${address}: ${got?.subject}`);
}

/** Self-registration over gRPC (no credentials unless `key`). */
export function register(server: TestServer, id: string, opts: { email?: string; invitationToken?: string; key?: string } = {}) {
  return grpcClient(server, UserRegistry, opts.key).create({
    user: { ids: { userId: id }, primaryEmailAddress: opts.email ?? `${id}@example.org`, password: PASSWORD },
    invitationToken: opts.invitationToken ?? "",
  });
}
