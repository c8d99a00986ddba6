// PGlite in a thread of its own. Its queries run WebAssembly for as long as
// PostgreSQL works, which on the server's thread stalled every other request
// meanwhile and left the machine's other cores idle. This client stands in for
// the PGlite instance on the server's thread with the part of its interface
// that drizzle-orm/pglite, its migrator and the store call (query, exec,
// interactive transactions, listen, close, waitReady), and forwards each call to
// pglite-thread.ts, which owns the real one. Results and errors arrive as
// PGlite gives them: the same values, the same error classes and fields.
// A thread that stops (crash, killed) fails every waiting and later call with
// SQLSTATE 08006, which the store reports as `database_unavailable`.
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { messages, type QueryOptions, type Results } from "@electric-sql/pglite";
import { rebuildError, type Answer, type Notification, type Request, type RowMode, type Started, type StatementRequest } from "./pglite-messages.js";
import type { ThreadOptions } from "./pglite-thread.js";
import type { QueryMeter } from "./query-meter.js";

/** A transaction as PGlite hands it to a `transaction()` callback. */
export interface ThreadTransaction {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string, options?: QueryOptions): Promise<Results[]>;
  rollback(): Promise<void>;
  readonly closed: boolean;
}

type Parsers = NonNullable<QueryOptions["parsers"]>;
// PGlite calls a parser with the value's text and its type.
type Parser = (text: string, typeId: number) => unknown;

// Option values that are functions or objects cannot cross to the thread; of those
// only `parsers` is supported, by parsing the values of their types here.
const unsupportedOptions = ["serializers", "blob", "onNotice"] as const;

/** The thread's module: TypeScript when this one is (sources run through tsx), else JavaScript. */
function startThread(options: ThreadOptions): Worker {
  const here = fileURLToPath(import.meta.url);
  const thread = new URL(`./pglite-thread${extname(here)}`, import.meta.url);
  if (extname(here) !== ".ts") return new Worker(thread, { workerData: options });
  // On Node 20 a worker does not inherit the loader hooks tsx registered on this
  // thread, and a worker's entry cannot be TypeScript: a few lines of JavaScript
  // register tsx in the worker, then import the thread's module. PGlite's own
  // modules are loaded first, without tsx, which would rewrite their dynamic
  // imports with source maps for 40 MB more of memory.
  const preload = ["@electric-sql/pglite", "@electric-sql/pglite/contrib/pg_trgm"].map((name) => `await import(${JSON.stringify(import.meta.resolve(name))});`);
  const entry = `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))}; ${preload.join(" ")} register(); await import(${JSON.stringify(thread.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(entry)}`), { workerData: options });
}

const closedError = () => new Error("PGlite is closed");

function stoppedError(reason: string): Error {
  // 08006 (connection_failure): what a client of a PostgreSQL server sees when its server goes away.
  return Object.assign(new Error(`the embedded database (PGlite) stopped: ${reason}`), { code: "08006", severity: "FATAL" });
}

// Structured cloning copies a class instance as a plain object (a Buffer as a
// Uint8Array, which PGlite takes alike): a parameter that would arrive as
// something else than it was is refused here rather than stored changed.
/** What in `value` cannot cross to the thread intact, if anything. */
function uncloneable(value: unknown): string | undefined {
  if (typeof value === "function" || typeof value === "symbol") return `a ${typeof value}`;
  if (value === null || typeof value !== "object" || value instanceof Date || ArrayBuffer.isView(value)) return undefined;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return `a ${(value as object).constructor?.name ?? "class"} instance`;
  for (const item of Object.values(value)) {
    const found = uncloneable(item);
    if (found) return found;
  }
  return undefined;
}

function checkParams(params: unknown[] | undefined): void {
  params?.forEach((value, i) => {
    const found = uncloneable(value);
    if (found) throw new TypeError(`query parameter $${i + 1} is or holds ${found}, which cannot be sent to the database thread: pass a string, number, boolean, bigint, Date, Uint8Array, array or plain object`);
  });
}

