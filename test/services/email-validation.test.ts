// EmailValidationRegistry: requesting validation e-mails (rights, the retry
// interval, refresh and re-send), validating with the link from a real SMTP
// mailbox (once, before expiry, only for the address it was sent to), the
// e-mail sent on an address change, and `contact-info-validation.required`
// on and off. Over gRPC and HTTP (/api/v3/email/validation POST and PATCH).
import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { EmailValidationRegistry } from "../../gen/ttn/lorawan/v3/email_validation_pb.js";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { RIGHT_ALL } from "../../src/rights/algebra.js";
import { api, grpcClient } from "../helpers/clients.js";
import { httpError, it, rejects } from "../helpers/expect.js";
import type { TestServer } from "../helpers/harness.js";
import { startMailbox } from "../helpers/mailbox.js";
import { R } from "../helpers/population.js";
import { Clock, HOUR, noMailTo, register, startMailingServer, validationLink } from "./account-flows-helpers.js";

const mailbox = await startMailbox();
const clock = new Clock();
const server = await startMailingServer(mailbox, {}, { now: clock.now });
const required = await startMailingServer(mailbox, { "is.user-registration.contact-info-validation.required": true });
test.after(async () => {
  await Promise.all([server.close(), required.close()]);
  await mailbox.stop();
});

const validations = (key?: string, s: TestServer = server) => grpcClient(s, EmailValidationRegistry, key);
const stored = (id: string, s: TestServer = server) => s.population.store.users.get(id);

/** A self-registered (unvalidated) user with an API key of all its rights; the registration e-mail is returned. */
async function unvalidated(id: string, s: TestServer = server) {
  await register(s, id);
  const mail = await mailbox.next(`${id}@example.org`);
  return { id, key: await s.population.apiKey({ kind: "user", id }, RIGHT_ALL), link: validationLink(mail) };
}

// ---- permission denied ------------------------------------------------------------

const owner = await unvalidated("ev-owner");
const stranger = await server.population.user({ id: "ev-stranger" });

it("RequestValidation without credentials: unauthenticated (gRPC and HTTP)", async () => {
  await rejects(validations().requestValidation({ userId: owner.id }), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "POST", "/email/validation", { body: { user_id: owner.id } }), 401, "unauthenticated");
});

it("RequestValidation with another user's key: no_user_rights", async () => {
  await rejects(validations(stranger.apiKey).requestValidation({ userId: owner.id }), Code.PermissionDenied, "no_user_rights");
  httpError(await api(server, "POST", "/email/validation", { key: stranger.apiKey, body: { user_id: owner.id } }), 403, "no_user_rights");
});

it("RequestValidation with a key lacking USER_SETTINGS_BASIC: insufficient_user_rights", async () => {
  const key = await server.population.apiKey({ kind: "user", id: owner.id }, R("USER_INFO"));
  const err = await rejects(validations(key).requestValidation({ userId: owner.id }), Code.PermissionDenied, "insufficient_user_rights");
  assert.equal(err.attributes.missing, ["RIGHT_USER_SETTINGS_BASIC"]);
});

it("bad requests: invalid user ID, empty or long validation ID and token", async () => {
  await rejects(validations(owner.key).requestValidation({ userId: "NOT valid" }), Code.InvalidArgument, "validation");
  await rejects(validations().validate({ id: "", token: "x" }), Code.InvalidArgument, "validation");
  await rejects(validations().validate({ id: "x", token: "" }), Code.InvalidArgument, "validation");
  await rejects(validations().validate({ id: "x".repeat(65), token: "x" }), Code.InvalidArgument, "validation");
  httpError(await api(server, "PATCH", "/email/validation", { body: { id: "", token: "" } }), 400, "validation");
});

// ---- requesting ----------------------------------------------------------------------

it("a validated address needs no validation", async () => {
  const err = await rejects(validations(stranger.apiKey).requestValidation({ userId: stranger.id }), Code.FailedPrecondition, "no_validation_needed");
  assert.is(err.namespace, "pkg/identityserver");
  httpError(await api(server, "POST", "/email/validation", { key: stranger.apiKey, body: { user_id: stranger.id } }), 400, "no_validation_needed");
});

