// The postgres.js client as the server needs it to survive its database:
// - connect_timeout and a short reconnect backoff, so that during an outage a
//   request fails within seconds (instead of waiting up to 30 s, or up to 20 s
//   of exponential backoff), and the first request after the database is back
//   succeeds within a second;
// - a guard around transactions. postgres.js 3.4 (up to 3.4.10; 4.x is a
//   rewrite drizzle 0.45 does not target) crashes the process with `TypeError:
//   Cannot read properties of null (reading 'write')` from a timer when a
//   transaction's connection closes and a statement (the callback's next one, or
//   its own ROLLBACK/COMMIT) is then written to the closed connection. Once the
//   connection is gone, the guard refuses further statements of that transaction
//   and never settles its callback, so postgres.js writes nothing more on it;
//   `begin` itself has already rejected with the connection error;
// - array types fetched once. postgres.js fetches them on every new connection
//   and drops the promise of that fetch: a connection lost during it is an
//   unhandled rejection, which ends the process. `typesFetched` turns the
//   fetch off once the first connection has done it (the types are shared);
// - statements with parameters prepared. Drizzle sends its queries unnamed
//   (`unsafe(text, params, {prepare: false})`), which PostgreSQL parses and plans
//   every time and postgres.js sends in two round trips (it asks for the
//   parameter types first). Prepared, a statement is parsed and planned once per
//   connection and a call is one round trip. Statements without parameters keep
//   the simple protocol (a migration's text may hold several statements), and
//   pattern searches stay unnamed (see `plannedPerCall`).
import postgres from "postgres";
import type { QueryMeter } from "./query-meter.js";
import { connectionErrorCode } from "./unavailable.js";

export interface PostgresOptions {
  max: number;
  idleTimeoutSeconds: number;
  /** False for a connection that reads no arrays (the migration lock). */
  fetchTypes?: boolean;
  /** Counts the statements in flight and times them (metrics). */
  meter?: QueryMeter;
}

export type PostgresClient = postgres.Sql;

const connectTimeoutSeconds = 3;
// Seconds before reconnecting after a failed connection: 50 ms, at most 100 ms, so the
// first request after the database is back waits at most that long for a connection.
const backoff = (retries: number) => Math.min(0.05 * 2 ** Math.max(0, retries - 1), 0.1);

class ConnectionClosed extends Error {
  readonly code = "CONNECTION_CLOSED";
  constructor() {
    super("the transaction's database connection was closed");
  }
}

type TransactionSql = postgres.TransactionSql;

// postgres.js keeps every prepared statement of a connection for the connection's
// life. Our statement texts are bounded by the code (lists of values go as one
// array parameter), but should some text vary without bound, only the first
// `maxPreparedTexts` distinct texts are prepared and later ones go unnamed.
const maxPreparedTexts = 500;

// Pattern searches (search.ts: ILIKE, full text) are planned for each call: their
// best plan depends on the pattern (the trigram index for a rare substring, key
// order for a common one), and PostgreSQL may settle a prepared statement on a
// generic plan that fits neither (forced generic: 150 ms instead of 6 ms for a
// substring of one device ID among 100,000).
const plannedPerCall = /\bilike\b|@@/i;

type UnsafeArgs = [text: string, params?: unknown[], options?: { prepare?: boolean }];
/** Adds `prepare: true` to the arguments of `unsafe` where it pays (see the header). */
type Preparer = (args: UnsafeArgs) => UnsafeArgs;

function preparer(): Preparer {
  const texts = new Set<string>();
  return (args) => {
    const [text, params, options] = args;
    if (!params?.length || options?.prepare === true || plannedPerCall.test(text)) return args;
    if (!texts.has(text)) {
      if (texts.size >= maxPreparedTexts) return args;
      texts.add(text);
    }
    return [text, params, { ...options, prepare: true }];
  };
}

/**
 * Counts `query` in `meter` until postgres.js settles it. postgres.js offers no
 * hook for that (nor pool statistics); its Query settles through its own
 * `resolve`/`reject` fields (postgres/src/query.js), which are wrapped here.
 * Chaining `then` instead would start the query at once, before drizzle has
 * chained `.values()` onto it.
 */
