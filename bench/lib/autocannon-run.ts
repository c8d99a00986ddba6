// The closed-loop load generator process of bench/lib/http-load.ts: autocannon's
// API with the spec of its argument. Latencies come from autocannon's
// per-response event (its histogram keeps whole milliseconds only). Writes
// "measuring" on stderr when the measured run starts and one JSON line with the
// result at the end. Requests in flight when a run stops are abandoned, and
// with them their single-use tokens.
import { createRequire } from "node:module";
import type { HttpLoadResult, HttpLoadSpec } from "./http-load.js";
import { loadResult } from "./load.js";
import { TokenPool } from "./token-pool.js";

// autocannon ships no types: the part used here.
interface Request {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: Request, context: Record<string, string>) => Request;
  onResponse?: (status: number, body: string, context: Record<string, string>) => void;
}
interface Instance extends PromiseLike<{ errors: number; statusCodeStats: Record<string, { count: number }> }> {
  on(event: "response", listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (opts: { url: string; connections: number; duration: number; requests: Request[] }) => Instance;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const spec = JSON.parse(process.argv[2]!) as HttpLoadSpec;
const url = new URL(spec.url);
const tokens = spec.tokens && new TokenPool(spec.tokens);

function request(): Request {
  const plain: Request = { method: spec.method ?? "GET", path: url.pathname + url.search, headers: spec.headers, body: spec.body };
  if (!tokens) return plain;
  return {
    ...plain,
    setupRequest: (req, context) => {
      const next = tokens.take();
      if (!next) throw new Error("out of tokens: give the pool more than the connections of all runs can lose");
      context.token = next.token;
      return { ...req, body: next.body };
    },
    onResponse: (status, body, context) => tokens.settle(status, body, context.token!),
  };
}

/** A run; the failures by HTTP status, and "error" for requests without an answer (timeouts included). */
async function run(seconds: number, latencies?: number[]): Promise<Record<string, number>> {
  const instance = autocannon({ url: url.origin, connections: spec.connections, duration: seconds, requests: [request()] });
  instance.on("response", (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies?.push(ms);
  });
  const result = await instance;
  const failed = Object.fromEntries(Object.entries(result.statusCodeStats).filter(([status]) => !/^2/.test(status)).map(([status, { count }]) => [status, count]));
  return result.errors ? { ...failed, error: result.errors } : failed;
}

await run(1); // warm-up: connections, JIT, caches
process.stderr.write("measuring\n");
const latencies: number[] = [];
const cpu = process.cpuUsage();
const failed = await run(spec.seconds, latencies);
const used = process.cpuUsage(cpu);
const errors = Object.values(failed).reduce((a, b) => a + b, 0);
const result: HttpLoadResult = { ...loadResult(latencies, spec.seconds, errors, (used.user + used.system) / 1000), pool: tokens?.left() ?? [], failed };
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(0);
