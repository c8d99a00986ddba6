// UserRegistry.CreateTemporaryPassword (password reset by e-mail) and its use
// in UpdatePassword: the temporary password arrives by e-mail on a real SMTP
// server, works once, expires after an hour, and unknown users get the same
// answer as known ones.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import * as assert from "uvu/assert";
import { test } from "uvu";
import { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { api, grpcClient } from "../helpers/clients.js";
import { httpError, it, rejects } from "../helpers/expect.js";
import { startTestServer } from "../helpers/harness.js";
import { startMailbox } from "../helpers/mailbox.js";

const HOUR = 3600_000;
const mailbox = await startMailbox();
let clockOffset = 0;
const server = await startTestServer(
  { "is.email.provider": "smtp", "is.email.smtp.address": mailbox.address },
  { now: () => new Date(Date.now() + clockOffset) },
);
test.after(async () => {
  await server.close();
  await mailbox.stop();
});

const anonymous = grpcClient(server, UserRegistry);
const ids = (userId: string) => ({ userId });

/** The temporary password of the next e-mail to `address`, checked against the link in it. */
async function temporaryPasswordMailed(address: string, userId: string): Promise<string> {
  const mail = await mailbox.next(address);
  assert.match(mail.subject, /temporary password/i);
  const password = /Temporary password: ([A-Z2-7]{52})\b/.exec(mail.text)?.[1];
  assert.ok(password, mail.text);
  assert.ok(mail.text.includes(`/update-password?user=${userId}&current=${password}`), mail.text);
  return password;
}

/** Nothing more arrives for `address` within a second. */
async function noMoreMail(address: string): Promise<void> {
  await mailbox.next(address, 1000).then(
    (m) => assert.unreachable(`unexpected e-mail "${m.subject}"`),
    () => undefined,
  );
}

it("anyone can ask: the password is e-mailed, stored hashed, valid for an hour", async () => {
  const u = await server.population.user();
  const before = Date.now() + clockOffset;
  assert.equal(await anonymous.createTemporaryPassword({ userIds: ids(u.id) }), { $typeName: "google.protobuf.Empty" });
  const password = await temporaryPasswordMailed(`${u.id}@example.com`, u.id);
  const row = await server.server.store.users.get(u.id);
  assert.ok(row.temporaryPassword.startsWith("$argon2id$"), "stored as a password hash");
  assert.not.ok(row.temporaryPassword.includes(password));
  const created = timestampDate(row.temporaryPasswordCreatedAt!).getTime();
  assert.ok(created >= before - 1000 && created <= Date.now() + clockOffset + 1000, "created now");
  assert.is(timestampDate(row.temporaryPasswordExpiresAt!).getTime() - created, HOUR);
});

it("the temporary password changes the password once; the password rules apply to the new one", async () => {
  const u = await server.population.user();
  await anonymous.createTemporaryPassword({ userIds: ids(u.id) });
  const temporary = await temporaryPasswordMailed(`${u.id}@example.com`, u.id);
  await rejects(anonymous.updatePassword({ userIds: ids(u.id), old: temporary, new: "weak" }), Code.InvalidArgument, "password_strength");
  await anonymous.updatePassword({ userIds: ids(u.id), old: temporary, new: "Fresh-Passw0rd-1" });
  const row = await server.server.store.users.get(u.id);
  assert.is(row.temporaryPassword, "", "used up");
  assert.is(row.temporaryPasswordExpiresAt, undefined);
  await rejects(anonymous.updatePassword({ userIds: ids(u.id), old: temporary, new: "Fresh-Passw0rd-2" }), Code.Unauthenticated, "old_password");
  // The new password is the password now, and the old one no longer is.
  await rejects(anonymous.updatePassword({ userIds: ids(u.id), old: u.password, new: "Fresh-Passw0rd-3" }), Code.Unauthenticated, "old_password");
  await anonymous.updatePassword({ userIds: ids(u.id), old: "Fresh-Passw0rd-1", new: "Fresh-Passw0rd-2" });
});

it("the current password keeps working while a temporary one is pending", async () => {
  const u = await server.population.user();
  await anonymous.createTemporaryPassword({ userIds: ids(u.id) });
  await temporaryPasswordMailed(`${u.id}@example.com`, u.id);
  await anonymous.updatePassword({ userIds: ids(u.id), old: u.password, new: "Fresh-Passw0rd-1" });
});

it("a second request while the first is valid: temporary_password_still_valid, and no e-mail", async () => {
  const u = await server.population.user();
  await anonymous.createTemporaryPassword({ userIds: ids(u.id) });
  const first = await temporaryPasswordMailed(`${u.id}@example.com`, u.id);
  await rejects(anonymous.createTemporaryPassword({ userIds: ids(u.id) }), Code.InvalidArgument, "temporary_password_still_valid");
  httpError(await api(server, "POST", `/users/${u.id}/temporary_password`), 400, "temporary_password_still_valid");
  await noMoreMail(`${u.id}@example.com`);
  // The first one still works.
  await anonymous.updatePassword({ userIds: ids(u.id), old: first, new: "Fresh-Passw0rd-1" });
});

it("after an hour the temporary password is expired, and a new one can be requested", async () => {
  const u = await server.population.user();
  await anonymous.createTemporaryPassword({ userIds: ids(u.id) });
  const old = await temporaryPasswordMailed(`${u.id}@example.com`, u.id);
  clockOffset += HOUR + 1000;
  try {
    await rejects(anonymous.updatePassword({ userIds: ids(u.id), old, new: "Fresh-Passw0rd-1" }), Code.Unauthenticated, "temporary_password_expired");
    await anonymous.createTemporaryPassword({ userIds: ids(u.id) });
    const fresh = await temporaryPasswordMailed(`${u.id}@example.com`, u.id);
    assert.is.not(fresh, old);
    await rejects(anonymous.updatePassword({ userIds: ids(u.id), old, new: "Fresh-Passw0rd-1" }), Code.Unauthenticated, "old_password");
    await anonymous.updatePassword({ userIds: ids(u.id), old: fresh, new: "Fresh-Passw0rd-1" });
  } finally {
    clockOffset -= HOUR + 1000;
  }
});

it("unknown and deleted users get the same empty answer (no account enumeration), and no e-mail", async () => {
  assert.equal(await anonymous.createTemporaryPassword({ userIds: ids("nobody-here") }), { $typeName: "google.protobuf.Empty" });
  const gone = await server.population.user();
  await server.server.store.users.delete(gone.id);
  await anonymous.createTemporaryPassword({ userIds: ids(gone.id) });
  const res = await api(server, "POST", "/users/nobody-here/temporary_password");
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body, {});
  await noMoreMail(`${gone.id}@example.com`);
  assert.is((await server.server.store.users.get(gone.id, { includeDeleted: true })).temporaryPassword, "");
});

