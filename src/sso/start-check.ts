// The start-time check of single sign-on: with is.user-login.disable-credentials-login
// set and no authentication provider registered, nobody can log in to the
// OAuth pages (the Console included) until an administrator adds one.
import type { Config } from "../config/index.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/interfaces.js";

export async function warnIfNobodyCanLogIn(config: Config, store: Store, log: Logger): Promise<void> {
  if (!config.is.userLogin.disableCredentialsLogin) return;
  const { total } = await store.authenticationProviders.find({ limit: 1, page: 1 });
  if (total === 0) {
    log.warn({}, "is.user-login.disable-credentials-login is set but no authentication provider is registered: nobody can log in to the OAuth pages until an admin creates one (is-cli authentication-providers create)");
  }
}
