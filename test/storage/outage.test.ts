// The server survives its database. Under ~50 requests/s (reads and writes,
// so transactions are in flight when the connection dies) PostgreSQL goes away
// at once (a TCP proxy resets every connection, as `pg_ctl stop -m immediate`
// does) and comes back: the process does not crash, requests during the outage
// get 503 database_unavailable in the stack's format within a few seconds, the
// first request after the database is back succeeds within a second, and every
// acknowledged write is there afterwards.
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { errDatabaseUnavailable, IsError } from "../../src/errors/index.js";
import { silentLogger } from "../../src/log.js";
import { startServer } from "../../src/server.js";
import { asUnavailable } from "../../src/store/pg/unavailable.js";
import { testDatabase } from "../helpers/database.js";
import { testConfig } from "../helpers/harness.js";
import { Population } from "../helpers/population.js";
import { tcpProxy } from "../helpers/tcp-proxy.js";

test("connection errors map to database_unavailable, anything else stays", () => {
  const wrapped = (cause: object) => Object.assign(new Error("Failed query: select 1"), { cause });
  for (const code of ["ECONNREFUSED", "ECONNRESET", "CONNECTION_CLOSED", "CONNECT_TIMEOUT", "57P01", "3D000", "08006"]) {
    const mapped = asUnavailable(wrapped({ code, message: "x" }));
    assert.ok(errDatabaseUnavailable.is(mapped), code);
    assert.is((mapped as IsError).code, 14);
  }
  // The server's own words when it answered; the socket's code when it did not.
  const gone = asUnavailable(wrapped({ code: "3D000", message: 'database "dropped" does not exist' })) as IsError;
  assert.match(gone.message, /database "dropped" does not exist \(SQLSTATE 3D000\)/);
  assert.match((asUnavailable(wrapped({ code: "ECONNREFUSED", message: "connect ECONNREFUSED" })) as IsError).message, /cannot reach the database \(ECONNREFUSED\)/);
  const unique = wrapped({ code: "23505", message: "duplicate" });
  assert.is(asUnavailable(unique), unique);
  const plain = new Error("boom");
  assert.is(asUnavailable(plain), plain);
});

const url = process.env.DATABASE_URL;
if (url) {
  test("PostgreSQL cut and restored under load: no crash, 503 during, fast recovery, no acknowledged write lost", async () => {
    const admin = await testDatabase();
    const name = `${new URL(url).pathname.slice(1)}_outage_${randomBytes(4).toString("hex")}`;
    await admin.db.execute(sql.raw(`CREATE DATABASE ${name}`));
    const target = new URL(url);
    const proxy = await tcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const dbURL = new URL(url);
    dbURL.pathname = `/${name}`;
    const server = await startServer({ config: testConfig({ "is.database-uri": proxy.via(dbURL.toString()) }), log: silentLogger, tenantId: "outage" });
    const crashes: unknown[] = [];
    const onCrash = (err: unknown) => crashes.push(err);
    process.on("uncaughtException", onCrash);
    try {
      const key = (await new Population(server.store).user({ id: "admin", admin: true })).apiKey;
      const base = `http://${server.httpAddress}`;
      const headers = { authorization: `Bearer ${key}` };
      type Outcome = { phase: string; status: number; ms: number; body: string; app?: string };
      const outcomes: Outcome[] = [];
      const inFlight = new Set<Promise<void>>();
      let phase = "before";
      let n = 0;
      const fire = () => {
        const p = phase;
        const started = Date.now();
        const app = n % 2 ? `app-${n}` : undefined;
        n++;
        const req = app
          ? fetch(`${base}/api/v3/users/admin/applications`, { method: "POST", headers, body: JSON.stringify({ application: { ids: { application_id: app } } }) })
          : fetch(`${base}/api/v3/users/admin?field_mask=name`, { headers });
        const done = req
          .then(async (res) => void outcomes.push({ phase: p, status: res.status, ms: Date.now() - started, body: await res.text(), app }))
          .catch((err: Error) => void outcomes.push({ phase: p, status: 0, ms: Date.now() - started, body: String(err), app }))
          .finally(() => inFlight.delete(done));
        inFlight.add(done);
      };
      const load = setInterval(fire, 20);
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const recoveries: number[] = [];
      try {
        await sleep(1500);
        // Two outages: the first with warm connections, the second right after a recovery.
        for (let round = 0; round < 2; round++) {
          phase = "cutting"; // requests under way when the connections go may fail either way
          await proxy.cut();
          phase = "outage";
          await sleep(3000);
          phase = "restoring";
          await proxy.restore();
          const restored = Date.now();
          for (;;) {
            const res = await fetch(`${base}/api/v3/users/admin?field_mask=name`, { headers });
            await res.text();
            if (res.status === 200) break;
            if (Date.now() - restored > 10_000) break;
          }
          recoveries.push(Date.now() - restored);
          phase = "after";
          await sleep(1500);
          phase = "settling"; // what runs now must finish before the next cut
          await Promise.all([...inFlight]);
        }
      } finally {
        clearInterval(load);
      }
      await Promise.all(inFlight);

      assert.equal(crashes, [], "no uncaught exception");
      // The first request after the database is back succeeds within a second; on a machine busy with
      // other work one round may take longer (reconnects wait for CPU), never many seconds.
      assert.ok(Math.min(...recoveries) < 1000, `first request after the database came back succeeded after ${recoveries.join(" / ")} ms`);
      assert.ok(Math.max(...recoveries) < 5000, `first request after the database came back succeeded after ${recoveries.join(" / ")} ms`);
      const during = outcomes.filter((o) => o.phase === "outage");
      assert.ok(during.length > 20, `${during.length} requests during the outages`);
      for (const o of outcomes) {
        if (o.status === 200) continue;
        assert.is(o.status, 503, `${o.phase}: ${o.status} ${o.body}`);
        const body = JSON.parse(o.body) as { code: number; details: Array<{ name: string }> };
        assert.is(body.code, 14);
        assert.is(body.details[0]!.name, "database_unavailable");
      }
      assert.ok(during.filter((o) => o.status === 503).length >= during.length * 0.9, "requests during the outage answer 503");
      const slowest = Math.max(...during.map((o) => o.ms));
      assert.ok(slowest < 5000, `slowest answer during the outage: ${slowest} ms`);
      const failedAfter = outcomes.filter((o) => o.phase === "after" && o.status !== 200);
      assert.equal(failedAfter.map((o) => `${o.status} ${o.body.slice(0, 200)}`), [], "all requests after recovery succeed");

      const acknowledged = outcomes.filter((o) => o.app && o.status === 200).map((o) => o.app!);
      assert.ok(acknowledged.length > 20, `${acknowledged.length} acknowledged writes`);
      for (const app of acknowledged) {
        const res = await fetch(`${base}/api/v3/applications/${app}?field_mask=name`, { headers });
        assert.is(res.status, 200, `acknowledged ${app} is readable`);
        await res.text();
      }
    } finally {
      process.off("uncaughtException", onCrash);
      await server.close();
      await proxy.close();
      await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  });
}

test.run();
