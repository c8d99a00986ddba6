// HomeNSReq over LoRaWAN Backend Interfaces, from a client written from the
// specification: who may ask first (no credential, a certificate of another
// sender's CA or of no configured CA, Packet Broker tokens that are not good),
// then the answers of 1.0 and 1.1 field by field (over cleartext with a
// Packet Broker token, over TLS with a client certificate, HTTP/1.1 and
// HTTP/2), the device's tenant in HTenantID, and the refusals: unknown device,
// malformed message, wrong receiver, wrong protocol version, HTTP misuse.
import { create } from "@bufbuild/protobuf";
import { randomBytes } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { TenantSchema } from "../../gen/tti/lorawan/v3/tenant_pb.js";
import { startTestServer } from "../helpers/harness.js";
import { Population } from "../helpers/population.js";
import { homeNSReq, send, type Answer, type Target } from "./bi-client.js";
import { TestPKI } from "./pki.js";
import { startTokenIssuer } from "./token-issuer.js";

const hex = (bytes: number) => randomBytes(bytes).toString("hex").toUpperCase();

// Our network, and the networks that ask.
const netId = "000013";
const nsId = "70B3D57ED0000013";
const [netA, netB] = ["000042", "000043"]; // trusted through the CA directory / the deprecated map
const publicAddress = "interop.example.com:8886";

const pki = new TestPKI();
const serverCA = pki.ca("server-ca");
const serverCert = pki.issue(serverCA, "server", { san: "IP:127.0.0.1,DNS:localhost", usage: "serverAuth" });
const caA = pki.ca("ca-network-a");
const caB = pki.ca("ca-network-b");
const caStranger = pki.ca("ca-stranger");
const clientA = pki.issue(caA, "ns.network-a.example", { san: "DNS:ns.network-a.example", usage: "clientAuth" });
const clientB = pki.issue(caB, "ns.network-b.example", { san: "DNS:ns.network-b.example", usage: "clientAuth" });
const clientStranger = pki.issue(caStranger, "ns.stranger.example", { san: "DNS:ns.stranger.example", usage: "clientAuth" });
// The directory source: config.yml names the CA file of NetID 000042 (unquoted: it must stay a NetID, not 42).
const caDir = pki.dir;
pki.file("config.yml", `${netA}: ca-network-a.pem\n`);

const issuer = await startTokenIssuer();
const server = await startTestServer({
  "interop.listen": "127.0.0.1:0",
  "interop.listen-tls": "127.0.0.1:0",
  "tls.certificate": serverCert.cert,
  "tls.key": serverCert.key,
  "is.network.net-id": netId,
  "is.network.tenant-id": "tenant-of-netid",
  "is.network.ns-id": nsId,
  "interop.sender-client-ca.source": "directory",
  "interop.sender-client-ca.directory": caDir,
  "interop.sender-client-cas": [`${netB}=${caB.cert}`],
  "interop.packet-broker.enabled": true,
  "interop.packet-broker.token-issuer": issuer.issuer,
  "interop.public-tls-address": publicAddress,
});
test.after(async () => {
  await server.close();
  await issuer.close();
  pki.remove();
});

const plain: Target = { address: server.server.interopAddress!, protocol: "http" };
const tlsTo = (client?: { certPem: Buffer; keyPem: Buffer }, protocol: "https" | "h2" = "https"): Target => ({
  address: server.server.interopTlsAddress!,
  protocol,
  ca: serverCA.certPem,
  ...(client ? { cert: client.certPem, key: client.keyPem } : {}),
});
// Signed when the module loads, which in a whole-suite run can be many minutes before these tests run.
const pbToken = await issuer.sign({ audience: publicAddress, expiresIn: "2h" });
const asPacketBroker: Target = { ...plain, bearer: pbToken };

// A device of the default tenant with a Network Server address, one without, and one of another tenant.
const pop = server.population;
const owner = await pop.user({ id: "owner" });
const app = await pop.application({ kind: "user", id: owner.id }, { id: "app" });
const device = { joinEui: hex(8), devEui: hex(8) };
await pop.endDevice(app, { id: "dev", ...device });
await server.server.store.endDevices.update(app, "dev", create(EndDeviceSchema, { networkServerAddress: "ns.home.example:8884" }), ["network_server_address"]);
const bare = { joinEui: hex(8), devEui: hex(8) };
await pop.endDevice(app, { id: "dev-bare", ...bare });

