// Read-your-writes over a read replica (`is.read-database-uri`). A replica
// replays the primary's changes a little later; without care, a client that
// has just created an application could ask for it and be told it does not
// exist. So a tenant's Store reads from the primary while a write through it
// is under way and for `is.read-database-primary-window` after the last one
// ended, or after a write to the tenant's rows by another process was heard
// (heard-writes.ts); otherwise from the replica.
//
// Why per tenant and not per caller: one browser or script writes and reads
// under several identities (the account pages write a session that the next
// /api/v3 call authenticates with; registration is anonymous, the login that
// follows is not), and the pages and the OAuth endpoints have no caller at
// all. Routing all of a tenant's reads covers each of those at one seam (the
// Store the directory hands out), at the price of sending more reads to the
// primary while a tenant writes steadily.
//
// Across servers (several behind a load balancer, one primary): the server
// that wrote knows at once; every other one hears it from the database's
// change feed, whose notification PostgreSQL sends as the write commits,
// before the writing server has answered its client, so in practice before
// the client's next request reaches another server. Not a guarantee: a
// notification slowed on its way (a busy server or network) can lose that race.
// While the feed may be missing changes (its connection lost), every tenant's
// reads go to the primary. Either way the window must exceed the replica's lag.
//
// Which methods read is the list in read-methods.ts; every other method, and
// `transact`, counts as a write (a transaction reads its own writes on the
// primary anyway).
import type { Store } from "./interfaces.js";
import { readMethods } from "./read-methods.js";

export interface ReadYourWritesOptions {
  /** `is.read-database-primary-window`: how long after a write reads stay on the primary. */
  windowMs: number;
  /** A monotonic clock in milliseconds (default performance.now). */
  clock?: () => number;
  /** Whether reads must go to the primary for writes elsewhere (HeardWrites.recent of the tenant); default never. */
  elsewhere?: () => boolean;
}

type Fn = (...args: unknown[]) => unknown;

/**
 * One tenant's Store reading from `replicaReads` (the tenant's store whose
 * reads go to the replica) unless a write is recent, then from `primaryReads`
 * (the same tenant's store on the primary alone). Writes go through
 * `replicaReads`, which writes to the primary like the other.
 */
export function readYourWrites(replicaReads: Store, primaryReads: Store, opts: ReadYourWritesOptions): Store {
  const clock = opts.clock ?? (() => performance.now());
  let writing = 0;
  let quietFrom = -Infinity;
  const elsewhere = opts.elsewhere ?? (() => false);
  const recent = () => writing > 0 || clock() < quietFrom + opts.windowMs || elsewhere();

  /** Runs a write, counting it as under way until it settles (committed or not: a failed write may have half-happened). */
  const tracked = <T>(write: () => T): T => {
    writing++;
    let result: T;
    try {
      result = write();
    } catch (err) {
      writing--;
      quietFrom = clock();
      throw err;
    }
    const done = () => {
      writing--;
      quietFrom = clock();
    };
    if (result instanceof Promise) result.then(done, done);
    else done();
    return result;
  };

  const route = (on: Record<string, unknown>, off: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(on)) {
      if (typeof value !== "function") out[name] = value;
      else if (readMethods.has(name)) out[name] = (...args: unknown[]) => (recent() ? (off[name] as Fn).apply(off, args) : (value as Fn).apply(on, args));
      else out[name] = (...args: unknown[]) => tracked(() => (value as Fn).apply(on, args));
    }
    return out;
  };

  const top = replicaReads as unknown as Record<string, unknown>;
  const primaryTop = primaryReads as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(top)) {
    if (value && typeof value === "object") out[name] = route(value as Record<string, unknown>, primaryTop[name] as Record<string, unknown>);
    else if (typeof value !== "function") out[name] = value;
    else if (name === "afterCommit") out[name] = (value as Fn).bind(replicaReads);
    else if (name === "transact") out[name] = (fn: unknown) => tracked(() => primaryReads.transact(fn as never));
    else if (readMethods.has(name)) out[name] = (...args: unknown[]) => (recent() ? (primaryTop[name] as Fn).apply(primaryReads, args) : (value as Fn).apply(replicaReads, args));
    else out[name] = (...args: unknown[]) => tracked(() => (value as Fn).apply(replicaReads, args));
  }
  return out as unknown as Store;
}
