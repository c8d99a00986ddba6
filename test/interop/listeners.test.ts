// The interop listeners beside the others: bound on start (their addresses on
// RunningServer), serving LoRaWAN Backend Interfaces only (the API is not
// there), closed on shutdown; sender client CAs that cannot be read stop the
// start naming their option.
import net from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ConfigError } from "../../src/config/index.js";
import { startTestServer } from "../helpers/harness.js";
import { homeNSReq, send } from "./bi-client.js";
import { TestPKI } from "./pki.js";

const pki = new TestPKI();
test.after(() => pki.remove());

const connects = (address: string) =>
  new Promise<boolean>((resolve) => {
    const i = address.lastIndexOf(":");
    const socket = net.connect(Number(address.slice(i + 1)), address.slice(0, i));
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

test("the interop listener answers messages, not the API, and closes with the server", async () => {
  const server = await startTestServer({ "interop.listen": "127.0.0.1:0" });
  const address = server.server.interopAddress!;
  assert.match(address, /^127\.0\.0\.1:\d+$/);
  assert.is(server.server.interopTlsAddress, undefined);
  const api = await fetch(`http://${address}/api/v3/auth_info`);
  assert.is(api.status, 405);
  const answer = await send({ address, protocol: "http" }, homeNSReq({ version: "1.1", sender: "000013", receiver: "70B3D57ED0000000", devEui: "0004A30B001C0530" }));
  assert.is(answer.body.Result.ResultCode, "UnknownSender");
  await server.close();
  assert.is(await connects(address), false);
});

test("sender client CAs that cannot be read stop the start, naming the option", async () => {
  const missing = startTestServer({ "interop.sender-client-cas": ["000013=/nonexistent/ca.pem"] });
  await missing.then(
    () => assert.unreachable("started"),
    (err: unknown) => {
      assert.instance(err, ConfigError);
      assert.match((err as Error).message, /interop\.sender-client-cas/);
      assert.match((err as Error).message, /\/nonexistent\/ca\.pem/);
    },
  );
  const notPem = pki.file("not-a-ca.pem", "hello\n");
  pki.file("config.yml", `000013: not-a-ca.pem\n`);
  const empty = startTestServer({ "interop.sender-client-ca.source": "directory", "interop.sender-client-ca.directory": pki.dir });
  await empty.then(
    () => assert.unreachable("started"),
    (err: unknown) => {
      assert.instance(err, ConfigError);
      assert.match((err as Error).message, /interop\.sender-client-ca\.directory/);
      assert.ok((err as Error).message.includes(notPem), (err as Error).message);
      assert.match((err as Error).message, /no PEM certificate/);
    },
  );
});

test("Packet Broker tokens without interop.public-tls-address (their audience) stop the start", async () => {
  await startTestServer({ "interop.packet-broker.enabled": true }).then(
    () => assert.unreachable("started"),
    (err: unknown) => {
      assert.instance(err, ConfigError);
      assert.match((err as Error).message, /interop\.public-tls-address .*must be set when interop\.packet-broker\.enabled is true/);
    },
  );
});

test("an interop address in use stops the start naming interop.listen", async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    await startTestServer({ "interop.listen": `127.0.0.1:${port}` }).then(
      () => assert.unreachable("started"),
      (err: unknown) => {
        assert.instance(err, ConfigError);
        assert.match((err as Error).message, /cannot listen on interop\.listen/);
        assert.match((err as Error).message, /address already in use/);
      },
    );
  } finally {
    blocker.close();
  }
});

test.run();
