// Runs Debian's h2load (nghttp2-client) against a gRPC method: one h2c
// connection per client, `streams` in flight on each, for `seconds` after a
// one-second warm-up, with a per-request log for latency percentiles (h2load
// itself prints only mean and deviation). h2load is C and uses a fraction of
// a core at these rates, so the server, not the generator, is what is measured.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface LoadResult { rps: number; p50: number; p99: number; count: number; errors: number }

export interface H2LoadSpec {
  /** host:port */
  address: string;
  /** /package.Service/Method */
  path: string;
  /** The request message, serialized (it is framed here). */
  message: Uint8Array;
  headers: Record<string, string>;
  /** Requests in flight in all. */
  inFlight: number;
  seconds: number;
  /** Connections (default 1; in flight is spread over them). */
  connections?: number;
  /** Called when the measured run starts (after the warm-up). */
  onMeasure?: () => void;
}

/** The gRPC length-prefixed frame of a message (uncompressed). */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

export async function h2load(spec: H2LoadSpec): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), "h2load-"));
  try {
    const body = join(dir, "body");
    writeFileSync(body, grpcFrame(spec.message));
    const log = join(dir, "log");
    const connections = spec.connections ?? 1;
    const headers = Object.entries({ "content-type": "application/grpc", te: "trailers", ...spec.headers }).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);
    // h2c with prior knowledge: http:// URLs speak HTTP/2 without upgrade.
    const args = ["-c", String(connections), "-m", String(Math.ceil(spec.inFlight / connections)), "-d", body, ...headers, `http://${spec.address}${spec.path}`];
    // Warm-up (connections, JIT, caches) as its own run, so that `onMeasure`
    // marks the start of the measured one for CPU accounting.
    await run("h2load", ["-D", "1", ...args], { maxBuffer: 1 << 22 });
    spec.onMeasure?.();
    const { stdout } = await run("h2load", ["-D", String(spec.seconds), "--log-file", log, ...args], { maxBuffer: 1 << 22 });
    const latencies = readFileSync(log, "utf8").trim().split("\n").map((l) => l.split("\t")).filter((f) => f[1] === "200").map((f) => Number(f[2]) / 1000).sort((a, b) => a - b);
    const status = /(\d+) succeeded, (\d+) failed, (\d+) errored/.exec(stdout);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
    return { count: latencies.length, rps: latencies.length / spec.seconds, p50: pct(50), p99: pct(99), errors: status ? Number(status[2]) + Number(status[3]) : NaN };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
