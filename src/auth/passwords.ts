// Password hashing: argon2id (OWASP parameters by default), with verification
// of the stack's PBKDF2 hashes so accounts can be imported. `needsRehash` tells
// the login path to upgrade a hash made with older parameters. Every hash and
// check runs in the process's one bounded pool (hash-pool.ts), which the
// composition root builds and passes in: a burst of logins, token requests or
// password changes waits there, or is refused when the queue is full, instead
// of taking every core from the other requests. Given the request's trace
// (tracing on), each hash and check is a span of it, its wait for a slot
// included.
import { hash, verify, Algorithm } from "@node-rs/argon2";
import type { RequestTrace } from "../telemetry/tracing/request-trace.js";
import type { HashPool } from "./hash-pool.js";
import { hashAlgorithmOf, verifyPBKDF2Async } from "./secrets.js";

export interface PasswordHasherOptions {
  memoryCost: number; // KiB
  timeCost: number;
}

export interface PasswordHasher {
  /** An argon2id hash with the configured cost; a span of `trace` when given. */
  hash(password: string, trace?: RequestTrace): Promise<string>;
  /** Checks against an argon2 or PBKDF2 hash; anything else matches nothing. A span of `trace` when given. */
  verify(password: string, stored: string, trace?: RequestTrace): Promise<boolean>;
  needsRehash(stored: string): boolean;
}

export function createPasswordHasher(opts: PasswordHasherOptions, pool: HashPool): PasswordHasher {
  const params = { algorithm: Algorithm.Argon2id, memoryCost: opts.memoryCost, timeCost: opts.timeCost, parallelism: 1 };
  const current = `$argon2id$v=19$m=${opts.memoryCost},t=${opts.timeCost},p=1$`;
  const check = async (password: string, stored: string) => {
    // The hash carries its own parameters: verifying needs none of the configured ones.
    if (stored.startsWith("$argon2")) return pool.run(() => verify(stored, password).catch(() => false));
    if (stored.startsWith("PBKDF2$")) return pool.run(() => verifyPBKDF2Async(password, stored));
    return false;
  };
  const make = (password: string) => pool.run(() => hash(password, params));
  return {
    hash: (password, trace) => (trace ? trace.around("hash argon2id", { "is.hash.algorithm": "argon2id" }, () => make(password)) : make(password)),
    verify(password, stored, trace) {
      if (!trace) return check(password, stored);
      const algorithm = hashAlgorithmOf(stored);
      return trace.around(`verify ${algorithm}`, { "is.hash.algorithm": algorithm }, () => check(password, stored));
    },
    needsRehash: (stored) => !stored.startsWith(current),
  };
}
