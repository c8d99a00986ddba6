// The query handle a store works with: the database, or the transaction it
// runs in. Raw SQL results differ per driver; `rows` hides that.
import type { SQL } from "drizzle-orm";
import type { Db } from "./database.js";

// `_` holds the handle's session, which prepares raw SQL (prepared.ts).
export type Handle = Pick<Db, "select" | "insert" | "update" | "delete" | "execute" | "_">;

export interface Handles {
  /** Writes, and reads that must see them. */
  primary: Handle;
  /** Reads that may go to a replica (the primary inside a transaction). */
  read: Handle;
}

/** The rows of a raw query's result: an array on postgres.js, `{rows}` on PGlite. */
export function rowsOf<T>(result: unknown): T[] {
  const r = result as { rows?: T[] } | T[];
  return Array.isArray(r) ? r : (r.rows ?? []);
}

export async function rows<T>(h: Handle, query: SQL): Promise<T[]> {
  return rowsOf<T>(await h.execute(query));
}
