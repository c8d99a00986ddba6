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
//   fetch off once the first connection has done it (the types are shared).
import postgres from "postgres";
import { connectionErrorCode } from "./unavailable.js";

export interface PostgresOptions {
  max: number;
  idleTimeoutSeconds: number;
  /** False for a connection that reads no arrays (the migration lock). */
  fetchTypes?: boolean;
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

function guardTransaction(tx: TransactionSql, isDead: () => boolean): TransactionSql {
  return new Proxy(tx, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== "unsafe" && prop !== "savepoint") return value;
      return (...args: unknown[]) => {
        if (isDead()) throw new ConnectionClosed();
        if (prop === "savepoint") {
          const fn = args.at(-1) as (sp: TransactionSql) => unknown;
          return (value as (...a: unknown[]) => unknown).apply(target, [...args.slice(0, -1), (sp: TransactionSql) => fn(guardTransaction(sp, isDead))]);
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const never = new Promise<never>(() => {});

function guardedBegin(sql: PostgresClient): PostgresClient["begin"] {
  return ((...args: unknown[]) => {
    const fn = args.at(-1) as (tx: TransactionSql) => unknown;
    let dead = false;
    const isDead = () => dead;
    const wrapped = async (tx: TransactionSql) => {
      try {
        const result = await fn(guardTransaction(tx, isDead));
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
    const begun = (sql.begin as (...a: unknown[]) => Promise<unknown>)(...args.slice(0, -1), wrapped);
    begun.catch((err: unknown) => {
      if (connectionErrorCode(err)) dead = true;
    });
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
  const begin = guardedBegin(sql);
  return new Proxy(sql, {
    get: (target, prop, receiver) => (prop === "begin" ? begin : Reflect.get(target, prop, receiver)),
  });
}

/** Connects once (fetching the array types), then lets later connections skip the fetch. */
export async function typesFetched(sql: PostgresClient): Promise<void> {
  await sql`SELECT 1`;
  (sql.options as { fetch_types: boolean }).fetch_types = false;
}
