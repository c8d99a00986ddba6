// `is.user-login.disable-credentials-login`: when set, users log in only
// through single sign-on; the OAuth login with user ID and password refuses.
// Administration from the command line (`is-db create-admin-user`) and API keys
// are not logins and keep working.
import type { Config } from "../config/index.js";
import { errCredentialsLoginDisabled } from "../errors/index.js";

/** Throws `credentials_login_disabled` (PermissionDenied) when user ID + password login is turned off. */
export function assertCredentialsLoginAllowed(config: Config): void {
  if (config.is.userLogin.disableCredentialsLogin) throw errCredentialsLoginDisabled();
}