function statementOptions(options: QueryOptions | undefined): Pick<StatementRequest, "rowMode" | "paramTypes" | "rawTypes"> {
  if (!options) return {};
  for (const name of unsupportedOptions) {
    if (options[name] !== undefined) throw new TypeError(`PGlite option "${name}" is not supported by the database thread client`);
  }
  const rawTypes = options.parsers ? Object.keys(options.parsers).map(Number) : undefined;
  return { rowMode: options.rowMode as RowMode | undefined, paramTypes: options.paramTypes, rawTypes: rawTypes?.length ? rawTypes : undefined };
}

/** Applies the caller's parsers to the values of their types, which the thread left as text. */
function parsed(result: Results, parsers: Parsers | undefined, rowMode: RowMode | undefined): Results {
  if (!parsers || result.rows.length === 0) return result;
  // In object rows a later column of the same name wins, as in PGlite.
  const columns = new Map<string | number, { parse: Parser; oid: number }>();
  result.fields.forEach((field, i) => {
    const key = rowMode === "array" ? i : field.name;
    const parse = parsers[field.dataTypeID] as Parser | undefined;
    if (parse) columns.set(key, { parse, oid: field.dataTypeID });
    else columns.delete(key);
  });
  if (columns.size === 0) return result;
  for (const row of result.rows as Record<string | number, unknown>[]) {
    for (const [key, { parse, oid }] of columns) {
      const value = row[key];
      if (value !== null && value !== undefined) row[key] = parse(value as string, oid);
    }
  }
  return result;
}

export class PGliteThreadClient {
  /** Resolves when PGlite is open in its thread; rejects with why it could not open. */
  readonly waitReady: Promise<void>;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  #nextId = 1;
  #closed = false;
  readonly #listeners = new Map<number, (payload: string) => void>();
  /** Set once the thread is gone: the error every call gets from then on. */
  #stopped?: Error;
  #closing?: Promise<void>;

  readonly #meter: QueryMeter | undefined;

  /** `meter` counts the statements in flight and times them (metrics). */
  constructor(options: ThreadOptions = {}, meter?: QueryMeter) {
    this.#meter = meter;
    this.#worker = startThread(options);
    let started: (value: Started) => void;
    const start = new Promise<Started>((resolve) => (started = resolve));
    this.waitReady = start.then((s) => {
      if (!s.ready) throw rebuildError(s.error);
      if (this.#pending.size === 0) this.#worker.unref();
    });
    let isStarted = false;
    this.#worker.on("message", (message: Started | Answer | Notification) => {
      if (!isStarted) {
        isStarted = true;
        return started(message as Started);
      }
      if ("listener" in message) {
        // As PGlite calls its listeners: in a microtask, before the statement that notified resolves.
        const callback = this.#listeners.get(message.listener);
        if (callback) queueMicrotask(() => callback(message.payload));
        return;
      }
      this.#settle(message as Answer);
    });
    let failure: Error | undefined;
    this.#worker.on("error", (err) => (failure = err));
    this.#worker.on("exit", (code) => {
      this.#stopped = this.#closed ? closedError() : stoppedError(failure ? `its thread failed: ${failure.message}` : `its thread exited with code ${code}`);
      if (!isStarted) started({ ready: false, error: { kind: "Error", name: "Error", message: this.#stopped.message, fields: { code: "08006" } } });
      for (const { reject } of this.#pending.values()) reject(this.#stopped);
      this.#pending.clear();
    });
  }

  /** The thread PGlite runs in (tests stop it to see how a crash is reported). */
  get thread(): Worker {
    return this.#worker;
  }

  #settle(answer: Answer): void {
    const waiter = this.#pending.get(answer.id);
    if (!waiter) return;
    this.#pending.delete(answer.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (answer.ok) waiter.resolve(answer.value);
    else waiter.reject(rebuildError(answer.error));
  }

