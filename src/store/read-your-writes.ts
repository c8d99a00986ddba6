// Read-your-writes over a read replica (`is.read-database-uri`). A replica
// replays the primary's changes a little later; without care, a client that
// has just created an application could ask for it and be told it does not
// exist. So a tenant's Store on this server reads from the primary while a
// write through it is under way and for `is.read-database-primary-window`
// after the last one ended; otherwise from the replica.
//
// Why per tenant and not per caller: one browser or script writes and reads
// under several identities (the account pages write a session that the next
// /api/v3 call authenticates with; registration is anonymous, the login that
// follows is not), and the pages and the OAuth endpoints have no caller at
// all. Routing all of a tenant's reads on this server covers each of those
// at one seam (the Store the directory hands out), at the price of sending
// more reads to the primary while a tenant writes steadily. A client whose
// next request reaches another server that has not written for the tenant
// reads from the replica there: keep clients on one server (HTTP keep-alive,
// gRPC's one connection, or the load balancer's affinity), or keep the window
// above the replica's lag and the clients' turnaround alike.
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
  const recent = () => writing > 0 || clock() < quietFrom + opts.windowMs;

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
