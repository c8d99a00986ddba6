// Boolean flags of the is-db commands take `true`/`false` like every other
// boolean flag: `--password-stdin true --api-key true` through the binary,
// and the rewriting for node's parseArgs (boolFlagWords) directly.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { boolFlagWords } from "../../src/commands/usage.js";

const bin = join(process.cwd(), "bin/identity-server.js");
const dir = mkdtempSync(join(tmpdir(), "is-db-bool-"));
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TTN_LW_")));

test("boolFlagWords: true keeps the flag, false drops it, other words and args after -- stay", () => {
  const b = ["api-key", "password-stdin"];
  assert.equal(boolFlagWords(["--api-key", "true", "--id", "x"], b), ["--api-key", "--id", "x"]);
  assert.equal(boolFlagWords(["--api-key", "FALSE", "--id", "x"], b), ["--id", "x"]);
  assert.equal(boolFlagWords(["--api-key=true", "--password-stdin=false"], b), ["--api-key"]);
  assert.equal(boolFlagWords(["--api-key", "--id", "true"], b), ["--api-key", "--id", "true"]);
  assert.equal(boolFlagWords(["--api-key=maybe"], b), ["--api-key=maybe"]);
  assert.equal(boolFlagWords(["--", "--api-key", "false"], b), ["--", "--api-key", "false"]);
});

test("is-db create-admin-user --password-stdin true --api-key true", async () => {
  const args = ["is-db", "create-admin-user", "--is.database-uri", `pglite://${join(dir, "data")}`, "--id", "admin", "--email", "admin@example.com", "--password-stdin", "true", "--api-key", "true"];
  const child = execFile(process.execPath, [bin, ...args], { env: clean });
  child.stdin!.end("Str0ng-password\n");
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c) => (stdout += c));
  child.stderr!.on("data", (c) => (stderr += c));
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
  assert.is(code, 0, stderr);
  assert.match(stdout.trim().split("\n").at(-1)!, /^NNSXS\./);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
