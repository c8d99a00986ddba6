// The one bounded pool every password and secret hash of a process runs in
// (argon2id, imported PBKDF2). Hashes run on libuv's threads, off the event
// loop; at most `slots` at once (cores - 1 by default) so the other requests
// keep a core, and at most `queue` more wait. Beyond that the caller gets
// errHashingBusy (429 / RESOURCE_EXHAUSTED with Retry-After) at once instead
// of a queue that grows for as long as the burst lasts.
import { availableParallelism } from "node:os";
import { errHashingBusy } from "../errors/index.js";

export interface HashPoolOptions {
  /** Hashes at once; default: cores - 1, at least 1. */
  slots?: number;
  /** Hashes waiting for a slot before new ones are refused; default: 16 per slot. */
  queue?: number;
}

export interface HashPool {
  readonly slots: number;
  readonly queue: number;
  /** Runs `task` in a slot, in arrival order; throws errHashingBusy when the queue is full. */
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createHashPool(opts: HashPoolOptions = {}): HashPool {
  const slots = Math.max(1, opts.slots ?? availableParallelism() - 1);
  const queue = Math.max(0, opts.queue ?? 16 * slots);
  let running = 0;
  const waiting: Array<() => void> = [];
  // Moving average of one task's time: what Retry-After is estimated from.
  let averageMs = 20;

  return {
    slots,
    queue,
    async run(task) {
      if (running >= slots) {
        if (waiting.length >= queue) {
          const backlogMs = ((running + waiting.length) * averageMs) / slots;
          throw errHashingBusy({ retry_after: Math.max(1, Math.ceil(backlogMs / 1000)) });
        }
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else running++;
      const start = performance.now();
      try {
        return await task();
      } finally {
        averageMs += (performance.now() - start - averageMs) / 8;
        // The slot passes straight to the next waiter, so `running` stays counted.
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
  };
}
