// ContactInfoRegistry (legacy): an entity's contact info is its contacts'
// primary e-mail addresses; RequestValidation (the entity's *_SETTINGS_BASIC
// right) e-mails every unvalidated contact, Validate takes the ID and token of
// that e-mail (real SMTP mailbox). Over gRPC and HTTP (/api/v3/contact_info/validation).
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ContactInfoRegistry, ContactMethod, ContactType } from "../../gen/ttn/lorawan/v3/contact_info_pb.js";
import { RIGHT_ALL } from "../../src/rights/algebra.js";
import { api, grpcClient } from "../helpers/clients.js";
import { httpError, it, rejects } from "../helpers/expect.js";
import { startMailbox } from "../helpers/mailbox.js";
import { R } from "../helpers/population.js";
import { Clock, HOUR, noMailTo, register, startMailingServer, validationLink } from "./account-flows-helpers.js";

const mailbox = await startMailbox();
const clock = new Clock();
const server = await startMailingServer(mailbox, {}, { now: clock.now });
test.after(async () => {
  await server.close();
  await mailbox.stop();
});

const pop = server.population;
const registry = (key?: string) => grpcClient(server, ContactInfoRegistry, key);
const app = (applicationId: string) => ({ ids: { case: "applicationIds" as const, value: { applicationId } } });

/** A self-registered (unvalidated) user past the retry interval of its registration e-mail. */
async function unvalidated(id: string) {
  await register(server, id);
  await mailbox.next(`${id}@example.org`);
  return { id, key: await pop.apiKey({ kind: "user", id }, RIGHT_ALL) };
}

const owner = await unvalidated("ci-owner");
const appId = await pop.application({ kind: "user", id: owner.id }, { id: "ci-app" });
const stranger = await pop.user({ id: "ci-stranger" });
clock.advance(HOUR);

// ---- permission denied ----------------------------------------------------------------

it("RequestValidation without credentials: unauthenticated", async () => {
  await rejects(registry().requestValidation(app(appId)), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "POST", "/contact_info/validation", { body: { application_ids: { application_id: appId } } }), 401, "unauthenticated");
});

it("RequestValidation with another user's key: no_application_rights", async () => {
  await rejects(registry(stranger.apiKey).requestValidation(app(appId)), Code.PermissionDenied, "no_application_rights");
  httpError(await api(server, "POST", "/contact_info/validation", { key: stranger.apiKey, body: { application_ids: { application_id: appId } } }), 403, "no_application_rights");
});

it("RequestValidation with a key lacking APPLICATION_SETTINGS_BASIC: insufficient_application_rights", async () => {
  const key = await pop.apiKey({ kind: "application", id: appId }, R("APPLICATION_INFO"));
  await rejects(registry(key).requestValidation(app(appId)), Code.PermissionDenied, "insufficient_application_rights");
});

it("RequestValidation of an end device: invalid", async () => {
  await rejects(
    registry(owner.key).requestValidation({ ids: { case: "deviceIds", value: { deviceId: "dev", applicationIds: { applicationId: appId } } } }),
    Code.InvalidArgument,
    "validation",
  );
});

// ---- request and validate ------------------------------------------------------------------

it("the contacts' unvalidated address is e-mailed; the link validates it; then nothing is left to validate", async () => {
  const res = await registry(owner.key).requestValidation(app(appId));
  assert.match(res.id, /^[A-Z2-7]{39}$/);
  assert.is(res.token, "", "never returned");
  assert.equal(res.entity?.ids.case, "applicationIds");
  assert.equal(
    res.contactInfo.map((c) => [c.contactType, c.contactMethod, c.value, c.validatedAt]),
    [
      [ContactType.OTHER, ContactMethod.EMAIL, "ci-owner@example.org", undefined],
      [ContactType.TECHNICAL, ContactMethod.EMAIL, "ci-owner@example.org", undefined],
    ],
  );
  assert.ok(res.expiresAt && res.createdAt);
  const link = validationLink(await mailbox.next("ci-owner@example.org"));
  assert.is(link.id, res.id);
  // Within the retry interval nothing is sent again.
  const err = await rejects(registry(owner.key).requestValidation(app(appId)), Code.AlreadyExists, "validations_already_sent");
  assert.is(err.attributes.retry_interval, "1h");
  await rejects(registry().validate({ id: link.id, token: "A".repeat(52) }), Code.NotFound, "validation_token_not_found");
  await registry().validate({ id: link.id, token: link.token });
  assert.ok((await pop.store.users.get(owner.id)).primaryEmailAddressValidatedAt);
  await rejects(registry().validate({ id: link.id, token: link.token }), Code.FailedPrecondition, "validation_token_already_used");
  const none = await rejects(registry(owner.key).requestValidation(app(appId)), Code.FailedPrecondition, "no_validation_needed");
  assert.is(none.namespace, "pkg/identityserver");
});

