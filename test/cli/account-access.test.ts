// is-cli commands for account access, in process through runCli against a real
// server: `users temporary-password`, `users create-login-token` and
// `users sessions list|delete`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer } from "../helpers/harness.js";
import { cliRunner, failed, ok } from "../helpers/cli.js";
import { startMailbox } from "../helpers/mailbox.js";

const mailbox = await startMailbox();
const server = await startTestServer({ "is.login-tokens.enabled": true, "is.email.provider": "smtp", "is.email.smtp.address": mailbox.address });
test.after(async () => {
  await server.close();
  await mailbox.stop();
});
const user = await server.population.user({ id: "cli-access-user" });
const other = await server.population.user({ id: "cli-access-other" });

const cli = cliRunner(server);

test("users temporary-password: no key needed, the password is e-mailed; a second one is refused", async () => {
  assert.equal(ok(await cli(["users", "temporary-password", user.id], null), "temporary-password"), {});
  const mail = await mailbox.next(`${user.id}@example.com`);
  assert.match(mail.text, /Temporary password: [A-Z2-7]{52}/);
  failed(await cli(["users", "temporary-password", user.id], null), "again", 3, "temporary_password_still_valid");
});

test("users create-login-token: e-mailed for everyone; --skip-email with an admin key prints the token", async () => {
  assert.equal(ok(await cli(["users", "create-login-token", other.id], null), "create-login-token"), {});
  await mailbox.next(`${other.id}@example.com`);
  const { token } = ok(await cli(["users", "create-login-token", other.id, "--skip-email"], server.adminAPIKey), "as admin");
  assert.match(token, /^[A-Z2-7]{52}$/);
  assert.equal(await server.server.store.loginTokens.consume(token, new Date()), { userId: other.id });
});

test("users sessions list and delete", async () => {
  const a = await server.server.store.sessions.create(user.id, { now: new Date(Date.now() - 60_000) });
  const b = await server.server.store.sessions.create(user.id, { now: new Date() });
  failed(await cli(["users", "sessions", "list", user.id], null), "list without key", 16, "unauthenticated");
  failed(await cli(["users", "sessions", "list", user.id], other.apiKey), "list with another user's key", 7, "no_user_rights");
  const listed = await cli(["users", "sessions", "list", user.id, "--order", "-created_at", "--limit", "1"], user.apiKey);
  const body = ok(listed, "list");
  assert.equal(body.sessions.map((s: { session_id: string }) => s.session_id), [b.session.sessionId]);
  assert.match(listed.stderr, /^total: 2$/m);
  assert.not.ok(listed.stdout.includes(b.secret));
  assert.equal(ok(await cli(["users", "sessions", "delete", user.id, a.session.sessionId], user.apiKey), "delete"), {});
  failed(await cli(["users", "sessions", "delete", user.id, a.session.sessionId], user.apiKey), "delete again", 5, "user_session_not_found");
  assert.equal(ok(await cli(["users", "sessions", "list", user.id], user.apiKey), "list after").sessions.length, 1);
});

test.run();