it("within the retry interval a new request is forbidden; after it the validation is refreshed and re-sent", async () => {
  const u = await unvalidated("ev-retry");
  const err = await rejects(validations(u.key).requestValidation({ userId: u.id }), Code.PermissionDenied, "validation_request_forbidden");
  assert.is(err.attributes.retry_interval, "1h");
  httpError(await api(server, "POST", "/email/validation", { key: u.key, body: { user_id: u.id } }), 403, "validation_request_forbidden");
  await noMailTo(mailbox, "ev-retry@example.org", 300);

  clock.advance(HOUR);
  const before = clock.now();
  const res = await validations(u.key).requestValidation({ userId: u.id });
  assert.is(res.id, u.link.id, "the pending validation is refreshed, not replaced");
  assert.is(res.token, "", "never returned");
  assert.is(res.address, "ev-retry@example.org");
  const expires = timestampDate(res.expiresAt!).getTime();
  assert.ok(Math.abs(expires - (before.getTime() + 48 * HOUR)) < 5000, `expires_at ${res.expiresAt?.seconds}`);
  assert.ok(timestampDate(res.updatedAt!) > timestampDate(res.createdAt!), "updated_at moved");
  const resent = validationLink(await mailbox.next("ev-retry@example.org"));
  assert.is(resent.id, u.link.id);
  assert.is.not(resent.token, u.link.token, "a new token");
  // The token of the first e-mail no longer works; the new one does.
  await rejects(validations().validate(u.link), Code.NotFound, "validation_token_not_found");
  await validations().validate(resent);
  assert.ok((await stored(u.id)).primaryEmailAddressValidatedAt);
});

