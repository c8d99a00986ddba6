// make bench: ApplicationRegistry.Get over the /api/v3 JSON gateway
// (`GET /api/v3/applications/<id>?field_mask=name` with an API key), autocannon
// with BENCH_IN_FLIGHT (16) keep-alive HTTP/1.1 connections, against the real
// server (PGlite, or PostgreSQL with DATABASE_URL) and, interleaved, each in a
// process of its own:
// - the reference: a bare connect-node handler returning the same
//   message as JSON (Connect protocol, `POST /ttn.lorawan.v3.ApplicationRegistry/Get`
//   over HTTP/1.1). Target: >= 0.25 of it;
// - for information, node:http writing the same bytes with nothing else: the
//   ceiling of the machine and load generator, no framework at all.
import { toBinary } from "@bufbuild/protobuf";
import { ApplicationSchema } from "../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationRegistry } from "../gen/ttn/lorawan/v3/application_services_pb.js";
import { grpcClient } from "../test/helpers/clients.js";
import { httpLoad } from "./lib/http-load.js";
import { startPeer } from "./lib/child.js";
import { interleave, summarize, type Summary } from "./lib/compare.js";
import { cpuMeter } from "./lib/cpu.js";
import { heading, info, ratioLine, sideLine, target } from "./lib/report.js";
import { startBenchServer } from "./lib/server.js";
import { settings } from "./lib/settings.js";

const server = await startBenchServer();
const path = `/api/v3/applications/${server.appId}?field_mask=name`;
const headers = { authorization: `Bearer ${server.key}` };
const answer = await fetch(server.httpURL + path, { headers });
if (answer.status !== 200) throw new Error(`GET ${path}: HTTP ${answer.status} ${await answer.text()}`);
const body = Buffer.from(await answer.arrayBuffer());
// The same message as the connect-node handler returns it.
const message = await grpcClient(server, ApplicationRegistry, server.key).get({ applicationIds: { applicationId: server.appId }, fieldMask: { paths: ["name"] } });
const connect = await startPeer<{ url: string }>(new URL("./lib/bare-connect-json.ts", import.meta.url), { get: Buffer.from(toBinary(ApplicationSchema, message)).toString("base64") });
const connectPath = `/${ApplicationRegistry.typeName}/Get`;
const connectBody = JSON.stringify({ application_ids: { application_id: server.appId }, field_mask: "name" });
const connectAnswer = await fetch(connect.info.url + connectPath, { method: "POST", headers: { "content-type": "application/json" }, body: connectBody });
const connectText = await connectAnswer.text();
if (connectAnswer.status !== 200 || JSON.stringify(JSON.parse(connectText)) !== JSON.stringify(JSON.parse(body.toString()))) {
  throw new Error(`the connect-node handler answered ${connectAnswer.status} ${connectText}, the IS ${body.toString()}`);
}
const bare = await startPeer<{ url: string }>(new URL("./lib/bare-json.ts", import.meta.url), { body: body.toString("base64") });

try {
  heading(`ApplicationRegistry.Get over /api/v3 JSON with an API key, ${settings.inFlight} connections (autocannon), ${body.length}-byte answer`);
  const get = (base: string) => (onMeasure: () => void) => httpLoad({ url: base + path, headers, connections: settings.inFlight, seconds: settings.seconds }, onMeasure);
  const post = (onMeasure: () => void) =>
    httpLoad({ url: connect.info.url + connectPath, method: "POST", headers: { "content-type": "application/json" }, body: connectBody, connections: settings.inFlight, seconds: settings.seconds }, onMeasure);
  const [is, c, b] = (
    await interleave(settings.rounds, [
      { name: "identity server", meter: server.meter, run: get(server.httpURL) },
      { name: "bare connect-node", meter: cpuMeter(connect.pid), run: post },
      { name: "bare node:http", meter: cpuMeter(bare.pid), run: get(bare.info.url) },
    ])
  ).map(summarize) as [Summary, Summary, Summary];
  sideLine("identity server", is);
  sideLine("bare connect-node JSON", c);
  sideLine("bare node:http", b);
  target({ name: "ApplicationRegistry.Get /api/v3 JSON / bare", op: ">=", limit: 0.25, measured: ratioLine("IS / connect-node", is, c) });
  info(`against node:http writing the same bytes: throughput ${(is.rps / b.rps).toFixed(3)}, CPU per request ${(is.cpuMs / b.cpuMs).toFixed(1)}x`);
} finally {
  await connect.close();
  await bare.close();
  await server.stop();
}
process.exit(0);