async function tenantWithDevice(state: State, euis: { joinEui: string; devEui: string }, nsAddress = "") {
  const tenantId = `tenant-${randomBytes(4).toString("hex")}`;
  await server.server.tenants.records.create(create(TenantSchema, { ids: { tenantId }, state }));
  const p = new Population(server.server.tenants.store(tenantId));
  const u = await p.user({ id: "owner" });
  const a = await p.application({ kind: "user", id: u.id }, { id: "app" });
  await p.endDevice(a, { id: "dev", ...euis });
  if (nsAddress) await p.store.endDevices.update(a, "dev", create(EndDeviceSchema, { networkServerAddress: nsAddress }), ["network_server_address"]);
  return tenantId;
}
const otherDevice = { joinEui: hex(8), devEui: hex(8) };
const otherTenant = await tenantWithDevice(State.APPROVED, otherDevice, "ns.other-tenant.example");
const suspendedDevice = { joinEui: hex(8), devEui: hex(8) };
await tenantWithDevice(State.SUSPENDED, suspendedDevice, "ns.suspended.example");
const twiceDevice = { joinEui: hex(8), devEui: hex(8) };
await tenantWithDevice(State.APPROVED, twiceDevice);
await tenantWithDevice(State.APPROVED, twiceDevice);

/** An answer that refuses: HTTP 200, the answer header, the result code and nothing of the device. */
function refused(answer: Answer, code: string, req?: { ProtocolVersion: string; TransactionID: number }) {
  assert.is(answer.status, 200, answer.text);
  assert.is(answer.body?.Result?.ResultCode, code, answer.text);
  assert.type(answer.body.Result.Description, "string");
  for (const field of ["HNetID", "HNSID", "VSExtension"]) assert.not.ok(field in answer.body, `${field} in ${answer.text}`);
  if (req) {
    assert.is(answer.body.ProtocolVersion, req.ProtocolVersion);
    assert.is(answer.body.TransactionID, req.TransactionID);
    assert.is(answer.body.MessageType, "HomeNSAns");
  }
}

// ---- who may ask --------------------------------------------------------------

test("without any credential: UnknownSender, also for a device that exists (1.0 and 1.1, cleartext and TLS)", async () => {
  for (const version of ["1.0", "1.1"]) {
    const req = homeNSReq({ version, sender: netA, receiver: device.joinEui, devEui: device.devEui });
    refused(await send(plain, req), "UnknownSender", req);
    refused(await send(tlsTo(), req), "UnknownSender", req);
  }
  // An unknown device is not told apart from a known one.
  refused(await send(plain, homeNSReq({ version: "1.1", sender: netA, receiver: hex(8), devEui: hex(8) })), "UnknownSender");
});

test("a client certificate proves only the sender its CA is configured for", async () => {
  const req = (sender: string) => homeNSReq({ version: "1.1", sender, receiver: device.joinEui, devEui: device.devEui });
  // CA A is network A's (directory), CA B network B's (deprecated map).
  refused(await send(tlsTo(clientA), req(netB)), "UnknownSender");
  refused(await send(tlsTo(clientB), req(netA)), "UnknownSender");
  refused(await send(tlsTo(clientA), req("000000")), "UnknownSender");
  // A CA nobody configured.
  refused(await send(tlsTo(clientStranger), req(netA)), "UnknownSender");
  // A certificate that does not verify is refused even with a good token.
  refused(await send({ ...tlsTo(clientStranger), bearer: pbToken }, req("000000")), "UnknownSender");
  assert.is((await send(tlsTo(clientA), req(netA))).body.Result.ResultCode, "Success");
  assert.is((await send(tlsTo(clientB), req(netB))).body.Result.ResultCode, "Success");
});

test("Packet Broker tokens: only of the issuer, for this address, unexpired, of a cluster, signed with its key; as NetID 000000", async () => {
  const req = (sender = "000000") => homeNSReq({ version: "1.0", sender, receiver: device.joinEui, devEui: device.devEui });
  const bad = [
    await issuer.sign({ audience: "elsewhere.example.com" }),
    await issuer.sign({ audience: publicAddress, expiresIn: "-1m" }),
    await issuer.sign({ audience: publicAddress, cluster: false }),
    await issuer.sign({ audience: publicAddress, otherKey: true }),
    await issuer.sign({ audience: publicAddress, issuer: "https://iam.example.net" }),
    "not-a-jwt",
  ];
  for (const token of bad) refused(await send({ ...plain, bearer: token }, req()), "UnknownSender");
  // A good token speaks for NetID 000000 only.
  refused(await send(asPacketBroker, req(netA)), "UnknownSender");
  assert.is((await send(asPacketBroker, req())).body.Result.ResultCode, "Success");
  // The host of interop.public-tls-address is a good audience too.
  assert.is((await send({ ...plain, bearer: await issuer.sign({ audience: "interop.example.com" }) }, req())).body.Result.ResultCode, "Success");
});

