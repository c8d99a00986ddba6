// Authentication provider client secrets at rest: sealed with the key named by
// `is.authentication-providers.encryption-key-id` as `<key_id>:<hex>` (AES-GCM:
// nonce ‖ ciphertext ‖ tag), opened for a read that names the secret, readable
// after the key ID changes (the old key still in the vault), and stored open as
// `:<secret>` without a key ID. Reads the rows through the database.
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { api } from "../helpers/clients.js";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { it, provider, providerJson, providers, rejects, secretPath, storedSecret } from "./authentication-providers-helpers.js";

const k1 = "000102030405060708090a0b0c0d0e0f";
const k2 = "f0e0d0c0b0a090807060504030201000f0e0d0c0b0a090807060504030201000";
const vault = { "key-vault.static": [`k1=${k1}`, `k2=${k2}`] };
const sealedWith = (keyId: string) => ({ ...vault, "is.authentication-providers.encryption-key-id": keyId });

const servers: TestServer[] = [];
const server = await startTestServer(sealedWith("k1"));
servers.push(server);
test.after(async () => {
  for (const s of servers) await s.close();
});
const admin = server.adminAPIKey;

/** The secret as a read naming it returns it. */
async function secretOf(s: TestServer, id: string): Promise<string | undefined> {
  const got = await providers(s, admin).get({ ids: { providerId: id }, fieldMask: { paths: [secretPath] } });
  return got.configuration?.provider.case === "oidc" ? got.configuration.provider.value.clientSecret : undefined;
}

it("create (gRPC and HTTP): the database holds `k1:<hex>` of nonce ‖ ciphertext ‖ tag, never the secret", async () => {
  await providers(server, admin).create({ provider: provider("sealed-grpc", { oidc: { clientSecret: "s3cret-grpc" } }) });
  const stored = await storedSecret(server, "sealed-grpc");
  assert.ok(stored?.startsWith("k1:"), stored);
  assert.not.ok(stored!.includes("s3cret-grpc"));
  assert.match(stored!.slice(3), /^[0-9a-f]+$/);
  assert.is(stored!.length - 3, (12 + "s3cret-grpc".length + 16) * 2);

  const res = await api(server, "POST", "/authentication_providers", { key: admin, body: { provider: providerJson("sealed-http", { client_secret: "s3cret-http" }) } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  const http = await storedSecret(server, "sealed-http");
  assert.ok(http?.startsWith("k1:") && !http.includes("s3cret-http"), http);

  // A fresh nonce each time: the same secret seals differently.
  await providers(server, admin).create({ provider: provider("sealed-twin", { oidc: { clientSecret: "s3cret-grpc" } }) });
  assert.is.not(await storedSecret(server, "sealed-twin"), stored);

  assert.is(await secretOf(server, "sealed-grpc"), "s3cret-grpc");
  assert.is(await secretOf(server, "sealed-http"), "s3cret-http");
});

it("update seals the new secret; other fields leave the sealed one alone; an empty secret is stored empty", async () => {
  const before = await storedSecret(server, "sealed-grpc");
  await providers(server, admin).update({ provider: provider("sealed-grpc", { name: "Renamed" }), fieldMask: { paths: ["name"] } });
  assert.is(await storedSecret(server, "sealed-grpc"), before);

  await providers(server, admin).update({ provider: provider("sealed-grpc", { oidc: { clientSecret: "n3w" } }), fieldMask: { paths: [secretPath] } });
  const after = await storedSecret(server, "sealed-grpc");
  assert.ok(after?.startsWith("k1:") && after !== before && !after.includes("n3w"), after);
  assert.is(await secretOf(server, "sealed-grpc"), "n3w");

  await providers(server, admin).create({ provider: provider("public-client", { oidc: { clientSecret: "" } }) });
  assert.is(await storedSecret(server, "public-client"), "");
  assert.is(await secretOf(server, "public-client"), "");
});

it("key rotation: after the key ID changes, old secrets stay readable and new ones use the new key", async () => {
  const rotated = await startTestServer(sealedWith("k2"), { tenantId: server.tenantId });
  servers.push(rotated);
  assert.is(await secretOf(rotated, "sealed-http"), "s3cret-http");
  await providers(rotated, admin).create({ provider: provider("rotated", { oidc: { clientSecret: "r0tated" } }) });
  assert.ok((await storedSecret(server, "rotated"))?.startsWith("k2:"));
  assert.ok((await storedSecret(server, "sealed-http"))?.startsWith("k1:"));
  await providers(rotated, admin).update({ provider: provider("sealed-http", { oidc: { clientSecret: "resealed" } }), fieldMask: { paths: [secretPath] } });
  assert.ok((await storedSecret(server, "sealed-http"))?.startsWith("k2:"));
  // The first server (still on k1) reads what k2 sealed: the stored key ID decides.
  assert.is(await secretOf(server, "rotated"), "r0tated");
  assert.is(await secretOf(server, "sealed-http"), "resealed");
});

it("a key removed from the vault: reading a secret sealed with it fails, other fields still read", async () => {
  const lost = await startTestServer({ "key-vault.static": [`k2=${k2}`], "is.authentication-providers.encryption-key-id": "k2" }, { tenantId: server.tenantId });
  servers.push(lost);
  const d = await rejects(providers(lost, admin).get({ ids: { providerId: "sealed-twin" }, fieldMask: { paths: [secretPath] } }), Code.Internal, "key_vault");
  assert.equal(d.attributes, { key_id: "k1", reason: "no such key in the key vault" });
  const got = await providers(lost, admin).get({ ids: { providerId: "sealed-twin" }, fieldMask: { paths: ["name", "configuration"] } });
  assert.is(got.name, "Provider sealed-twin");
  assert.is(got.configuration?.provider.case === "oidc" ? got.configuration.provider.value.clientId : "", "client-of-sealed-twin");
});

it("without a key ID the secret is stored open as `:<secret>` and read back", async () => {
  const open = await startTestServer();
  servers.push(open);
  await providers(open, open.adminAPIKey).create({ provider: provider("open-oidc", { oidc: { clientSecret: "pla1n:with-colon" } }) });
  assert.is(await storedSecret(open, "open-oidc"), ":pla1n:with-colon");
  const got = await providers(open, open.adminAPIKey).get({ ids: { providerId: "open-oidc" }, fieldMask: { paths: [secretPath] } });
  assert.is(got.configuration?.provider.case === "oidc" ? got.configuration.provider.value.clientSecret : "", "pla1n:with-colon");
  // Sealed later (a key ID configured), the open one stays readable.
  const later = await startTestServer(sealedWith("k1"), { tenantId: open.tenantId });
  servers.push(later);
  const again = await providers(later, open.adminAPIKey).get({ ids: { providerId: "open-oidc" }, fieldMask: { paths: [secretPath] } });
  assert.is(again.configuration?.provider.case === "oidc" ? again.configuration.provider.value.clientSecret : "", "pla1n:with-colon");
});

test.run();