it("over HTTP: POST and PATCH /contact_info/validation; an organization contact stands for its own contact", async () => {
  const member = await unvalidated("ci-member");
  clock.advance(HOUR);
  const orgId = await pop.organization({ kind: "user", id: member.id }, { id: "ci-org" });
  const orgApp = await pop.application({ kind: "organization", id: orgId }, { id: "ci-org-app" });
  const res = await api(server, "POST", "/contact_info/validation", { key: member.key, body: { application_ids: { application_id: orgApp } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.contact_info.map((c: { value: string; contact_type?: string }) => [c.contact_type ?? "CONTACT_TYPE_OTHER", c.value]), [
    ["CONTACT_TYPE_OTHER", "ci-member@example.org"],
    ["CONTACT_TYPE_TECHNICAL", "ci-member@example.org"],
  ]);
  assert.is(res.body.token, undefined);
  const link = validationLink(await mailbox.next("ci-member@example.org"));
  const ok = await api(server, "PATCH", "/contact_info/validation", { body: link });
  assert.is(ok.status, 200, JSON.stringify(ok.body));
  assert.ok((await pop.store.users.get(member.id)).primaryEmailAddressValidatedAt);
  httpError(await api(server, "PATCH", "/contact_info/validation", { body: link }), 400, "validation_token_already_used");
});

it("different contacts each get their own e-mail; validated ones get none", async () => {
  const admin = await unvalidated("ci-admin-contact");
  const tech = await unvalidated("ci-tech-contact");
  clock.advance(HOUR);
  const id = await pop.application({ kind: "user", id: admin.id }, { id: "ci-two" });
  await pop.member({ kind: "application", id }, { kind: "user", id: tech.id }, R("APPLICATION_ALL"));
  await pop.member({ kind: "application", id }, { kind: "user", id: stranger.id }, R("APPLICATION_ALL"));
  await pop.store.applications.update(id, create(ApplicationSchema, { technicalContact: { ids: { case: "userIds", value: { userId: tech.id } } } }), ["technical_contact"]);
  const res = await registry(admin.key).requestValidation(app(id));
  assert.equal(res.contactInfo.map((c) => c.value), ["ci-admin-contact@example.org", "ci-tech-contact@example.org"]);
  const first = validationLink(await mailbox.next("ci-admin-contact@example.org"));
  const second = validationLink(await mailbox.next("ci-tech-contact@example.org"));
  assert.is(res.id, first.id);
  await registry().validate(second);
  assert.ok((await pop.store.users.get(tech.id)).primaryEmailAddressValidatedAt);

  // A validated technical contact is not e-mailed again.
  await pop.store.applications.update(id, create(ApplicationSchema, { technicalContact: { ids: { case: "userIds", value: { userId: stranger.id } } } }), ["technical_contact"]);
  clock.advance(HOUR);
  const again = await registry(admin.key).requestValidation(app(id));
  assert.equal(again.contactInfo.map((c) => c.value), ["ci-admin-contact@example.org"]);
  await mailbox.next("ci-admin-contact@example.org");
  await noMailTo(mailbox, "ci-stranger@example.com");
});

it("a user's own contact info is its primary address", async () => {
  const u = await unvalidated("ci-self");
  clock.advance(HOUR);
  const res = await registry(u.key).requestValidation({ ids: { case: "userIds", value: { userId: u.id } } });
  assert.equal(res.contactInfo.map((c) => c.value), ["ci-self@example.org"]);
  await registry().validate(validationLink(await mailbox.next("ci-self@example.org")));
  await rejects(registry(u.key).requestValidation({ ids: { case: "userIds", value: { userId: u.id } } }), Code.FailedPrecondition, "no_validation_needed");
});

test.run();