it("over HTTP: POST /email/validation, then PATCH with the e-mailed ID and token", async () => {
  const u = await unvalidated("ev-http");
  clock.advance(HOUR);
  const res = await api(server, "POST", "/email/validation", { key: u.key, body: { user_id: u.id } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.id, u.link.id);
  assert.is(res.body.address, "ev-http@example.org");
  assert.is(res.body.token, undefined);
  const link = validationLink(await mailbox.next("ev-http@example.org"));
  const ok = await api(server, "PATCH", "/email/validation", { body: link });
  assert.is(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body, {});
  assert.ok((await stored(u.id)).primaryEmailAddressValidatedAt);
  httpError(await api(server, "PATCH", "/email/validation", { body: link }), 400, "validation_token_already_used");
});

// ---- validating ---------------------------------------------------------------------

it("a token validates once; unknown IDs and wrong tokens are not found", async () => {
  const u = await unvalidated("ev-once");
  await rejects(validations().validate({ id: u.link.id, token: "A".repeat(52) }), Code.NotFound, "validation_token_not_found");
  const err = await rejects(validations().validate({ id: "B".repeat(39), token: u.link.token }), Code.NotFound, "validation_token_not_found");
  assert.is(err.namespace, "pkg/identityserver/store");
  assert.is((await stored(u.id)).primaryEmailAddressValidatedAt, undefined);
  const at = clock.now();
  await validations().validate(u.link);
  const validatedAt = timestampDate((await stored(u.id)).primaryEmailAddressValidatedAt!);
  assert.ok(Math.abs(validatedAt.getTime() - at.getTime()) < 5000, "validated at the server's now");
  await rejects(validations().validate(u.link), Code.FailedPrecondition, "validation_token_already_used");
  await rejects(validations(u.key).requestValidation({ userId: u.id }), Code.FailedPrecondition, "no_validation_needed");
});

it("an expired token does not validate; a new request then starts a new validation", async () => {
  const u = await unvalidated("ev-expired");
  clock.advance(48 * HOUR + 1000);
  await rejects(validations().validate(u.link), Code.FailedPrecondition, "validation_token_expired");
  httpError(await api(server, "PATCH", "/email/validation", { body: u.link }), 400, "validation_token_expired");
  assert.is((await stored(u.id)).primaryEmailAddressValidatedAt, undefined);
  const res = await validations(u.key).requestValidation({ userId: u.id });
  assert.is.not(res.id, u.link.id, "a new validation");
  const link = validationLink(await mailbox.next("ev-expired@example.org"));
  assert.is(link.id, res.id);
  await validations().validate(link);
});

it("changing the address resets validation and e-mails the new address; the old link validates nothing", async () => {
  const u = await unvalidated("ev-move");
  const updated = await grpcClient(server, UserRegistry, u.key).update({
    user: { ids: { userId: u.id }, primaryEmailAddress: "ev-moved@example.org" },
    fieldMask: { paths: ["primary_email_address"] },
  });
  assert.is(updated.primaryEmailAddress, "ev-moved@example.org");
  const link = validationLink(await mailbox.next("ev-moved@example.org"));
  const err = await rejects(validations().validate(u.link), Code.FailedPrecondition, "validation_address_changed");
  assert.is(err.attributes.address, "ev-move@example.org");
  assert.is((await stored(u.id)).primaryEmailAddressValidatedAt, undefined);
  await validations().validate(link);
  assert.ok((await stored(u.id)).primaryEmailAddressValidatedAt);

  // A validated user changing the address loses the validation and gets a new e-mail.
  await grpcClient(server, UserRegistry, u.key).update({ user: { ids: { userId: u.id }, primaryEmailAddress: "ev-moved-2@example.org" }, fieldMask: { paths: ["primary_email_address"] } });
  assert.is((await stored(u.id)).primaryEmailAddressValidatedAt, undefined);
  validationLink(await mailbox.next("ev-moved-2@example.org"));
});

it("an admin changing a user's address keeps its validation and sends nothing", async () => {
  const u = await server.population.user({ id: "ev-admin-moved" });
  await grpcClient(server, UserRegistry, server.adminAPIKey).update({
    user: { ids: { userId: u.id }, primaryEmailAddress: "ev-admin-moved-2@example.org" },
    fieldMask: { paths: ["primary_email_address"] },
  });
  assert.ok((await stored(u.id)).primaryEmailAddressValidatedAt);
  await noMailTo(mailbox, "ev-admin-moved-2@example.org");
});

it("a failed address change sends nothing", async () => {
  const u = await unvalidated("ev-clash");
  await rejects(
    grpcClient(server, UserRegistry, u.key).update({ user: { ids: { userId: u.id }, primaryEmailAddress: "ev-stranger@example.com" }, fieldMask: { paths: ["primary_email_address"] } }),
    Code.AlreadyExists,
    "already_exists",
  );
  await noMailTo(mailbox, "ev-stranger@example.com");
  assert.is((await stored(u.id)).primaryEmailAddress, "ev-clash@example.org");
});

// ---- contact-info-validation.required ---------------------------------------------------

it("validation required: an unvalidated user is restricted until validated, then is not", async () => {
  const u = await unvalidated("ev-req", required);
  const apps = grpcClient(required, ApplicationRegistry, u.key);
  const collaborator = { ids: { case: "userIds" as const, value: { userId: u.id } } };
  await rejects(apps.create({ application: { ids: { applicationId: "ev-req-app" } }, collaborator }), Code.PermissionDenied, "insufficient_user_rights");
  const body = { application: { ids: { application_id: "ev-req-app" } } };
  const res = await api(required, "POST", `/users/${u.id}/applications`, { key: u.key, body });
  httpError(res, 403, "insufficient_user_rights");
  const own = await api(required, "GET", `/users/${u.id}?field_mask=name`, { key: u.key });
  assert.is(own.status, 200, JSON.stringify(own.body));
  assert.is(own.headers.get("x-warning"), "Restricted rights until email address validated");
  const info = await grpcClient(required, EntityAccess, u.key).authInfo({});
  const rights = info.accessMethod.case === "apiKey" ? info.accessMethod.value.apiKey!.rights : [];
  assert.equal(rights, [R("USER_INFO"), R("USER_SETTINGS_BASIC"), R("USER_DELETE")].sort((a, b) => a - b));
  // What it takes to get validated still works: reading the account, asking for the e-mail.
  await grpcClient(required, UserRegistry, u.key).get({ userIds: { userId: u.id }, fieldMask: { paths: ["name"] } });
  await rejects(validations(u.key, required).requestValidation({ userId: u.id }), Code.PermissionDenied, "validation_request_forbidden");

  await validations(undefined, required).validate(u.link);
  const created = await api(required, "POST", `/users/${u.id}/applications`, { key: u.key, body });
  assert.is(created.status, 200, JSON.stringify(created.body));
  assert.is(created.headers.get("x-warning"), null);
});

it("validation required: admins are exempt", async () => {
  await required.population.user({ id: "ev-req-admin", admin: true });
  await required.population.store.users.update("ev-req-admin", create(UserSchema, {}), ["primary_email_address_validated_at"]);
  assert.is((await stored("ev-req-admin", required)).primaryEmailAddressValidatedAt, undefined);
  const key = await required.population.apiKey({ kind: "user", id: "ev-req-admin" }, RIGHT_ALL);
  const res = await api(required, "POST", "/users/ev-req-admin/applications", { key, body: { application: { ids: { application_id: "ev-req-admin-app" } } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.headers.get("x-warning"), null);
});

it("validation not required: an unvalidated user acts at once", async () => {
  const u = await unvalidated("ev-free");
  const res = await api(server, "POST", `/users/${u.id}/applications`, { key: u.key, body: { application: { ids: { application_id: "ev-free-app" } } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.headers.get("x-warning"), null);
});

test.run();
