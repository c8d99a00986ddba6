// is.read-database-uri: reads go to the replica; writes, and reads inside a
// write's transaction, go to the primary. Needs PostgreSQL (DATABASE_URL): a
// second database stands in for the replica, so where a read went is visible.
import { randomBytes } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { sql } from "drizzle-orm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ConfigError, loadConfig } from "../../src/config/index.js";
import { openDatabase } from "../../src/store/pg/database.js";
import { createPgStore } from "../../src/store/pg/store.js";
import { testDatabase } from "../helpers/database.js";

const url = process.env.DATABASE_URL;

test("a PGlite read replica is refused at start", () => {
  assert.throws(
    () => loadConfig({ argv: ["--is.read-database-uri", "pglite://memory"], env: {} }),
    (err: unknown) => err instanceof ConfigError && /read-database-uri/.test((err as Error).message),
  );
});

if (url) {
  const primary = await testDatabase();
  const name = `is_replica_${randomBytes(4).toString("hex")}`;
  await primary.db.execute(sql.raw(`CREATE DATABASE ${name}`));
  const replicaURL = new URL(url);
  replicaURL.pathname = `/${name}`;
  const replica = await openDatabase(replicaURL.toString(), { maxOpenConns: 2 });
  await replica.migrate();
  const store = createPgStore({ primary: primary.db, replica: replica.db, tenantId: `r${randomBytes(4).toString("hex")}` });
  const app = () => create(ApplicationSchema, { ids: { applicationId: "replicated" }, name: "on the primary" });

  test("writes go to the primary, plain reads to the replica", async () => {
    await store.applications.create(app());
    // The stand-in replica never receives the row: a read that finds nothing went there.
    await store.applications.get("replicated").then(
      () => assert.unreachable("read served by the primary"),
      (err: Error) => assert.match(err.message, "application_not_found"),
    );
  });

  test("reads inside a transaction see the transaction's writes on the primary", async () => {
    const found = await store.transact((tx) => tx.applications.get("replicated"));
    assert.is(found.name, "on the primary");
  });

  test.after(async () => {
    await replica.close();
    await primary.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });
}

test.run();
