// Throttling of failed logins, per user ID and per client address, in memory
// (each server process counts its own; sessions are per tenant and so is this
// counter). A sliding window: after `limit` failures within `windowMs`, further
// attempts are refused without checking the password until the oldest failure
// leaves the window. Refusing before the check also bounds the argon2id work
// an attacker can make the server do.

export interface ThrottleRule {
  limit: number;
  windowMs: number;
}

export interface LoginThrottle {
  /** Milliseconds to wait before another attempt, or 0 when one is allowed now. */
  retryAfter(userId: string, address: string, now: number): number;
  fail(userId: string, address: string, now: number): void;
  /** A successful login forgets the user's failures (not the address's). */
  succeed(userId: string): void;
}

/** Keys kept at most; beyond it the stalest are dropped (an attacker must not grow memory without bound). */
const maxKeys = 10_000;

class Window {
  private readonly hits = new Map<string, number[]>();
  constructor(private readonly rule: ThrottleRule) {}

  private live(key: string, now: number): number[] {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - this.rule.windowMs);
    if (list.length) this.hits.set(key, list);
    else this.hits.delete(key);
    return list;
  }

  retryAfter(key: string, now: number): number {
    const list = this.live(key, now);
    if (list.length < this.rule.limit) return 0;
    return list[list.length - this.rule.limit]! + this.rule.windowMs - now;
  }

  add(key: string, now: number): void {
    const list = this.live(key, now);
    list.push(now);
    this.hits.delete(key);
    this.hits.set(key, list);
    while (this.hits.size > maxKeys) this.hits.delete(this.hits.keys().next().value!);
  }

  clear(key: string): void {
    this.hits.delete(key);
  }
}

export function loginThrottle(perUser: ThrottleRule = { limit: 5, windowMs: 60_000 }, perAddress: ThrottleRule = { limit: 20, windowMs: 60_000 }): LoginThrottle {
  const users = new Window(perUser);
  const addresses = new Window(perAddress);
  const userKey = (id: string) => id.trim().toLowerCase();
  return {
    retryAfter: (userId, address, now) => Math.max(users.retryAfter(userKey(userId), now), addresses.retryAfter(address, now)),
    fail(userId, address, now) {
      users.add(userKey(userId), now);
      addresses.add(address, now);
    },
    succeed: (userId) => users.clear(userKey(userId)),
  };
}

/** `throttle` reporting each refusal (an attempt told to wait) to `refused`, for metrics. */
export function reportingRefusals(throttle: LoginThrottle, refused: () => void): LoginThrottle {
  return {
    retryAfter(userId, address, now) {
      const wait = throttle.retryAfter(userId, address, now);
      if (wait > 0) refused();
      return wait;
    },
    fail: (userId, address, now) => throttle.fail(userId, address, now),
    succeed: (userId) => throttle.succeed(userId),
  };
}
