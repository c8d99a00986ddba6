// What the page handlers share: where to go after logging in (only our own
// origin), sending people to the login page, and reading a form with its CSRF check.
import type { CurrentSession, UiContext } from "../context.js";
import { readParams, redirect } from "../http-util.js";

/**
 * `n` when it is a path on this origin; otherwise `fallback`. Absolute URLs,
 * `//host` and `/\host` (which browsers treat as another host) are refused,
 * so the login page cannot be used to send people elsewhere.
 */
export function safeNext(n: string | null | undefined, fallback: string): string {
  if (!n || n.length > 4096 || !n.startsWith("/") || n.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(n)) return fallback;
  try {
    const base = "http://same-origin.invalid";
    const u = new URL(n, base);
    if (u.origin !== base) return fallback;
    return u.pathname + u.search + u.hash;
  } catch {
    return fallback;
  }
}

/** The path and query of this request, as `n` for the login page. */
export function here(ctx: UiContext): string {
  const qs = ctx.query.toString();
  return ctx.url(ctx.path) + (qs ? `?${qs}` : "");
}

export function loginUrl(ctx: UiContext, next: string): string {
  return `${ctx.url("/login")}?${new URLSearchParams({ n: next })}`;
}

/** The session, or a redirect to the login page (then undefined). */
export async function requireLogin(ctx: UiContext, next = here(ctx)): Promise<CurrentSession | undefined> {
  const current = await ctx.session();
  if (!current) redirect(ctx.res, loginUrl(ctx, next));
  return current;
}

/** A POSTed form, after its CSRF check. */
export async function readForm(ctx: UiContext): Promise<Record<string, string>> {
  const params = await readParams(ctx.req);
  ctx.checkCsrf(params);
  return params;
}
