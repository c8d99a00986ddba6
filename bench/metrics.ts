// make bench: what Prometheus metrics (http.metrics.enable, src/telemetry/metrics/)
// cost on ApplicationRegistry.Get with an API key over gRPC, h2load with
// BENCH_IN_FLIGHT (16) in flight: two servers in this process on the same
// database, one with metrics on and one with them off. Both are warmed up
// first (unmeasured), then loaded in turn, the order swapped every round so
// that neither side always runs first (JIT and caches warming up, the
// machine's load drifting). Target: less than 5% overhead, in throughput and
// in CPU per request (the process's: both servers share it, one idle at a time).
import { measure, summarize, type Measured, type Side } from "./lib/compare.js";
import { heading, sideLine, target } from "./lib/report.js";
import { getApplicationCall, loadGrpc, startBenchServer } from "./lib/server.js";
import { settings } from "./lib/settings.js";

const on = await startBenchServer({ "http.metrics.enable": true });
const off = await startBenchServer({ "http.metrics.enable": false });
const [callOn, callOff] = [await getApplicationCall(on), await getApplicationCall(off)];

try {
  heading(`ApplicationRegistry.Get, gRPC with an API key, ${settings.inFlight} in flight (h2load), metrics on vs off`);
  const sides: Side[] = [
    { name: "metrics on", meter: on.meter, run: (onMeasure) => loadGrpc(on.grpcAddress, callOn, onMeasure) },
    { name: "metrics off", meter: off.meter, run: (onMeasure) => loadGrpc(off.grpcAddress, callOff, onMeasure) },
  ];
  await loadGrpc(on.grpcAddress, callOn, () => {}, settings.inFlight, 1);
  await loadGrpc(off.grpcAddress, callOff, () => {}, settings.inFlight, 1);
  const results: Measured[][] = [[], []];
  for (let round = 0; round < settings.rounds; round++) {
    for (const k of round % 2 === 0 ? [0, 1] : [1, 0]) results[k]!.push(await measure(sides[k]!));
  }
  const [withMetrics, without] = results.map(summarize) as [ReturnType<typeof summarize>, ReturnType<typeof summarize>];
  sideLine("metrics on", withMetrics);
  sideLine("metrics off", without);
  // Overheads in percent; negative when the side with metrics happened to be faster (noise).
  target({ name: "ApplicationRegistry.Get metrics overhead (throughput)", op: "<", limit: 5, measured: (1 - withMetrics.rps / without.rps) * 100, unit: "%" });
  target({ name: "ApplicationRegistry.Get metrics overhead (CPU per request)", op: "<", limit: 5, measured: (withMetrics.cpuMs / without.cpuMs - 1) * 100, unit: "%" });
} finally {
  await off.close();
  await on.stop();
}
process.exit(0);
