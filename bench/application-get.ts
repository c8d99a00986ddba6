// make bench: ApplicationRegistry.Get and EntityAccess.AuthInfo with an API key
// over gRPC against the real server (PGlite, or PostgreSQL with DATABASE_URL),
// each side by side with a bare connect-node handler that returns the same
// message without auth or storage. Several rounds each; prints medians and ratios.
import { execFile } from "node:child_process";
import http2 from "node:http2";
import { promisify } from "node:util";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import { ApplicationSchema } from "../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationRegistry } from "../gen/ttn/lorawan/v3/application_services_pb.js";
import { EntityAccess } from "../gen/ttn/lorawan/v3/identityserver_pb.js";
import { closeTestDatabase } from "../test/helpers/database.js";
import { startTestServer } from "../test/helpers/harness.js";

const run = promisify(execFile);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

interface Result { rps: number; p50: number; p99: number; count: number }

async function load(address: string, key: string, app: string, method: string): Promise<Result> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", new URL("./load.ts", import.meta.url).pathname, address, key, app, String(concurrency), String(seconds), method], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Result;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// The Identity Server, with one user, one application and a key with APPLICATION_INFO.
const server = await startTestServer();
const owner = await server.population.user({ id: "bench-owner" });
const appId = await server.population.application({ kind: "user", id: owner.id }, { id: "bench-app", name: "Bench" });
const key = await server.population.apiKey({ kind: "user", id: owner.id }, 15 /* RIGHT_APPLICATION_INFO */);
const stored = await server.population.store.applications.get(appId);
// The AuthInfo the server answers for this key, so the bare handler returns the same bytes.
const authInfo = await createClient(EntityAccess, createGrpcTransport({ baseUrl: `http://${server.grpcAddress}` })).authInfo({}, { headers: { authorization: `Bearer ${key}` } });

// The bare handler: same message, no interceptors, no database.
const bare = http2.createServer(
  connectNodeAdapter({
    routes: (router) => {
      router.service(ApplicationRegistry, { get: async () => create(ApplicationSchema, { ids: stored.ids, createdAt: stored.createdAt, updatedAt: stored.updatedAt, name: stored.name }) } as never);
      router.service(EntityAccess, { authInfo: async () => authInfo });
    },
  }),
);
await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
const bareAddress = `127.0.0.1:${(bare.address() as { port: number }).port}`;

const summary = (rs: Result[]) => ({ rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)) });
const fmt = (r: { rps: number; p50: number; p99: number }) => `${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms`;
console.log(`gRPC with API key auth, ${concurrency} concurrent callers, ${rounds} rounds x ${seconds}s, medians`);
console.log(`database: ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite (embedded)"}`);
for (const [name, method] of [["ApplicationRegistry.Get", "get"], ["EntityAccess.AuthInfo", "auth-info"]] as const) {
  const results: { is: Result[]; bare: Result[] } = { is: [], bare: [] };
  for (let i = 0; i < rounds; i++) {
    results.is.push(await load(server.grpcAddress, key, appId, method));
    results.bare.push(await load(bareAddress, key, appId, method));
  }
  const is = summary(results.is);
  const b = summary(results.bare);
  console.log(`\n${name}`);
  console.log(`  identity server     ${fmt(is)}`);
  console.log(`  bare connect-node   ${fmt(b)}`);
  console.log(`  ratio (IS / bare)   throughput ${(is.rps / b.rps).toFixed(2)}   p50 latency ${(is.p50 / b.p50).toFixed(2)}x`);
}

bare.close();
await server.close();
await closeTestDatabase();
process.exit(0);