function metered(query: unknown, meter: QueryMeter, inTransaction: boolean): void {
  const q = query as { resolve?: (x: unknown) => unknown; reject?: (x: unknown) => unknown };
  const { resolve, reject } = q;
  if (typeof resolve !== "function" || typeof reject !== "function") return;
  const started = meter.start(inTransaction);
  let settled = false;
  const end = (failed: boolean) => {
    if (settled) return;
    settled = true;
    meter.end(started, failed, inTransaction);
  };
  q.resolve = (x) => (end(false), resolve(x));
  q.reject = (x) => (end(true), reject(x));
}

const preparedUnsafe = (sql: PostgresClient | TransactionSql, prepare: Preparer, meter: QueryMeter | undefined, inTransaction = false) => (...args: UnsafeArgs) => {
  const query = (sql.unsafe as (...a: UnsafeArgs) => unknown)(...prepare(args));
  if (meter) metered(query, meter, inTransaction);
  return query;
};

function guardTransaction(tx: TransactionSql, isDead: () => boolean, prepare: Preparer, meter: QueryMeter | undefined): TransactionSql {
  const unsafe = preparedUnsafe(tx, prepare, meter, true);
  return new Proxy(tx, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== "unsafe" && prop !== "savepoint") return value;
      return (...args: unknown[]) => {
        if (isDead()) throw new ConnectionClosed();
        if (prop === "savepoint") {
          const fn = args.at(-1) as (sp: TransactionSql) => unknown;
          return (value as (...a: unknown[]) => unknown).apply(target, [...args.slice(0, -1), (sp: TransactionSql) => fn(guardTransaction(sp, isDead, prepare, meter))]);
        }
        return unsafe(...(args as UnsafeArgs));
      };
    },
  });
}

const never = new Promise<never>(() => {});

function guardedBegin(sql: PostgresClient, prepare: Preparer, meter: QueryMeter | undefined): PostgresClient["begin"] {
  return ((...args: unknown[]) => {
    const fn = args.at(-1) as (tx: TransactionSql) => unknown;
    let dead = false;
    const isDead = () => dead;
    const wrapped = async (tx: TransactionSql) => {
      try {
        const result = await fn(guardTransaction(tx, isDead, prepare, meter));
        if (dead) return never; // no COMMIT on a closed connection
        return result;
      } catch (err) {
        if (dead || connectionErrorCode(err)) {
          dead = true;
          return never; // no ROLLBACK on a closed connection (the server rolled back already)
        }
        throw err;
      }
    };
    // Counted from the BEGIN asked for (waiting for a connection, perhaps) to its end (meter.pool()).
    if (meter) meter.transactions++;
    const begun = (sql.begin as (...a: unknown[]) => Promise<unknown>)(...args.slice(0, -1), wrapped);
    begun.then(
      () => {
        if (meter) meter.transactions--;
      },
      (err: unknown) => {
        if (meter) meter.transactions--;
        if (connectionErrorCode(err)) dead = true;
      },
    );
    return begun;
  }) as PostgresClient["begin"];
}

export function openPostgres(uri: string, opts: PostgresOptions): PostgresClient {
  const sql = postgres(uri, {
    max: opts.max,
    idle_timeout: opts.idleTimeoutSeconds,
    connect_timeout: connectTimeoutSeconds,
    backoff,
    fetch_types: opts.fetchTypes ?? true,
    onnotice: () => {},
  });
  const prepare = preparer();
  const begin = guardedBegin(sql, prepare, opts.meter);
  const unsafe = preparedUnsafe(sql, prepare, opts.meter);
  return new Proxy(sql, {
    get: (target, prop, receiver) => (prop === "begin" ? begin : prop === "unsafe" ? unsafe : Reflect.get(target, prop, receiver)),
  });
}

/** Connects once (fetching the array types), then lets later connections skip the fetch. */
export async function typesFetched(sql: PostgresClient): Promise<void> {
  await sql`SELECT 1`;
  (sql.options as { fetch_types: boolean }).fetch_types = false;
}
