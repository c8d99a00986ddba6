// `is-db create-admin-user --tenant-id` (and create-oauth-client): the admin
// is made in that tenant, whose record must exist: a malformed ID, an unknown
// tenant and a deleted one are refused (exit 2, nothing written), a suspended
// one gets a note; the default tenant needs no record. Then the admin's API
// key works through `is-cli --tenant-id` and only there. On the PostgreSQL of
// DATABASE_URL when set, else on an embedded database folder (which one
// process at a time opens: the commands run before the server starts).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPgStore } from "../../src/store/pg/store.js";
import { createPgTenantStore } from "../../src/store/pg/tenants.js";
import { openDatabase, type Database } from "../../src/store/pg/database.js";
import { cliRunner, failed, ok } from "../helpers/cli.js";
import { testDatabase } from "../helpers/database.js";
import { startTestServer } from "../helpers/harness.js";

const bin = join(process.cwd(), "bin/identity-server.js");
const dir = mkdtempSync(join(tmpdir(), "is-admin-tenant-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TTN_LW_")));
const uri = process.env.DATABASE_URL || `pglite://${join(dir, "data")}`;

/** The database, for setting up and reading back; an embedded folder is closed again after `fn`. */
async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) return fn(await testDatabase());
  const db = await openDatabase(uri, { maxOpenConns: 1 });
  try {
    await db.migrate();
    return await fn(db);
  } finally {
    await db.close();
  }
}

// Tenant IDs of this run: the suite's database may be shared.
const run = randomBytes(4).toString("hex");
const defaultTenant = `default-${run}`;
const acme = `acme-${run}`;
const paused = `paused-${run}`;
const gone = `gone-${run}`;
await withDatabase(async ({ db }) => {
  await db.execute(sql`INSERT INTO tenants (tenant_id, name) VALUES (${acme}, 'ACME')`);
  await db.execute(sql`INSERT INTO tenants (tenant_id, name, state, state_description) VALUES (${paused}, 'Paused', 4, 'awaiting payment')`);
  await db.execute(sql`INSERT INTO tenants (tenant_id, name, deleted_at) VALUES (${gone}, 'Gone', now())`);
});

/** True when the read fails with a not-found error. */
const missing = (read: Promise<unknown>) =>
  read.then(
    () => false,
    (err: unknown) => /not_found/.test(String((err as { name?: string }).name) + String((err as Error).message)),
  );

function isDb(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const options = ["--is.database-uri", uri, "--tenancy.default-id", defaultTenant];
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, "is-db", ...args, ...options], { env: clean }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
const adminUser = (tenant: string, ...more: string[]) =>
  isDb("create-admin-user", "--id", "admin", "--email", "admin@example.com", "--password", "Str0ng-password", "--tenant-id", tenant, ...more);

test("a malformed, unknown or deleted tenant is refused with what to do", async () => {
  const malformed = await adminUser("Not_A_Tenant");
  assert.is(malformed.code, 2, malformed.stderr);
  assert.match(malformed.stderr, /^--tenant-id: "Not_A_Tenant" is not a tenant ID \(3-36 lowercase letters, digits and single dashes\)/);

  const unknown = await adminUser(`nowhere-${run}`);
  assert.is(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, new RegExp(`^tenant "nowhere-${run}" does not exist: create the tenant first with is-cli tenants create nowhere-${run}`));

  const deleted = await adminUser(gone);
  assert.is(deleted.code, 2, deleted.stderr);
  assert.match(deleted.stderr, new RegExp(`^tenant "${gone}" is deleted: restore it first with is-cli tenants restore ${gone}`));

  const client = await isDb("create-oauth-client", "--id", "console", "--owner", "admin", "--redirect-uri", "http://localhost/cb", "--tenant-id", `nowhere-${run}`);
  assert.is(client.code, 2, client.stderr);
  assert.match(client.stderr, /does not exist: create the tenant first/);

  await withDatabase(async ({ db }) => {
    for (const tenant of [`nowhere-${run}`, gone]) {
      assert.is(await missing(createPgStore({ primary: db, tenantId: tenant }).users.get("admin")), true, `nothing written in ${tenant}`);
    }
    assert.is(await missing(createPgTenantStore(db).get(`nowhere-${run}`, { includeDeleted: true })), true, "no tenant record made");
  });
});

test("a suspended tenant gets its admin, with a note", async () => {
  const r = await adminUser(paused);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`note: tenant ${paused} is suspended \\(awaiting payment\\): its users cannot log in until it is approved`));
  assert.match(r.stdout, new RegExp(`created admin user admin in tenant ${paused}`));
});

test("the default tenant needs no record", async () => {
  const r = await adminUser(defaultTenant);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, "created admin user admin\n");
});

let apiKey = "";
test("the admin is created in that tenant, and an OAuth client with it", async () => {
  const r = await adminUser(acme, "--name", "ACME admin", "--api-key");
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.is(lines[0], `created admin user admin in tenant ${acme}`);
  apiKey = lines.at(-1)!;
  assert.match(apiKey, /^NNSXS\./);
  const client = await isDb("create-oauth-client", "--id", "console", "--owner", "admin", "--redirect-uri", "http://localhost/cb", "--no-secret", "--tenant-id", acme);
  assert.is(client.code, 0, client.stderr);

  await withDatabase(async ({ db }) => {
    const store = createPgStore({ primary: db, tenantId: acme });
    const admin = await store.users.get("admin");
    assert.is(admin.admin, true);
    assert.is(admin.name, "ACME admin");
    assert.is((await store.clients.get("console")).ids?.clientId, "console");
    assert.is(await missing(createPgStore({ primary: db, tenantId: defaultTenant }).clients.get("console")), true, "the client is in acme only");
  });
});

test("is-cli --tenant-id reaches the admin's tenant with its key, and only it", async () => {
  const database = process.env.DATABASE_URL ? undefined : await openDatabase(uri, { maxOpenConns: 2 });
  const server = await startTestServer({}, { tenantId: defaultTenant, ...(database ? { database } : {}) });
  try {
    const cli = cliRunner(server, apiKey);
    const info = ok(await cli(["--tenant-id", acme, "auth-info"]), "auth-info in acme");
    assert.is(info.api_key.entity_ids.user_ids.user_id, "admin");
    assert.is(info.is_admin, true);
    failed(await cli(["auth-info"]), "the default tenant", 16, "api_key_not_found");
  } finally {
    await server.close();
    await database?.close();
  }
});

test.run();
