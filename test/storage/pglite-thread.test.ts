// PGlite runs in a thread of its own (src/store/pg/pglite-client.ts): its
// queries leave the server's event loop free, and from the server's side it is
// the PGlite it was: the same values for every type, the same errors with the
// same fields, interactive transactions that hold other statements back. A
// thread that stops makes every waiting and later call fail at once with
// `database_unavailable`, and the server answers 503 instead of hanging.
import { PGlite, type QueryOptions, type Results } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { sql } from "drizzle-orm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { silentLogger } from "../../src/log.js";
import { startServer } from "../../src/server.js";
import { openDatabase, type Database } from "../../src/store/pg/database.js";
import type { PGliteThreadClient } from "../../src/store/pg/pglite-client.js";
import { asUnavailable } from "../../src/store/pg/unavailable.js";
import { testConfig } from "../helpers/harness.js";
import { Population } from "../helpers/population.js";

const clientOf = (database: Database) => (database.db as unknown as { $client: PGliteThreadClient }).$client;

/** A PGlite of its own in a thread (not the shared test database: some tests stop it). */
async function threaded(): Promise<{ database: Database; client: PGliteThreadClient }> {
  const database = await openDatabase("pglite://memory", { maxOpenConns: 1 });
  return { database, client: clientOf(database) };
}

/** What a call gives: its result, or its error as class and fields (the stack differs by thread). */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { result: await run() };
  } catch (err) {
    const { stack: _, ...fields } = Object.assign({}, err) as Record<string, unknown>;
    return { error: (err as Error).constructor, message: (err as Error).message, name: (err as Error).name, fields };
  }
}

// drizzle-orm/pglite's two shapes: rows as arrays with timestamp and interval types left as text, and rows as objects.
const asText = (x: string) => x;
const drizzleArrays: QueryOptions = { rowMode: "array", parsers: { 1114: asText, 1184: asText, 1186: asText, 1082: asText, 1231: asText, 1115: asText, 1185: asText, 1187: asText, 1182: asText } };
const drizzleObjects: QueryOptions = { ...drizzleArrays, rowMode: "object" };
const ownParser: QueryOptions = { parsers: { 23: (x: string) => `int4:${x}`, 25: (x: string) => x.toUpperCase() } };

const setup = `CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL UNIQUE, at timestamptz, data jsonb, bin bytea, big int8, num numeric, tags text[]);
  INSERT INTO t VALUES (1, 'one', '2024-02-29 12:34:56.789+00', '{"a": [1, "x", null]}', '\\x00ff10', 9007199254740993, 12.50, '{a,"b c"}')`;

const statements: Array<[string, unknown[]]> = [
  [`SELECT * FROM t`, []],
  [`SELECT 1::int2 AS a, 2::int4 AS b, 3::int8 AS c, 9007199254740993::int8 AS d, 1.5::float4 AS e, 2.25::float8 AS f, 123.4500::numeric AS g, true AS h, 'x'::text AS i, NULL::text AS j, 'x'::char(3) AS k`, []],
  [`SELECT '2024-01-02'::date AS a, '2024-01-02 03:04:05'::timestamp AS b, '2024-01-02 03:04:05+02'::timestamptz AS c, '1 day 2 hours'::interval AS d, '03:04'::time AS e, 'infinity'::timestamptz AS f`, []],
  [`SELECT ARRAY[1, 2]::int4[] AS a, ARRAY[1, 2]::int8[] AS b, ARRAY['2024-01-02 03:04:05+00']::timestamptz[] AS c, ARRAY[1.5]::numeric[] AS d, ARRAY['x', NULL] AS e, '{}'::text[] AS f, ARRAY[true] AS g`, []],
  [`SELECT '{"a": 1, "b": [true, null]}'::json AS a, '[1, "2"]'::jsonb AS b, '\\xdeadbeef'::bytea AS c, gen_random_uuid() IS NOT NULL AS d, 'a b'::tsvector AS e`, []],
  [`SELECT $1::text AS a, $2::int4 AS b, $3::int8 AS c, $4::timestamptz AS d, $5::bytea AS e, $6::jsonb AS f, $7::text[] AS g, $8::bool AS h, $9::text AS i`, ["x", 42, 12345678901234567n, new Date("2024-05-06T07:08:09.123Z"), Buffer.from([1, 2, 255]), { k: ["v", 1] }, ["a", "b"], true, null]],
  [`SELECT $1::bytea AS a, $2::jsonb AS b, $3 AS c`, [new Uint8Array([9, 8]), "[1]", "untyped"]],
  [`SELECT id, name FROM t WHERE id = ANY($1::int[]) ORDER BY id`, [[1, 2]]],
  [`INSERT INTO t (id, name) VALUES (2, 'two'), (3, 'three') RETURNING id`, []],
  [`UPDATE t SET name = name || '!' WHERE id > 1`, []],
  [`DELETE FROM t WHERE id = 3`, []],
  [`SELECT name, name FROM t ORDER BY id`, []],
  // Errors: unique, not null, foreign types, syntax, division by zero, a missing table.
  [`INSERT INTO t (id, name) VALUES (9, 'one')`, []],
  [`INSERT INTO t (id, name) VALUES (1, 'again')`, []],
  [`INSERT INTO t (id) VALUES (10)`, []],
  [`SELECT 1/0`, []],
  [`SELEC 1`, []],
  [`SELECT * FROM missing`, []],
  [`SELECT $1::int4`, ["not a number"]],
  [`SELECT $1::bool`, ["maybe"]],
];

