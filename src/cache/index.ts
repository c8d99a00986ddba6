// The auth cache: what every authenticated request asks the database (the
// API key or OAuth token presented, the caller's membership chains to the
// entity, whether the entity exists) answered from memory for up to
// `is.auth-cache.membership-ttl`, and never past a change: writes through this
// process's store move the database's change clock as they happen, and the
// triggers of migrations 0007-0011 tell every process on the database (replicas,
// `is-db`) about changes made elsewhere. While that feed is down, nothing is
// cached. Plugged in at one seam: the Store the server hands to requests.
import type { Database } from "../store/pg/database.js";
import type { Store } from "../store/interfaces.js";
import type { CacheObserver } from "./bounded-cache.js";
import { acquireChangeClock, type ChangeClock, type ChangeFeed, type ChangeListener } from "./change-clock.js";
import { withAuthCache } from "./cached-store.js";

// A database that cannot tell of changes: never trusted, so nothing is cached.
const silence: ChangeFeed = { subscribe: async () => async () => {} };

export type { CacheObserver } from "./bounded-cache.js";

export interface AuthCache {
  /**
   * `store` (one tenant's) with the auth cache in front: cached lookups, writes
   * moving the clock. Misses read `primary` (the same tenant's store on the
   * primary database), so a read replica's lag is never cached.
   */
  wrap(store: Store, primary: Store): Store;
  /** The database's change clock, for other caches of what lives in it (tenant records). */
  clock: ChangeClock;
  /** What the database's change feed tells, for others who need it (read-your-writes across servers). */
  listen(listener: ChangeListener): () => void;
  ttlMs: number;
  release(): Promise<void>;
}

/** The auth cache of one database: one change clock for every tenant's store on it. */
export function authCache(database: Pick<Database, "db" | "changeFeed">, ttlMs: number, observe?: (cache: string) => CacheObserver): AuthCache {
  const held = acquireChangeClock(database.db, database.changeFeed ?? silence);
  return {
    wrap: (store, primary) => withAuthCache(store, { clock: held.clock, ttlMs, source: primary, observe }),
    clock: held.clock,
    listen: (listener) => held.listen(listener),
    ttlMs,
    release: () => held.release(),
  };
}
