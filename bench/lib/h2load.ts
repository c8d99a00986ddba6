// Runs Debian's h2load (nghttp2-client) against a gRPC method: one h2c
// connection per client, `streams` in flight on each, for `seconds` after a
// one-second warm-up, with a per-request log for latency percentiles (h2load
// itself prints only mean and deviation). h2load is C and uses a fraction of
// a core at these rates, so the server, not the generator, is what is measured;
// its CPU is reported (the shell's `times`) so that this stays checked.
// h2load sees HTTP only: a gRPC error is HTTP 200 with a grpc-status trailer.
// The answers' size is therefore checked against `answerBytes`, which an
// error's empty body does not match.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { loadResult, type LoadResult } from "./load.js";

const run = promisify(execFile);

export interface H2LoadSpec {
  /** host:port */
  address: string;
  /** /package.Service/Method */
  path: string;
  /** The request message, serialized (it is framed here). */
  message: Uint8Array;
  /** The size of the serialized answer every request must get. */
  answerBytes: number;
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

/** h2load with its arguments, and the CPU of its run in ms (from `times` of the shell that ran it). */
async function h2loadTimed(args: string[]): Promise<{ stdout: string; cpuMs: number }> {
  const { stdout, stderr } = await run("sh", ["-c", 'h2load "$@"; s=$?; times >&2; exit $s', "h2load", ...args], { maxBuffer: 1 << 22 });
  // `times` prints the shell's user and system time, then its children's: "0m1.230000s 0m0.450000s".
  const children = stderr.trim().split("\n").at(-1) ?? "";
  const cpuMs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((ms, m) => ms + (Number(m[1]) * 60 + Number(m[2])) * 1000, 0);
  return { stdout, cpuMs };
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
    const { stdout, cpuMs } = await h2loadTimed(["-D", String(spec.seconds), "--log-file", log, ...args]);
    const records = readFileSync(log, "utf8").trim().split("\n").map((l) => l.split("\t"));
    const latencies = records.filter((f) => f[1] === "200").map((f) => Number(f[2]) / 1000);
    const status = /(\d+) succeeded, (\d+) failed, (\d+) errored/.exec(stdout);
    // Each answer is one gRPC frame of the message (HTTP/2 framing is not counted in "data"); answers
    // still arriving when the run stops count in "data" but not in the log, so up to `inFlight` more.
    const data = Number(/\((\d+)\) data/.exec(stdout)?.[1] ?? NaN);
    const frame = 5 + spec.answerBytes;
    if (!(data >= latencies.length * frame && data <= (latencies.length + spec.inFlight) * frame)) {
      throw new Error(`${spec.path} at ${spec.address}: ${data} bytes of answers to ${latencies.length} requests, expected ${frame} each (a gRPC error answers no message)`);
    }
    // "failed" counts every failure, HTTP status or stream error ("errored" is the latter alone).
    return loadResult(latencies, spec.seconds, status ? Number(status[2]) : records.length - latencies.length, cpuMs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
