// How client secrets are stored: a generated one (ClientRegistry.Create
// without a secret) with the fast keyed hash API keys use, a chosen one (given
// to Create or Update) with argon2id; all of them, and argon2id hashes stored
// earlier with other parameters, work at the token endpoint.
import { create } from "@bufbuild/protobuf";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ClientSchema, GrantType } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { createHashPool } from "../../src/auth/hash-pool.js";
import { createPasswordHasher } from "../../src/auth/passwords.js";
import { api } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { tokenRequest } from "./core-helpers.js";

const ts = await startTestServer();
const alice = await ts.population.user({ id: "alice" });

/** An approved client made through /api/v3 by the admin, with the password grant. */
async function registered(id: string, secret?: string): Promise<string> {
  const res = await api(ts, "POST", "/users/admin/clients", {
    key: ts.adminAPIKey,
    body: { client: { ids: { client_id: id }, secret, redirect_uris: ["https://app.example.com/cb"], grants: ["GRANT_PASSWORD"], state: "STATE_APPROVED" }, collaborator: { user_ids: { user_id: "admin" } } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body.secret;
}

const passwordGrant = (clientId: string, secret: string) =>
  tokenRequest(ts, { grant_type: "password", username: alice.id, password: alice.password }, { basic: [clientId, secret] });

async function assertWorks(clientId: string, secret: string): Promise<void> {
  const ok = await passwordGrant(clientId, secret);
  assert.is(ok.status, 200, JSON.stringify(ok.body));
  assert.ok(ok.body.access_token);
  const wrong = await passwordGrant(clientId, secret + "x");
  assert.is(wrong.body.error, "invalid_client", JSON.stringify(wrong.body));
}

test("a generated secret is stored with the keyed hash and works at the token endpoint", async () => {
  const secret = await registered("generated-app");
  assert.ok(secret.length >= 50, "the generated secret is returned once");
  const stored = (await ts.server.store.clients.get("generated-app")).secret;
  assert.match(stored, /^HS256\$/);
  assert.not.ok(stored.includes(secret));
  await assertWorks("generated-app", secret);
});

test("a chosen secret (Create, then Update) is stored as argon2id and works", async () => {
  await registered("chosen-app", "a secret someone chose");
  assert.match((await ts.server.store.clients.get("chosen-app")).secret, /^\$argon2id\$/);
  await assertWorks("chosen-app", "a secret someone chose");
  const updated = await api(ts, "PUT", "/clients/chosen-app", { key: ts.adminAPIKey, body: { client: { secret: "another chosen secret" }, field_mask: { paths: ["secret"] } } });
  assert.is(updated.status, 200, JSON.stringify(updated.body));
  assert.match((await ts.server.store.clients.get("chosen-app")).secret, /^\$argon2id\$/);
  await assertWorks("chosen-app", "another chosen secret");
});

test("an argon2id hash stored earlier (other parameters) still verifies", async () => {
  const old = await createPasswordHasher({ memoryCost: 128, timeCost: 2 }, createHashPool()).hash("an old secret");
  await ts.server.store.clients.create(create(ClientSchema, { ids: { clientId: "old-app" }, secret: old, state: State.APPROVED, grants: [GrantType.GRANT_PASSWORD], redirectUris: ["https://app.example.com/cb"] }));
  await assertWorks("old-app", "an old secret");
});

test.after(async () => {
  await ts.close();
});

test.run();
