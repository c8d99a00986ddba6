// A bounded map of answers with an expiry and the change-clock generation
// they were read in. Oldest entries go first when it is full, so a flood of
// distinct keys (random API key IDs) costs memory up to the bound, no more.
import type { ChangeClock } from "./change-clock.js";

/** The generation an answer depends on: every change, or every change except token rows alone. */
export type Follows = "any" | "beside-tokens";
const generationOf = (clock: ChangeClock, follows: Follows) => (follows === "any" ? clock.generation : clock.generationBesideTokens);

/** What a cache reports (src/telemetry/metrics/cache.ts counts it); absent when metrics are off. */
export interface CacheObserver {
  hit(): void;
  miss(): void;
  /** Cached answers were dropped because something changed. */
  invalidated(): void;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

export class BoundedCache<V> {
  private entries = new Map<string, Entry<V>>();
  private generation = -1;

  constructor(
    private readonly clock: ChangeClock,
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly follows: Follows = "any",
    private readonly now: () => number = Date.now,
    private readonly observer?: CacheObserver,
  ) {}

  /**
   * The cached answer, or `read()`'s. An answer is kept only when the clock
   * stood still while it was read: a write that overlapped the read (or
   * committed during it) may have changed it.
   */
  async get(key: string, read: () => Promise<V>): Promise<V> {
    const clock = this.clock;
    if (!clock.trusted || this.ttlMs <= 0) {
      this.observer?.miss(); // the cache is bypassed while changes could go unnoticed
      return read();
    }
    const current = generationOf(clock, this.follows);
    if (this.generation !== current) {
      if (this.entries.size > 0) this.observer?.invalidated();
      this.entries = new Map(); // everything cached before a change is stale
      this.generation = current;
    }
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now()) {
      this.observer?.hit();
      return hit.value;
    }
    if (hit) this.entries.delete(key);
    this.observer?.miss();
    const value = await read();
    const after = generationOf(clock, this.follows);
    if (clock.trusted && after === current && this.generation === current) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    }
    return value;
  }
}
