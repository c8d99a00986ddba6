// The thread that owns PGlite (started by pglite-client.ts): it opens the
// database, then runs the statements the server's thread sends and answers each
// (statements with parameters prepared once, see pglite-statements.ts).
// PGlite's own locks order them as in one thread: a statement outside a
// transaction waits while one is open; a transaction's statements run in it
// until the server's thread ends it (commit or rollback).
import { parentPort, workerData } from "node:worker_threads";
import { PGlite, type QueryOptions, type Transaction } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { flattenError, type Answer, type Notification, type Request, type Started, type StatementRequest } from "./pglite-messages.js";
import { Statements, type StatementOptions } from "./pglite-statements.js";

export interface ThreadOptions {
  /** The folder, or undefined for a database in memory. */
  dataDir?: string;
}

if (!parentPort) throw new Error("pglite-thread.ts runs as a worker thread (see pglite-client.ts)");
const port = parentPort;
const { dataDir } = workerData as ThreadOptions;

// PostgreSQL's buffer pool. PGlite's memory holds all of it from the start, so
// PostgreSQL's default (128MB) made most of the server's memory; a small
// database (the embedded one's purpose) fits in this, and pages beyond it come
// from the folder's files, or, in memory, from PGlite's in-memory files.
// 16MB keeps an idle embedded server under 250 MiB (issue 11); searches over
// 100,000 devices and lists of 2,000 applications stayed within their targets.
// As a start parameter it leaves the folder's postgresql.conf as it is.
const sharedBuffers = "16MB";

const answer = (a: Answer) => port.postMessage(a);
const fail = (id: number, err: unknown) => answer({ id, ok: false, error: flattenError(err) });

// The types a caller parses itself come back as text: PGlite leaves a value as
// it is when the parser for its type returns it unchanged.
const asText = (x: string) => x;
function optionsOf(req: StatementRequest): StatementOptions | undefined {
  if (!req.rowMode && !req.paramTypes && !req.rawTypes) return undefined;
  return { rowMode: req.rowMode, paramTypes: req.paramTypes, rawTypes: req.rawTypes };
}
function execOptionsOf(req: StatementRequest): QueryOptions | undefined {
  const options = optionsOf(req);
  return options && { rowMode: options.rowMode, parsers: options.rawTypes && Object.fromEntries(options.rawTypes.map((oid) => [oid, asText])) };
}

/** A statement outside a transaction (`tx` absent) or in one: under PGlite's locks, as its `query()` and `exec()`. */
async function run(pg: PGlite, statements: Statements, req: StatementRequest, tx?: Transaction): Promise<unknown> {
  if (req.op === "exec") {
    const results = await (tx ?? pg).exec(req.sql, execOptionsOf(req));
    statements.ran(results, tx !== undefined);
    return results;
  }
  const query = () => pg._runExclusiveQuery(() => statements.query(req.sql, req.params, optionsOf(req), tx !== undefined));
  return tx ? query() : pg._runExclusiveTransaction(query);
}

/** An open transaction: the requests for it, in order, and who takes the next. */
interface Open {
  queue: Request[];
  take?: (req: Request) => void;
}
const open = new Map<number, Open>();
// Thrown inside PGlite's transaction callback so that it rolls back.
const rollback = Symbol("rollback");

function next(tx: Open): Promise<Request> {
  const queued = tx.queue.shift();
  return queued ? Promise.resolve(queued) : new Promise((resolve) => (tx.take = resolve));
}

function deliver(txId: number, req: Request): void {
  const tx = open.get(txId);
  if (!tx) return fail(req.id, new Error("Transaction is closed"));
  if (tx.take) {
    const take = tx.take;
    tx.take = undefined;
    take(req);
  } else tx.queue.push(req);
}

function begin(pg: PGlite, statements: Statements, id: number): void {
  const tx: Open = { queue: [] };
  open.set(id, tx);
  let ended: number | undefined;
  let begun = false;
  let committed = false;
  let failed = false;
  pg.transaction(async (handle) => {
    begun = true;
    answer({ id, ok: true, value: null });
    for (;;) {
      const req = await next(tx);
      if (req.op === "end") {
        ended = req.id;
        committed = req.commit && !handle.closed;
        if (req.commit) return;
        throw rollback;
      }
      if (req.op === "rollback") await handle.rollback().then(() => answer({ id: req.id, ok: true, value: null }), (err: unknown) => fail(req.id, err));
      else if (req.op === "query" || req.op === "exec") await run(pg, statements, req, handle).then((value) => answer({ id: req.id, ok: true, value }), (err: unknown) => fail(req.id, err));
    }
  })
    .then(
      () => answer({ id: ended!, ok: true, value: null }),
      (err: unknown) => {
        failed = true;
        if (err === rollback) answer({ id: ended!, ok: true, value: null });
        else fail(begun ? ended ?? id : id, err);
      },
    )
    .finally(() => {
      // A commit that PostgreSQL turned into a rollback (an aborted transaction) rejects above: not committed.
      statements.ended(committed && !failed);
      open.delete(id);
      // Whatever was sent after the end, or to a transaction that never began.
      for (const req of tx.queue) fail(req.id, new Error("Transaction is closed"));
    });
}

async function main(): Promise<void> {
  let pg: PGlite;
  try {
    pg = new PGlite({ dataDir, extensions: { pg_trgm }, startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${sharedBuffers}`] });
    await pg.waitReady;
  } catch (err) {
    port.postMessage({ ready: false, error: flattenError(err) } satisfies Started);
    return;
  }
  const statements = new Statements(pg);
  const listening = new Map<number, () => Promise<void>>();
  port.on("message", (req: Request) => {
    switch (req.op) {
      case "query":
      case "exec":
        if (req.tx !== undefined) return deliver(req.tx, req);
        run(pg, statements, req).then((value) => answer({ id: req.id, ok: true, value }), (err: unknown) => fail(req.id, err));
        return;
      case "begin":
        return begin(pg, statements, req.id);
      case "end":
      case "rollback":
        return deliver(req.tx, req);
      case "listen":
        pg.listen(req.channel, (payload) => port.postMessage({ listener: req.id, payload } satisfies Notification)).then(
          (unlisten) => (listening.set(req.id, unlisten), answer({ id: req.id, ok: true, value: null })),
          (err: unknown) => fail(req.id, err),
        );
        return;
      case "unlisten": {
        const unlisten = listening.get(req.listener);
        listening.delete(req.listener);
        (unlisten ? unlisten() : Promise.resolve()).then(() => answer({ id: req.id, ok: true, value: null }), (err: unknown) => fail(req.id, err));
        return;
      }
      case "close":
        pg.close().then(() => answer({ id: req.id, ok: true, value: null }), (err: unknown) => fail(req.id, err)).finally(() => port.close());
        return;
    }
  });
  port.postMessage({ ready: true } satisfies Started);
}

await main();
