// make bench: ApplicationRegistry.Get and EntityAccess.AuthInfo with an API key
// over gRPC, h2load with BENCH_IN_FLIGHT (16) in flight on one h2c connection,
// against the real server (PGlite, or PostgreSQL with DATABASE_URL) and a bare
// connect-node handler in a process of its own returning the same message,
// interleaved. Targets: Get >= 0.6 of bare on PostgreSQL, >= 0.35 on PGlite;
// AuthInfo >= 0.7 on PostgreSQL; p99 < 15 ms for both on PostgreSQL.
import { startPeer } from "./lib/child.js";
import { cpuMeter } from "./lib/cpu.js";
import { interleave, summarize, type Summary } from "./lib/compare.js";
import { heading, info, ratioLine, sideLine, target } from "./lib/report.js";
import { authInfoCall, getApplicationCall, loadGrpc, startBenchServer, type GrpcCall } from "./lib/server.js";
import { databaseName, postgresUrl, settings } from "./lib/settings.js";

const server = await startBenchServer();
const calls = [await getApplicationCall(server), await authInfoCall(server)];
const [get, authInfo] = calls as [GrpcCall, GrpcCall];
const bare = await startPeer<{ address: string }>(new URL("./lib/bare-grpc.ts", import.meta.url), {
  get: Buffer.from(get.answer).toString("base64"),
  authInfo: Buffer.from(authInfo.answer).toString("base64"),
});

// The targets by call and database; none means the figure is for information.
const ratioTargets: Record<string, Record<string, number>> = {
  "ApplicationRegistry.Get": { PostgreSQL: 0.6, PGlite: 0.35 },
  "EntityAccess.AuthInfo": { PostgreSQL: 0.7 },
};

try {
  for (const call of calls) {
    heading(`${call.name}, gRPC with an API key, ${settings.inFlight} in flight (h2load), ${call.answer.length}-byte answer`);
    const [is, b] = (
      await interleave(settings.rounds, [
        { name: "identity server", meter: server.meter, run: (onMeasure) => loadGrpc(server.grpcAddress, call, onMeasure) },
        { name: "bare connect-node", meter: cpuMeter(bare.pid), run: (onMeasure) => loadGrpc(bare.info.address, call, onMeasure) },
      ])
    ).map(summarize) as [ReturnType<typeof summarize>, ReturnType<typeof summarize>];
    sideLine("identity server", is);
    sideLine("bare connect-node", b);
    const ratio = ratioLine("IS / bare", is, b);
    const limit = ratioTargets[call.name]![databaseName];
    if (limit !== undefined) target({ name: `${call.name} gRPC / bare`, op: ">=", limit, measured: ratio });
    else info(`no throughput target on ${databaseName}`);
    if (postgresUrl) target({ name: `${call.name} gRPC p99 at ${settings.inFlight} in flight`, op: "<", limit: 15, measured: is.p99, unit: "ms" });
  }
} finally {
  await bare.close();
  await server.stop();
}
process.exit(0);
