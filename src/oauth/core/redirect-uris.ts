// Which registered redirect URI an authorization request names, and where the
// browser goes with the answer. Registered URIs come in three kinds
// (src/services/shared/redirect-uris.ts): absolute, a path on this server, and
// the stack's `code` / `local-callback`, pages of the OAuth mount. A request
// names one:
// - exactly as registered (`redirect_uri=local-callback`, as ttn-lw-cli sends
//   it), or not at all (the first registered);
// - a path or mount page registered, by its absolute URL on this server
//   (`http://localhost:1885/oauth/code`): the issuer's, or the one this
//   request came to;
// - `local-callback` registered, by the CLI listener it stands for:
//   `http://localhost|127.0.0.1|[::1]:<port>/oauth/callback`;
// - a loopback URI registered (`http://127.0.0.1/cb`), with any port: native
//   apps listen on whatever port is free (RFC 8252 §7.3).
// The code is bound to the URI as the request named it, so the token request
// repeats that (RFC 6749 §4.1.3).
import { isMountRelativeRedirectUri, isServerPath } from "../../services/shared/redirect-uris.js";

export interface RedirectTarget {
  /** As the request named it (the first registered when it named none): what the token request must repeat. */
  named: string;
  /** The absolute URL the answer goes to. */
  url: string;
}

const loopbackHosts = new Set(["127.0.0.1", "[::1]", "localhost"]);
/** Where ttn-lw-cli listens for the answer (`local-callback` sends it there). */
const cliCallbackPath = "/oauth/callback";

const parse = (uri: string): URL | undefined => (URL.canParse(uri) ? new URL(uri) : undefined);

/** The absolute URL of a registered URI, on the server whose OAuth mount is at `base` (no trailing slash). */
export function resolveRedirectUri(registered: string, base: string): string {
  if (isMountRelativeRedirectUri(registered)) return `${base}/${registered}`;
  if (isServerPath(registered)) return new URL(registered, base).href;
  return registered;
}

const withoutQuery = (url: URL) => !url.search && !url.hash;
const isLoopback = (url: URL) => url.protocol === "http:" && loopbackHosts.has(url.hostname);

/** `requested` (absolute) is `registered` but for the port, both on a loopback host. */
function loopbackMatch(registered: string, requested: URL): boolean {
  const r = parse(registered);
  if (!r || !isLoopback(r) || !isLoopback(requested)) return false;
  return r.hostname === requested.hostname && r.pathname === requested.pathname && r.search === requested.search && !requested.hash;
}

/**
 * The target of `requested` among `registered`, or undefined when it names
 * none. `bases` are this server's OAuth mount URLs (no trailing slash), the
 * issuer first: relative registered URIs resolve against it.
 */
export function redirectTargetOf(registered: readonly string[], requested: string | undefined, bases: readonly string[]): RedirectTarget | undefined {
  const base = bases[0]!;
  if (!requested) {
    const first = registered[0];
    return first === undefined ? undefined : { named: first, url: resolveRedirectUri(first, base) };
  }
  if (registered.includes(requested)) return { named: requested, url: resolveRedirectUri(requested, base) };
  const url = parse(requested);
  if (!url || url.hash) return undefined;
  const relative = registered.filter((r) => r !== resolveRedirectUri(r, base));
  if (relative.some((r) => bases.some((b) => resolveRedirectUri(r, b) === requested))) return { named: requested, url: requested };
  const cliListener = isLoopback(url) && url.port !== "" && url.pathname === cliCallbackPath && withoutQuery(url);
  if (cliListener && registered.includes("local-callback")) return { named: requested, url: requested };
  if (registered.some((r) => loopbackMatch(r, url))) return { named: requested, url: requested };
  return undefined;
}
