// Throttling of failed logins, per user ID and per client address (the
// address src/net/client-address.ts finds, behind trusted proxies the
// forwarded one), within the tenant: the login pages and the token
// endpoint's password grant count against the same keys. The counts live in
// the database (src/ratelimit/), so every server of a deployment sees the
// failures made through any other. After `limit` failures within `windowMs`
// further attempts are refused, without checking the password, until enough
// of them are old; refusing before the check also bounds the argon2id work an
// attacker can make the servers do.
import type { LoginAttempts } from "../api.js";
import { addressKeyValue, rateKey } from "../../ratelimit/keys.js";
import { rateLimiter, type RateKey, type RateRule } from "../../ratelimit/sliding-window.js";
import type { RateLimitStore } from "../../store/interfaces.js";

export type ThrottleRule = RateRule;

export type LoginThrottle = LoginAttempts;

export const defaultPerUser: ThrottleRule = { limit: 5, windowMs: 60_000 };
export const defaultPerAddress: ThrottleRule = { limit: 20, windowMs: 60_000 };

/** User IDs are lower case; people type them as they like. */
const userKey = (userId: string) => rateKey("login", "user", userId.trim().toLowerCase());
const addressKey = (address: string) => rateKey("login", "address", addressKeyValue(address));

/**
 * The tenant's login throttle over its counters. `prune`, when given, is
 * called after failures (it rate-limits itself): the deployment's cleanup of
 * expired counters.
 */
export function loginThrottle(store: RateLimitStore, opts: { perUser?: ThrottleRule; perAddress?: ThrottleRule; prune?: () => void } = {}): LoginThrottle {
  const limiter = rateLimiter(store);
  const perUser = opts.perUser ?? defaultPerUser;
  const perAddress = opts.perAddress ?? defaultPerAddress;
  const keys = (userId: string, address: string): RateKey[] => [
    { key: userKey(userId), rule: perUser },
    { key: addressKey(address), rule: perAddress },
  ];
  return {
    retryAfter: (userId, address, now) => limiter.wait(keys(userId, address), now),
    async fail(userId, address, now) {
      await limiter.hit(keys(userId, address), now);
      opts.prune?.();
    },
    // A successful login forgets the user's failures (not the address's).
    succeed: (userId) => limiter.reset([userKey(userId)]),
  };
}

/**
 * Deletes expired counters at most once per `everyMs` (from any caller of the
 * process), in the background: a failure is logged by `onError` and tried
 * again at the next turn.
 */
export function occasionalPrune(prune: () => Promise<number>, onError: (err: unknown) => void, everyMs = 60_000): () => void {
  let next = 0;
  return () => {
    const now = Date.now();
    if (now < next) return;
    next = now + everyMs;
    prune().catch(onError);
  };
}

/** `throttle` reporting each refusal (an attempt told to wait) to `refused`, for metrics. */
export function reportingRefusals(throttle: LoginThrottle, refused: () => void): LoginThrottle {
  return {
    async retryAfter(userId, address, now) {
      const wait = await throttle.retryAfter(userId, address, now);
      if (wait > 0) refused();
      return wait;
    },
    fail: (userId, address, now) => throttle.fail(userId, address, now),
    succeed: (userId) => throttle.succeed(userId),
  };
}
