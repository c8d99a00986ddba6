// make bench: start time and idle memory of `identity-server start` as a real
// process, and the cost of the first requests after it answers. Per run: time
// from spawn to the first 200 on /healthz, the CPU the process used until then,
// its RSS after 5 s idle, then the wall time of the first request of each kind
// (an OAuth page, a JSON API call, a registration rejected for a common
// password, one accepted, a built-in icon, a registration with that icon as
// profile picture) and the CPU they cost. Cases: PostgreSQL (DATABASE_URL,
// default postgres://postgres@127.0.0.1:5432/test), a migrated PGlite folder and
// a fresh PGlite folder; BENCH_CASES picks some (postgres,pglite,pglite-fresh). Arguments: checkouts to compare (default: this one);
// their runs are interleaved (A, B, A, B) so that load on a shared machine hits
// both alike. BENCH_ROUNDS (3) runs per case and checkout; medians are printed.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const idleMs = Number(process.env.BENCH_IDLE_MS ?? 5000);
const postgresUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const checkouts = process.argv.slice(2).map((dir) => resolve(dir));
if (checkouts.length === 0) checkouts.push(resolve(new URL("..", import.meta.url).pathname));
const cases = (process.env.BENCH_CASES ?? "postgres,pglite,pglite-fresh").split(",");

const ticksPerSecond = 100; // USER_HZ on Linux

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

async function status(url: string): Promise<number> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Wall milliseconds of one request; fails the run on an unexpected status. */
async function timed(what: string, expected: number, url: string, init?: RequestInit): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== expected) throw new Error(`${what}: status ${res.status}, expected ${expected}: ${body.slice(0, 200)}`);
  return ms;
}

async function icon(base: string): Promise<Buffer> {
  return Buffer.from(await (await fetch(`${base}/assets/oauth-og-image.png`)).arrayBuffer());
}

interface Run { readyMs: number; readyCpu: number; rss: number; firstMs: Record<string, number>; firstCpu: number }

let unique = 0;

const folders: string[] = [];
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), "is-start-bench-"));
  folders.push(dir);
  return dir;
};


async function once(checkout: string, databaseUri: string): Promise<Run> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const args = [join(checkout, "bin/identity-server.js"), "start", "--is.database-uri", databaseUri, "--http.listen", `127.0.0.1:${httpPort}`, "--grpc.listen", `127.0.0.1:${grpcPort}`, "--log.level", "warn",
    // So that the first registration looks its password up in the dictionary of common ones.
    "--is.user-registration.password-requirements.reject-common", "true",
    "--blob.local.directory", join(folder(), "blob")];
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, { cwd: checkout, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((ok) => child.once("exit", ok));
  const base = `http://127.0.0.1:${httpPort}`;
  try {
    while ((await status(`${base}/healthz`)) !== 200) {
      if (child.exitCode !== null) throw new Error(`the server exited: ${stderr}`);
      if (performance.now() - t0 > 120_000) throw new Error("not ready in 120 s");
      await sleep(10);
    }
    const readyMs = performance.now() - t0;
    const pid = child.pid!;
    const readyCpu = cpuSeconds(pid);
    await sleep(idleMs);
    const rss = rssMiB(pid);
    const cpu0 = cpuSeconds(pid);
    const id = `boot-${process.pid}-${++unique}`;
    const register = (password: string, userId = id, picture?: Buffer) => ({
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        user: {
          ids: { user_id: userId },
          primary_email_address: `${userId}@example.com`,
          password,
          ...(picture ? { profile_picture: { embedded: { mime_type: "image/png", data: picture.toString("base64") } } } : {}),
        },
      }),
    });
    const password = `Xq7-${process.pid}-vT9!-Kw${unique}`;
    const firstMs = {
      "login page": await timed("GET /oauth/login", 200, `${base}/oauth/login`),
      "api call": await timed("GET /api/v3/auth_info", 200, `${base}/api/v3/auth_info`),
      "common password": await timed("register, common password", 400, `${base}/api/v3/users`, register("Password1")),
      register: await timed("register", 200, `${base}/api/v3/users`, register(password)),
      icon: await timed("GET /assets/oauth-og-image.png", 200, `${base}/assets/oauth-og-image.png`),
      picture: await timed("register with a picture", 200, `${base}/api/v3/users`, register(password, `${id}-p`, await icon(base))),
    };
    const firstCpu = cpuSeconds(pid) - cpu0;
    return { readyMs, readyCpu, rss, firstMs, firstCpu };
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// What `make run` does first: the launchers then run compiled JavaScript (a checkout without the build runs tsx).
for (const c of checkouts) {
  const script = join(c, "scripts/build.mjs");
  if (existsSync(script)) execFileSync(process.execPath, [script], { cwd: c, stdio: "inherit" });
}

try {
  for (const kase of cases) {
    // A migrated folder per checkout, made by one start that is not measured.
    const migrated = new Map<string, string>();
    if (kase === "pglite") for (const c of checkouts) migrated.set(c, `pglite://${folder()}`);
    if (kase === "pglite") for (const c of checkouts) await once(c, migrated.get(c)!);
    const uri = (c: string) => (kase === "postgres" ? postgresUrl : kase === "pglite" ? migrated.get(c)! : `pglite://${folder()}`);
    const runs = new Map<string, Run[]>(checkouts.map((c) => [c, []]));
    for (let i = 0; i < rounds; i++) for (const c of checkouts) runs.get(c)!.push(await once(c, uri(c)));
    console.log(`\n${kase}: ${rounds} runs each, medians`);
    for (const c of checkouts) {
      const rs = runs.get(c)!;
      const first = Object.keys(rs[0]!.firstMs).map((k) => `${k} ${median(rs.map((r) => r.firstMs[k]!)).toFixed(0)}`).join(", ");
      console.log(
        `  ${c}\n    ready ${median(rs.map((r) => r.readyMs)).toFixed(0)} ms, ${median(rs.map((r) => r.readyCpu)).toFixed(2)} CPU-s;` +
          ` idle RSS ${median(rs.map((r) => r.rss)).toFixed(0)} MiB; first requests (ms): ${first}; their CPU ${median(rs.map((r) => r.firstCpu)).toFixed(2)} s` +
          `\n    runs: ready ${rs.map((r) => r.readyMs.toFixed(0)).join("/")} ms, RSS ${rs.map((r) => r.rss.toFixed(0)).join("/")} MiB`,
      );
    }
  }
} finally {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
}
