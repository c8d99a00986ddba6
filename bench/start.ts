// make bench: start time and idle memory of `identity-server start` as a real
// process, and the cost of the first requests after it answers. Per run: time
// from spawn to the first 200 on /healthz, the CPU the process used until then,
// its RSS after 5 s idle, then the wall time and server CPU of the first request
// of each kind (a built-in icon, an OAuth page, a JSON API call, a registration
// rejected for a common password, one accepted, one with the icon as profile
// picture) and of the second, which shows what the first paid for loading. Cases: PostgreSQL (DATABASE_URL,
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

interface Timed { ms: number; cpuMs: number; body: Buffer }

/** Wall and server CPU milliseconds of one request; fails the run on an unexpected status. */
async function timed(pid: number, what: string, expected: number, url: string, init?: RequestInit): Promise<Timed> {
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const res = await fetch(url, init);
  const body = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - t0;
  if (res.status !== expected) throw new Error(`${what}: status ${res.status}, expected ${expected}: ${body.toString().slice(0, 200)}`);
  return { ms, cpuMs: (cpuSeconds(pid) - cpu0) * 1000, body };
}

/** Per request kind: the first of its kind after start and the second. */
interface Run { readyMs: number; readyCpu: number; rss: number; first: Record<string, Timed>; second: Record<string, Timed> }

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
    const user = (n: number, picture?: Buffer) => {
      const id = `boot-${process.pid}-${++unique}`;
      return {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          user: {
            ids: { user_id: id },
            primary_email_address: `${id}@example.com`,
            password: n === 0 ? "Password1" : `Xq7-${process.pid}-vT9!-Kw${unique}`,
            ...(picture ? { profile_picture: { embedded: { mime_type: "image/png", data: picture.toString("base64") } } } : {}),
          },
        }),
      };
    };
    const kinds = async (): Promise<Record<string, Timed>> => {
      const icon = await timed(pid, "GET /assets/oauth-og-image.png", 200, `${base}/assets/oauth-og-image.png`);
      return {
        "login page": await timed(pid, "GET /oauth/login", 200, `${base}/oauth/login`),
        "api call": await timed(pid, "GET /api/v3/auth_info", 200, `${base}/api/v3/auth_info`),
        "common password": await timed(pid, "register, common password", 400, `${base}/api/v3/users`, user(0)),
        register: await timed(pid, "register", 200, `${base}/api/v3/users`, user(1)),
        icon,
        picture: await timed(pid, "register with a picture", 200, `${base}/api/v3/users`, user(1, icon.body)),
      };
    };
    const first = await kinds();
    const second = await kinds();
    return { readyMs, readyCpu, rss, first, second };
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
      const requests = (which: "first" | "second") =>
        Object.keys(rs[0]![which]).map((k) => `${k} ${median(rs.map((r) => r[which][k]!.ms)).toFixed(0)} (${median(rs.map((r) => r[which][k]!.cpuMs)).toFixed(0)})`).join(", ");
      console.log(
        `  ${c}\n    ready ${median(rs.map((r) => r.readyMs)).toFixed(0)} ms, ${median(rs.map((r) => r.readyCpu)).toFixed(2)} CPU-s;` +
          ` idle RSS ${median(rs.map((r) => r.rss)).toFixed(0)} MiB` +
          `\n    first request of each kind, ms (server CPU ms): ${requests("first")}` +
          `\n    the second: ${requests("second")}` +
          `\n    runs: ready ${rs.map((r) => r.readyMs.toFixed(0)).join("/")} ms, RSS ${rs.map((r) => r.rss.toFixed(0)).join("/")} MiB`,
      );
    }
  }
} finally {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
}
