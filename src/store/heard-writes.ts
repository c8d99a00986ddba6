// Writes of other processes, as this server hears them, for read-your-writes
// across servers (read-your-writes.ts): a client may write through one server
// and read through another, which must then not answer from a replica that
// has not yet replayed the write. Every write to a tenant's rows notifies the
// database's change feed with the tenant's ID (migration 0011, src/cache/
// change-clock.ts); hearing one opens that tenant's primary window on this
// server as a write through it would. Hearing this server's own writes too
// changes nothing: they opened the window already.
//
// The feed is trusted only while it surely hears every change. Until it
// listens, and whenever it may have missed some (its connection lost or not
// answering), a server cannot know what other servers wrote: every tenant's
// reads go to the primary then, and for a window after the feed listens
// again (a write missed in the gap may still be on its way to the replica).
//
// One per server, told by the change feed; the stores of the tenant
// directory ask it. What it keeps is one time per tenant heard within the
// window: older ones are dropped as new ones come.

export interface HeardWritesOptions {
  /** `is.read-database-primary-window`: how long after a write heard reads of its tenant stay on the primary. */
  windowMs: number;
  /** A monotonic clock in milliseconds (default performance.now). */
  clock?: () => number;
}

export interface HeardWrites {
  /** A write to the tenant's rows (none: maybe to every tenant's, a TRUNCATE) by any process. */
  changed(tenantId: string | undefined): void;
  /** Whether the feed hears every change (false: writes elsewhere may go unheard). */
  trusted(listening: boolean): void;
  /** Whether reads of the tenant must go to the primary for what was (or may have been) written elsewhere. */
  recent(tenantId: string): boolean;
}

export function heardWrites(opts: HeardWritesOptions): HeardWrites {
  const clock = opts.clock ?? (() => performance.now());
  // Oldest first (a Map keeps insertion order; each tenant is re-inserted when heard again).
  const heardAt = new Map<string, number>();
  // A write to every tenant, or the end of a gap in the feed.
  let allAt = -Infinity;
  // Untrusted until the feed says it listens.
  let listening = false;

  const forgetOld = (now: number) => {
    for (const [tenantId, at] of heardAt) {
      if (at + opts.windowMs > now) break;
      heardAt.delete(tenantId);
    }
  };

  return {
    changed(tenantId) {
      const now = clock();
      if (tenantId === undefined) {
        allAt = now;
        heardAt.clear();
        return;
      }
      heardAt.delete(tenantId);
      heardAt.set(tenantId, now);
      forgetOld(now);
    },
    trusted(hearsAll) {
      if (hearsAll && !listening) allAt = clock();
      listening = hearsAll;
    },
    recent(tenantId) {
      if (!listening) return true;
      const now = clock();
      return now < allAt + opts.windowMs || now < (heardAt.get(tenantId) ?? -Infinity) + opts.windowMs;
    },
  };
}
