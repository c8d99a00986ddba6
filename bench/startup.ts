// make bench: the server as an operator runs it, `node bin/identity-server.js
// start` in a process of its own, on the run's database: time from spawn to the
// first `GET /healthz` 200, its CPU until then, and its resident memory once
// idle (BENCH_IDLE_SECONDS, 3, after ready) and at its peak. BENCH_STARTS (3)
// starts, medians. PGlite: a first start on a fresh folder (it creates and
// migrates the database; for information), then the starts on that migrated
// folder. PostgreSQL: the database is reset and migrated first.
// Targets: ready < 1.5 s (PostgreSQL), < 3 s (PGlite, migrated folder);
// idle RSS < 150 MiB (PostgreSQL), < 250 MiB (PGlite).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { closeTestDatabase, testDatabase } from "../test/helpers/database.js";
import { processCpuMs } from "./lib/cpu.js";
import { heading, target } from "./lib/report.js";
import { postgresUrl } from "./lib/settings.js";
import { median } from "./lib/stats.js";

const starts = Number(process.env.BENCH_STARTS ?? 3);
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 3);
const bin = new URL("../bin/identity-server.js", import.meta.url).pathname;

interface Start { readyMs: number; cpuMs: number; idleMiB: number; peakMiB: number }

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const memoryMiB = (pid: number, field: "VmRSS" | "VmHWM") => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024;

/** One start of the server on `databaseUri`, to ready and idle, then SIGTERM. */
async function start(databaseUri: string): Promise<Start> {
  const port = await freePort();
  const began = performance.now();
  const proc = spawn(process.execPath, [bin, "start", "--is.database-uri", databaseUri, "--http.listen", `127.0.0.1:${port}`, "--grpc.listen", "", "--log.level", "warn"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  let ended = false;
  void exited.then(() => (ended = true));
  try {
    for (;;) {
      if (ended) throw new Error(`the server exited before it was ready: ${stderr.slice(-2000)}`);
      if (performance.now() - began > 120_000) throw new Error("the server was not ready within 120 s");
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
      if (ok) break;
      await sleep(20);
    }
    const readyMs = performance.now() - began;
    const cpuMs = processCpuMs(proc.pid!);
    await sleep(idleSeconds * 1000);
    return { readyMs, cpuMs, idleMiB: memoryMiB(proc.pid!, "VmRSS"), peakMiB: memoryMiB(proc.pid!, "VmHWM") };
  } finally {
    proc.kill("SIGTERM");
    await exited;
  }
}

const line = (what: string, s: Start) =>
  console.log(`  ${what.padEnd(34)} ready ${s.readyMs.toFixed(0).padStart(6)} ms   CPU to ready ${s.cpuMs.toFixed(0).padStart(6)} ms   idle RSS ${s.idleMiB.toFixed(0).padStart(4)} MiB   peak RSS ${s.peakMiB.toFixed(0).padStart(4)} MiB`);

heading(`Start to ready (GET /healthz 200) of \`identity-server start\`, idle RSS ${idleSeconds} s after`, `medians of ${starts} starts`);
let uri: string;
let folder: string | undefined;
if (postgresUrl) {
  await testDatabase(); // reset and migrated
  await closeTestDatabase();
  uri = postgresUrl;
} else {
  folder = mkdtempSync(join(tmpdir(), "is-bench-"));
  uri = `pglite://${join(folder, "db")}`;
  line("first start, fresh folder", await start(uri));
}
try {
  const runs: Start[] = [];
  for (let i = 0; i < starts; i++) runs.push(await start(uri));
  const m: Start = { readyMs: median(runs.map((r) => r.readyMs)), cpuMs: median(runs.map((r) => r.cpuMs)), idleMiB: median(runs.map((r) => r.idleMiB)), peakMiB: median(runs.map((r) => r.peakMiB)) };
  line(postgresUrl ? "start, migrated database" : "start, migrated folder", m);
  target({ name: "start to ready", op: "<", limit: postgresUrl ? 1.5 : 3, measured: m.readyMs / 1000, unit: "s" });
  target({ name: "idle RSS", op: "<", limit: postgresUrl ? 150 : 250, measured: m.idleMiB, unit: "MiB" });
} finally {
  if (folder) rmSync(folder, { recursive: true, force: true });
}
process.exit(0);
