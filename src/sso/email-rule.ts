// Which e-mail addresses may log in through a provider. With
// allowed_email_domains set, only addresses of those domains may, and the
// provider's email_verified claim is not consulted (the documented behaviour
// of The Things Stack: the operator vouches for the provider of those domains).
// Otherwise the claims must say `email_verified: true`.
import type { AuthenticationProvider } from "../../gen/ttn/lorawan/v3/authentication_provider_pb.js";
import { errEmailDomainNotAllowed, errMissingEmail, errUnverifiedEmail } from "../errors/index.js";
import type { PersonClaims } from "./callback.js";

export interface CheckedEmail {
  email: string;
  /** The provider verified the address (only then does it count as validated here). */
  verified: boolean;
}

export function checkEmail(provider: AuthenticationProvider, claims: PersonClaims): CheckedEmail {
  const providerId = provider.ids?.providerId ?? "";
  const verified = claims.email_verified === true;
  const domains = provider.allowedEmailDomains.map((d) => d.toLowerCase());
  if (domains.length > 0) {
    if (!claims.email) throw errMissingEmail({ provider_id: providerId });
    const domain = claims.email.slice(claims.email.lastIndexOf("@") + 1).toLowerCase();
    if (!domains.includes(domain)) throw errEmailDomainNotAllowed({ provider_id: providerId, domain });
    return { email: claims.email, verified };
  }
  if (!verified) throw errUnverifiedEmail();
  if (!claims.email) throw errMissingEmail({ provider_id: providerId });
  return { email: claims.email, verified };
}
