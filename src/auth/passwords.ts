// Password hashing: argon2id (OWASP parameters by default), with verification
// of the stack's PBKDF2 hashes so accounts can be imported. `needsRehash` tells
// the login path to upgrade a hash made with older parameters. At most one
// hash per core but one runs at a time, so a burst of logins queues here
// instead of taking every core from the other requests.
import { availableParallelism } from "node:os";
import { hash, verify, Algorithm } from "@node-rs/argon2";
import { verifyPBKDF2 } from "./secrets.js";

export interface PasswordHasherOptions {
  memoryCost: number; // KiB
  timeCost: number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  needsRehash(stored: string): boolean;
}

/** Runs at most `slots` tasks at once, the rest in arrival order. */
export function limiter(slots: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `running` stays counted.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

export function createPasswordHasher(opts: PasswordHasherOptions): PasswordHasher {
  const params = { algorithm: Algorithm.Argon2id, memoryCost: opts.memoryCost, timeCost: opts.timeCost, parallelism: 1 };
  const current = `$argon2id$v=19$m=${opts.memoryCost},t=${opts.timeCost},p=1$`;
  const slot = limiter(Math.max(1, availableParallelism() - 1));
  return {
    hash: (password) => slot(() => hash(password, params)),
    async verify(password, stored) {
      if (stored.startsWith("$argon2")) {
        try {
          return await slot(() => verify(stored, password));
        } catch {
          return false;
        }
      }
      if (stored.startsWith("PBKDF2$")) return verifyPBKDF2(password, stored);
      return false;
    },
    needsRehash: (stored) => !stored.startsWith(current),
  };
}
