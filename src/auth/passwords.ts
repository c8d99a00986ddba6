// Password hashing: argon2id (OWASP parameters by default), with verification
// of the stack's PBKDF2 hashes so accounts can be imported. `needsRehash` tells
// the login path to upgrade a hash made with older parameters.
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

export function createPasswordHasher(opts: PasswordHasherOptions): PasswordHasher {
  const params = { algorithm: Algorithm.Argon2id, memoryCost: opts.memoryCost, timeCost: opts.timeCost, parallelism: 1 };
  const current = `$argon2id$v=19$m=${opts.memoryCost},t=${opts.timeCost},p=1$`;
  return {
    hash: (password) => hash(password, params),
    async verify(password, stored) {
      if (stored.startsWith("$argon2")) {
        try {
          return await verify(stored, password);
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
