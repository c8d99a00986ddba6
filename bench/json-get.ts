// make bench: ApplicationRegistry.Get over the /api/v3 JSON gateway
// (`GET /api/v3/applications/<id>?field_mask=name` with an API key), autocannon
// with BENCH_IN_FLIGHT (16) keep-alive HTTP/1.1 connections, against the real
// server (PGlite, or PostgreSQL with DATABASE_URL) and a bare node:http server
// in a process of its own returning the same bytes, interleaved.
// Target: >= 0.25 of bare.
import { httpLoad } from "./lib/http-load.js";
import { startPeer } from "./lib/child.js";
import { interleave, summarize, type Summary } from "./lib/compare.js";
import { cpuMeter } from "./lib/cpu.js";
import { heading, ratioLine, sideLine, target } from "./lib/report.js";
import { startBenchServer } from "./lib/server.js";
import { settings } from "./lib/settings.js";

const server = await startBenchServer();
const path = `/api/v3/applications/${server.appId}?field_mask=name`;
const headers = { authorization: `Bearer ${server.key}` };
const answer = await fetch(server.httpURL + path, { headers });
if (answer.status !== 200) throw new Error(`GET ${path}: HTTP ${answer.status} ${await answer.text()}`);
const body = Buffer.from(await answer.arrayBuffer());
const bare = await startPeer<{ url: string }>(new URL("./lib/bare-json.ts", import.meta.url), { body: body.toString("base64") });

try {
  heading(`ApplicationRegistry.Get over /api/v3 JSON with an API key, ${settings.inFlight} connections (autocannon), ${body.length}-byte answer`);
  const load = (base: string) => (onMeasure: () => void) => httpLoad({ url: base + path, headers, connections: settings.inFlight, seconds: settings.seconds }, onMeasure);
  const [is, b] = (
    await interleave(settings.rounds, [
      { name: "identity server", meter: server.meter, run: load(server.httpURL) },
      { name: "bare node:http", meter: cpuMeter(bare.pid), run: load(bare.info.url) },
    ])
  ).map(summarize) as [Summary, Summary];
  sideLine("identity server", is);
  sideLine("bare node:http", b);
  target({ name: "ApplicationRegistry.Get /api/v3 JSON / bare", op: ">=", limit: 0.25, measured: ratioLine("IS / bare", is, b) });
} finally {
  await bare.close();
  await server.stop();
}
process.exit(0);
