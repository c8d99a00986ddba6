// UserInvitationRegistry: only holders of the universal RIGHT_SEND_INVITES
// (admins) send, list and delete invitations; one invitation per address, none
// to registered addresses; the token is in Send's response and the e-mail
// (real SMTP mailbox) only; List pages with X-Total-Count; Delete by `email`.
// Over gRPC and HTTP (/api/v3/invitations).
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { UserInvitationRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { api, grpcClient } from "../helpers/clients.js";
import { httpError, it, rejects } from "../helpers/expect.js";
import type { TestServer } from "../helpers/harness.js";
import { startMailbox } from "../helpers/mailbox.js";
import { R } from "../helpers/population.js";
import { Clock, HOUR, invitationLink, register, startMailingServer } from "./account-flows-helpers.js";

const mailbox = await startMailbox();
const clock = new Clock();
const server = await startMailingServer(mailbox, {}, { now: clock.now });
/** A tenant of its own, so list totals are exact. */
const lists = await startMailingServer(mailbox);
test.after(async () => {
  await Promise.all([server.close(), lists.close()]);
  await mailbox.stop();
});

const invitations = (key?: string, s: TestServer = server) => grpcClient(s, UserInvitationRegistry, key);
const admin = invitations(server.adminAPIKey);
const user = await server.population.user({ id: "inv-user" });

// ---- permission denied ----------------------------------------------------------------

it("without credentials: unauthenticated (gRPC and HTTP)", async () => {
  await rejects(invitations().send({ email: "inv-anon@example.org" }), Code.Unauthenticated, "unauthenticated");
  await rejects(invitations().list({}), Code.Unauthenticated, "unauthenticated");
  await rejects(invitations().delete({ email: "inv-anon@example.org" }), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "POST", "/invitations", { body: { email: "inv-anon@example.org" } }), 401, "unauthenticated");
  httpError(await api(server, "GET", "/invitations"), 401, "unauthenticated");
  httpError(await api(server, "DELETE", "/invitations?email=inv-anon%40example.org"), 401, "unauthenticated");
});

it("a user who is no admin: no_invite_rights (gRPC and HTTP)", async () => {
  const err = await rejects(invitations(user.apiKey).send({ email: "inv-x@example.org" }), Code.PermissionDenied, "no_invite_rights");
  assert.is(err.namespace, "pkg/identityserver");
  await rejects(invitations(user.apiKey).list({}), Code.PermissionDenied, "no_invite_rights");
  await rejects(invitations(user.apiKey).delete({ email: "inv-x@example.org" }), Code.PermissionDenied, "no_invite_rights");
  httpError(await api(server, "POST", "/invitations", { key: user.apiKey, body: { email: "inv-x@example.org" } }), 403, "no_invite_rights");
  httpError(await api(server, "GET", "/invitations", { key: user.apiKey }), 403, "no_invite_rights");
  httpError(await api(server, "DELETE", "/invitations?email=inv-x%40example.org", { key: user.apiKey }), 403, "no_invite_rights");
});

it("an admin's key without RIGHT_SEND_INVITES: no_invite_rights", async () => {
  const key = await server.population.apiKey({ kind: "user", id: "admin" }, R("USER_INFO"));
  await rejects(invitations(key).send({ email: "inv-y@example.org" }), Code.PermissionDenied, "no_invite_rights");
  const withRight = await server.population.apiKey({ kind: "user", id: "admin" }, R("SEND_INVITES"));
  await invitations(withRight).send({ email: "inv-y@example.org" });
  await mailbox.next("inv-y@example.org");
});

// ---- send ---------------------------------------------------------------------------------

it("send: the token is returned and e-mailed; the invitation expires after invitation.token-ttl", async () => {
  const before = clock.now();
  const inv = await admin.send({ email: "inv-new@example.org" });
  assert.is(inv.email, "inv-new@example.org");
  assert.match(inv.token, /^[A-Z2-7]{52}$/);
  assert.ok(inv.createdAt && inv.updatedAt);
  assert.is(inv.acceptedAt, undefined);
  const expires = timestampDate(inv.expiresAt!).getTime();
  assert.ok(Math.abs(expires - (before.getTime() + 168 * HOUR)) < 5000, `expires_at ${inv.expiresAt?.seconds}`);
  const mail = await mailbox.next("inv-new@example.org");
  assert.is(invitationLink(mail), inv.token);
});

