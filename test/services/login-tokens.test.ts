// UserAccess.CreateLoginToken (magic links) and the store's single-use
// consumption the OAuth login will call: tokens arrive by e-mail on a real
// SMTP server, administrators may skip the e-mail and receive a non-admin's
// token, at most five are active per user, and unknown users are not revealed
// to callers who are not administrators.
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { UserAccess, UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { MAX_ACTIVE_LOGIN_TOKENS } from "../../src/accounts/login-tokens.js";
import { api, grpcClient } from "../helpers/clients.js";
import { httpError, it, rejects } from "../helpers/expect.js";
import { startTestServer } from "../helpers/harness.js";
import { startMailbox } from "../helpers/mailbox.js";
import { R } from "../helpers/population.js";

const HOUR = 3600_000;
const mailbox = await startMailbox();
let clockOffset = 0;
const now = () => new Date(Date.now() + clockOffset);
const server = await startTestServer(
  { "is.login-tokens.enabled": true, "is.email.provider": "smtp", "is.email.smtp.address": mailbox.address },
  { now },
);
/** Login tokens off (the default). */
const disabled = await startTestServer();
test.after(async () => {
  await server.close();
  await disabled.close();
  await mailbox.stop();
});

const store = server.server.store;
const access = (key?: string) => grpcClient(server, UserAccess, key);
const ids = (userId: string) => ({ userId });

/** The token in the next e-mail to the user. */
async function tokenMailed(userId: string): Promise<string> {
  const mail = await mailbox.next(`${userId}@example.com`);
  assert.match(mail.subject, /login token/i);
  const token = /\/token-login\?token=([A-Z2-7]{52})\b/.exec(mail.text)?.[1];
  assert.ok(token, mail.text);
  return token;
}

async function noMoreMail(userId: string): Promise<void> {
  await mailbox.next(`${userId}@example.com`, 1000).then(
    (m) => assert.unreachable(`unexpected e-mail "${m.subject}"`),
    () => undefined,
  );
}

it("disabled by default: login_tokens_disabled (400), for admins too", async () => {
  const u = await disabled.population.user();
  await rejects(grpcClient(disabled, UserAccess).createLoginToken({ userIds: ids(u.id) }), Code.InvalidArgument, "login_tokens_disabled");
  await rejects(grpcClient(disabled, UserAccess, disabled.adminAPIKey).createLoginToken({ userIds: ids(u.id), skipEmail: true }), Code.InvalidArgument, "login_tokens_disabled");
  httpError(await api(disabled, "POST", `/users/${u.id}/login-tokens`), 400, "login_tokens_disabled");
});

it("anyone may ask: the token is e-mailed, not returned, and logs the user in once", async () => {
  const u = await server.population.user();
  const res = await access().createLoginToken({ userIds: ids(u.id) });
  assert.is(res.token, "");
  const token = await tokenMailed(u.id);
  assert.equal(await store.loginTokens.consume(token, now()), { userId: u.id });
  await rejects(store.loginTokens.consume(token, now()), Code.FailedPrecondition, "login_token_already_used");
});

it("another user's key needs no rights, and gets no token either", async () => {
  const u = await server.population.user();
  const other = await server.population.user();
  const res = await access(other.apiKey).createLoginToken({ userIds: ids(u.id), skipEmail: true });
  assert.is(res.token, "", "skip_email is for admins only");
  await tokenMailed(u.id);
});

it("an admin with skip_email receives a non-admin's token, and no e-mail is sent", async () => {
  const u = await server.population.user();
  const { token } = await access(server.adminAPIKey).createLoginToken({ userIds: ids(u.id), skipEmail: true });
  assert.match(token, /^[A-Z2-7]{52}$/);
  await noMoreMail(u.id);
  assert.equal(await store.loginTokens.consume(token, now()), { userId: u.id });
});

it("an admin without skip_email: e-mailed and returned, the same token", async () => {
  const u = await server.population.user();
  const { token } = await access(server.adminAPIKey).createLoginToken({ userIds: ids(u.id) });
  assert.is(await tokenMailed(u.id), token);
});

it("an admin never receives another admin's token", async () => {
  const other = await server.population.user({ admin: true });
  const res = await access(server.adminAPIKey).createLoginToken({ userIds: ids(other.id), skipEmail: true });
  assert.is(res.token, "");
  await noMoreMail(other.id);
  const mailed = await access(server.adminAPIKey).createLoginToken({ userIds: ids(other.id) });
  assert.is(mailed.token, "");
  await tokenMailed(other.id);
});

it("unknown users: the same empty answer for non-admins (no enumeration), user_not_found for admins", async () => {
  const someone = await server.population.user();
  assert.is((await access().createLoginToken({ userIds: ids("nobody-here") })).token, "");
  assert.is((await access(someone.apiKey).createLoginToken({ userIds: ids("nobody-here") })).token, "");
  const res = await api(server, "POST", "/users/nobody-here/login-tokens");
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body, {});
  await rejects(access(server.adminAPIKey).createLoginToken({ userIds: ids("nobody-here") }), Code.NotFound, "user_not_found");
  const gone = await server.population.user();
  await store.users.delete(gone.id);
  assert.is((await access().createLoginToken({ userIds: ids(gone.id) })).token, "");
  await rejects(access(server.adminAPIKey).createLoginToken({ userIds: ids(gone.id) }), Code.NotFound, "user_not_found");
});

