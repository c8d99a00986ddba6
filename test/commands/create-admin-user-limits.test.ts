// `is-db create-admin-user` makes a new user like any other: it starts with the
// configured is.user-limits.* (0 leaves a limit unset), as registration does.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openStore } from "../../src/server.js";
import { testConfig } from "../helpers/harness.js";

const bin = join(process.cwd(), "bin/identity-server.js");
const dir = mkdtempSync(join(tmpdir(), "is-admin-limits-"));
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TTN_LW_")));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: clean }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test("the admin gets the configured user limits; unset options leave no limit", async () => {
  const uri = `pglite://${join(dir, "data")}`;
  const created = await run([
    "is-db", "create-admin-user", "--is.database-uri", uri,
    "--is.user-limits.applications", "3", "--is.user-limits.organizations", "1",
    "--id", "admin", "--email", "admin@example.com", "--password", "Str0ng-password",
  ]);
  assert.is(created.code, 0, created.stderr);

  const { store, databases } = await openStore(testConfig({ "is.database-uri": uri }));
  try {
    const admin = await store.users.get("admin");
    assert.is(admin.admin, true);
    assert.is(admin.applicationLimit, 3n);
    assert.is(admin.organizationLimit, 1n);
    assert.is(admin.clientLimit, undefined);
    assert.is(admin.gatewayLimit, undefined);
  } finally {
    await Promise.all(databases.map((d) => d.close()));
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
