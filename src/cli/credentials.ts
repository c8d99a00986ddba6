// Which credentials a call carries: the API key of --api-key or IS_CLI_API_KEY
// when given, else what `login` stored for the credentials ID — an API key or
// an OAuth access token, refreshed (and stored again) when it has expired.
// Stored credentials go only to the hosts they were obtained for, unless
// --allow-unknown-hosts, as with The Things Stack's CLI.
import { AuthCache, type StoredCredentials } from "./auth-cache.js";
import { CliError } from "./local.js";
import { expired, OAuthError, refreshToken } from "./oauth-client.js";
import { hostsOf, type Settings } from "./settings.js";

export function authCacheOf(settings: Settings): AuthCache {
  return AuthCache.load(AuthCache.fileIn(settings.dirs.cache));
}

/** Throws unless every host of the settings is one the credentials were stored for. */
export function checkHosts(settings: Settings, stored: StoredCredentials): void {
  if (settings.allowUnknownHosts || !stored.hosts?.length) return;
  for (const host of hostsOf(settings)) {
    if (!stored.hosts.includes(host)) {
      throw new CliError(
        `unknown host "${host}" for the stored credentials (logged in for ${stored.hosts.join(", ")}): check the configuration, log in again, or use --allow-unknown-hosts`,
      );
    }
  }
}

/**
 * The bearer value for calls: the given API key, else the stored API key or
 * access token (refreshed if needed); undefined when there is none.
 */
export async function bearerFor(settings: Settings, apiKey: string | undefined, now: Date): Promise<string | undefined> {
  if (apiKey) return apiKey;
  const cache = authCacheOf(settings);
  const stored = cache.get(settings.credentialsId);
  if (!stored) return undefined;
  checkHosts(settings, stored);
  if (stored.api_key) return stored.api_key;
  const token = stored.oauth_token;
  if (!token) return undefined;
  if (!expired(token, now)) return token.access_token;
  try {
    const fresh = await refreshToken(settings.oauthServerAddress, token, settings.ca, now);
    cache.set(settings.credentialsId, { ...stored, oauth_token: fresh });
    return fresh.access_token;
  } catch (err) {
    if (err instanceof OAuthError) throw new CliError(`the access token expired at ${token.expiry} and could not be refreshed (${err.message}): run login again`);
    throw err;
  }
}