it("send over HTTP: POST /invitations", async () => {
  const res = await api(server, "POST", "/invitations", { key: server.adminAPIKey, body: { email: "inv-http@example.org" } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.email, "inv-http@example.org");
  assert.match(res.body.token, /^[A-Z2-7]{52}$/);
  assert.is(invitationLink(await mailbox.next("inv-http@example.org")), res.body.token);
});

it("send: one invitation per address (in any letter case)", async () => {
  await admin.send({ email: "inv-dup@example.org" });
  await mailbox.next("inv-dup@example.org");
  const err = await rejects(admin.send({ email: "inv-dup@example.org" }), Code.AlreadyExists, "invitation_already_sent");
  assert.is(err.namespace, "pkg/identityserver/store");
  await rejects(admin.send({ email: "INV-Dup@Example.org" }), Code.AlreadyExists, "invitation_already_sent");
  httpError(await api(server, "POST", "/invitations", { key: server.adminAPIKey, body: { email: "inv-dup@example.org" } }), 409, "invitation_already_sent");
});

it("send: not to the address of an existing user", async () => {
  await rejects(admin.send({ email: "inv-user@example.com" }), Code.AlreadyExists, "already_exists");
  await rejects(admin.send({ email: "INV-USER@example.com" }), Code.AlreadyExists, "already_exists");
});

it("send: the address must be an e-mail address", async () => {
  const err = await rejects(admin.send({ email: "not an address" }), Code.InvalidArgument, "validation");
  assert.is(err.attributes.field, "email");
  await rejects(admin.send({ email: "" }), Code.InvalidArgument, "validation");
  httpError(await api(server, "POST", "/invitations", { key: server.adminAPIKey, body: { email: "x@" } }), 400, "validation");
});

// ---- list ------------------------------------------------------------------------------------

it("list: pages with X-Total-Count, oldest first, never with tokens", async () => {
  const adminL = invitations(lists.adminAPIKey, lists);
  for (const n of [1, 2, 3]) {
    await adminL.send({ email: `inv-list-${n}@example.org` });
    await mailbox.next(`inv-list-${n}@example.org`);
  }
  let total: string | null = null;
  const page1 = await adminL.list({ limit: 2, page: 1 }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.is(total, "3");
  assert.equal(page1.invitations.map((i) => i.email), ["inv-list-1@example.org", "inv-list-2@example.org"]);
  assert.ok(page1.invitations.every((i) => i.token === "" && i.expiresAt));
  const page2 = await adminL.list({ limit: 2, page: 2 });
  assert.equal(page2.invitations.map((i) => i.email), ["inv-list-3@example.org"]);
  const res = await api(lists, "GET", "/invitations?limit=2&page=2", { key: lists.adminAPIKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.headers.get("x-total-count"), "3");
  assert.equal(res.body.invitations.map((i: { email: string }) => i.email), ["inv-list-3@example.org"]);
  assert.not.ok(JSON.stringify(res.body).includes("token"), "no token in the listing");
  await rejects(adminL.list({ limit: 1001 }), Code.InvalidArgument, "validation");
});

// ---- delete -------------------------------------------------------------------------------------

it("delete by e-mail: the token stops working; absent invitations are not found", async () => {
  const inv = await admin.send({ email: "inv-gone@example.org" });
  await mailbox.next("inv-gone@example.org");
  const res = await api(server, "DELETE", "/invitations?email=inv-gone%40example.org", { key: server.adminAPIKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.not.ok((await admin.list({})).invitations.some((i) => i.email === "inv-gone@example.org"));
  await rejects(register(server, "inv-gone", { email: "inv-gone@example.org", invitationToken: inv.token }), Code.NotFound, "invitation_not_found");
  httpError(await api(server, "DELETE", "/invitations?email=inv-gone%40example.org", { key: server.adminAPIKey }), 404, "invitation_not_found");
  await rejects(admin.delete({ email: "inv-never@example.org" }), Code.NotFound, "invitation_not_found");
  await rejects(admin.delete({ email: "nonsense" }), Code.InvalidArgument, "validation");
  // The address can be invited again.
  const again = await admin.send({ email: "inv-gone@example.org" });
  assert.is.not(again.token, inv.token);
  await mailbox.next("inv-gone@example.org");
});

it("an invitation expires at expires_at", async () => {
  const inv = await admin.send({ email: "inv-expiring@example.org" });
  await mailbox.next("inv-expiring@example.org");
  clock.advance(168 * HOUR);
  try {
    await rejects(register(server, "inv-expiring", { invitationToken: inv.token }), Code.FailedPrecondition, "invitation_expired");
  } finally {
    clock.advance(-168 * HOUR);
  }
});

test.run();
