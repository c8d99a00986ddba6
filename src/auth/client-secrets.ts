// OAuth client secrets. One the server generated (32 random bytes, as much as an
// API key) is stored with the fast salted HMAC of secrets.ts: nobody guesses 256
// bits, so argon2id would only add its ~20 ms of CPU to every token request of a
// confidential client. One a person chose (an operator's `--secret`, a secret set
// through the API) may be guessable, so it gets argon2id, in the hash pool.
// Checking dispatches on the stored format: argon2id and imported PBKDF2 hashes
// of existing clients keep working. Given the request's trace, an argon2id or
// PBKDF2 hash or check is a span of it (an HMAC takes microseconds: none).
import type { RequestTrace } from "../telemetry/tracing/request-trace.js";
import type { PasswordHasher } from "./passwords.js";
import { hashSecret, isKeyedHash, verifySecret } from "./secrets.js";

export function hashClientSecret(hasher: PasswordHasher, secret: string, origin: "generated" | "chosen", trace?: RequestTrace): Promise<string> {
  return origin === "generated" ? Promise.resolve(hashSecret(secret)) : hasher.hash(secret, trace);
}

export function verifyClientSecret(hasher: PasswordHasher, secret: string, stored: string, trace?: RequestTrace): Promise<boolean> {
  return isKeyedHash(stored) ? Promise.resolve(verifySecret(secret, stored)) : hasher.verify(secret, stored, trace);
}
