// How this server proves itself with its client secret at a provider's token
// endpoint: the method (what the provider's token_endpoint_auth_methods_supported
// offers, HTTP Basic when it says nothing, as OpenID Connect Discovery
// defaults), HTTP Basic credentials encoded exactly as RFC 6749 §2.3.1 says,
// and one retry with client_secret_post when a provider refuses Basic.
// openid-client's own Basic encodes `-` `.` `_` `*` too (`identity%2Dserver`),
// which providers comparing the credentials as sent refuse.
import * as oidc from "openid-client";

export type TokenAuthMethod = "client_secret_basic" | "client_secret_post";

/**
 * application/x-www-form-urlencoded (RFC 6749 Appendix B): letters, digits and
 * `*-._` stay, a space becomes `+`, every other UTF-8 byte `%XX`. The WHATWG
 * serializer behind URLSearchParams is exactly that.
 */
export function formEncode(value: string): string {
  return new URLSearchParams([["", value]]).toString().slice(1);
}

/** The `Authorization` header value of client_secret_basic (RFC 6749 §2.3.1). */
export function basicCredentials(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`, "utf8").toString("base64")}`;
}

/**
 * The method to start with, and whether a refused Basic may be retried with
 * client_secret_post: when the provider lists both, or lists nothing (Basic is
 * only the default then, post may well work).
 */
export function chooseMethod(supported: readonly string[] | undefined): { method: TokenAuthMethod; postFallback: boolean } {
  if (!supported) return { method: "client_secret_basic", postFallback: true };
  if (supported.includes("client_secret_basic")) return { method: "client_secret_basic", postFallback: supported.includes("client_secret_post") };
  if (supported.includes("client_secret_post")) return { method: "client_secret_post", postFallback: false };
  // Neither (e.g. only private_key_jwt): Basic, and the provider's answer says why it fails.
  return { method: "client_secret_basic", postFallback: false };
}

/** Whether the token endpoint refused the client's credentials (RFC 6749 §5.2 invalid_client, a 401). */
function refusedClient(err: unknown): boolean {
  if (err instanceof oidc.ResponseBodyError) return err.error === "invalid_client" || err.status === 401;
  if (err instanceof oidc.WWWAuthenticateChallengeError) return err.status === 401;
  return false;
}

/**
 * The client authentication of one provider's configuration. The method can
 * change once, from Basic to post, when the provider refuses Basic; it stays
 * so for later logins until the configuration is discovered again.
 */
export class TokenEndpointAuth {
  method: TokenAuthMethod;
  private readonly postFallback: boolean;

  constructor(private readonly secret: string, supported: readonly string[] | undefined) {
    ({ method: this.method, postFallback: this.postFallback } = chooseMethod(supported));
  }

  /** openid-client's hook: sets the credentials on each token request. */
  readonly clientAuth: oidc.ClientAuth = (_as, client, body, headers) => {
    if (this.method === "client_secret_post") {
      body.set("client_id", client.client_id);
      body.set("client_secret", this.secret);
    } else {
      headers.set("authorization", basicCredentials(client.client_id, this.secret));
    }
  };

  /** Runs a token request; when it was sent with Basic and refused, once more with client_secret_post. */
  async withFallback<T>(request: () => Promise<T>): Promise<T> {
    const used = this.method;
    try {
      return await request();
    } catch (err) {
      if (used !== "client_secret_basic" || !refusedClient(err)) throw err;
      // Another login may have switched meanwhile: then this one just follows.
      if (this.method === "client_secret_basic") {
        if (!this.postFallback) throw err;
        this.method = "client_secret_post";
      }
      return request();
    }
  }
}

// The configuration openid-client holds has no room for ours: kept beside it,
// and gone with it.
const auths = new WeakMap<oidc.Configuration, TokenEndpointAuth>();

export function attachTokenEndpointAuth(configuration: oidc.Configuration, auth: TokenEndpointAuth): void {
  auths.set(configuration, auth);
}

/** Runs a token request of `configuration` with the Basic-to-post fallback of its provider, if it has one. */
export function withClientAuthFallback<T>(configuration: oidc.Configuration, request: () => Promise<T>): Promise<T> {
  const auth = auths.get(configuration);
  return auth ? auth.withFallback(request) : request();
}
