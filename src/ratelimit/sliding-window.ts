// Rate limits whose counts every server on the database shares: a sliding
// window per key, kept as two fixed windows in the database (the current one
// and the one before; src/store/pg/rate-limits.ts). Hits in the last
// `windowMs` are estimated as
//     previous × (the share of the previous window still inside the last windowMs) + current
// (`estimate` below),
// which, unlike fixed windows alone, does not let twice the limit through
// around a window's end, and needs two counters per key instead of a row per
// hit. A key is refused while its estimate has reached the limit; the wait
// returned is how long until it falls below, if nothing else hits it.
//
// Time is the caller's clock (the server's `now`), so windows agree between
// servers as their clocks do; expiry of stored windows is judged by the
// database's own clock (RateLimits.prune).
import type { RateLimitStore, RateWindow } from "../store/interfaces.js";

export interface RateRule {
  /** Hits allowed within any `windowMs`. */
  limit: number;
  windowMs: number;
}

/** A key with the rule it is limited by. */
export interface RateKey {
  key: string;
  rule: RateRule;
}

function windowsOf(rule: RateRule, now: number): { current: number; previous: number } {
  const current = Math.floor(now / rule.windowMs) * rule.windowMs;
  return { current, previous: current - rule.windowMs };
}

/**
 * Estimated hits in the last `w` milliseconds, `elapsed` ms into the current
 * window: the previous window's hits spread evenly over its milliseconds, of
 * which those after now - w still count (w - 1 - elapsed of them), plus all of
 * the current window's.
 */
function estimate(w: number, previous: number, current: number, elapsed: number): number {
  return (previous * (w - 1 - elapsed)) / w + current;
}

/**
 * Milliseconds until a hit is allowed again (0: now), assuming no further
 * hits: the first millisecond at which the estimate is below the limit, so
 * waiting exactly this long is enough. Exported for its table test.
 */
export function waitMs(rule: RateRule, counts: { previous: number; current: number }, now: number): number {
  const { limit, windowMs: w } = rule;
  const elapsed = now - windowsOf(rule, now).current;
  const { previous, current } = counts;
  if (estimate(w, previous, current, elapsed) < limit) return 0;
  if (current < limit) {
    // Still in this window: the previous one's share shrinks until it fits beside `current`
    // (previous > 0 here, or the estimate would be below the limit). Solved, then checked
    // against the estimate itself, which rounding must not contradict.
    let at = Math.max(elapsed + 1, Math.floor(w - 1 - (w * (limit - current)) / previous) + 1);
    while (estimate(w, previous, current, at) >= limit) at++;
    return at - elapsed;
  }
  // current ≥ limit: in the next window it is the previous one, and counts less as that window goes by.
  let at = Math.max(0, Math.floor(w - 1 - (w * limit) / current) + 1);
  while (estimate(w, current, 0, at) >= limit) at++;
  return w - elapsed + at;
}

export interface RateLimiter {
  /** Milliseconds to wait before the next hit on all of `keys` is allowed (the longest of their waits), 0 when allowed now. */
  wait(keys: readonly RateKey[], now: number): Promise<number>;
  /** Counts one hit on each key. */
  hit(keys: readonly RateKey[], now: number): Promise<void>;
  /** Forgets the keys' hits. */
  reset(keys: readonly string[]): Promise<void>;
}

/** A limiter over one tenant's counters. */
export function rateLimiter(store: RateLimitStore): RateLimiter {
  return {
    async wait(keys, now) {
      const wanted: RateWindow[] = keys.flatMap(({ key, rule }) => {
        const { current, previous } = windowsOf(rule, now);
        return [{ key, windowStart: current }, { key, windowStart: previous }];
      });
      const found = new Map((await store.hits(wanted)).map((r) => [`${r.windowStart}\u0000${r.key}`, r.hits]));
      const hitsOf = (key: string, start: number) => found.get(`${start}\u0000${key}`) ?? 0;
      let longest = 0;
      for (const { key, rule } of keys) {
        const { current, previous } = windowsOf(rule, now);
        longest = Math.max(longest, waitMs(rule, { previous: hitsOf(key, previous), current: hitsOf(key, current) }, now));
      }
      return longest;
    },
    async hit(keys, now) {
      await store.add(
        keys.map(({ key, rule }) => {
          const { current } = windowsOf(rule, now);
          // Read as `previous` during the next window; useless after it.
          return { key, windowStart: current, expiresAt: new Date(current + 2 * rule.windowMs) };
        }),
      );
    },
    reset: (keys) => store.clear(keys),
  };
}
