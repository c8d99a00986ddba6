// The options of LoRaWAN Backend Interfaces: the network answered to HomeNSReq
// (is.network.*) and the interop server (interop.*), with the stack's names,
// defaults and checks; `interop` is a section of this server now, so a typo in
// it stops the start like one under `is`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ConfigError, formatConfig, loadConfig } from "../../src/config/index.js";

const tmp = mkdtempSync(join(tmpdir(), "is-interop-config-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));
const load = (argv: string[], env: Record<string, string> = {}) => loadConfig({ argv, env });

function refused(argv: string[], ...fragments: string[]) {
  try {
    load(argv);
  } catch (err) {
    assert.instance(err, ConfigError);
    for (const f of fragments) assert.ok((err as Error).message.includes(f), `${JSON.stringify((err as Error).message)} lacks ${JSON.stringify(f)}`);
    return;
  }
  assert.unreachable(`${argv.join(" ")} was accepted`);
}

test("defaults: NetID 000000, interop on :8886 (cleartext), TLS off, Packet Broker off with its issuer", () => {
  const { config, warnings } = load([]);
  assert.equal(config.is.network, { netId: "000000", tenantId: "", nsId: "" });
  assert.is(config.interop.listen, ":8886");
  assert.is(config.interop.listenTls, "");
  assert.equal(config.interop.packetBroker, { enabled: false, tokenIssuer: "https://iam.packetbroker.net" });
  assert.equal(config.interop.senderClientCas, []);
  assert.equal(warnings, []);
});

test("the documented names set them, from flags, env and YAML", () => {
  const file = join(tmp, "c.yml");
  writeFileSync(file, "is:\n  network:\n    net-id: '000013'\n    tenant-id: ttn\ninterop:\n  listen: ':0'\n  sender-client-cas:\n    '000013': /etc/ca/a.pem\n    C00053: /etc/ca/b.pem\n");
  const { config } = load(["-c", file, "--is.network.ns-id", "70b3d57ed0000001"], { TTN_LW_INTEROP_PUBLIC_TLS_ADDRESS: "interop.example.com" });
  assert.equal(config.is.network, { netId: "000013", tenantId: "ttn", nsId: "70b3d57ed0000001" });
  assert.is(config.interop.listen, ":0");
  assert.is(config.interop.publicTlsAddress, "interop.example.com");
  // The stack's map, in YAML, as `<SenderID>=<file>` entries (as flags write them).
  assert.equal(config.interop.senderClientCas, ["000013=/etc/ca/a.pem", "C00053=/etc/ca/b.pem"]);
  assert.equal(load(["--interop.sender-client-cas", "000013=/a.pem,000042=/b.pem"]).config.interop.senderClientCas, ["000013=/a.pem", "000042=/b.pem"]);
});

test("bad values stop the start, naming the option", () => {
  refused(["--is.network.net-id", "0013"], "is.network.net-id", "3 bytes");
  refused(["--is.network.net-id", ""], "is.network.net-id", "must be set");
  refused(["--is.network.ns-id", "70B3D57ED000"], "is.network.ns-id", "8 bytes");
  refused(["--interop.listen", "1886"], "interop.listen", "[host]:port");
  refused(["--interop.listen-tls", ":8886"], "interop.listen-tls", "tls.certificate");
  refused(["--interop.sender-client-ca.source", "url"], "interop.sender-client-ca.source", "directory");
  refused(["--interop.sender-client-ca.source", "directory"], "interop.sender-client-ca.directory", "must be set");
  refused(["--interop.sender-client-cas", "000013"], "interop.sender-client-cas", "<SenderID>=<PEM file");
  refused(["--interop.packet-broker.token-issuer", "iam"], "interop.packet-broker.token-issuer", "URL");
});

test("the token issuer is a URL, shown like one (not masked as a secret)", () => {
  const { config } = load(["--interop.packet-broker.token-issuer", "https://iam.example.net"]);
  assert.ok(formatConfig(config).includes("token-issuer: https://iam.example.net"));
});

test("interop is a section of this server: an unknown name in it is a typo", () => {
  refused(["--interop.lissen", ":1"], "interop.lissen", "did you mean interop.listen?");
  const file = join(tmp, "typo.yml");
  writeFileSync(file, "interop:\n  sender-client-ca:\n    url: https://example.com/cas\n");
  refused(["-c", file], "unknown option", "interop.sender-client-ca.url");
  assert.throws(() => load([], { TTN_LW_INTEROP_LISTN: ":1" }), (err: Error) => err instanceof ConfigError && err.message.includes("TTN_LW_INTEROP_LISTN"));
});

test.run();
