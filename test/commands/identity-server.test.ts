// The identity-server binary as an operator runs it: help, config, bootstrap
// with is-db, start on PGlite in a folder, serve, and stop on SIGTERM.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

const bin = join(process.cwd(), "bin/identity-server.js");
const dir = mkdtempSync(join(tmpdir(), "is-bin-"));
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TTN_LW_")));

async function run(args: string[], env: Record<string, string> = {}, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = execFile(process.execPath, [bin, ...args], { env: { ...clean, ...env } });
  if (input !== undefined) child.stdin!.end(input);
  else child.stdin!.end();
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c) => (stdout += c));
  child.stderr!.on("data", (c) => (stderr += c));
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
  return { code, stdout, stderr };
}

test("--help lists every option with its default", async () => {
  const { code, stdout } = await run(["--help"]);
  assert.is(code, 0);
  for (const name of ["is.database-uri", "is.delete.restore", "http.listen", "grpc.listen", "is.read-database-uri", "log.format"]) assert.ok(stdout.includes(name), name);
});

test("config prints the effective configuration from flags, env and files", async () => {
  const file = join(dir, "config.yml");
  writeFileSync(file, "is:\n  delete:\n    restore: 48h\n  database-uri: postgres://is:secret@db.example.com/is\n");
  const { code, stdout } = await run(["config", "--config", file, "--log.level", "debug"], { TTN_LW_IS_PAGINATION_DEFAULT_LIMIT: "50" });
  assert.is(code, 0, stdout);
  assert.match(stdout, /restore: 48h/);
  assert.match(stdout, /level: debug/);
  assert.match(stdout, /default-limit: 50/);
  assert.not.match(stdout, /secret/, "passwords in URIs are masked");
});

test("an unknown option or a bad value stops the start with a clear message", async () => {
  const unknown = await run(["start", "--is.no-such-option", "x"]);
  assert.is(unknown.code, 1);
  assert.match(unknown.stderr, /is\.no-such-option/);
  const badEnv = await run(["start"], { TTN_LW_IS_DELETE_RESTORE: "yesterday" });
  assert.is(badEnv.code, 1);
  assert.match(badEnv.stderr, /TTN_LW_IS_DELETE_RESTORE/);
  const usage = await run(["frobnicate"]);
  assert.is(usage.code, 2);
});

test("is-db create-admin-user, start, serve, SIGTERM", async () => {
  const uri = `pglite://${join(dir, "data")}`;
  const weak = await run(["is-db", "create-admin-user", "--is.database-uri", uri, "--id", "admin", "--email", "admin@example.com", "--password", "short"]);
  assert.is(weak.code, 1);
  assert.match(weak.stderr, /password_strength/);
  const created = await run(["is-db", "create-admin-user", "--is.database-uri", uri, "--id", "admin", "--email", "admin@example.com", "--password-stdin", "--api-key"], {}, "Str0ng-password\n");
  assert.is(created.code, 0, created.stderr);
  const key = created.stdout.trim().split("\n").at(-1)!;
  assert.match(key, /^NNSXS\./);

  const server = spawn(process.execPath, [bin, "start", "--is.database-uri", uri, "--http.listen", "127.0.0.1:0", "--grpc.listen", "127.0.0.1:0", "--interop.listen", "", "--log.format", "json"], { env: clean });
  let log = "";
  server.stderr.on("data", (c) => (log += c));
  const address = await new Promise<string>((resolve, reject) => {
    // Generous: a cold PGlite start with every migration takes seconds on a loaded machine.
    const timer = setTimeout(() => reject(new Error(`no listening line in ${log}`)), 60_000);
    server.stderr.on("data", () => {
      const m = /"http":"([^"]+)"/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  const res = await fetch(`http://${address}/api/v3/auth_info`, { headers: { authorization: `Bearer ${key}` } });
  assert.is(((await res.json()) as { is_admin?: boolean }).is_admin, true);
  const exited = new Promise<number | null>((resolve) => server.on("close", resolve));
  server.kill("SIGTERM");
  assert.is(await exited, 0);
  assert.match(log, /"msg":"stopped"/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
