// GET <mount>/login/<provider-id> and GET <mount>/login/<provider-id>/callback:
// single sign-on with an OpenID Connect provider (sso-flow.ts). The flow and
// openid-client behind it are loaded by the first login through a provider, not
// at start: most servers have no provider.
import type { UiContext } from "../context.js";

/** The page of a path below the mount when it is one of the two SSO routes. */
export function ssoPage(path: string): { GET: (ctx: UiContext) => Promise<void> } | undefined {
  const m = /^\/login\/([^/]+)(\/callback)?$/.exec(path);
  if (!m) return undefined;
  let providerId: string;
  try {
    providerId = decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
  return { GET: async (ctx) => (await import("./sso-flow.js")).ssoFlow(ctx, providerId, m[2] !== undefined) };
}
