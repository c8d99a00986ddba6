// The change clock of one database: a generation that moves on every write
// that could change what a credential may do, and whether this process can
// trust that it hears of every such write. Cached answers are valid only for
// the generation they were read in; a process that may have missed a change
// (its PostgreSQL listener is down) caches nothing until it listens again.
//
// Writes of this process tick the clock themselves (before and after they
// run, and after their transaction commits: see cached-store.ts); writes of
// other processes on the same PostgreSQL database arrive as notifications
// (the triggers of migrations 0007-0011), so several replicas, the CLI and
// `is-db` all invalidate every replica's cache. The same notifications name
// the tenant whose rows changed, which read-your-writes hears through `listen`
// (src/store/heard-writes.ts).

/**
 * What a change touched: OAuth token rows alone ("tokens": every login,
 * authorization and refresh writes one), or anything ("any"). Only token
 * lookups depend on token rows, so a refresh does not empty the caches of
 * API keys, memberships, entities and clients.
 */
export type ChangeScope = "any" | "tokens";

/** What the feed tells: a ChangeScope, or "data": rows no cached answer reads (end devices, bookmarks...), which move no clock. */
export type HeardScope = ChangeScope | "data";

export interface ChangeClock {
  /** Moves on every change; an answer read while it stood still is current. */
  readonly generation: number;
  /** Moves on every change except those of token rows alone: for answers that never read them. */
  readonly generationBesideTokens: number;
  /** False while changes could go unnoticed: nothing may be cached then. */
  readonly trusted: boolean;
  tick(scope?: ChangeScope): void;
}

export interface ChangeFeed {
  /**
   * Calls `changed` on every change made by any process (with the tenant
   * whose rows changed; none: maybe every tenant's), `trusted(true)` once it
   * listens (and again after a reconnection), `trusted(false)` when it may
   * miss some. Returns a function that stops listening.
   */
  subscribe(changed: (scope: HeardScope, tenantId?: string) => void, trusted: (listening: boolean) => void): Promise<() => Promise<void>>;
}

/** One who hears what the feed tells (beside the clock), for as long as it holds the clock. */
export interface ChangeListener {
  /** A change by any process, this one included: of one tenant's rows, or (no tenant) maybe of every tenant's. */
  changed(scope: HeardScope, tenantId: string | undefined): void;
  /** Whether the feed hears every change: told at once, then on each change of it. */
  trusted(listening: boolean): void;
}

class Clock implements ChangeClock {
  generation = 0;
  generationBesideTokens = 0;
  trusted = false;
  tick(scope: ChangeScope = "any"): void {
    this.generation++;
    if (scope !== "tokens") this.generationBesideTokens++;
  }
}

/**
 * The clock of a database, shared by every store of this process on it (all
 * tenants, every server started in-process) and keyed by its handle; released
 * by each holder, the feed stops with the last. Untrusted until the feed listens.
 */
interface Shared {
  clock: Clock;
  holders: number;
  listeners: Set<ChangeListener>;
  stop?: Promise<() => Promise<void>>;
}

const clocks = new WeakMap<object, Shared>();

export interface HeldClock {
  clock: ChangeClock;
  /** Resolves once the feed has tried to listen for the first time. */
  ready: Promise<void>;
  /** Adds a listener of the feed (told the feed's trust at once); the result removes it. */
  listen(listener: ChangeListener): () => void;
  release(): Promise<void>;
}

export function acquireChangeClock(database: object, feed: ChangeFeed): HeldClock {
  let shared = clocks.get(database);
  if (!shared) {
    const clock = new Clock();
    const listeners = new Set<ChangeListener>();
    shared = { clock, holders: 0, listeners };
    shared.stop = feed.subscribe(
      (scope, tenantId) => {
        if (scope !== "data") clock.tick(scope);
        for (const l of listeners) l.changed(scope, tenantId);
      },
      (listening) => {
        clock.tick(); // whatever was cached across a gap may be stale
        clock.trusted = listening;
        for (const l of listeners) l.trusted(listening);
      },
    );
    clocks.set(database, shared);
  }
  const held = shared;
  held.holders++;
  let released = false;
  return {
    clock: held.clock,
    ready: held.stop!.then(() => {}, () => {}),
    listen(listener) {
      held.listeners.add(listener);
      listener.trusted(held.clock.trusted);
      return () => held.listeners.delete(listener);
    },
    async release() {
      if (released) return;
      released = true;
      if (--held.holders > 0) return;
      if (clocks.get(database) === held) clocks.delete(database);
      const stop = await held.stop!.catch(() => undefined);
      await stop?.();
    },
  };
}
