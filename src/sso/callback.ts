// The provider's answer on the callback: the authorization code exchanged at
// the token endpoint (with the PKCE verifier), the ID token verified by
// openid-client (signature with the provider's keys, issuer, audience, expiry,
// nonce), and the person's claims: the ID token's, completed by userinfo
// (where most providers put email and profile claims).
import * as oidc from "openid-client";
import { errProviderInvalidResponse, errProviderUnreachable } from "../errors/index.js";
import { withClientAuthFallback } from "./client-auth.js";
import { isNetworkError, reasonOf } from "./provider-errors.js";
import type { LoginFlow } from "./flow-cookie.js";

/** The claims the login uses; `sub` is always the ID token's. */
export interface PersonClaims {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  preferred_username?: string;
}

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

function pick(claims: Record<string, unknown>): Omit<PersonClaims, "sub"> {
  // Only a JSON `true` is a verified address: providers that send the string "true" do not count.
  return {
    email: str(claims.email),
    email_verified: typeof claims.email_verified === "boolean" ? claims.email_verified : undefined,
    name: str(claims.name),
    given_name: str(claims.given_name),
    family_name: str(claims.family_name),
    preferred_username: str(claims.preferred_username),
  };
}

/** Drops what is undefined, so a later source does not erase an earlier one. */
const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * Exchanges the code of `callbackUrl` (the redirect URI with the provider's
 * query) and returns the person's claims. `provider_unreachable` when the
 * provider does not answer; `invalid_provider_response` for anything that
 * fails verification.
 */
export async function exchangeCode(config: oidc.Configuration, providerId: string, callbackUrl: URL, flow: LoginFlow): Promise<PersonClaims> {
  const fail = (err: unknown) => {
    if (isNetworkError(err)) return errProviderUnreachable({ provider_id: providerId, reason: reasonOf(err) }, { cause: err });
    return errProviderInvalidResponse({ provider_id: providerId, reason: reasonOf(err) }, { cause: err });
  };
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    // A provider that refuses Basic is asked once more with client_secret_post (client-auth.ts).
    tokens = await withClientAuthFallback(config, () =>
      oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      }),
    );
  } catch (err) {
    throw fail(err);
  }
  const idToken = tokens.claims();
  if (!idToken) throw errProviderInvalidResponse({ provider_id: providerId, reason: "no ID token" });
  let userinfo: Record<string, unknown> = {};
  if (config.serverMetadata().userinfo_endpoint) {
    try {
      // openid-client checks that userinfo speaks of the ID token's subject.
      userinfo = await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
    } catch (err) {
      throw fail(err);
    }
  }
  // The signed ID token wins where both say something.
  return { ...defined(pick(userinfo)), ...defined(pick(idToken)), sub: idToken.sub };
}
