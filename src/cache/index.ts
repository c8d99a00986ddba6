// The auth cache: what every authenticated request asks the database (the
// API key or OAuth token presented, the caller's membership chains to the
// entity, whether the entity exists) answered from memory for up to
// `is.auth-cache.membership-ttl`, and never past a change: writes through this
// process's store move the database's change clock as they happen, and the
// triggers of migrations 0007-0008 tell every process on the database (replicas,
// `is-db`) about changes made elsewhere. While that feed is down, nothing is
// cached. Plugged in at one seam: the Store the server hands to requests.
import type { Database } from "../store/pg/database.js";
import type { Store } from "../store/interfaces.js";
import { acquireChangeClock, type ChangeFeed } from "./change-clock.js";
import { withAuthCache } from "./cached-store.js";

// A database that cannot tell of changes: never trusted, so nothing is cached.
const silence: ChangeFeed = { subscribe: async () => async () => {} };

export interface AuthCache {
  /** The store requests use: cached lookups, writes moving the clock. */
  store: Store;
  release(): Promise<void>;
}

/**
 * `store` with the auth cache in front; misses read `primary` (a store on the
 * primary database), so a read replica's lag is never cached.
 */
export function authCache(database: Pick<Database, "db" | "changeFeed">, store: Store, primary: Store, ttlMs: number): AuthCache {
  const held = acquireChangeClock(database.db, database.changeFeed ?? silence);
  return { store: withAuthCache(store, { clock: held.clock, ttlMs, source: primary }), release: () => held.release() };
}
