// is-cli for the account flows against a real server over gRPC, following the
// e-mails of a real SMTP mailbox: `users invitations send|list|delete`,
// `users create --invitation-token`, `users email-validation request|validate`
// and `contact-info request|validate`. In process through runCli, as in
// entities.test.ts.
import { create } from "@bufbuild/protobuf";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { cliRunner, failed, ok } from "../helpers/cli.js";
import { startMailbox } from "../helpers/mailbox.js";
import { R } from "../helpers/population.js";
import { Clock, HOUR, invitationLink, PASSWORD, startMailingServer, validationLink } from "../services/account-flows-helpers.js";

const mailbox = await startMailbox();
const clock = new Clock();
const server = await startMailingServer(mailbox, { "is.user-registration.invitation.required": true }, { now: clock.now });
test.after(async () => {
  await server.close();
  await mailbox.stop();
});
const user = await server.population.user({ id: "cli-inv-user" });

const cli = cliRunner(server, server.adminAPIKey);

test("users invitations: send, list, delete; non-admins refused", async () => {
  failed(await cli(["users", "invitations", "send", "cli-x@example.org"], user.apiKey), "send as non-admin", 7, "no_invite_rights");
  failed(await cli(["users", "invitations", "list"], null), "list without key", 16, "unauthenticated");
  const inv = ok(await cli(["users", "invitations", "send", "cli-gone@example.org"]), "send");
  assert.match(inv.token, /^[A-Z2-7]{52}$/);
  await mailbox.next("cli-gone@example.org");
  failed(await cli(["users", "invitations", "send", "cli-gone@example.org"]), "send again", 6, "invitation_already_sent");
  const r = await cli(["users", "invitations", "list", "--limit", "10"]);
  assert.ok(ok(r, "list").invitations.some((i: { email: string; token?: string }) => i.email === "cli-gone@example.org" && i.token === undefined));
  assert.match(r.stderr, /^total: \d+$/m);
  assert.equal(ok(await cli(["users", "invitations", "delete", "cli-gone@example.org"]), "delete"), {});
  failed(await cli(["users", "invitations", "delete", "cli-gone@example.org"]), "delete again", 5, "invitation_not_found");
});

test("users create --invitation-token with the e-mailed token, then email-validation with the e-mailed link", async () => {
  ok(await cli(["users", "invitations", "send", "cli-newbie@example.org"]), "send");
  const token = invitationLink(await mailbox.next("cli-newbie@example.org"));
  const args = ["users", "create", "cli-newbie", "--email", "cli-newbie@example.org", "--password", PASSWORD];
  failed(await cli(args, null), "create without token", 3, "invitation_token_required");
  const created = ok(await cli([...args, "--invitation-token", token], null), "create with token");
  assert.is(created.ids.user_id, "cli-newbie");
  const first = validationLink(await mailbox.next("cli-newbie@example.org"));

  const own = await server.population.apiKey({ kind: "user", id: "cli-newbie" }, R("USER_SETTINGS_BASIC"));
  failed(await cli(["users", "email-validation", "request", "cli-newbie"], own), "request at once", 7, "validation_request_forbidden");
  clock.advance(HOUR);
  const requested = ok(await cli(["users", "email-validation", "request", "cli-newbie"], own), "request");
  assert.is(requested.id, first.id);
  const link = validationLink(await mailbox.next("cli-newbie@example.org"));
  assert.equal(ok(await cli(["users", "email-validation", "validate", "--id", link.id, "--token", link.token], null), "validate"), {});
  failed(await cli(["users", "email-validation", "validate", "--id", link.id, "--token", link.token], null), "validate again", 9, "validation_token_already_used");
});

test("contact-info request and validate", async () => {
  const owner = await server.population.user({ id: "cli-ci-owner" });
  // An owner whose address is not validated (population users are).
  await server.population.store.users.update("cli-ci-owner", create(UserSchema, {}), ["primary_email_address_validated_at"]);
  const appId = await server.population.application({ kind: "user", id: owner.id }, { id: "cli-ci-app" });
  const res = ok(await cli(["contact-info", "request", "application", appId], owner.apiKey), "request");
  assert.is(res.contact_info[0].value, "cli-ci-owner@example.com");
  const link = validationLink(await mailbox.next("cli-ci-owner@example.com"));
  assert.is(link.id, res.id);
  assert.equal(ok(await cli(["contact-info", "validate", "--id", link.id, "--token", link.token], null), "validate"), {});
  failed(await cli(["contact-info", "request", "application", appId], owner.apiKey), "request when validated", 9, "no_validation_needed");
  const usage = await cli(["contact-info", "validate", "--id", link.id], null);
  assert.is(usage.code, 2, usage.stderr);
  assert.match(usage.stderr, /--token/);
  const kind = await cli(["contact-info", "request", "device", "x"], owner.apiKey);
  assert.is(kind.code, 2, kind.stderr);
});

test.run();