it("over HTTP without credentials: POST /users/{id}/temporary_password answers {}", async () => {
  const u = await server.population.user();
  const res = await api(server, "POST", `/users/${u.id}/temporary_password`);
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body, {});
  const password = await temporaryPasswordMailed(`${u.id}@example.com`, u.id);
  const changed = await api(server, "PUT", `/users/${u.id}/password`, { body: { old: password, new: "Fresh-Passw0rd-1" } });
  assert.is(changed.status, 200, JSON.stringify(changed.body));
});

it("concurrent resets: exactly one temporary password is set and mailed", async () => {
  const u = await server.population.user();
  const results = await Promise.allSettled(Array.from({ length: 6 }, () => anonymous.createTemporaryPassword({ userIds: ids(u.id) })));
  assert.is(results.filter((r) => r.status === "fulfilled").length, 1);
  const password = await temporaryPasswordMailed(`${u.id}@example.com`, u.id);
  await noMoreMail(`${u.id}@example.com`);
  await anonymous.updatePassword({ userIds: ids(u.id), old: password, new: "Fresh-Passw0rd-1" });
  // Straight at the store, where the calls overlap the most.
  const v = await server.population.user();
  const at = new Date(Date.now() + clockOffset);
  const set = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) => server.server.store.users.setTemporaryPassword(v.id, `hash-${i}`, { now: at, expiresAt: new Date(at.getTime() + HOUR) })),
  );
  assert.is(set.filter((r) => r.status === "fulfilled").length, 1);
  await rejects(server.server.store.users.setTemporaryPassword("nobody-here", "hash", { now: at, expiresAt: at }), Code.NotFound, "user_not_found");
});

it("a malformed user ID is a validation error", async () => {
  await rejects(anonymous.createTemporaryPassword({ userIds: ids("Not_An_ID") }), Code.InvalidArgument, "validation");
  await rejects(anonymous.createTemporaryPassword({}), Code.InvalidArgument, "validation");
});

test.run();
