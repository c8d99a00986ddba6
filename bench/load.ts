// Load generator, run as its own process so it does not share the server's
// event loop: N concurrent gRPC callers of ApplicationRegistry.Get or
// EntityAccess.AuthInfo for a fixed time after a warm-up. Prints one JSON line
// with count, duration and latencies.
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ApplicationRegistry } from "../gen/ttn/lorawan/v3/application_services_pb.js";
import { EntityAccess } from "../gen/ttn/lorawan/v3/identityserver_pb.js";

const [address, apiKey, appId, concurrencyArg, secondsArg, method = "get"] = process.argv.slice(2);
const concurrency = Number(concurrencyArg ?? 16);
const seconds = Number(secondsArg ?? 5);
const transport = createGrpcTransport({
  baseUrl: `http://${address}`,
  interceptors: [(next) => (req) => (req.header.set("authorization", `Bearer ${apiKey}`), next(req))],
});
const apps = createClient(ApplicationRegistry, transport);
const access = createClient(EntityAccess, transport);
const request = { applicationIds: { applicationId: appId }, fieldMask: { paths: ["name", "description"] } };
const call: () => Promise<unknown> = method === "auth-info" ? () => access.authInfo({}) : () => apps.get(request);

async function run(until: number, latencies?: number[]): Promise<void> {
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const start = performance.now();
        await call();
        latencies?.push(performance.now() - start);
      }
    }),
  );
}

await run(performance.now() + 1000); // warm-up: connections, JIT, caches
const latencies: number[] = [];
const start = performance.now();
await run(start + seconds * 1000, latencies);
const duration = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
process.stdout.write(JSON.stringify({ count: latencies.length, duration, rps: latencies.length / duration, p50: pct(50), p99: pct(99) }) + "\n");
process.exit(0);
