// What crosses between the server's thread and the thread that owns PGlite
// (pglite-client.ts and pglite-thread.ts): the requests, the answers and
// notifications, and
// errors flattened to fields, since structured cloning keeps an Error's message
// but drops the SQLSTATE, constraint, detail and hint the store relies on.
import { messages, TransactionAbortedError } from "@electric-sql/pglite";

export type RowMode = "array" | "object";

/** A statement, on the database or in the open transaction `tx`. */
export interface StatementRequest {
  op: "query" | "exec";
  id: number;
  tx?: number;
  sql: string;
  params?: unknown[];
  rowMode?: RowMode;
  paramTypes?: number[];
  /** Types the caller parses itself: the thread returns their text as it came. */
  rawTypes?: number[];
}

export type Request =
  | StatementRequest
  /** Opens a transaction; its statements carry this request's id as `tx`. */
  | { op: "begin"; id: number }
  /** Ends transaction `tx`: commit, or roll back. */
  | { op: "end"; id: number; tx: number; commit: boolean }
  /** `tx.rollback()` inside the transaction callback; `end` follows. */
  | { op: "rollback"; id: number; tx: number }
  /** LISTEN on `channel`; its notifications carry this request's id as `listener`. */
  | { op: "listen"; id: number; channel: string }
  | { op: "unlisten"; id: number; listener: number }
  | { op: "close"; id: number };

/** An Error as fields: `kind` names the class to rebuild on the other side. */
export interface FlatError {
  kind: "DatabaseError" | "TransactionAbortedError" | "Error";
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, string | number | boolean | undefined>;
}

export type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: FlatError };

/** A NOTIFY heard by a `listen` request; sent before the answer to the statement that caused it. */
export interface Notification {
  listener: number;
  payload: string;
}

/** Sent by the thread once, first: PGlite is open, or it failed to open. */
export type Started = { ready: true } | { ready: false; error: FlatError };

// PGlite puts the statement, its parameters and options on its errors. The caller
// has the parameters and options it passed and puts them back (options hold
// functions, which cannot cross); only their absence is sent.
const putBackByCaller = new Set(["params", "queryOptions"]);

export function flattenError(err: unknown): FlatError {
  if (!(err instanceof Error)) return { kind: "Error", name: "Error", message: String(err), fields: {} };
  const fields: FlatError["fields"] = {};
  for (const [key, value] of Object.entries(err)) {
    if (putBackByCaller.has(key) && value !== undefined) continue;
    if (value === undefined || typeof value === "string" || typeof value === "number" || typeof value === "boolean") fields[key] = value;
  }
  const kind = err instanceof TransactionAbortedError ? "TransactionAbortedError" : err instanceof messages.DatabaseError ? "DatabaseError" : "Error";
  return { kind, name: err.name, message: err.message, stack: err.stack, fields };
}

/** The error as PGlite would have thrown it in this thread: same class, same fields. */
export function rebuildError(flat: FlatError): Error {
  let err: Error;
  if (flat.kind === "TransactionAbortedError") err = new TransactionAbortedError();
  else if (flat.kind === "DatabaseError") err = new messages.DatabaseError(flat.message, Number(flat.fields.length ?? 0), "error");
  else err = new Error(flat.message);
  Object.assign(err, flat.fields);
  if (err.name !== flat.name) err.name = flat.name;
  if (err.message !== flat.message) err.message = flat.message;
  if (flat.stack) err.stack = flat.stack;
  return err;
}
