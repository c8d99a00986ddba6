// The auth cache (src/cache/): lookups answered from memory or not, and how
// often a change emptied a cache, per cache (api_key, access_token,
// membership, entity, client). Every tenant's store has caches of its own;
// they count into the same series. A lookup while the cache cannot trust that
// it hears of changes (its PostgreSQL listener is down) is a miss.
import { Counter, type Registry } from "prom-client";
import type { CacheObserver } from "../../cache/index.js";

export function cacheMetrics(registry: Registry): (cache: string) => CacheObserver {
  const lookups = new Counter({
    name: "is_auth_cache_lookups_total",
    help: "Lookups of the auth cache, by cache (api_key, access_token, membership, entity, client) and result (hit, miss)",
    labelNames: ["cache", "result"] as const,
    registers: [registry],
  });
  const invalidations = new Counter({
    name: "is_auth_cache_invalidations_total",
    help: "Times a change (a write, or a notification from another process) emptied a cache that held answers, by cache",
    labelNames: ["cache"] as const,
    registers: [registry],
  });
  const observers = new Map<string, CacheObserver>();
  return (cache) => {
    let observer = observers.get(cache);
    if (!observer) {
      const hit = lookups.labels(cache, "hit");
      const miss = lookups.labels(cache, "miss");
      const invalidated = invalidations.labels(cache);
      observer = { hit: () => hit.inc(), miss: () => miss.inc(), invalidated: () => invalidated.inc() };
      observers.set(cache, observer);
    }
    return observer;
  };
}
