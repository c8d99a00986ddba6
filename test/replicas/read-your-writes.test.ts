// Read-your-writes through a lagging read replica (src/store/read-your-writes.ts)
// on one server; across servers: across-servers.test.ts. The replica is
// simulated (lagging-replica.ts). A client that wrote reads its write from the
// primary at once; once is.read-database-primary-window has passed without
// writes, reads go to the replica again (stale until it catches up: what the
// window is there to hide).
import { randomBytes } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { silentLogger } from "../../src/log.js";
import { startServer } from "../../src/server.js";
import { createPgStore } from "../../src/store/pg/store.js";
import { readYourWrites } from "../../src/store/read-your-writes.js";
import { api } from "../helpers/clients.js";
import { testDatabase } from "../helpers/database.js";
import { httpError } from "../helpers/expect.js";
import { testConfig, type TestServer } from "../helpers/harness.js";
import { Population } from "../helpers/population.js";
import { laggingReplica } from "./lagging-replica.js";

const primary = await testDatabase();

const { replica, replicate, drop } = await laggingReplica(primary);

const windowMs = 400;
const tenantId = `t${randomBytes(6).toString("hex")}`;
const server = await startServer({ config: testConfig({ "is.read-database-primary-window": windowMs }), log: silentLogger, database: primary, replica, tenantId });
const ts = { httpURL: `http://${server.httpAddress}` } as TestServer;
const admin = await new Population(server.store).user({ id: "admin", admin: true });
// The replica starts with the admin and its key, then lags.
await replicate(tenantId);
const quiet = () => new Promise((resolve) => setTimeout(resolve, windowMs + 250));

const getName = async () => {
  const res = await api(ts, "GET", "/applications/ryw?field_mask=name", { key: admin.apiKey });
  return res.status === 200 ? (res.body as { name: string }).name : res;
};

test("over /api/v3: a created application can be read at once, though the replica has not got it", async () => {
  await quiet();
  const created = await api(ts, "POST", "/users/admin/applications", { key: admin.apiKey, body: { application: { ids: { application_id: "ryw" }, name: "first" } } });
  assert.is(created.status, 200, JSON.stringify(created.body));
  assert.is(await getName(), "first");
  assert.is(await getName(), "first");
  // The window over, reads go to the replica, which still lags: the application is not there.
  await quiet();
  const stale = await api(ts, "GET", "/applications/ryw?field_mask=name", { key: admin.apiKey });
  httpError(stale, 404, "application_not_found");
  // It catches up.
  await replicate(tenantId);
  assert.is(await getName(), "first");
});

test("over /api/v3: an update is read back at once, the replica's old row notwithstanding", async () => {
  await quiet();
  const updated = await api(ts, "PUT", "/applications/ryw", { key: admin.apiKey, body: { application: { name: "second" }, field_mask: { paths: ["name"] } } });
  assert.is(updated.status, 200, JSON.stringify(updated.body));
  assert.is(await getName(), "second");
  await quiet();
  assert.is(await getName(), "first", "the replica still lags once the window is over");
  await replicate(tenantId);
  assert.is(await getName(), "second");
});

test("in the store: the window is counted from the end of the last write; transactions and failed writes count; other stores are not affected", async () => {
  let now = 0;
  const tenant = `t${randomBytes(6).toString("hex")}`;
  const pgStore = (reads: "replica" | "primary") => createPgStore({ primary: primary.db, replica: reads === "replica" ? replica.db : undefined, tenantId: tenant });
  const store = readYourWrites(pgStore("replica"), pgStore("primary"), { windowMs: 1000, clock: () => now });
  const found = (s = store) => s.applications.get("app").then((a) => a.name, (err: Error) => (/application_not_found/.test(err.message) ? "missing" : Promise.reject(err)));

  await store.applications.create(create(ApplicationSchema, { ids: { applicationId: "app" }, name: "v1" }));
  now += 999;
  assert.is(await found(), "v1", "within the window: the primary");
  now += 1;
  assert.is(await found(), "missing", "after it: the replica, which lags");

  await store.transact((tx) => tx.applications.update("app", create(ApplicationSchema, { name: "v2" }), ["name"]));
  assert.is(await found(), "v2", "a transaction is a write");
  now += 1000;
  assert.is(await found(), "missing");

  // A write that fails may have half happened: it counts too.
  await store.applications.create(create(ApplicationSchema, { ids: { applicationId: "app" } })).then(
    () => assert.unreachable("created twice"),
    () => undefined,
  );
  assert.is(await found(), "v2", "a failed write is a write");

  // A store that has not written (another tenant's, or this tenant's on another server) reads the replica.
  const elsewhere = readYourWrites(pgStore("replica"), pgStore("primary"), { windowMs: 1000, clock: () => now });
  assert.is(await found(elsewhere), "missing");
  now += 1000;
  assert.is(await found(), "missing");
});

test.after(async () => {
  await server.close();
  await drop();
});

test.run();
