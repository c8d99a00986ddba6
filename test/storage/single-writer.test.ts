// One writer per embedded database: while `identity-server start` holds a PGlite
// folder, every other process that opens it (is-db create-admin-user, migrate,
// create-oauth-client, a second start) refuses at once with one line naming the
// folder and the holder's PID, and writes nothing. The lock goes with the server;
// a lock left by a killed process is taken over.
import { execFile, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

const bin = join(process.cwd(), "bin/identity-server.js");
const dir = mkdtempSync(join(tmpdir(), "is-single-writer-"));
const folder = join(dir, "data");
const uri = `pglite://${folder}`;
const lockFile = join(folder, "identity-server.lock");
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TTN_LW_")));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args, "--is.database-uri", uri], { env, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr, ms: Date.now() - started }));
    child.stdin?.end();
  });
}

const admin = ["is-db", "create-admin-user", "--id", "admin", "--email", "admin@example.com", "--password", "Str0ng-password"];

test("while a server holds the folder, other processes refuse at once and write nothing", async () => {
  const server = spawn(process.execPath, [bin, "start", "--is.database-uri", uri, "--http.listen", "127.0.0.1:0", "--grpc.listen", "", "--interop.listen", "", "--log.format", "json"], { env });
  let log = "";
  server.stderr.on("data", (c) => (log += c));
  const exited = new Promise<number | null>((resolve) => server.on("close", resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in ${log}`)), 90_000);
      server.stderr.on("data", () => /"http":"[^"]+"/.test(log) && (clearTimeout(timer), resolve()));
    });
    const refused = await Promise.all([
      run(admin),
      run(["is-db", "migrate"]),
      run(["is-db", "create-oauth-client", "--id", "console", "--owner", "admin", "--redirect-uri", "https://c.example.com/cb", "--secret", "s"]),
      run(["start", "--http.listen", "127.0.0.1:0", "--grpc.listen", "", "--interop.listen", ""]),
    ]);
    for (const r of refused) {
      assert.is.not(r.code, 0, r.stdout);
      // One error line (a start logs its configuration warnings first).
      const lines = r.stderr.trim().split("\n").filter((l) => !/^\d{4}-\d\d-\d\dT\S+ (WARN|INFO) /.test(l));
      assert.is(lines.length, 1, r.stderr);
      assert.ok(lines[0]!.includes(folder), r.stderr);
      assert.ok(lines[0]!.includes(`process ${server.pid}`), r.stderr);
      assert.match(lines[0]!, /stop that server first, or, while it runs, use is-cli/);
      // They were answered while the server still held the folder (it is stopped only below), so
      // none waited for the lock; the bound only catches a hang (starting node is slow on a busy machine).
      assert.ok(r.ms < 120_000, `refused after ${r.ms} ms`);
      assert.not.match(r.stdout, /created|NNSXS/);
    }
  } finally {
    server.kill("SIGTERM");
  }
  assert.is(await exited, 0, log);
  assert.not.ok(existsSync(lockFile), "the lock goes with the server");
  // Nothing was written: the admin ID is free, and the server's own data is intact.
  const created = await run(admin);
  assert.is(created.code, 0, created.stderr);
  assert.not.ok(existsSync(lockFile), "is-db releases the lock too");
});

test("a lock left by a process that no longer runs is taken over", async () => {
  const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  writeFileSync(lockFile, `${gone.stdout}\n`);
  const migrated = await run(["is-db", "migrate"]);
  assert.is(migrated.code, 0, migrated.stderr);
  assert.match(migrated.stdout, /up to date/);
  assert.not.ok(existsSync(lockFile));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