it(`at most ${MAX_ACTIVE_LOGIN_TOKENS} active tokens: login_tokens_still_valid (409); used and expired ones do not count`, async () => {
  const u = await server.population.user();
  const tokens: string[] = [];
  for (let i = 0; i < MAX_ACTIVE_LOGIN_TOKENS; i++) tokens.push((await access(server.adminAPIKey).createLoginToken({ userIds: ids(u.id), skipEmail: true })).token);
  assert.is(new Set(tokens).size, MAX_ACTIVE_LOGIN_TOKENS);
  await rejects(access().createLoginToken({ userIds: ids(u.id) }), Code.AlreadyExists, "login_tokens_still_valid");
  httpError(await api(server, "POST", `/users/${u.id}/login-tokens`), 409, "login_tokens_still_valid");
  await noMoreMail(u.id);
  // Using one frees a place.
  await store.loginTokens.consume(tokens[0]!, now());
  await access().createLoginToken({ userIds: ids(u.id) });
  await tokenMailed(u.id);
  await rejects(access().createLoginToken({ userIds: ids(u.id) }), Code.AlreadyExists, "login_tokens_still_valid");
  // After the TTL (is.login-tokens.token-ttl, 1h) they all expired.
  clockOffset += HOUR + 1000;
  try {
    await access().createLoginToken({ userIds: ids(u.id) });
    await tokenMailed(u.id);
  } finally {
    clockOffset -= HOUR + 1000;
  }
});

it("concurrent requests cannot pass the limit", async () => {
  const u = await server.population.user();
  const results = await Promise.allSettled(
    Array.from({ length: MAX_ACTIVE_LOGIN_TOKENS + 3 }, () => access(server.adminAPIKey).createLoginToken({ userIds: ids(u.id), skipEmail: true })),
  );
  assert.is(results.filter((r) => r.status === "fulfilled").length, MAX_ACTIVE_LOGIN_TOKENS);
  // Straight at the store, where the calls overlap the most.
  const v = await server.population.user();
  const created = await Promise.allSettled(
    Array.from({ length: 20 }, () => store.loginTokens.create(v.id, { now: now(), expiresAt: new Date(now().getTime() + HOUR), maxActive: MAX_ACTIVE_LOGIN_TOKENS })),
  );
  assert.is(created.filter((r) => r.status === "fulfilled").length, MAX_ACTIVE_LOGIN_TOKENS);
});

it("consume: expired, unknown, malformed, and tokens of deleted users", async () => {
  const u = await server.population.user();
  const { token } = await access(server.adminAPIKey).createLoginToken({ userIds: ids(u.id), skipEmail: true });
  await rejects(store.loginTokens.consume(token, new Date(now().getTime() + HOUR + 1000)), Code.FailedPrecondition, "login_token_expired");
  // A wrong token with the same lookup prefix is not found: the whole token is checked.
  const forged = token.slice(0, 16) + (token.endsWith("A") ? "B" : "A").repeat(36);
  await rejects(store.loginTokens.consume(forged, now()), Code.NotFound, "login_token_not_found");
  await rejects(store.loginTokens.consume("A".repeat(52), now()), Code.NotFound, "login_token_not_found");
  await rejects(store.loginTokens.consume("not a token", now()), Code.NotFound, "login_token_not_found");
  // The expired attempt did not use it up.
  await store.users.delete(u.id);
  await rejects(store.loginTokens.consume(token, now()), Code.NotFound, "login_token_not_found");
});

it("deleting a user through the API removes their tokens: they stay dead after a restore", async () => {
  const u = await server.population.user();
  const { token } = await access(server.adminAPIKey).createLoginToken({ userIds: ids(u.id), skipEmail: true });
  await grpcClient(server, UserRegistry, u.apiKey).delete(ids(u.id));
  await grpcClient(server, UserRegistry, server.adminAPIKey).restore(ids(u.id));
  await rejects(store.loginTokens.consume(token, now()), Code.NotFound, "login_token_not_found");
});

it("over HTTP: POST /users/{id}/login-tokens?skip_email=true with an admin key returns the token", async () => {
  const u = await server.population.user();
  const res = await api(server, "POST", `/users/${u.id}/login-tokens?skip_email=true`, { key: server.adminAPIKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.match(res.body.token, /^[A-Z2-7]{52}$/);
  await noMoreMail(u.id);
  const plain = await api(server, "POST", `/users/${u.id}/login-tokens`);
  assert.equal(plain.body, {});
  await tokenMailed(u.id);
});

it("a key without any user rights is enough (the method needs none)", async () => {
  const u = await server.population.user();
  const weak = await server.population.apiKey({ kind: "user", id: u.id }, R("RIGHT_USER_INFO"));
  assert.is((await access(weak).createLoginToken({ userIds: ids(u.id) })).token, "");
  await tokenMailed(u.id);
});

test.run();
