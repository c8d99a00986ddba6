// make bench: ApplicationRegistry.Get over the /api/v3 JSON gateway
// (`GET /api/v3/applications/<id>?field_mask=name` with an API key) against the
// real server (PGlite, or PostgreSQL with DATABASE_URL), side by side with a
// bare node:http handler that returns the same JSON bytes. The load generator
// is a child process (this file with `load`): keep-alive HTTP/1.1, N in flight.
// Rounds alternate between the two servers; prints medians of req/s, p50/p99
// and the server process's CPU per request (process.cpuUsage over the round).
//   BENCH_CONCURRENCY (16), BENCH_SECONDS (5), BENCH_ROUNDS (3),
//   BENCH_SIDES=is|bare|both (both; one side is for profiling with --cpu-prof).
import { execFile } from "node:child_process";
import http from "node:http";
import { fileURLToPath } from "node:url";

interface Result { rps: number; p50: number; p99: number; count: number; cpuMs?: number }

/** The load generator: `json-get.ts load <url> <authorization> <concurrency> <seconds>`. */
async function generate(url: string, authorization: string, concurrency: number, seconds: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const headers = authorization ? { authorization } : {};
  const once = () =>
    new Promise<void>((resolve, reject) => {
      http
        .get(url, { agent, headers }, (res) => {
          res.on("data", () => {});
          res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
        })
        .on("error", reject);
    });
  const run = async (until: number, latencies?: number[]) => {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          const start = performance.now();
          await once();
          latencies?.push(performance.now() - start);
        }
      }),
    );
  };
  await run(performance.now() + 1000); // warm-up: connections, JIT
  process.stdout.write("go\n"); // the parent starts measuring CPU now
  const latencies: number[] = [];
  const start = performance.now();
  await run(start + seconds * 1000, latencies);
  const duration = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  process.stdout.write(JSON.stringify({ count: latencies.length, duration, rps: latencies.length / duration, p50: pct(50), p99: pct(99) }) + "\n");
  process.exit(0);
}

if (process.argv[2] === "load") {
  const [, , , url, authorization, c, s] = process.argv;
  await generate(url!, authorization!, Number(c), Number(s));
}

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const sides = process.env.BENCH_SIDES ?? "both";

/** One round: the child's latencies, and this process's CPU from the end of the warm-up to the end. */
async function load(url: string, authorization: string): Promise<Result> {
  const child = execFile(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "load", url, authorization, String(concurrency), String(seconds)], { maxBuffer: 1 << 20 });
  let out = "";
  let cpu: NodeJS.CpuUsage | undefined;
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    if (!cpu && out.startsWith("go\n")) cpu = process.cpuUsage();
  });
  const [code] = await new Promise<[number | null]>((resolve) => child.on("close", (c) => resolve([c])));
  const used = process.cpuUsage(cpu);
  if (code !== 0 || !cpu) throw new Error(`load generator failed (exit ${code}): ${out}`);
  const result = JSON.parse(out.slice(3)) as Result;
  result.cpuMs = (used.user + used.system) / 1000 / result.count;
  return result;
}

const { startTestServer } = await import("../test/helpers/harness.js");
const { closeTestDatabase } = await import("../test/helpers/database.js");

// The Identity Server, with one user, one application and a key with APPLICATION_INFO.
const server = await startTestServer();
const owner = await server.population.user({ id: "bench-owner" });
const appId = await server.population.application({ kind: "user", id: owner.id }, { id: "bench-app", name: "Bench" });
const key = await server.population.apiKey({ kind: "user", id: owner.id }, 15 /* RIGHT_APPLICATION_INFO */);
const path = `/api/v3/applications/${appId}?field_mask=name`;
const authorization = `Bearer ${key}`;
const answer = await fetch(server.httpURL + path, { headers: { authorization } });
if (answer.status !== 200) throw new Error(`GET ${path}: HTTP ${answer.status} ${await answer.text()}`);
const body = Buffer.from(await answer.arrayBuffer());

// The bare handler: same bytes, same content type, no routing, auth or storage.
const bare = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) });
  res.end(body);
});
await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
const bareURL = `http://127.0.0.1:${(bare.address() as { port: number }).port}${path}`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = (rs: Result[]) => ({ rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), cpuMs: median(rs.map((r) => r.cpuMs!)) });
const fmt = (r: ReturnType<typeof summary>) =>
  `${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms   CPU ${r.cpuMs.toFixed(3)} ms/req`;

console.log(`GET /api/v3/applications/{id}?field_mask=name with an API key, HTTP/1.1 keep-alive, ${concurrency} in flight, ${rounds} rounds x ${seconds}s, medians`);
console.log(`database: ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite (embedded)"}`);
const results: { is: Result[]; bare: Result[] } = { is: [], bare: [] };
for (let i = 0; i < rounds; i++) {
  if (sides !== "bare") results.is.push(await load(server.httpURL + path, authorization));
  if (sides !== "is") results.bare.push(await load(bareURL, ""));
}
console.log(`\nApplicationRegistry.Get over /api/v3 JSON (${body.length} bytes)`);
if (results.is.length) console.log(`  identity server     ${fmt(summary(results.is))}`);
if (results.bare.length) console.log(`  bare node:http      ${fmt(summary(results.bare))}`);
if (results.is.length && results.bare.length) {
  const is = summary(results.is);
  const b = summary(results.bare);
  console.log(`  ratio (IS / bare)   throughput ${(is.rps / b.rps).toFixed(2)}   p50 latency ${(is.p50 / b.p50).toFixed(2)}x   CPU ${(is.cpuMs / b.cpuMs).toFixed(1)}x`);
}

bare.close();
await server.close();
await closeTestDatabase();
process.exit(0);
