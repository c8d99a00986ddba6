// What may be registered as an OAuth client's (logout) redirect URI. Beyond an
// absolute URI without a fragment (RFC 6749 §3.1.2), what The Things Stack's
// documented bootstrap registers (`is-db create-oauth-client`):
// - a path on this server, such as the Console's `/console/oauth/callback`
//   and `/console` (redirect and logout redirect URIs);
// - two names for pages of this server's OAuth mount, registered by the
//   stack's CLI (redirect URIs only): `code` (shows the code to copy:
//   `ttn-lw-cli login --callback=false`) and `local-callback` (hands the
//   answer on to the CLI's listener on localhost).
// The OAuth core (src/oauth/core/redirect-uris.ts) resolves and matches them.

/** The stack's redirect URIs relative to the OAuth mount (`<mount>/code`, `<mount>/local-callback`). */
export const mountRelativeRedirectUris: readonly string[] = ["local-callback", "code"];

export const isMountRelativeRedirectUri = (uri: string): boolean => mountRelativeRedirectUris.includes(uri);

/** `/a/b?c`: a path on this server (not `//host`, a network-path reference to another one). */
export const isServerPath = (uri: string): boolean => /^\/(?![/\\])[^\s#\\]*$/.test(uri);

/**
 * Why `uri` cannot be registered, or undefined when it can. `mountRelative`
 * false for logout redirect URIs: the stack has no such names there.
 */
export function redirectUriProblem(uri: string, mountRelative = true): string | undefined {
  if ([...uri].length > 128) return "must be at most 128 characters";
  if ((mountRelative && isMountRelativeRedirectUri(uri)) || isServerPath(uri)) return undefined;
  if (uri.includes("#")) return "must not have a fragment";
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(uri) || !URL.canParse(uri)) {
    const names = mountRelative ? `, ${mountRelativeRedirectUris.map((n) => `\`${n}\``).join(" or ")}` : "";
    return `must be an absolute URI, a path on this server (\`/...\`)${names}`;
  }
  return undefined;
}