  #send(request: Request): Promise<unknown> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    return new Promise((resolve, reject) => {
      this.#worker.postMessage(request);
      // While an answer is awaited the thread keeps the process alive, as a socket would.
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(request.id, { resolve, reject });
    });
  }

  async #statement(op: "query" | "exec", sql: string, params: unknown[] | undefined, options: QueryOptions | undefined, tx?: number): Promise<unknown> {
    if (this.#closed) throw closedError();
    checkParams(params);
    const request: StatementRequest = { op, id: this.#nextId++, tx, sql, params, ...statementOptions(options) };
    const started = this.#meter?.start(tx !== undefined);
    let failed = true;
    try {
      const value = await this.#send(request);
      failed = false;
      return op === "query"
        ? parsed(value as Results, options?.parsers, request.rowMode)
        : (value as Results[]).map((r) => parsed(r, options?.parsers, request.rowMode));
    } catch (err) {
      // The parameters and options PGlite put on its error stayed here (see pglite-messages.ts).
      if (err instanceof messages.DatabaseError) {
        if (!("params" in err)) Object.assign(err, { params: params ?? [] });
        if (!("queryOptions" in err)) Object.assign(err, { queryOptions: options });
      }
      throw err;
    } finally {
      if (started !== undefined) this.#meter!.end(started, failed, tx !== undefined);
    }
  }

  /** One statement, with `$1`... parameters (the extended protocol). */
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.#statement("query", sql, params, options) as Promise<Results<T>>;
  }

  /** Statements separated by `;`, without parameters (the simple protocol): one result each. */
  exec(sql: string, options?: QueryOptions): Promise<Results[]> {
    return this.#statement("exec", sql, undefined, options) as Promise<Results[]>;
  }

  /**
   * Runs `callback` in a transaction, committed when it returns and rolled back
   * when it throws; meanwhile other statements wait, as on PGlite itself.
   */
  async transaction<T>(callback: (tx: ThreadTransaction) => Promise<T>): Promise<T> {
    if (this.#closed) throw closedError();
    // Counted from the BEGIN asked for to its end (QueryMeter.pool).
    if (this.#meter) this.#meter.transactions++;
    try {
      return await this.#transaction(callback);
    } finally {
      if (this.#meter) this.#meter.transactions--;
    }
  }

  async #transaction<T>(callback: (tx: ThreadTransaction) => Promise<T>): Promise<T> {
    const id = this.#nextId++;
    await this.#send({ op: "begin", id });
    let closed = false;
    const open = () => {
      if (closed) throw new Error("Transaction is closed");
    };
    const tx: ThreadTransaction = {
      query: async <R>(sql: string, params?: unknown[], options?: QueryOptions) => (open(), this.#statement("query", sql, params, options, id) as Promise<Results<R>>),
      exec: async (sql: string, options?: QueryOptions) => (open(), this.#statement("exec", sql, undefined, options, id) as Promise<Results[]>),
      rollback: async () => {
        open();
        await this.#send({ op: "rollback", id: this.#nextId++, tx: id });
        closed = true;
      },
      get closed() {
        return closed;
      },
    };
    let result: T;
    try {
      result = await callback(tx);
    } catch (err) {
      closed = true;
      // The callback's error is the one to report; a failed rollback comes from a stopped thread, which says so on the next call.
      await this.#send({ op: "end", id: this.#nextId++, tx: id, commit: false }).catch(() => {});
      throw err;
    }
    // After an explicit rollback either end only closes the transaction in the thread.
    closed = true;
    await this.#send({ op: "end", id: this.#nextId++, tx: id, commit: true });
    return result;
  }

  /** LISTENs on `channel`: `callback` gets each notification's payload; the result stops listening. */
  async listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>> {
    if (this.#closed) throw closedError();
    const id = this.#nextId++;
    this.#listeners.set(id, callback);
    try {
      await this.#send({ op: "listen", id, channel });
    } catch (err) {
      this.#listeners.delete(id);
      throw err;
    }
    return async () => {
      if (!this.#listeners.delete(id) || this.#stopped) return;
      await this.#send({ op: "unlisten", id: this.#nextId++, listener: id });
    };
  }

  /** Closes PGlite once running statements are done, then stops its thread. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        const opened = await this.waitReady.then(() => true, () => false);
        if (opened && !this.#stopped) {
          const closing = this.#send({ op: "close", id: this.#nextId++ });
          this.#closed = true;
          await closing;
        }
      } finally {
        this.#closed = true;
        await this.#worker.terminate();
      }
    })();
    return this.#closing;
  }
}
