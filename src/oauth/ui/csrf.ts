// CSRF protection of every state-changing request under the mount: a
// double-submit token. The `_csrf` cookie holds a random token, sealed with the
// cookie keys (so it cannot be planted from outside) and HttpOnly (so scripts
// on other pages cannot read it); forms carry the same token in the `_csrf`
// field and scripts in the `X-CSRF-Token` header, which the server hands out
// on every GET under the mount. A cross-site page can make the browser send
// the cookie, never read or guess the token.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { errInvalidCSRFToken } from "../../errors/index.js";
import { openCookie, sealCookie, type CookieKeys } from "../session-cookie.js";
import { serializeCookie } from "./http-util.js";

export const csrfCookieName = "_csrf";
export const csrfHeader = "x-csrf-token";
export const csrfField = "_csrf";

/** The token of the request's `_csrf` cookie, when it is a valid one. */
export function csrfFromCookie(keys: CookieKeys, cookieValue: string | undefined): string | undefined {
  const token = openCookie(keys, csrfCookieName, cookieValue);
  return token && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : undefined;
}

/** A new token and the Set-Cookie header that stores it (a browser-session cookie). */
export function newCsrfToken(keys: CookieKeys, secure: boolean): { token: string; cookie: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, cookie: serializeCookie(csrfCookieName, sealCookie(keys, csrfCookieName, token), { httpOnly: true, secure }) };
}

/** Throws `invalid_csrf_token` unless the submitted token equals the cookie's. */
export function checkCsrfToken(expected: string | undefined, submitted: string | undefined): void {
  if (!expected || !submitted) throw errInvalidCSRFToken();
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw errInvalidCSRFToken();
}
