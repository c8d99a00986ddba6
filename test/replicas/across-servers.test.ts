// Read-your-writes across servers (src/store/heard-writes.ts): two servers on
// one primary and one lagging replica (lagging-replica.ts), as behind a load
// balancer. A client writes through server A and reads its write through
// server B, which heard of it on the change feed (migration 0011); once the
// window has passed, B reads the replica again; a write in one tenant leaves
// the other tenants' reads on the replica; while B's feed is down, B reads the
// primary. On PostgreSQL B has its own pool and change feed, as another
// process would; PGlite is one process's, so there both servers share the one
// feed (each still hears only through it).
//
// "At once" on PostgreSQL: the notification reaches B a fraction of a
// millisecond after A's commit returned, and a client in this same process
// can be quicker than that (on PGlite it arrives before the write resolves).
// So B's first read is retried for a moment, and the moment must be short.
import { randomBytes } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { getTableName, sql } from "drizzle-orm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import type { HeardScope } from "../../src/cache/change-clock.js";
import { silentLogger } from "../../src/log.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { changeFeedApplicationName, parseChange } from "../../src/store/pg/change-feed.js";
import { openDatabase, type Database } from "../../src/store/pg/database.js";
import { rows } from "../../src/store/pg/handle.js";
import { tenantTables } from "../../src/store/pg/tenant-purge.js";
import { heardWrites } from "../../src/store/heard-writes.js";
import { api } from "../helpers/clients.js";
import { testDatabase } from "../helpers/database.js";
import { httpError } from "../helpers/expect.js";
import { testConfig, type TestServer } from "../helpers/harness.js";
import { Population } from "../helpers/population.js";
import { laggingReplica, sleep } from "./lagging-replica.js";

const primary = await testDatabase();
const { replica, replicate, drop } = await laggingReplica(primary);
const ownPrimaryOfB: Database | undefined = process.env.DATABASE_URL ? await openDatabase(process.env.DATABASE_URL, { maxOpenConns: 4 }) : undefined;

const windowMs = 400;
const tenantId = `t${randomBytes(6).toString("hex")}`;
const otherTenantId = `t${randomBytes(6).toString("hex")}`;
const start = (database: Database) =>
  startServer({ config: testConfig({ "is.read-database-primary-window": windowMs }), log: silentLogger, database, replica, tenantId });
const serverA = await start(primary);
const serverB = await start(ownPrimaryOfB ?? primary);
const viaA = { httpURL: `http://${serverA.httpAddress}` } as TestServer;
const viaB = { httpURL: `http://${serverB.httpAddress}` } as TestServer;
const admin = await new Population(serverA.store).user({ id: "admin", admin: true });
// The replica starts with the admin and its key, then lags.
await replicate(tenantId);
// B's first request pays for what loads on first use: not in the timed reads below.
await api(viaB, "GET", "/applications/across?field_mask=name", { key: admin.apiKey });
const quiet = () => sleep(windowMs + 250);

