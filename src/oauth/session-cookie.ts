// The browser session cookie `_session` of the OAuth pages, and the cookie
// keys. The value is encrypted (AES-GCM with http.cookie.block-key) and signed
// (HMAC-SHA256 with http.cookie.hash-key), so it can neither be read nor
// forged; it carries the tenant, user, session ID and session secret. A cookie
// is only as good as its session row: readers verify the secret against the
// store (constant time) on every request, so a logout anywhere ends it.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual, type CipherGCM, type DecipherGCM } from "node:crypto";
import type { Config } from "../config/index.js";
import type { Logger } from "../log.js";
import { TokenType } from "../auth/tokens.js";
import type { CookieOptions } from "./ui/http-util.js";
import { serializeCookie } from "./ui/http-util.js";

export const sessionCookieName = "_session";

export interface CookieKeys {
  hash: Buffer;
  block: Buffer;
}

function hexKey(value: string, option: string, sizes: (n: number) => boolean, want: string): Buffer {
  if (!/^([0-9a-fA-F]{2})+$/.test(value) || !sizes(value.length / 2)) {
    throw new Error(`${option}: expected ${want} as hex, got ${value.length} characters`);
  }
  return Buffer.from(value, "hex");
}

/**
 * The configured keys; a missing one is generated (with a warning), as the
 * stack does: cookies then stop working at restart and across replicas.
 */
export function cookieKeys(config: Config, log: Logger): CookieKeys {
  const { hashKey, blockKey } = config.http.cookie;
  const missing = [!hashKey && "http.cookie.hash-key", !blockKey && "http.cookie.block-key"].filter(Boolean);
  if (missing.length) log.warn({ options: missing }, "cookie keys not set: using random keys, so sessions end when the server restarts and do not work across replicas");
  return {
    hash: hashKey ? hexKey(hashKey, "http.cookie.hash-key", (n) => n >= 32 && n <= 64, "32 to 64 bytes") : randomBytes(64),
    block: blockKey ? hexKey(blockKey, "http.cookie.block-key", (n) => n === 16 || n === 24 || n === 32, "16, 24 or 32 bytes") : randomBytes(32),
  };
}

const b64 = (b: Buffer) => b.toString("base64url");
const mac = (keys: CookieKeys, name: string, data: string) => createHmac("sha256", keys.hash).update(`${name}=${data}`).digest();
const cipherName = (key: Buffer) => `aes-${key.length * 8}-gcm` as "aes-256-gcm";

/** `name`'s value for `payload`: encrypted, then signed over name and ciphertext. */
export function sealCookie(keys: CookieKeys, name: string, payload: string): string {
  const iv = randomBytes(12);
  const cipher: CipherGCM = createCipheriv(cipherName(keys.block), keys.block, iv);
  const data = b64(Buffer.concat([iv, cipher.update(payload, "utf8"), cipher.final(), cipher.getAuthTag()]));
  return `${data}.${b64(mac(keys, name, data))}`;
}

/** The payload of a sealed cookie value, or undefined for anything not made by sealCookie with these keys. */
export function openCookie(keys: CookieKeys, name: string, value: string | undefined): string | undefined {
  if (!value || value.length > 4096) return undefined;
  const dot = value.indexOf(".");
  if (dot < 0) return undefined;
  const data = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1), "base64url");
  const want = mac(keys, name, data);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return undefined;
  const raw = Buffer.from(data, "base64url");
  if (raw.length < 12 + 16) return undefined;
  try {
    const decipher: DecipherGCM = createDecipheriv(cipherName(keys.block), keys.block, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}

/** What the session cookie carries. */
export interface SessionCookie {
  tenantId: string;
  userId: string;
  sessionId: string;
  secret: string;
}

export function encodeSessionCookie(keys: CookieKeys, c: SessionCookie, opts: Omit<CookieOptions, "httpOnly" | "maxAge">): string {
  const payload = JSON.stringify({ t: c.tenantId, u: c.userId, s: c.sessionId, k: c.secret });
  // No Max-Age: a browser-session cookie, as the stack's.
  return serializeCookie(sessionCookieName, sealCookie(keys, sessionCookieName, payload), { ...opts, httpOnly: true });
}

export function clearSessionCookie(opts: Omit<CookieOptions, "httpOnly" | "maxAge">): string {
  return serializeCookie(sessionCookieName, "", { ...opts, httpOnly: true, maxAge: 0 });
}

/**
 * The session named by a cookie value, when it is ours and made for this
 * tenant. Not yet proof of a live session: verify it with the store.
 */
export function decodeSessionCookie(keys: CookieKeys, tenantId: string, value: string | undefined): SessionCookie | undefined {
  const payload = openCookie(keys, sessionCookieName, value);
  if (!payload) return undefined;
  try {
    const p = JSON.parse(payload) as Record<string, unknown>;
    if (typeof p.t !== "string" || typeof p.u !== "string" || typeof p.s !== "string" || typeof p.k !== "string") return undefined;
    if (p.t !== tenantId) return undefined;
    return { tenantId: p.t, userId: p.u, sessionId: p.s, secret: p.k };
  } catch {
    return undefined;
  }
}

/** The session as a bearer token of the public format (`ONZW4.<session id>.<secret>`), for calls on the user's behalf. */
export function sessionToken(c: Pick<SessionCookie, "sessionId" | "secret">): string {
  return `${TokenType.SessionToken}.${c.sessionId}.${c.secret}`;
}
