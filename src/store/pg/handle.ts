// The query handle a store works with: the database, or the transaction it
// runs in. Raw SQL results differ per driver; `rows` hides that.
import type { SQL } from "drizzle-orm";
import type { Db } from "./database.js";

export type Handle = Pick<Db, "select" | "insert" | "update" | "delete" | "execute">;

export interface Handles {
  /** Writes, and reads that must see them. */
  primary: Handle;
  /** Reads that may go to a replica (the primary inside a transaction). */
  read: Handle;
}

export async function rows<T>(h: Handle, query: SQL): Promise<T[]> {
  const result = (await h.execute(query)) as unknown as { rows?: T[] } | T[];
  return Array.isArray(result) ? result : (result.rows ?? []);
}