/** The application's name as read through `via`, or the whole answer when it is not 200. */
const nameVia = async (via: TestServer) => {
  const res = await api(via, "GET", "/applications/across?field_mask=name", { key: admin.apiKey });
  return res.status === 200 ? (res.body as { name: string }).name : res;
};
const rename = async (via: TestServer, name: string) => {
  const res = await api(via, "PUT", "/applications/across", { key: admin.apiKey, body: { application: { name }, field_mask: { paths: ["name"] } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
};

/** Retries `check` for up to `ms`; fails with its last error; resolves to when (ms from the call) the attempt that passed began. */
async function within(ms: number, check: () => Promise<void>): Promise<number> {
  const started = Date.now();
  for (;;) {
    const attempt = Date.now();
    try {
      await check();
      return attempt - started;
    } catch (err) {
      if (Date.now() - started > ms) throw err;
      await sleep(2);
    }
  }
}

/** `check` passes through B as soon as B has heard of the write just made through A (see the header): no attempt begun 100 ms after the write fails. */
async function heardSoon(check: () => Promise<void>): Promise<void> {
  const waited = await within(1000, check);
  assert.ok(waited < 100, `B heard of the write after ${waited} ms`);
}

test("a write through one server is read at once through another; after the window the other reads the replica again", async () => {
  await quiet();
  const created = await api(viaA, "POST", "/users/admin/applications", { key: admin.apiKey, body: { application: { ids: { application_id: "across" }, name: "first" } } });
  assert.is(created.status, 200, JSON.stringify(created.body));
  await heardSoon(async () => assert.is(await nameVia(viaB), "first", "B heard of A's write: the primary"));
  assert.is(await nameVia(viaB), "first");
  await quiet();
  httpError(await api(viaB, "GET", "/applications/across?field_mask=name", { key: admin.apiKey }), 404, "application_not_found");
  await replicate(tenantId);
  assert.is(await nameVia(viaB), "first");

  await rename(viaA, "second");
  await heardSoon(async () => assert.is(await nameVia(viaB), "second", "an update too"));
  await quiet();
  assert.is(await nameVia(viaB), "first", "the replica still lags once the window is over");
  await replicate(tenantId);
  assert.is(await nameVia(viaB), "second");
});

test("a write in one tenant leaves another tenant's reads on the replica", async () => {
  const otherOn = (server: RunningServer) => server.tenants.store(otherTenantId);
  const foundOther = () =>
    otherOn(serverB).applications.get("elsewhere").then(
      (app) => app.name,
      (err: Error) => (/application_not_found/.test(err.message) ? "missing" : Promise.reject(err)),
    );
  await otherOn(serverA).applications.create(create(ApplicationSchema, { ids: { applicationId: "elsewhere" }, name: "other" }));
  await heardSoon(async () => assert.is(await foundOther(), "other", "B heard of the write in the other tenant"));
  await quiet();
  assert.is(await foundOther(), "missing", "the other tenant's rows are not on the replica");

  await rename(viaA, "third");
  await heardSoon(async () => assert.is(await nameVia(viaB), "third", "the tenant written: the primary"));
  assert.is(await foundOther(), "missing", "the other tenant: still the replica");
});

if (ownPrimaryOfB) {
  test("while a server's change feed is down it reads the primary; the window over after it listens again, the replica", async () => {
    await rename(viaA, "before the cut");
    await replicate(tenantId);
    await rename(viaA, "after the cut");
    await quiet();
    assert.is(await nameVia(viaB), "before the cut", "the replica (lagging)");
    // This database's feeds only: other test runs may share the server.
    await primary.db.execute(
      sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${changeFeedApplicationName} AND datname = current_database()`,
    );
    // Writes elsewhere could go unheard now (none happen): the primary.
    await within(1000, async () => assert.is(await nameVia(viaB), "after the cut"));
    // The feed reconnects (in 250 ms) and the window after it ends.
    await within(3000, async () => assert.is(await nameVia(viaB), "before the cut"));
  });
}

test("every change names its tenant on the feed: rights as 'any', other tenant rows as 'data'", async () => {
  const heard: Array<{ scope: HeardScope; tenantId?: string }> = [];
  const stop = await primary.changeFeed!.subscribe(
    (scope, tenantId) => heard.push({ scope, tenantId }),
    () => {},
  );
  try {
    const tenant = `t${randomBytes(6).toString("hex")}`;
    await serverA.tenants.store(tenant).applications.create(create(ApplicationSchema, { ids: { applicationId: "heard" } }));
    await within(1000, async () => assert.ok(heard.some((h) => h.scope === "any" && h.tenantId === tenant), JSON.stringify(heard)));
    await primary.db.execute(
      sql`INSERT INTO notifications (tenant_id, id, entity_kind, entity_id, notification_type, receivers) VALUES (${tenant}, 'n1', 'application', 'heard', 'test', '{}')`,
    );
    await within(1000, async () => assert.ok(heard.some((h) => h.scope === "data" && h.tenantId === tenant), JSON.stringify(heard)));
  } finally {
    await stop();
  }
});

test("every tenant table notifies with the tenant, but the e-mail outbox and the login throttling counters", async () => {
  const scopes: Record<string, string> = { oauth_access_tokens: "tokens" };
  for (const t of ["tenants", "accounts", "users", "organizations", "applications", "gateways", "clients", "memberships", "api_keys"]) scopes[t] = "any";
  const exempt = new Set(["email_outbox", "rate_limit_counters"]);
  const names = ["tenants", ...tenantTables.map((t) => getTableName(t))];
  for (const name of names) {
    const defs = (
      await rows<{ def: string }>(primary.db, sql`SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = ${name}::regclass AND NOT tgisinternal`)
    ).map((r) => r.def);
    if (exempt.has(name)) {
      assert.equal(defs, [], `${name} has no trigger`);
      continue;
    }
    const scope = scopes[name] ?? "data";
    const call = `EXECUTE FUNCTION is_notify_tenant_changed('${scope}')`;
    assert.ok(defs.some((d) => /AFTER INSERT OR DELETE OR UPDATE/.test(d) && /FOR EACH ROW/.test(d) && d.includes(call)), `${name}: ${defs.join("; ")}`);
    assert.ok(defs.some((d) => /AFTER TRUNCATE/.test(d) && /FOR EACH STATEMENT/.test(d) && d.includes(call)), `${name}: ${defs.join("; ")}`);
  }
});

test("payloads: '<scope> <tenant>' since migration 0011, the scope alone (every tenant), and the older '' and 'tokens'", () => {
  assert.equal(parseChange("any t1"), { scope: "any", tenantId: "t1" });
  assert.equal(parseChange("tokens t1"), { scope: "tokens", tenantId: "t1" });
  assert.equal(parseChange("data t1"), { scope: "data", tenantId: "t1" });
  assert.equal(parseChange("data"), { scope: "data" });
  assert.equal(parseChange("tokens"), { scope: "tokens" });
  assert.equal(parseChange(""), { scope: "any" });
  assert.equal(parseChange(undefined), { scope: "any" });
  assert.equal(parseChange("later t1"), { scope: "any", tenantId: "t1" }, "an unknown scope: anything");
});

test("heard writes: per tenant for the window; every tenant after a change naming none; all the time the feed is not trusted and a window after", () => {
  let now = 0;
  const heard = heardWrites({ windowMs: 100, clock: () => now });
  assert.ok(heard.recent("x"), "before the feed listens: the primary");
  heard.trusted(true);
  assert.ok(heard.recent("x"), "and for a window after");
  now = 100;
  assert.not.ok(heard.recent("x"));

  heard.changed("x");
  now = 199;
  assert.ok(heard.recent("x"));
  assert.not.ok(heard.recent("y"), "another tenant: the replica");
  now = 200;
  assert.not.ok(heard.recent("x"));

  heard.changed(undefined);
  assert.ok(heard.recent("x") && heard.recent("y"), "a change naming no tenant: every tenant");
  now = 300;
  assert.not.ok(heard.recent("y"));

  heard.trusted(false);
  now = 10_000;
  assert.ok(heard.recent("y"), "untrusted: the primary, however long");
  heard.trusted(true);
  now = 10_099;
  assert.ok(heard.recent("y"), "trusted again: writes missed in the gap may still be on their way");
  now = 10_100;
  assert.not.ok(heard.recent("y"));
});

test.after(async () => {
  await serverB.close();
  await serverA.close();
  await ownPrimaryOfB?.close();
  await drop();
});

test.run();
