// Hashes for random secrets (API keys, tokens, generated OAuth client secrets).
// They carry 256 bits of entropy, so a slow password hash buys nothing and would
// put ~20 ms on every request: we store HMAC-SHA256 keyed with a random
// per-secret salt. Hashes in the
// stack's `PBKDF2$sha256$<iter>$<salt>$<key>` format (imported data) verify too.
import { createHmac, pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

const prefix = "HS256";

export function hashSecret(secret: string): string {
  const salt = randomBytes(16).toString("base64url");
  return `${prefix}$${salt}$${createHmac("sha256", salt).update(secret).digest("base64url")}`;
}

/** True for a hash made by hashSecret. */
export function isKeyedHash(stored: string): boolean {
  return stored.startsWith(`${prefix}$`);
}

export function verifySecret(secret: string, stored: string): boolean {
  const parts = stored.split("$");
  if (parts[0] === prefix && parts.length === 3) {
    const expected = createHmac("sha256", parts[1]!).update(secret).digest();
    return constantTimeEqual(expected, Buffer.from(parts[2]!, "base64url"));
  }
  if (parts[0] === "PBKDF2") return verifyPBKDF2(secret, stored);
  return false;
}

/** The algorithm of a stored secret or password hash, as span names and attributes tell it. */
export function hashAlgorithmOf(stored: string): string {
  if (stored.startsWith(`${prefix}$`)) return "hmac-sha256";
  if (stored.startsWith("PBKDF2$")) return "pbkdf2";
  if (stored.startsWith("$argon2")) return stored.slice(1, stored.indexOf("$", 1)) || "argon2";
  return "unknown";
}

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const pbkdf2Async = promisify(pbkdf2);
const pbkdf2Digests: Record<string, string> = { sha256: "sha256", sha512: "sha512" };

/** `PBKDF2$<alg>$<iterations>$<salt>$<base64url key>`; the salt is used as its ASCII bytes. */
function parsePBKDF2(stored: string): { digest: string; iterations: number; salt: Buffer; expected: Buffer } | undefined {
  const parts = stored.split("$");
  if (parts.length !== 5 || parts[0] !== "PBKDF2") return undefined;
  const digest = pbkdf2Digests[parts[1]!];
  const iterations = Number(parts[2]);
  if (!digest || !Number.isSafeInteger(iterations) || iterations < 1 || iterations > 10_000_000) return undefined;
  const expected = Buffer.from(parts[4]!, "base64url");
  if (expected.length === 0 || expected.length > 128) return undefined;
  return { digest, iterations, salt: Buffer.from(parts[3]!, "utf8"), expected };
}

/** On the event loop: for secrets imported with the stack's hashes (API keys). */
export function verifyPBKDF2(secret: string, stored: string): boolean {
  const p = parsePBKDF2(stored);
  return !!p && constantTimeEqual(pbkdf2Sync(secret, p.salt, p.iterations, p.expected.length, p.digest), p.expected);
}

/** On libuv's threads: for imported passwords, which run in the hash pool. */
export async function verifyPBKDF2Async(secret: string, stored: string): Promise<boolean> {
  const p = parsePBKDF2(stored);
  return !!p && constantTimeEqual(await pbkdf2Async(secret, p.salt, p.iterations, p.expected.length, p.digest), p.expected);
}

export function makePBKDF2(secret: string, iterations: number, salt = randomBytes(12).toString("base64url")): string {
  const key = pbkdf2Sync(secret, Buffer.from(salt, "utf8"), iterations, 32, "sha256");
  return `PBKDF2$sha256$${iterations}$${salt}$${key.toString("base64url")}`;
}
