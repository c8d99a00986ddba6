// The contract between the OAuth protocol core (src/oauth/core: codes, tokens,
// OpenID Connect) and the OAuth pages (src/oauth/ui: sessions, login, consent).
// The pages decide who the user is and whether they consent; the core decides
// what an authorization request may get and issues codes and tokens.
import type http from "node:http";
import type http2 from "node:http2";
import type { Client } from "../../gen/ttn/lorawan/v3/client_pb.js";
import type { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import type { PasswordHasher } from "../auth/passwords.js";
import type { Config } from "../config/index.js";
import type { Emails } from "../email/api.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/interfaces.js";

export type Request = http.IncomingMessage | http2.Http2ServerRequest;
export type Response = http.ServerResponse | http2.Http2ServerResponse;

/** What every /oauth handler gets. */
export interface OAuthDeps {
  config: Config;
  store: Store;
  now: () => Date;
  log: Logger;
  emails: Emails;
  /** Password and client secret hashing, in the server's one bounded pool. */
  hasher: PasswordHasher;
  /** Failed-login throttling shared by the login page and the token endpoint's password grant. */
  throttle?: LoginAttempts;
  /** The client address of a request (`http.trusted-proxies` applied; src/net/client-address.ts). */
  clientAddress?: (req: Request) => string;
  /** Sees token requests and throttled logins (src/telemetry/metrics/oauth.ts); absent when metrics are off. */
  events?: OAuthEvents;
}

/** What the OAuth server reports for metrics. */
export interface OAuthEvents {
  /** A token request answered: its grant type (`unsupported`, `none`) and `ok`, the RFC 6749 error code or `error`. */
  grant(grantType: string, outcome: string): void;
  /** A login (page or password grant) refused by the login throttle before the password was checked. */
  throttled(): void;
}

/** Counts failed logins per user ID and client address, shared by the servers on the database (see ui/throttle.ts). */
export interface LoginAttempts {
  /** Milliseconds to wait before another attempt, or 0 when one is allowed now. */
  retryAfter(userId: string, address: string, now: number): Promise<number>;
  fail(userId: string, address: string, now: number): Promise<void>;
  /** A successful login forgets the user's failures. */
  succeed(userId: string): Promise<void>;
}

/** The query of GET /oauth/authorize (or the form of its POST). */
export interface AuthorizeParams {
  client_id: string;
  redirect_uri?: string;
  response_type: string;
  state?: string;
  scope?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  nonce?: string;
}

/** A checked authorization request. */
export interface AuthorizeRequest {
  params: AuthorizeParams;
  client: Client;
  /**
   * The absolute URL the answer goes to: the registered redirect URI the
   * request named, resolved when it is relative (`code`, `local-callback`, a path).
   */
  redirectUri: string;
  /** The redirect URI as the request named it (else the first registered): bound to the code, repeated by the token request. */
  codeRedirectUri: string;
  /** Rights the client asks for (its registered rights). */
  rights: Right[];
  /**
   * The issuer every answer on the redirect URI names (RFC 9207 `iss`): the
   * configured one, or the one this request sees (as discovery does).
   */
  issuer: string;
}

export interface OAuthCore {
  /** The paths of the protocol endpoints `handle` serves, relative to the mount. */
  readonly paths: readonly string[];
  /**
   * Validates client, redirect URI, response type, PKCE and client state.
   * Errors about the client or redirect URI are thrown (shown as a page, never
   * redirected); other errors come back as `{ redirectTo }` carrying `error=`.
   * `req` is the request the authorization arrived with: without
   * `is.oauth.ui.canonical-url` its scheme and host name the issuer.
   */
  checkAuthorize(deps: OAuthDeps, params: AuthorizeParams, req: Request): Promise<AuthorizeRequest | { redirectTo: string }>;
  /** True when the user must still see the consent page (no skip_authorization, no earlier consent covering the rights). */
  needsConsent(deps: OAuthDeps, req: AuthorizeRequest, userId: string): Promise<boolean>;
  /** Records consent (when given), issues a code and returns the redirect URL with `code` and `state`. */
  approve(deps: OAuthDeps, req: AuthorizeRequest, user: { userId: string; sessionId: string }): Promise<string>;
  /** The redirect URL for a refused consent (`error=access_denied`). */
  deny(req: AuthorizeRequest): string;
  /**
   * Serves the protocol endpoints under the mount: POST token, GET/POST
   * userinfo, GET jwks, GET .well-known/openid-configuration. Returns false when the path is not one of them.
   * `path` is relative to the mount, starting with "/".
   */
  handle(deps: OAuthDeps, path: string, req: Request, res: Response): Promise<boolean>;
  /**
   * Client logout (GET /oauth/logout): deletes the access token and returns
   * where to send the browser (post_logout_redirect_uri checked against the
   * client's logout redirect URIs) and the token's session, which the pages
   * end together with the browser's own session. `userId` is the token's
   * user (sessions are deleted per user); when absent the pages can only end
   * the token's session if it is the browser's own.
   */
  clientLogout(deps: OAuthDeps, accessTokenId: string, postLogoutRedirectUri: string | undefined): Promise<{ redirectTo: string; sessionId?: string; userId?: string }>;
}
