// Notification e-mails through a real SMTP server: an API key created for an
// application is e-mailed to its administrative contact, by name; a receiver
// without an e-mail address still gets the stored notification; a collaborator
// change (stored only) sends nothing (spec §6.8).
import * as assert from "uvu/assert";
import { test } from "uvu";
import { ApplicationAccess } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { NotificationService } from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { create } from "@bufbuild/protobuf";
import { accountIdentifiers } from "../../src/auth/identifiers.js";
import { grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { startMailbox } from "../helpers/mailbox.js";
import { it, userRef } from "../helpers/expect.js";

const mailbox = await startMailbox();
const server = await startTestServer({
  "is.email.provider": "smtp",
  "is.email.smtp.address": mailbox.address,
  "is.email.queue.poll-interval": "100ms",
});
test.after(async () => {
  await server.close();
  await mailbox.stop();
});
const p = server.population;
const alice = await p.user({ id: "alice", email: "alice@example.com" });
await p.store.users.update("alice", create(UserSchema, { name: "Alice Liddell" }), ["name"]);
await p.application(userRef("alice"), { id: "alice-app" });
const bob = await p.user({ id: "bob", email: "bob@example.com" });
await p.application(userRef("bob"), { id: "bob-app" });

it("api_key_created is e-mailed to the administrative contact, by name", async () => {
  const key = await grpcClient(server, ApplicationAccess, alice.apiKey).createAPIKey({
    applicationIds: { applicationId: "alice-app" },
    name: "mail-me",
    rights: [Right.APPLICATION_INFO],
  });
  const mail = await mailbox.next("alice@example.com");
  assert.match(mail.subject, /API key/i);
  assert.match(mail.text, /Alice Liddell/);
  assert.match(mail.text, /alice-app/);
  assert.match(mail.text, new RegExp(key.id));
  assert.ok(!mail.text.includes(key.key), "the secret is not e-mailed");
});

it("a receiver without an e-mail address gets the notification, no e-mail", async () => {
  await p.store.users.update("bob", create(UserSchema, { primaryEmailAddress: "" }), ["primary_email_address"]);
  await grpcClient(server, ApplicationAccess, bob.apiKey).createAPIKey({ applicationIds: { applicationId: "bob-app" }, name: "quiet", rights: [Right.APPLICATION_INFO] });
  const list = await grpcClient(server, NotificationService, bob.apiKey).list({ receiverIds: { userId: "bob" } });
  assert.equal(list.notifications.map((n) => n.notificationType), ["api_key_created"]);
  let got: string | undefined;
  await mailbox.next("bob@example.com", 1500).then((m) => (got = m.subject), () => undefined);
  assert.is(got, undefined, `no e-mail expected, got "${got}"`);
});

it("collaborator_changed is stored only: no e-mail", async () => {
  await grpcClient(server, ApplicationAccess, alice.apiKey).setCollaborator({
    applicationIds: { applicationId: "alice-app" },
    collaborator: { ids: accountIdentifiers(userRef("bob")), rights: [Right.APPLICATION_INFO] },
  });
  const list = await grpcClient(server, NotificationService, alice.apiKey).list({ receiverIds: { userId: "alice" } });
  assert.is(list.notifications[0]?.notificationType, "collaborator_changed");
  let got: string | undefined;
  await mailbox.next("alice@example.com", 1500).then((m) => (got = m.subject), () => undefined);
  assert.is(got, undefined, `no e-mail expected, got "${got}"`);
});

test.run();
