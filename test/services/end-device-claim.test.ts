// End device claim authentication codes at rest (spec §7.3): sealed with the
// key named by `is.end-devices.encryption-key-id` as `<key_id>:<hex>`, returned
// decrypted to callers with APPLICATION_DEVICES_READ, readable after the key
// ID changes, plaintext without a key ID, and a start that fails when the key
// is not in the vault.
import { Code } from "@connectrpc/connect";
import { sql } from "drizzle-orm";
import * as assert from "uvu/assert";
import { test } from "uvu";
import { EndDeviceBatchRegistry, EndDeviceRegistry } from "../../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { EndDeviceRegistrySearch } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { ConfigError, validateConfig } from "../../src/config/index.js";
import { rows } from "../../src/store/pg/handle.js";
import { api, grpcClient } from "../helpers/clients.js";
import { testDatabase } from "../helpers/database.js";
import { startTestServer, testConfig, type TestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { appRef, devIds, httpError, it, rejects, userRef } from "./end-device-helpers.js";

const k1 = "000102030405060708090a0b0c0d0e0f";
const k2 = "f0e0d0c0b0a090807060504030201000f0e0d0c0b0a090807060504030201000";
const vault = { "key-vault.static": [`k1=${k1}`, `k2=${k2}`] };
const sealedWith = (keyId: string) => ({ ...vault, "is.end-devices.encryption-key-id": keyId });

const servers: TestServer[] = [];
const server = await startTestServer(sealedWith("k1"));
servers.push(server);
const p = server.population;
const alice = await p.user({ id: "alice" });
const app = await p.application(userRef("alice"), { id: "claim-app" });

const reg = (key: string, s: TestServer = server) => grpcClient(s, EndDeviceRegistry, key);
const codeMask = { paths: ["claim_authentication_code"] };

/** The claim code value as the database holds it. */
async function storedCode(tenantId: string, deviceId: string): Promise<string | undefined> {
  const db = (await testDatabase()).db;
  const [row] = await rows<{ code: { value?: string } | null }>(
    db,
    sql`SELECT claim_authentication_code AS code FROM end_devices WHERE tenant_id = ${tenantId} AND application_id = ${app} AND device_id = ${deviceId}`,
  );
  return row?.code?.value;
}

const withCode = (id: string, value: string) => ({
  endDevice: { ids: devIds(app, id), claimAuthenticationCode: { value, validFrom: { seconds: 1700000000n } } },
});

it("create: the database holds `<key_id>:<hex>` of AES-GCM (nonce ‖ ciphertext ‖ tag); the caller gets the code back", async () => {
  const created = await reg(alice.apiKey).create(withCode("sealed-dev", "ABCdef123"));
  assert.is(created.claimAuthenticationCode?.value, "ABCdef123");
  const stored = await storedCode(server.tenantId, "sealed-dev");
  assert.ok(stored?.startsWith("k1:"), stored);
  assert.not.ok(stored!.includes("ABCdef123"));
  const hex = stored!.slice(3);
  assert.match(hex, /^[0-9a-f]+$/);
  assert.is(hex.length, (12 + "ABCdef123".length + 16) * 2);
  // A fresh nonce each time: the same code seals differently.
  await reg(alice.apiKey).create(withCode("sealed-dev-2", "ABCdef123"));
  assert.is.not(await storedCode(server.tenantId, "sealed-dev-2"), stored);
});

it("read back decrypted: Get, List, batch Get and search (gRPC and HTTP), with valid_from kept", async () => {
  const got = await reg(alice.apiKey).get({ endDeviceIds: devIds(app, "sealed-dev"), fieldMask: codeMask });
  assert.is(got.claimAuthenticationCode?.value, "ABCdef123");
  assert.is(got.claimAuthenticationCode?.validFrom?.seconds, 1700000000n);
  const listed = await reg(alice.apiKey).list({ applicationIds: { applicationId: app }, fieldMask: codeMask });
  assert.ok(listed.endDevices.length >= 2);
  for (const d of listed.endDevices) assert.is(d.claimAuthenticationCode?.value, "ABCdef123");
  const batch = await grpcClient(server, EndDeviceBatchRegistry, alice.apiKey).get({ applicationIds: { applicationId: app }, deviceIds: ["sealed-dev"], fieldMask: codeMask });
  assert.is(batch.endDevices[0]?.claimAuthenticationCode?.value, "ABCdef123");
  const found = await grpcClient(server, EndDeviceRegistrySearch, alice.apiKey).searchEndDevices({ applicationIds: { applicationId: app }, idContains: "sealed-dev", fieldMask: codeMask });
  assert.ok(found.endDevices.every((d) => d.claimAuthenticationCode?.value === "ABCdef123"));
  const res = await api(server, "GET", `/applications/${app}/devices/sealed-dev?field_mask=claim_authentication_code`, { key: alice.apiKey });
  assert.is(res.status, 200);
  assert.is(res.body.claim_authentication_code.value, "ABCdef123");
  // Without the field in the mask, nothing of it is returned.
  const plain = await reg(alice.apiKey).get({ endDeviceIds: devIds(app, "sealed-dev"), fieldMask: { paths: ["name"] } });
  assert.is(plain.claimAuthenticationCode, undefined);
});

it("reading the code needs APPLICATION_DEVICES_READ, as every device read", async () => {
  const infoOnly = await p.apiKey(appRef(app), R("RIGHT_APPLICATION_INFO"));
  await rejects(reg(infoOnly).get({ endDeviceIds: devIds(app, "sealed-dev"), fieldMask: codeMask }), Code.PermissionDenied, "insufficient_application_rights");
  httpError(await api(server, "GET", `/applications/${app}/devices/sealed-dev?field_mask=claim_authentication_code`, { key: infoOnly }), 403, "insufficient_application_rights");
});

it("update: the new code is sealed too (gRPC and HTTP) and returned in plaintext", async () => {
  const updated = await reg(alice.apiKey).update({ endDevice: withCode("sealed-dev", "NewCode42").endDevice, fieldMask: codeMask });
  assert.is(updated.claimAuthenticationCode?.value, "NewCode42");
  const stored = await storedCode(server.tenantId, "sealed-dev");
  assert.ok(stored?.startsWith("k1:") && !stored.includes("NewCode42"), stored);
  const res = await api(server, "PUT", `/applications/${app}/devices/sealed-dev`, {
    key: alice.apiKey,
    body: { end_device: { claim_authentication_code: { value: "ViaHttp7" } }, field_mask: { paths: ["claim_authentication_code"] } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.claim_authentication_code.value, "ViaHttp7");
  assert.ok((await storedCode(server.tenantId, "sealed-dev"))?.startsWith("k1:"));
  // Other fields leave the sealed code alone.
  await reg(alice.apiKey).update({ endDevice: { ids: devIds(app, "sealed-dev"), name: "Renamed" }, fieldMask: { paths: ["name"] } });
  const got = await reg(alice.apiKey).get({ endDeviceIds: devIds(app, "sealed-dev"), fieldMask: codeMask });
  assert.is(got.claimAuthenticationCode?.value, "ViaHttp7");
});

it("key rotation: after the key ID changes, old codes stay readable and new ones use the new key", async () => {
  const rotated = await startTestServer(sealedWith("k2"), { tenantId: server.tenantId });
  servers.push(rotated);
  const got = await reg(alice.apiKey, rotated).get({ endDeviceIds: devIds(app, "sealed-dev"), fieldMask: codeMask });
  assert.is(got.claimAuthenticationCode?.value, "ViaHttp7");
  await reg(alice.apiKey, rotated).create(withCode("rotated-dev", "Rotated1"));
  assert.ok((await storedCode(server.tenantId, "rotated-dev"))?.startsWith("k2:"));
  assert.ok((await storedCode(server.tenantId, "sealed-dev"))?.startsWith("k1:"));
  // The first server (still on k1) reads codes sealed with k2: the stored key ID decides.
  const back = await reg(alice.apiKey).get({ endDeviceIds: devIds(app, "rotated-dev"), fieldMask: codeMask });
  assert.is(back.claimAuthenticationCode?.value, "Rotated1");
});

it("a key removed from the vault: reading a code sealed with it fails (key_vault), other fields still read", async () => {
  const lost = await startTestServer({ "key-vault.static": [`k2=${k2}`], "is.end-devices.encryption-key-id": "k2" }, { tenantId: server.tenantId });
  servers.push(lost);
  const d = await rejects(reg(alice.apiKey, lost).get({ endDeviceIds: devIds(app, "sealed-dev"), fieldMask: codeMask }), Code.Internal, "key_vault");
  assert.equal(d.attributes, { key_id: "k1", reason: "no such key in the key vault" });
  const named = await reg(alice.apiKey, lost).get({ endDeviceIds: devIds(app, "sealed-dev"), fieldMask: { paths: ["name"] } });
  assert.is(named.name, "Renamed");
});

it("without a key ID codes are stored as given, and stay readable once a key ID is configured", async () => {
  const open = await startTestServer();
  servers.push(open);
  const owner = await open.population.user({ id: "olga" });
  await open.population.application(userRef("olga"), { id: "claim-app" });
  const created = await reg(owner.apiKey, open).create(withCode("plain-dev", "Plain123"));
  assert.is(created.claimAuthenticationCode?.value, "Plain123");
  assert.is(await storedCode(open.tenantId, "plain-dev"), "Plain123");
  const sealing = await startTestServer(sealedWith("k1"), { tenantId: open.tenantId });
  servers.push(sealing);
  const got = await reg(owner.apiKey, sealing).get({ endDeviceIds: devIds("claim-app", "plain-dev"), fieldMask: codeMask });
  assert.is(got.claimAuthenticationCode?.value, "Plain123");
});

it("a configured key ID missing from the key vault: the server does not start, the config check names the option", async () => {
  try {
    const s = await startTestServer({ ...vault, "is.end-devices.encryption-key-id": "missing" });
    servers.push(s);
    assert.unreachable("the server started");
  } catch (err) {
    assert.match(String(err), "key_vault");
    assert.match(String(err), "missing");
  }
  try {
    validateConfig(testConfig({ ...vault, "is.end-devices.encryption-key-id": "missing" }));
    assert.unreachable("validateConfig accepted it");
  } catch (err) {
    assert.instance(err, ConfigError);
    assert.match((err as Error).message, "is.end-devices.encryption-key-id");
    assert.not.match((err as Error).message, k1);
  }
  validateConfig(testConfig(sealedWith("k2")));
});

test.after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

test.run();
