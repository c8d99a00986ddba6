// Statements with parameters on PGlite, each parsed and planned once (in the
// PGlite thread, pglite-thread.ts). PGlite's own `query()` sends every statement
// unnamed, so PostgreSQL parses and plans it on every call, in five round trips
// into WebAssembly, and merges its 300 type parsers into a new object whenever the
// caller passes parsers (drizzle always does): 0.5-0.9 ms of CPU for a one-row
// SELECT. Here a statement is prepared under a name the first time its text is
// seen, and each call is one Bind/Describe/Execute/Sync message: 0.15 ms.
// Values and errors are PGlite's: its parameter serializers, its result parser,
// its DatabaseError with the statement on it. The caller holds PGlite's locks
// (`_runExclusiveTransaction`, `_runExclusiveQuery`) as `query()` does.
import { messages, parse, protocol, type PGlite, type Results } from "@electric-sql/pglite";
import type { RowMode } from "./pglite-messages.js";

type Parsers = PGlite["parsers"];

export interface StatementOptions {
  rowMode?: RowMode;
  paramTypes?: number[];
  /** Types whose values stay text (the caller parses them). */
  rawTypes?: number[];
}

interface Prepared {
  name: string;
  /** The type of each parameter, as PostgreSQL inferred it. */
  paramTypes: number[];
}

// Command tags after which every prepared statement stays valid. Anything else
// (CREATE, ALTER, DROP, DO, SET, ROLLBACK of a transaction that may have held
// DDL...) may change what a prepared statement's result looks like, which
// PostgreSQL refuses for a prepared statement ("cached plan must not change
// result type"): the statements are then prepared again.
const keepsStatements = new Set(["SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ANALYZE", "SHOW", "EXPLAIN", "VALUES"]);
// 0A000: cached plan must not change result type; 26000: the prepared statement does not exist.
const staleStatement = new Set(["0A000", "26000"]);

const asText = (x: string) => x;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export class Statements {
  readonly #pg: PGlite;
  readonly #max: number;
  /** By parameter types and text, least recently used first. */
  readonly #prepared = new Map<string, Prepared>();
  /** Names to close, at the next statement outside a transaction. */
  #unused: string[] = [];
  #nextName = 1;
  #changedInTransaction = false;
  readonly #parsers = new Map<string, Parsers>();

  // A prepared statement holds its plan in PostgreSQL's memory: the hot paths
  // of the server use far fewer statements than this.
  constructor(pg: PGlite, max = 200) {
    this.#pg = pg;
    this.#max = max;
  }

  /** `query()` with the statement prepared once; `inTransaction`: no file sync after it, as in PGlite. */
  async query(sql: string, params: unknown[] = [], options: StatementOptions | undefined, inTransaction: boolean): Promise<Results> {
    try {
      return await this.#run(sql, params, options ?? {}, inTransaction);
    } catch (err) {
      // Outside a transaction a statement made stale by a schema change is simply prepared again.
      if (inTransaction || !(err instanceof messages.DatabaseError) || !staleStatement.has(err.code ?? "")) throw described(err, sql, params, options);
      this.#forgetAll();
      return await this.#run(sql, params, options ?? {}, inTransaction).catch((again: unknown) => Promise.reject(described(again, sql, params, options)));
    }
  }

  /** After statements that did not go through here (`exec`): forgets the prepared ones if the schema may have changed. */
  ran(results: Results[], inTransaction: boolean): void {
    if (results.some((r) => r.command !== undefined && !keepsStatements.has(r.command))) {
      this.#forgetAll();
      if (inTransaction) this.#changedInTransaction = true;
    }
  }

  /**
   * A transaction ended. Statements prepared after a schema change in a
   * transaction that rolled back describe a schema that no longer exists.
   */
  ended(committed: boolean): void {
    if (!committed && this.#changedInTransaction) this.#forgetAll();
    this.#changedInTransaction = false;
  }

  async #run(sql: string, params: unknown[], options: StatementOptions, inTransaction: boolean): Promise<Results> {
    const key = options.paramTypes?.length ? `${options.paramTypes.join(",")}:${sql}` : sql;
    let statement = this.#prepared.get(key);
    if (statement) {
      this.#prepared.delete(key);
      this.#prepared.set(key, statement);
    } else {
      statement = await this.#prepare(key, sql, options.paramTypes, inTransaction);
    }
    const types = statement.paramTypes;
    // As PGlite's query(): the serializer of the parameter's type, else its text.
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serialize = this.#pg.serializers[types[i]!];
      return serialize ? serialize(value) : (value as { toString(): string }).toString();
    });
    const { serialize } = protocol;
    const replies = await this.#pg.execProtocolStream(
      concat([serialize.bind({ statement: statement.name, values }), serialize.describe({ type: "P" }), serialize.execute({}), serialize.sync()]),
      { syncToFs: false },
    );
    if (!inTransaction) await this.#pg.syncToFs();
    const result = parse.parseResults(replies, this.#parsersFor(options.rawTypes), { rowMode: options.rowMode })[0]!;
    this.ran([result], inTransaction);
    return result;
  }

  async #prepare(key: string, sql: string, paramTypes: number[] | undefined, inTransaction: boolean): Promise<Prepared> {
    const { serialize } = protocol;
    const name = `is_${this.#nextName++}`;
    // Closing in a transaction could meet an aborted one; the names wait for the next statement outside.
    const closing = inTransaction ? [] : this.#unused.splice(0).map((old) => serialize.close({ type: "S", name: old }));
    const replies = await this.#pg.execProtocolStream(
      concat([...closing, serialize.parse({ name, text: sql, types: paramTypes }), serialize.describe({ type: "S", name }), serialize.sync()]),
      { syncToFs: false },
    );
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(replies) };
    this.#prepared.set(key, statement);
    if (this.#prepared.size > this.#max) {
      const [oldest, { name: unused }] = this.#prepared.entries().next().value!;
      this.#prepared.delete(oldest);
      this.#unused.push(unused);
    }
    return statement;
  }

  #forgetAll(): void {
    for (const { name } of this.#prepared.values()) this.#unused.push(name);
    this.#prepared.clear();
  }

  /** PGlite's parsers with the caller's raw types left as text; one object per set of raw types. */
  #parsersFor(rawTypes: number[] | undefined): Parsers {
    if (!rawTypes) return this.#pg.parsers;
    const key = rawTypes.join(",");
    let parsers = this.#parsers.get(key);
    if (!parsers) this.#parsers.set(key, (parsers = { ...this.#pg.parsers, ...Object.fromEntries(rawTypes.map((oid) => [oid, asText])) }));
    return parsers;
  }

}

/** As PGlite's errors: the statement, its parameters and options on it. */
function described(err: unknown, sql: string, params: unknown[], options: StatementOptions | undefined): unknown {
  if (err instanceof messages.DatabaseError) Object.assign(err, { query: sql, params, queryOptions: options });
  return err;
}
