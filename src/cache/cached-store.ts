// The Store with the auth cache in front: the lookups every authenticated
// request makes (API key, OAuth access token, membership chains, existence),
// and the OAuth client every token request authenticates, are answered from memory while nothing they depend on has changed, and
// every write made through this store moves the change clock, so the next
// request after a write (a revoked key, a removed collaborator, a suspended
// user, a deleted organization) reads the database again.
//
// Which methods only read is listed explicitly; every other method of the
// sub-stores that can affect rights counts as a write, so a new store method
// invalidates by default and a mistake costs speed, never a stale right.
import { clone } from "@bufbuild/protobuf";
import { ClientSchema, type Client } from "../../gen/ttn/lorawan/v3/client_pb.js";
import type { Store } from "../store/interfaces.js";
import { readMethods as reads } from "../store/read-methods.js";
import { BoundedCache, type CacheObserver, type Follows } from "./bounded-cache.js";
import type { ChangeClock, ChangeScope } from "./change-clock.js";


/**
 * Sub-stores whose writes change nothing a cached answer depends on (and run
 * often: the e-mail worker, device last-seen updates), so they do not tick.
 */
const unrelated = new Set(["endDevices", "euiBlocks", "emailOutbox", "notifications", "bookmarks", "limits"]);

/**
 * What the writes of a sub-store may change, when less than anything: the
 * OAuth store writes consents, codes, tokens and signing keys, which only token
 * lookups read (a token's user and client come from their own sub-stores); login
 * sessions (every login writes one) are read by no cached answer, and counted
 * with tokens to stay on the safe side.
 */
const scopes: Record<string, ChangeScope> = { oauth: "tokens", sessions: "tokens" };

export interface AuthCacheOptions {
  clock: ChangeClock;
  /** `is.auth-cache.membership-ttl`; 0 turns the cache off. */
  ttlMs: number;
  maxEntries?: number;
  /**
   * Where misses are read: the primary, even when `store` reads from a replica,
   * so a replica's lag never lands in the cache for a whole TTL.
   */
  source?: Store;
  /** The observer of each cache by name (api_key, access_token, membership, entity, client), for metrics. */
  observe?: (cache: string) => CacheObserver;
}

/** Runs `write`, moving the clock before it (reads overlapping it are not kept) and after it (reads made before it are dropped). */
async function ticking<T>(clock: ChangeClock, write: () => Promise<T>, scope: ChangeScope = "any"): Promise<T> {
  clock.tick(scope);
  try {
    return await write();
  } finally {
    clock.tick(scope);
  }
}

/** Wraps every write method of a sub-store so it moves the clock. */
export function tickOnWrites<S extends object>(clock: ChangeClock, sub: S, scope: ChangeScope): S {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(sub)) {
    out[name] = typeof value === "function" && !reads.has(name) ? (...args: unknown[]) => ticking(clock, () => (value as (...a: unknown[]) => Promise<unknown>).apply(sub, args), scope) : value;
  }
  return out as S;
}

/** Every sub-store with its writes ticking the clock; reads untouched. */
function tickingStore(store: Store, clock: ChangeClock): Store {
  const out = { ...store } as Record<string, unknown>;
  for (const [name, value] of Object.entries(store)) {
    if (value && typeof value === "object" && !unrelated.has(name)) out[name] = tickOnWrites(clock, value, scopes[name] ?? "any");
  }
  const wrapped = out as unknown as Store;
  // Reads inside a transaction may see its uncommitted writes: never cached.
  // Its writes tick as they run, and once more when it has committed or rolled back.
  wrapped.transact = (fn) => ticking(clock, () => store.transact((tx) => fn(tickingStore(tx, clock))));
  return wrapped;
}

export function withAuthCache(store: Store, opts: AuthCacheOptions): Store {
  const { clock } = opts;
  if (opts.ttlMs <= 0) return store;
  const source = opts.source ?? store;
  const max = opts.maxEntries ?? 10_000;
  const cache = <V>(name: string, follows: Follows = "beside-tokens") => new BoundedCache<V>(clock, opts.ttlMs, max, follows, Date.now, opts.observe?.(name));
  const apiKeys = cache<Awaited<ReturnType<Store["apiKeys"]["lookup"]>>>("api_key");
  const tokens = cache<Awaited<ReturnType<Store["oauth"]["lookupToken"]>>>("access_token", "any");
  const chains = cache<Awaited<ReturnType<Store["memberships"]["chains"]>>>("membership");
  const exists = cache<boolean>("entity");
  const clients = cache<Client>("client");
  const key = (...parts: unknown[]) => JSON.stringify(parts);

  const cached = tickingStore(store, clock);
  return {
    ...cached,
    clients: {
      ...cached.clients,
      // A copy each time: callers may change the message they get.
      get: (id, o) => (o?.includeDeleted ? cached.clients.get(id, o) : clients.get(id, () => source.clients.get(id)).then((c) => clone(ClientSchema, c))),
    },
    apiKeys: { ...cached.apiKeys, lookup: (id) => apiKeys.get(id, () => source.apiKeys.lookup(id)) },
    oauth: { ...cached.oauth, lookupToken: (id) => tokens.get(id, () => source.oauth.lookupToken(id)) },
    memberships: {
      ...cached.memberships,
      chains: (account, entity, o) =>
        chains.get(key(account.kind, account.id, entity.kind, entity.id, !!o?.includeDeleted), () => source.memberships.chains(account, entity, o)),
    },
    exists: (entity, o) => exists.get(key(entity.kind, entity.id, !!o?.includeDeleted), () => source.exists(entity, o)),
  };
}