// ---- the answers -------------------------------------------------------------

test("HomeNSReq 1.0 (Packet Broker token, cleartext): HomeNSAns with HNetID and the vendor extension, field by field", async () => {
  const req = homeNSReq({ version: "1.0", sender: "000000", receiver: device.joinEui.toLowerCase(), devEui: device.devEui.toLowerCase(), senderToken: "0a0b" });
  const answer = await send(asPacketBroker, req);
  assert.is(answer.status, 200);
  assert.match(String(answer.headers["content-type"]), /^application\/json/);
  assert.equal(answer.body, {
    ProtocolVersion: "1.0",
    SenderID: device.joinEui,
    ReceiverID: "000000",
    TransactionID: req.TransactionID,
    MessageType: "HomeNSAns",
    ReceiverToken: "0A0B",
    Result: { ResultCode: "Success" },
    HNetID: netId,
    VSExtension: { VendorID: "EC656E", Object: { TTSV3: { HTenantID: "tenant-of-netid", HNSAddress: "ns.home.example:8884" } } },
  });
});

test("HomeNSReq 1.1 (client certificate, TLS, HTTP/1.1 and HTTP/2): SenderNSID answered as ReceiverNSID, HNSID", async () => {
  for (const protocol of ["https", "h2"] as const) {
    const senderNsid = hex(8);
    const req = homeNSReq({ version: "1.1", sender: netA, receiver: device.joinEui, devEui: device.devEui, senderNsid });
    const answer = await send(tlsTo(clientA, protocol), req);
    assert.is(answer.status, 200, protocol);
    assert.equal(answer.body, {
      ProtocolVersion: "1.1",
      SenderID: device.joinEui,
      ReceiverID: netA,
      TransactionID: req.TransactionID,
      MessageType: "HomeNSAns",
      ReceiverNSID: senderNsid,
      Result: { ResultCode: "Success" },
      HNSID: nsId,
      HNetID: netId,
      VSExtension: { VendorID: "EC656E", Object: { TTSV3: { HTenantID: "tenant-of-netid", HNSAddress: "ns.home.example:8884" } } },
    }, protocol);
  }
});

test("HTenantID is the device's tenant outside the default tenant; empty values are left out", async () => {
  // (A 0x prefix is read too.)
  const other = await send(asPacketBroker, homeNSReq({ version: "1.1", sender: "0x000000", receiver: `0x${otherDevice.joinEui}`, devEui: otherDevice.devEui }));
  assert.is(other.body.SenderID, otherDevice.joinEui);
  assert.is(other.body.ReceiverID, "000000");
  assert.equal(other.body.VSExtension, { VendorID: "EC656E", Object: { TTSV3: { HTenantID: otherTenant, HNSAddress: "ns.other-tenant.example" } } });
  assert.is(other.body.HNetID, netId);
  const noAddress = await send(asPacketBroker, homeNSReq({ version: "1.1", sender: "000000", receiver: bare.joinEui, devEui: bare.devEui }));
  assert.equal(noAddress.body.VSExtension, { VendorID: "EC656E", Object: { TTSV3: { HTenantID: "tenant-of-netid" } } });
});

// ---- refusals ------------------------------------------------------------------

test("unknown device: UnknownDevEUI (a DevEUI under another JoinEUI, a suspended tenant's device); several tenants: Other", async () => {
  for (const version of ["1.0", "1.1"]) {
    for (const euis of [{ joinEui: hex(8), devEui: hex(8) }, { joinEui: hex(8), devEui: device.devEui }, suspendedDevice]) {
      const req = homeNSReq({ version, sender: "000000", receiver: euis.joinEui, devEui: euis.devEui });
      refused(await send(asPacketBroker, req), "UnknownDevEUI", req);
    }
  }
  refused(await send(asPacketBroker, homeNSReq({ version: "1.1", sender: "000000", receiver: twiceDevice.joinEui, devEui: twiceDevice.devEui })), "Other");
});

