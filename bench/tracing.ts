// make bench: what OpenTelemetry tracing (tracing.enable, src/telemetry/tracing/)
// costs on ApplicationRegistry.Get with an API key over gRPC, h2load with
// BENCH_IN_FLIGHT (16) in flight: two servers in this process on the same
// database, one tracing every request (sample-probability 1: a SERVER span,
// the secret check, the database spans; exported in batches over OTLP/HTTP to
// a collector in a child process, whose CPU is not counted) and one with
// tracing off. Both are warmed up first (unmeasured), then loaded in turn, the
// order swapped every round. Target: less than 15% overhead, in throughput and
// in CPU per request (the process's: both servers share it, one idle at a
// time; the batches sent while the other side runs count against it).
import { startPeer } from "./lib/child.js";
import { measure, summarize, type Measured, type Side } from "./lib/compare.js";
import { heading, sideLine, target } from "./lib/report.js";
import { getApplicationCall, loadGrpc, startBenchServer } from "./lib/server.js";
import { settings } from "./lib/settings.js";

const sink = await startPeer<{ url: string }>(new URL("./lib/otlp-sink.ts", import.meta.url), {});
const on = await startBenchServer({ "tracing.enable": true, "tracing.sample-probability": 1, "tracing.collector-config.endpoint-url": sink.info.url });
const off = await startBenchServer({ "tracing.enable": false });
const [callOn, callOff] = [await getApplicationCall(on), await getApplicationCall(off)];

try {
  heading(`ApplicationRegistry.Get, gRPC with an API key, ${settings.inFlight} in flight (h2load), tracing on (every request) vs off`);
  const sides: Side[] = [
    { name: "tracing on", meter: on.meter, run: (onMeasure) => loadGrpc(on.grpcAddress, callOn, onMeasure) },
    { name: "tracing off", meter: off.meter, run: (onMeasure) => loadGrpc(off.grpcAddress, callOff, onMeasure) },
  ];
  await loadGrpc(on.grpcAddress, callOn, () => {}, settings.inFlight, 1);
  await loadGrpc(off.grpcAddress, callOff, () => {}, settings.inFlight, 1);
  const results: Measured[][] = [[], []];
  for (let round = 0; round < settings.rounds; round++) {
    for (const k of round % 2 === 0 ? [0, 1] : [1, 0]) results[k]!.push(await measure(sides[k]!));
  }
  const [traced, untraced] = results.map(summarize) as [ReturnType<typeof summarize>, ReturnType<typeof summarize>];
  sideLine("tracing on", traced);
  sideLine("tracing off", untraced);
  await on.server.flushTraces!();
  const exported = (await (await fetch(new URL("/count", sink.info.url))).json()) as { requests: number; spans: number };
  console.log(`  spans exported          ${exported.spans} in ${exported.requests} requests to the collector`);
  // Overheads in percent; negative when the traced side happened to be faster (noise).
  target({ name: "ApplicationRegistry.Get tracing overhead (throughput)", op: "<", limit: 15, measured: (1 - traced.rps / untraced.rps) * 100, unit: "%" });
  target({ name: "ApplicationRegistry.Get tracing overhead (CPU per request)", op: "<", limit: 15, measured: (traced.cpuMs / untraced.cpuMs - 1) * 100, unit: "%" });
} finally {
  await off.close();
  await on.stop();
  await sink.close();
}
process.exit(0);
