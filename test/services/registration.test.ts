// Registration policies (UserRegistry.Create without admin rights): admin
// approval on and off, invitations required or not, and the validation e-mail
// every registration sends, followed from a real SMTP mailbox. Each policy is
// tested with both values; `is.user-registration.enabled` is in
// user-registry.test.ts.
import { Code } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { EmailValidationRegistry } from "../../gen/ttn/lorawan/v3/email_validation_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { UserInvitationRegistry, UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { api, grpcClient } from "../helpers/clients.js";
import { httpError, it, rejects } from "../helpers/expect.js";
import type { TestServer } from "../helpers/harness.js";
import { startMailbox } from "../helpers/mailbox.js";
import { RIGHT_ALL } from "../../src/rights/algebra.js";
import { Clock, HOUR, invitationLink, noMailTo, PASSWORD, register, startMailingServer, validationLink } from "./account-flows-helpers.js";

const mailbox = await startMailbox();
const clock = new Clock();
/** No policy: registration open, no approval, no invitation. */
const open = await startMailingServer(mailbox);
const approval = await startMailingServer(mailbox, { "is.user-registration.admin-approval.required": true });
const invite = await startMailingServer(mailbox, { "is.user-registration.invitation.required": true }, { now: clock.now });
test.after(async () => {
  await Promise.all([open.close(), approval.close(), invite.close()]);
  await mailbox.stop();
});

const stored = (s: TestServer, id: string) => s.population.store.users.get(id);
const invitations = (s: TestServer) => grpcClient(s, UserInvitationRegistry, s.adminAPIKey);

async function assertNoUser(s: TestServer, id: string): Promise<void> {
  await rejects(stored(s, id), Code.NotFound, "user_not_found");
}

/** Sends an invitation as the admin; returns the token from the e-mail (checked against the response). */
async function invited(s: TestServer, email: string): Promise<string> {
  const sent = await invitations(s).send({ email });
  const token = invitationLink(await mailbox.next(email));
  assert.is(token, sent.token);
  return token;
}

// ---- no policy ---------------------------------------------------------------

it("open registration: approved at once, address unvalidated, validation e-mail sent", async () => {
  const user = await register(open, "reg-open");
  assert.is(user.state, State.APPROVED);
  assert.is(user.stateDescription, "");
  assert.is(user.primaryEmailAddressValidatedAt, undefined);
  assert.is(user.password, "");
  const mail = await mailbox.next("reg-open@example.org");
  const { id, token } = validationLink(mail);
  await grpcClient(open, EmailValidationRegistry).validate({ id, token });
  assert.ok((await stored(open, "reg-open")).primaryEmailAddressValidatedAt, "validated by the e-mailed link");
});