const url = process.env.DATABASE_URL;
if (!url) {
  test("results and errors are those of PGlite on the calling thread, for every type and option drizzle uses", async () => {
    const reference = new PGlite({ extensions: { pg_trgm } });
    const { database, client } = await threaded();
    try {
      await reference.exec(setup);
      await client.exec(setup);
      for (const options of [undefined, drizzleArrays, drizzleObjects, ownParser]) {
        for (const [text, params] of statements) {
          const label = `${text} with ${JSON.stringify(options ?? {})}`;
          assert.equal(await outcome(() => client.query(text, params, options)), await outcome(() => reference.query(text, params, options)), label);
        }
      }
      const script = `SELECT 1 AS a; SELECT now() > '2000-01-01' AS b, 'x' AS c; UPDATE t SET name = name WHERE id = 1`;
      assert.equal(await outcome(() => client.exec(script, ownParser)), await outcome(() => reference.exec(script, ownParser)));
      assert.equal(await outcome(() => client.exec(`SELECT 1; SELEC 2`)), await outcome(() => reference.exec(`SELECT 1; SELEC 2`)));
      // Through drizzle too (its raw and typed paths), e.g. the unique violation the store maps to id_taken.
      const failed = (await outcome(() => database.db.execute(sql`INSERT INTO t (id, name) VALUES (1, 'x')`))) as { fields: { cause: Record<string, unknown> } };
      assert.is(failed.fields.cause.code, "23505");
      assert.is(failed.fields.cause.constraint, "t_pkey");
      assert.is(failed.fields.cause.detail, "Key (id)=(1) already exists.");
    } finally {
      await reference.close();
      await database.close();
    }
  });

  test("interactive transactions: commit, rollback on throw, explicit rollback, savepoints, an aborted commit; other statements wait", async () => {
    const reference = new PGlite();
    const { database, client } = await threaded();
    try {
      for (const pg of [client, reference] as const) await pg.exec(`CREATE TABLE t (id int PRIMARY KEY)`);
      const rows = async (pg: PGliteThreadClient | PGlite) => (await pg.query<{ id: number }>(`SELECT id FROM t ORDER BY id`)).rows.map((r) => r.id);
      // Each scenario on both: same result, same error, same rows after.
      const scenarios: Array<(pg: PGliteThreadClient | PGlite) => Promise<unknown>> = [
        (pg) => pg.transaction(async (tx) => (await tx.query(`INSERT INTO t VALUES (1), (2) RETURNING id`)).rows),
        (pg) => pg.transaction(async (tx) => { await tx.query(`INSERT INTO t VALUES (3)`); throw new Error("changed my mind"); }),
        (pg) => pg.transaction(async (tx) => { await tx.exec(`INSERT INTO t VALUES (4)`); await tx.rollback(); return tx.closed; }),
        (pg) => pg.transaction(async (tx) => { await tx.rollback(); await tx.query(`SELECT 1`); }),
        (pg) => pg.transaction(async (tx) => { await tx.query(`INSERT INTO t VALUES (5)`); await tx.query(`INSERT INTO t VALUES (5)`); }),
        // A failed statement whose error is caught: COMMIT rolls back, reported as TransactionAbortedError.
        (pg) => pg.transaction(async (tx) => { await tx.query(`INSERT INTO t VALUES (6)`); await tx.query(`INSERT INTO t VALUES (6)`).catch(() => {}); return "done"; }),
        (pg) => pg.transaction(async (tx) => { await tx.exec(`SAVEPOINT s; INSERT INTO t VALUES (7); ROLLBACK TO SAVEPOINT s; INSERT INTO t VALUES (8); RELEASE SAVEPOINT s`); }),
      ];
      for (const [i, scenario] of scenarios.entries()) {
        assert.equal(await outcome(() => scenario(client)), await outcome(() => scenario(reference)), `scenario ${i}`);
        assert.equal(await rows(client), await rows(reference), `rows after scenario ${i}`);
      }
      assert.equal(await rows(client), [1, 2, 8]);

      // Drizzle's nested transactions (savepoints) through the store's handle.
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO t VALUES (10)`);
        await tx.transaction(async (inner) => void (await inner.execute(sql`INSERT INTO t VALUES (11)`)));
        await tx.transaction(async (inner) => {
          await inner.execute(sql`INSERT INTO t VALUES (12)`);
          throw new Error("inner only");
        }).catch(() => {});
      });
      assert.equal(await rows(client), [1, 2, 8, 10, 11]);

      // While a transaction is open a statement outside it waits, and sees its writes only once committed.
      const order: string[] = [];
      let inside!: () => void;
      const opened = new Promise<void>((resolve) => (inside = resolve));
      const transaction = client.transaction(async (tx) => {
        await tx.query(`INSERT INTO t VALUES (20)`);
        inside();
        await new Promise((resolve) => setTimeout(resolve, 200));
        order.push("transaction ends");
      });
      await opened;
      const outside = client.query<{ n: number }>(`SELECT count(*)::int AS n FROM t WHERE id = 20`).then((r) => order.push(`outside sees ${r.rows[0]!.n}`));
      await Promise.all([transaction, outside]);
      assert.equal(order, ["transaction ends", "outside sees 1"]);
    } finally {
      await reference.close();
      await database.close();
    }
  });

  test("statements prepared once stay right across schema changes, rolled-back ones too, and beyond the number kept", async () => {
    const reference = new PGlite();
    const { database, client } = await threaded();
    try {
      const both = async (label: string, run: (pg: PGliteThreadClient | PGlite) => Promise<unknown>) =>
        assert.equal(await outcome(() => run(client)), await outcome(() => run(reference)), label);
      await both("create", (pg) => pg.exec(`CREATE TABLE s (id int PRIMARY KEY); INSERT INTO s VALUES (1)`));
      const all = (pg: PGliteThreadClient | PGlite) => pg.query(`SELECT * FROM s WHERE id > $1`, [0]);
      await both("before", all);
      await both("add a column (exec)", (pg) => pg.exec(`ALTER TABLE s ADD COLUMN a text DEFAULT 'x'`));
      await both("after exec", all);
      await both("add a column (query)", (pg) => pg.query(`ALTER TABLE s ADD COLUMN b int DEFAULT 2`));
      await both("after query", all);
      await both("a column added in a transaction that rolls back", (pg) =>
        pg.transaction(async (tx) => {
          await tx.query(`ALTER TABLE s ADD COLUMN c int DEFAULT 3`);
          const inside = await tx.query(`SELECT * FROM s WHERE id > $1`, [0]);
          await tx.rollback();
          return inside;
        }));
      await both("after the rollback", all);
      await both("in a transaction after the rollback", (pg) => pg.transaction((tx) => tx.query(`SELECT * FROM s WHERE id > $1`, [0])));
      await both("a column dropped in a transaction that throws", (pg) =>
        pg.transaction(async (tx) => {
          await tx.exec(`ALTER TABLE s DROP COLUMN a`);
          await tx.query(`SELECT * FROM s WHERE id > $1`, [0]);
          throw new Error("undo");
        }));
      await both("after the throw", all);
      // More distinct statements than the thread keeps prepared, then the first ones again.
      const many = async (pg: PGliteThreadClient | PGlite) => {
        const out: unknown[] = [];
        for (let round = 0; round < 2; round++) for (let i = 0; i < 600; i++) out.push((await pg.query(`SELECT $1::int + ${i} AS n`, [round])).rows[0]);
        return out;
      };
      await both("600 statements twice", many);
    } finally {
      await reference.close();
      await database.close();
    }
  });

  test("LISTEN: a notification reaches its listener before the statement that sent it returns, at commit in a transaction", async () => {
    const reference = new PGlite();
    const { database, client } = await threaded();
    try {
      const events = async (pg: PGliteThreadClient | PGlite) => {
        const seen: string[] = [];
        const unlisten = await pg.listen("changes", (payload) => seen.push(`heard ${payload}`));
        await pg.query(`NOTIFY changes, 'one'`);
        seen.push("statement returned");
        await pg.transaction(async (tx) => {
          await tx.query(`SELECT pg_notify('changes', 'two')`);
          seen.push("in the transaction");
        });
        seen.push("transaction returned");
        await unlisten();
        await pg.query(`NOTIFY changes, 'three'`);
        seen.push("after unlisten");
        return seen;
      };
      const expected = ["heard one", "statement returned", "in the transaction", "heard two", "transaction returned", "after unlisten"];
      assert.equal(await events(reference), expected);
      assert.equal(await events(client), expected);
    } finally {
      await reference.close();
      await database.close();
    }
  });

  test("the event loop keeps running while PGlite works", async () => {
    const { database, client } = await threaded();
    try {
      // A statement that keeps PostgreSQL busy for half a second or more, however fast the machine.
      for (let rows = 500_000; ; rows *= 2) {
        let last = performance.now();
        let longestPause = 0;
        const ticker = setInterval(() => {
          const now = performance.now();
          longestPause = Math.max(longestPause, now - last);
          last = now;
        }, 5);
        const started = performance.now();
        await client.query(`SELECT count(*) FROM generate_series(1, $1::int)`, [rows]);
        const took = performance.now() - started;
        clearInterval(ticker);
        longestPause = Math.max(longestPause, performance.now() - last);
        if (took < 500) continue;
        // On the calling thread the timer would not fire at all until the statement ended.
        assert.ok(longestPause < took / 3, `the event loop stood still for ${longestPause.toFixed(0)} of ${took.toFixed(0)} ms`);
        break;
      }
    } finally {
      await database.close();
    }
  });

  test("a parameter that would cross to the thread changed is refused with a clear error", async () => {
    const { database, client } = await threaded();
    try {
      class Money {
        constructor(readonly cents: number) {}
        toString() {
          return (this.cents / 100).toFixed(2);
        }
      }
      const refused = await client.query(`SELECT $1::text AS a`, ["ok", new Money(150)]).catch((err: Error) => err);
      assert.instance(refused, TypeError);
      assert.match((refused as Error).message, /parameter \$2 is or holds a Money instance, which cannot be sent to the database thread/);
      const nested = await client.query(`SELECT $1::jsonb AS a`, [{ price: [new Money(1)] }]).catch((err: Error) => err);
      assert.match((nested as Error).message, /parameter \$1 is or holds a Money instance/);
      const unsupported = await client.query(`SELECT 1`, [], { serializers: { 25: String } }).catch((err: Error) => err);
      assert.match((unsupported as Error).message, /option "serializers" is not supported/);
      // The client still works.
      assert.equal((await client.query(`SELECT $1::text AS a`, [String(new Money(150))])).rows, [{ a: "1.50" }]);
    } finally {
      await database.close();
    }
  });

  test("a stopped thread fails waiting and later statements at once with database_unavailable; the server answers 503", async () => {
    const { database, client } = await threaded();
    await database.migrate();
    const server = await startServer({ config: testConfig(), log: silentLogger, database, tenantId: "stopped" });
    try {
      const key = (await new Population(server.store).user({ id: "admin", admin: true })).apiKey;
      const get = () => fetch(`http://${server.httpAddress}/api/v3/users/admin?field_mask=name`, { headers: { authorization: `Bearer ${key}` } });
      assert.is((await get()).status, 200);

      const waiting = database.db.execute(sql`SELECT pg_sleep(30)`).then(() => undefined, (err: unknown) => err);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const stoppedAt = performance.now();
      await client.thread.terminate();
      const err = await waiting;
      assert.ok(performance.now() - stoppedAt < 2000, "the waiting statement failed at once");
      const unavailable = asUnavailable(err) as Error;
      assert.match(unavailable.message, /database unavailable: the embedded database \(PGlite\) stopped: its thread exited with code 1 \(SQLSTATE 08006\)/);

      const res = await get();
      const body = (await res.json()) as { code: number; message: string; details: Array<{ name: string }> };
      assert.is(res.status, 503);
      assert.is(body.details[0]!.name, "database_unavailable");
      assert.match(body.message, /the embedded database \(PGlite\) stopped/);
      assert.is(await database.ping(1000), false);
      assert.is((await fetch(`http://${server.httpAddress}/healthz`)).status, 503);
    } finally {
      await server.close();
      await database.close();
    }
  });
}

test.run();
