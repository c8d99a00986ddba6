// The open-loop load generator process of bench/lib/http-load.ts: requests at
// `rate` per second, evenly spaced on a fixed schedule (late timers do not
// shift the ones after), each sent whether or not the earlier ones were
// answered, over keep-alive node:http connections opened as needed. Only the
// background of a figure uses it, at rates far below what Node can send. A
// one-second warm-up, "measuring" on stderr, the measured seconds, then it
// waits for every answer (at most 30 s): latencies are of the requests sent in
// the measured seconds.
import http from "node:http";
import type { HttpLoadResult, HttpLoadSpec } from "./http-load.js";
import { loadResult } from "./load.js";
import { TokenPool } from "./token-pool.js";

const spec = JSON.parse(process.argv[2]!) as HttpLoadSpec;
const agent = new http.Agent({ keepAlive: true });
const tokens = spec.tokens && new TokenPool(spec.tokens);
const latencies: number[] = [];
const failed: Record<string, number> = {};
const fail = (why: string | number) => void (failed[why] = (failed[why] ?? 0) + 1);
const pending = new Set<Promise<void>>();

function send(measured: boolean): void {
  const next = tokens?.take();
  if (tokens && !next) {
    if (measured) fail("no token"); // every token is out in requests not answered yet
    return;
  }
  const body = next?.body ?? spec.body;
  const start = performance.now();
  const done = new Promise<void>((resolve) => {
    const req = http.request(spec.url, { method: spec.method ?? "GET", headers: { ...spec.headers, ...(body ? { "content-length": Buffer.byteLength(body) } : {}) }, agent }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => {
        const ok = res.statusCode! >= 200 && res.statusCode! < 300;
        if (measured && ok) latencies.push(performance.now() - start);
        else if (measured) fail(res.statusCode!);
        if (next) tokens!.settle(res.statusCode!, text, next.token);
        resolve();
      });
    });
    req.on("error", () => {
      if (measured) fail("error");
      resolve();
    });
    req.end(body);
  });
  pending.add(done);
  void done.then(() => pending.delete(done));
}

/** Sends at the rate for `seconds` from `from` (a performance.now() time); returns when the last one is sent. */
async function pace(from: number, seconds: number, measured: boolean): Promise<void> {
  const interval = 1000 / spec.rate!;
  const count = Math.round(seconds * spec.rate!);
  for (let i = 0; i < count; i++) {
    const wait = from + i * interval - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    send(measured);
  }
}

const began = performance.now();
await pace(began, 1, false); // warm-up: connections, JIT, caches
process.stderr.write("measuring\n");
const cpu = process.cpuUsage();
await pace(began + 1000, spec.seconds, true);
await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, 30_000))]);
const used = process.cpuUsage(cpu);
const errors = Object.values(failed).reduce((a, b) => a + b, 0);
const result: HttpLoadResult = { ...loadResult(latencies, spec.seconds, errors, (used.user + used.system) / 1000), pool: tokens?.left() ?? [], failed };
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(0);