it("open registration over HTTP: POST /users without credentials", async () => {
  const res = await api(open, "POST", "/users", { body: { user: { ids: { user_id: "reg-http" }, primary_email_address: "reg-http@example.org", password: PASSWORD } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.state, "STATE_APPROVED");
  validationLink(await mailbox.next("reg-http@example.org"));
});

it("a failed registration sends no e-mail and stores nothing", async () => {
  await register(open, "reg-taken");
  await mailbox.next("reg-taken@example.org");
  await rejects(register(open, "reg-taken", { email: "reg-taken-2@example.org" }), Code.AlreadyExists, "id_taken");
  await rejects(
    grpcClient(open, UserRegistry).create({ user: { ids: { userId: "reg-weak" }, primaryEmailAddress: "reg-weak@example.org", password: "weak" } }),
    Code.InvalidArgument,
    "password_strength",
  );
  await assertNoUser(open, "reg-weak");
  await noMailTo(mailbox, "reg-taken-2@example.org");
  await noMailTo(mailbox, "reg-weak@example.org", 100);
});

it("admins still create users of any state and with validated addresses", async () => {
  const at = new Date("2024-01-02T03:04:05Z");
  const user = await grpcClient(approval, UserRegistry, approval.adminAPIKey).create({
    user: { ids: { userId: "reg-by-admin" }, primaryEmailAddress: "reg-by-admin@example.org", password: PASSWORD, state: State.APPROVED, primaryEmailAddressValidatedAt: { seconds: BigInt(at.getTime() / 1000), nanos: 0 } },
  });
  assert.is(user.state, State.APPROVED);
  assert.equal(timestampDate(user.primaryEmailAddressValidatedAt!), at);
  // A validated address needs no validation e-mail.
  await noMailTo(mailbox, "reg-by-admin@example.org");
});

// ---- admin approval ------------------------------------------------------------

it("admin approval required: the account is requested, restricted and still gets the validation e-mail", async () => {
  const user = await register(approval, "reg-pending");
  assert.is(user.state, State.REQUESTED);
  assert.is(user.stateDescription, "admin approval required");
  assert.is((await stored(approval, "reg-pending")).state, State.REQUESTED);
  validationLink(await mailbox.next("reg-pending@example.org"));
  const key = await approval.population.apiKey({ kind: "user", id: "reg-pending" }, RIGHT_ALL);
  const info = await api(approval, "GET", "/auth_info", { key });
  assert.is(info.status, 200);
  assert.is(info.headers.get("x-warning"), "Restricted rights while account pending: admin approval required");
  assert.equal(info.body.api_key.api_key.rights, ["RIGHT_USER_INFO", "RIGHT_USER_SETTINGS_BASIC", "RIGHT_USER_DELETE"]);
  httpError(await api(approval, "POST", "/users/reg-pending/applications", { key, body: { application: { ids: { application_id: "reg-pending-app" } } } }), 403, "insufficient_user_rights");
});

it("admin approval not required: the account is approved (and its rights unrestricted)", async () => {
  await register(open, "reg-approved");
  const key = await open.population.apiKey({ kind: "user", id: "reg-approved" }, RIGHT_ALL);
  const res = await api(open, "POST", "/users/reg-approved/applications", { key, body: { application: { ids: { application_id: "reg-approved-app" } } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.headers.get("x-warning"), null);
});

// ---- invitations -----------------------------------------------------------------

it("invitation required: registering without a token fails (gRPC and HTTP)", async () => {
  await rejects(register(invite, "reg-no-token"), Code.InvalidArgument, "invitation_token_required");
  const res = await api(invite, "POST", "/users", { body: { user: { ids: { user_id: "reg-no-token" }, primary_email_address: "reg-no-token@example.org", password: PASSWORD } } });
  const details = httpError(res, 400, "invitation_token_required");
  assert.is(details.namespace, "pkg/identityserver");
  await assertNoUser(invite, "reg-no-token");
  await noMailTo(mailbox, "reg-no-token@example.org");
});

it("invitation required: unknown tokens are refused", async () => {
  const bogus = "A".repeat(52);
  const err = await rejects(register(invite, "reg-bogus", { invitationToken: bogus }), Code.NotFound, "invitation_not_found");
  assert.is(err.namespace, "pkg/identityserver/store");
  await rejects(register(invite, "reg-bogus", { invitationToken: "not-a-token" }), Code.NotFound, "invitation_not_found");
  // The right lookup part with a wrong rest is no better.
  const real = await invitations(invite).send({ email: "reg-half@example.org" });
  await mailbox.next("reg-half@example.org");
  const forged = real.token.slice(0, 16) + "B".repeat(36);
  await rejects(register(invite, "reg-bogus", { invitationToken: forged }), Code.NotFound, "invitation_not_found");
  await assertNoUser(invite, "reg-bogus");
});

it("invitation required: admins register users without a token", async () => {
  const user = await register(invite, "reg-admin-made", { key: invite.adminAPIKey });
  assert.is(user.ids?.userId, "reg-admin-made");
});

it("invitation required: the e-mailed token registers one user, once", async () => {
  const token = await invited(invite, "reg-invitee@example.org");
  const user = await register(invite, "reg-invitee", { email: "reg-invitee@example.org", invitationToken: token });
  assert.is(user.state, State.APPROVED);
  validationLink(await mailbox.next("reg-invitee@example.org"));
  const list = await invitations(invite).list({});
  const inv = list.invitations.find((i) => i.email === "reg-invitee@example.org");
  assert.ok(inv?.acceptedAt, "accepted");
  assert.is(inv?.acceptedBy?.userId, "reg-invitee");
  assert.is(inv?.token, "");
  // Used: a second registration with it fails and leaves nothing behind.
  await rejects(register(invite, "reg-invitee-2", { invitationToken: token }), Code.FailedPrecondition, "invitation_already_used");
  await assertNoUser(invite, "reg-invitee-2");
  await noMailTo(mailbox, "reg-invitee-2@example.org");
});

it("invitation required: registering over HTTP with the token", async () => {
  const token = await invited(invite, "reg-invitee-http@example.org");
  const body = { user: { ids: { user_id: "reg-invitee-http" }, primary_email_address: "reg-invitee-http@example.org", password: PASSWORD }, invitation_token: token };
  const res = await api(invite, "POST", "/users", { body });
  assert.is(res.status, 200, JSON.stringify(res.body));
  httpError(await api(invite, "POST", "/users", { body: { ...body, user: { ...body.user, ids: { user_id: "reg-invitee-http2" }, primary_email_address: "x2@example.org" } } }), 400, "invitation_already_used");
});

it("invitation required: an expired invitation is refused", async () => {
  const token = await invited(invite, "reg-late@example.org");
  clock.advance(7 * 24 * HOUR + 1000);
  try {
    await rejects(register(invite, "reg-late", { invitationToken: token }), Code.FailedPrecondition, "invitation_expired");
    await assertNoUser(invite, "reg-late");
  } finally {
    clock.advance(-(7 * 24 * HOUR + 1000));
  }
  // Just before expiry it still works.
  clock.advance(7 * 24 * HOUR - 60_000);
  try {
    await register(invite, "reg-just-in-time", { invitationToken: token });
  } finally {
    clock.advance(-(7 * 24 * HOUR - 60_000));
  }
});

it("invitation required: a registration that fails keeps the invitation usable", async () => {
  const token = await invited(invite, "reg-retry@example.org");
  await register(invite, "reg-occupied", { key: invite.adminAPIKey });
  await rejects(register(invite, "reg-occupied", { email: "reg-retry@example.org", invitationToken: token }), Code.AlreadyExists, "id_taken");
  await noMailTo(mailbox, "reg-retry@example.org");
  const list = await invitations(invite).list({});
  assert.not.ok(list.invitations.find((i) => i.email === "reg-retry@example.org")?.acceptedAt, "not consumed");
  await register(invite, "reg-retry", { email: "reg-retry@example.org", invitationToken: token });
});

it("invitation not required: a given token is still checked and consumed", async () => {
  await rejects(register(open, "reg-opt-bogus", { invitationToken: "B".repeat(52) }), Code.NotFound, "invitation_not_found");
  await assertNoUser(open, "reg-opt-bogus");
  const token = await invited(open, "reg-optional@example.org");
  await register(open, "reg-optional", { email: "reg-optional@example.org", invitationToken: token });
  const inv = (await invitations(open).list({})).invitations.find((i) => i.email === "reg-optional@example.org");
  assert.is(inv?.acceptedBy?.userId, "reg-optional");
  await rejects(register(open, "reg-optional-2", { invitationToken: token }), Code.FailedPrecondition, "invitation_already_used");
});

test.run();