test("malformed messages: MalformedMessage in 1.1, MalformedRequest in 1.0", async () => {
  for (const [version, code] of [["1.1", "MalformedMessage"], ["1.0", "MalformedRequest"]] as const) {
    const good = homeNSReq({ version, sender: "000000", receiver: device.joinEui, devEui: device.devEui });
    const cases: Array<Record<string, unknown>> = [
      { ...good, DevEUI: undefined },
      { ...good, DevEUI: "0102" },
      { ...good, DevEUI: "zz".repeat(8) },
      { ...good, ReceiverID: undefined },
      { ...good, SenderID: "not-a-netid" },
      { ...good, TransactionID: "1" },
      { ...good, SenderToken: "xyz" },
      { ...good, MessageType: "JoinReq" },
    ];
    for (const body of cases) {
      const answer = await send(asPacketBroker, body);
      assert.is(answer.status, 200, JSON.stringify(body));
      assert.is(answer.body.Result.ResultCode, code, JSON.stringify(body));
      assert.is(answer.body.ProtocolVersion, version);
      assert.not.ok("HNetID" in answer.body);
    }
  }
  // 1.0 has no NSIDs.
  const nsidIn10 = await send(asPacketBroker, homeNSReq({ version: "1.0", sender: "000000", receiver: device.joinEui, devEui: device.devEui, senderNsid: nsId }));
  assert.is(nsidIn10.body.Result.ResultCode, "MalformedRequest");
  // A body that is no message at all: HTTP 400, with the result.
  for (const body of ["{not json", "[1,2]", JSON.stringify({ MessageType: "HomeNSAns", ProtocolVersion: "1.1" }), JSON.stringify({ ProtocolVersion: "1.1" })]) {
    const answer = await send(asPacketBroker, body);
    assert.is(answer.status, 400, body);
    assert.is(answer.body.Result.ResultCode, "MalformedMessage", body);
  }
});

test("wrong receiver: a ReceiverID that is no JoinEUI is UnknownReceiver (1.0 spells it UnkownReceiver)", async () => {
  for (const [version, code] of [["1.1", "UnknownReceiver"], ["1.0", "UnkownReceiver"]] as const) {
    for (const receiver of [netId, "join-server.example"]) {
      const req = homeNSReq({ version, sender: "000000", receiver, devEui: device.devEui });
      const answer = await send(asPacketBroker, req);
      refused(answer, code, req);
      assert.is(answer.body.SenderID, receiver);
    }
  }
});

test("wrong protocol version: InvalidProtocolVersion, the version echoed", async () => {
  for (const version of ["2.0", "1.2", ""]) {
    const req = homeNSReq({ version, sender: "000000", receiver: device.joinEui, devEui: device.devEui });
    const answer = await send(asPacketBroker, req);
    assert.is(answer.status, 200);
    assert.is(answer.body.Result.ResultCode, "InvalidProtocolVersion", version);
    assert.is(answer.body.ProtocolVersion, version);
    assert.is(answer.body.TransactionID, req.TransactionID);
    assert.not.ok("HNetID" in answer.body);
  }
  const missing = await send(asPacketBroker, { ...homeNSReq({ version: "1.1", sender: "000000", receiver: device.joinEui, devEui: device.devEui }), ProtocolVersion: undefined });
  assert.is(missing.body.Result.ResultCode, "InvalidProtocolVersion");
});

test("HTTP: POST only (405), JSON only (415), 32 KiB at most (413)", async () => {
  const req = homeNSReq({ version: "1.1", sender: "000000", receiver: device.joinEui, devEui: device.devEui });
  const get = await send(asPacketBroker, "", { method: "GET" });
  assert.is(get.status, 405);
  assert.is(get.headers.allow, "POST");
  assert.is((await send(asPacketBroker, JSON.stringify(req), { contentType: "text/plain" })).status, 415);
  assert.is((await send(asPacketBroker, { ...req, Padding: "x".repeat(40 * 1024) })).status, 413);
  // Any path, and a charset parameter, are fine.
  const answer = await send(asPacketBroker, req, { path: "/some/path", contentType: "application/json; charset=utf-8" });
  assert.is(answer.body.Result.ResultCode, "Success");
});

test.run();
