// Client logout (GET <mount>/logout?access_token_id=…): the access token goes,
// and the browser goes to a logout redirect URI the client registered (the
// requested one when it matches exactly, else the first), or to the mount.
import { errInvalidLogoutRedirectURI, errMissingAccessTokenID } from "../../errors/index.js";
import type { OAuthDeps } from "../api.js";
import { mountOf } from "./settings.js";

export async function clientLogout(deps: OAuthDeps, accessTokenId: string, postLogoutRedirectUri: string | undefined): Promise<{ redirectTo: string; sessionId?: string }> {
  if (!accessTokenId) throw errMissingAccessTokenID();
  const home = mountOf(deps.config) || "/";
  const token = await deps.store.oauth.lookupToken(accessTokenId);
  if (!token) return { redirectTo: home };
  const clientId = token.token.clientIds!.clientId;
  const client = await deps.store.clients.get(clientId).catch(() => undefined);
  const registered = client?.logoutRedirectUris ?? [];
  if (postLogoutRedirectUri && !registered.includes(postLogoutRedirectUri)) throw errInvalidLogoutRedirectURI({ redirect_uri: postLogoutRedirectUri });
  await deps.store.oauth.deleteToken(accessTokenId);
  return { redirectTo: postLogoutRedirectUri || registered[0] || home, sessionId: token.token.userSessionId || undefined };
}
