// `-c`, the stack's short form of --config, wherever --config is taken: after
// `start` (the server starts with the file's database and listeners), before
// the command, with `is-db`, and glued to its value (`-cfile.yml`).
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

const bin = join(process.cwd(), "bin/identity-server.js");
const dir = mkdtempSync(join(tmpdir(), "is-config-short-"));
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TTN_LW_")));

function run(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { env: clean, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
    child.stdin!.end(stdin);
  });
}

const file = join(dir, "stack.yml");
writeFileSync(
  file,
  [
    "is:",
    `  database-uri: pglite://${join(dir, "data")}`,
    "  email:",
    "    network:",
    "      name: Short Flag Network",
    "http:",
    "  listen: 127.0.0.1:0",
    "grpc:",
    "  listen: 127.0.0.1:0",
    "interop:",
    '  listen: ""',
    "log:",
    "  format: json",
    "",
  ].join("\n"),
);

test("config: -c file, -cfile and -c before the command read the file", async () => {
  for (const args of [["config", "-c", file], ["config", `-c${file}`], ["-c", file, "config"]]) {
    const { code, stdout, stderr } = await run(args);
    assert.is(code, 0, `${args.join(" ")}: ${stderr}`);
    assert.match(stdout, "name: Short Flag Network", args.join(" "));
  }
});

test("is-db -c file create-admin-user, then start -c file serves that database", async () => {
  const created = await run(["is-db", "-c", file, "create-admin-user", "--id", "admin", "--email", "admin@example.com", "--password-stdin", "--api-key"], "Str0ng-password\n");
  assert.is(created.code, 0, created.stderr);
  const key = created.stdout.trim().split("\n").at(-1)!;
  assert.match(key, /^NNSXS\./);

  const server = spawn(process.execPath, [bin, "start", "-c", file], { env: clean });
  let log = "";
  server.stderr.on("data", (c) => (log += c));
  const exited = new Promise<number | null>((resolve) => server.on("close", resolve));
  try {
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in ${log}`)), 60_000);
      server.stderr.on("data", () => {
        const m = /"http":"([^"]+)"/.exec(log);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      server.on("close", (code) => reject(new Error(`start -c exited with ${code}: ${log}`)));
    });
    const res = await fetch(`http://${address}/api/v3/auth_info`, { headers: { authorization: `Bearer ${key}` } });
    assert.is(res.status, 200);
    assert.is(((await res.json()) as { is_admin?: boolean }).is_admin, true);
  } finally {
    server.kill("SIGTERM");
    assert.is(await exited, 0);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
