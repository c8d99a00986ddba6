// With is.user-login.disable-credentials-login set, operators still bootstrap
// the first admin with the binary: `is-db create-admin-user` is administration,
// not a login.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseToken } from "../../src/auth/tokens.js";
import { openStore } from "../../src/server.js";
import { testConfig } from "../helpers/harness.js";

const bin = join(process.cwd(), "bin/identity-server.js");
const dir = mkdtempSync(join(tmpdir(), "is-credentials-login-"));
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TTN_LW_")));

function run(args: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = execFile(process.execPath, [bin, ...args], { env: clean });
  child.stdin!.end(input);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c) => (stdout += c));
  child.stderr!.on("data", (c) => (stderr += c));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

test("is-db create-admin-user works with credentials login disabled", async () => {
  const uri = `pglite://${join(dir, "data")}`;
  const created = await run(
    ["is-db", "create-admin-user", "--is.database-uri", uri, "--is.user-login.disable-credentials-login", "true", "--id", "admin", "--email", "admin@example.com", "--password-stdin", "--api-key"],
    "Str0ng-password\n",
  );
  assert.is(created.code, 0, created.stderr);
  const key = created.stdout.trim().split("\n").at(-1)!;
  const { store, databases } = await openStore(testConfig({ "is.database-uri": uri }));
  try {
    assert.is((await store.users.get("admin")).admin, true);
    const stored = await store.apiKeys.lookup(parseToken(key).id);
    assert.equal(stored?.entity, { kind: "user", id: "admin" });
  } finally {
    await Promise.all(databases.map((d) => d.close()));
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
