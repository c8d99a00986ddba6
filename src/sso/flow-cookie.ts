// The browser's side of a login in progress at an authentication provider:
// state, nonce, PKCE verifier, provider ID, where to go afterwards and the
// expiry, sealed (encrypted and signed with the cookie keys) in one cookie.
// It is scoped to `<mount>/login`, the start and callback paths, and is
// SameSite=Lax so it comes along on the provider's top-level redirect back.
import { openCookie, sealCookie, type CookieKeys } from "../oauth/session-cookie.js";
import { serializeCookie } from "../oauth/ui/http-util.js";

export const flowCookieName = "_sso_login";

export interface LoginFlow {
  providerId: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** A path on this origin (already checked), or "". */
  next: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** Where the cookie is sent: the login paths under the mount only. */
export function flowCookiePath(mount: string): string {
  return `${mount}/login`;
}

export function flowCookie(keys: CookieKeys, flow: LoginFlow, opts: { mount: string; secure: boolean; now: number }): string {
  const payload = JSON.stringify({ p: flow.providerId, s: flow.state, n: flow.nonce, v: flow.codeVerifier, x: flow.next, e: flow.expiresAt });
  const maxAge = Math.max(1, Math.ceil((flow.expiresAt - opts.now) / 1000));
  return serializeCookie(flowCookieName, sealCookie(keys, flowCookieName, payload), { httpOnly: true, secure: opts.secure, maxAge, path: flowCookiePath(opts.mount) });
}

export function clearFlowCookie(opts: { mount: string; secure: boolean }): string {
  return serializeCookie(flowCookieName, "", { httpOnly: true, secure: opts.secure, maxAge: 0, path: flowCookiePath(opts.mount) });
}

/** The flow in the cookie when it is ours and not expired at `now`; undefined otherwise. */
export function readFlowCookie(keys: CookieKeys, value: string | undefined, now: number): LoginFlow | undefined {
  const payload = openCookie(keys, flowCookieName, value);
  if (!payload) return undefined;
  try {
    const p = JSON.parse(payload) as Record<string, unknown>;
    const strings = [p.p, p.s, p.n, p.v, p.x];
    if (strings.some((v) => typeof v !== "string") || typeof p.e !== "number") return undefined;
    if (p.e <= now) return undefined;
    return { providerId: p.p as string, state: p.s as string, nonce: p.n as string, codeVerifier: p.v as string, next: p.x as string, expiresAt: p.e };
  } catch {
    return undefined;
  }
}
