// What a request under the mount works with: its dependencies, the parsed
// request, the CSRF token, the browser session (read lazily, verified against
// the store) and the nonce of its page. One per request.
import type { Transport } from "@connectrpc/connect";
import type { User, UserSession } from "../../../gen/ttn/lorawan/v3/user_pb.js";
import type { PasswordHasher } from "../../auth/passwords.js";
import type { SealedStrings } from "../../secrets/sealed-string.js";
import { errUserNotFound, errUserSessionExpired, errUserSessionNotFound } from "../../errors/index.js";
import type { Logger } from "../../log.js";
import { requestLogger } from "../../telemetry/request-log/context.js";
import { requestTraceOf, type RequestTrace } from "../../telemetry/tracing/index.js";
import type { OAuthCore, OAuthDeps, Request, Response } from "../api.js";
import { clearSessionCookie, decodeSessionCookie, encodeSessionCookie, sessionCookieName, type CookieKeys } from "../session-cookie.js";
import type { builtinAssets } from "./assets.js";
import { checkCsrfToken, csrfCookieName, csrfField, csrfFromCookie, csrfHeader, newCsrfToken } from "./csrf.js";
import { appendCookie, isTls, parseCookies } from "./http-util.js";
import { newNonce } from "./security.js";
import type { LoginThrottle } from "./throttle.js";

export interface UiDeps extends OAuthDeps {
  core: OAuthCore;
  hasher: PasswordHasher;
  /** The services in-process, through the same interceptors as every API call. */
  transport: Transport;
  keys: CookieKeys;
  throttle: LoginThrottle;
  clientAddress: (req: Request) => string;
  tenantId: string;
  /** is.oauth.mount without a trailing slash ("" for the root). */
  mount: string;
  assets: ReturnType<typeof builtinAssets>;
  /** A hash checked for unknown users, so a failed login costs the same either way. */
  dummyHash: Promise<string>;
  /** Opens the stored client secrets of authentication providers (single sign-on). */
  providerSecrets: SealedStrings;
}

export interface CurrentSession {
  userId: string;
  sessionId: string;
  /** The session secret: lets the pages call the API as the user (`ONZW4.<id>.<secret>`). */
  secret: string;
  user: User;
  session: UserSession;
}

export class UiContext {
  readonly cookies: Map<string, string>;
  readonly secure: boolean;
  private nonceValue?: string;
  private csrf?: string;
  private current?: Promise<CurrentSession | undefined>;
  private requestLog?: Logger;

  constructor(
    readonly deps: UiDeps,
    readonly req: Request,
    readonly res: Response,
    /** The path below the mount, starting with "/". */
    readonly path: string,
    readonly query: URLSearchParams,
  ) {
    this.cookies = parseCookies(req.headers.cookie as string | undefined);
    this.secure = isTls(req);
  }

  /** The server's logger naming this request. */
  get log(): Logger {
    return (this.requestLog ??= requestLogger(this.deps.log, this.req));
  }

  /** The request's trace (tracing on, request sampled): the parent of the spans the page opens. */
  get trace(): RequestTrace | undefined {
    return requestTraceOf(this.req);
  }

  get nonce(): string {
    return (this.nonceValue ??= newNonce());
  }

  /** A path under the mount. */
  url(path: string): string {
    return this.deps.mount + path;
  }

  /** The request's CSRF token; a new one (with its cookie) when the browser has none yet. */
  csrfToken(): string {
    if (this.csrf) return this.csrf;
    const existing = csrfFromCookie(this.deps.keys, this.cookies.get(csrfCookieName));
    if (existing) return (this.csrf = existing);
    const { token, cookie } = newCsrfToken(this.deps.keys, this.secure);
    appendCookie(this.res, cookie);
    return (this.csrf = token);
  }

  /** Throws `invalid_csrf_token` unless the header or the form field carries the cookie's token. */
  checkCsrf(params: Record<string, string> = {}): void {
    const expected = csrfFromCookie(this.deps.keys, this.cookies.get(csrfCookieName));
    const header = this.req.headers[csrfHeader];
    checkCsrfToken(expected, (Array.isArray(header) ? header[0] : header) ?? params[csrfField]);
  }

  /** The logged-in user of this browser, when the cookie names a live session of a live user. */
  session(): Promise<CurrentSession | undefined> {
    return (this.current ??= this.loadSession());
  }

  private async loadSession(): Promise<CurrentSession | undefined> {
    const cookie = decodeSessionCookie(this.deps.keys, this.deps.tenantId, this.cookies.get(sessionCookieName));
    if (!cookie) return undefined;
    const { store, now } = this.deps;
    try {
      const session = await store.sessions.verify(cookie.sessionId, cookie.secret, now());
      if (session.userIds?.userId !== cookie.userId) return undefined;
      const user = await store.users.get(cookie.userId);
      return { userId: cookie.userId, sessionId: cookie.sessionId, secret: cookie.secret, user, session };
    } catch (err) {
      if (errUserSessionNotFound.is(err) || errUserSessionExpired.is(err) || errUserNotFound.is(err)) {
        // A stale cookie: forget it, so the browser stops sending it.
        appendCookie(this.res, clearSessionCookie({ secure: this.secure }));
        return undefined;
      }
      throw err;
    }
  }

  /**
   * Logs the browser in as `user`: a new session (never the one the browser
   * came with, so a planted cookie is worthless) and its cookie. A session the
   * browser still had ends.
   */
  async startSession(user: User): Promise<CurrentSession> {
    const userId = user.ids!.userId;
    const previous = await this.session();
    if (previous) {
      await this.deps.store.sessions.delete(previous.userId, previous.sessionId).catch((err: unknown) => {
        if (!errUserSessionNotFound.is(err)) throw err;
      });
    }
    const { session, secret } = await this.deps.store.sessions.create(userId, { now: this.deps.now() });
    appendCookie(
      this.res,
      encodeSessionCookie(this.deps.keys, { tenantId: this.deps.tenantId, userId, sessionId: session.sessionId, secret }, { secure: this.secure }),
    );
    const current = { userId, sessionId: session.sessionId, secret, user, session };
    this.current = Promise.resolve(current);
    return current;
  }

  /** Ends the browser's session (if any) and clears the cookie. */
  async endSession(): Promise<void> {
    const current = await this.session();
    if (current) {
      await this.deps.store.sessions.delete(current.userId, current.sessionId).catch((err: unknown) => {
        if (!errUserSessionNotFound.is(err)) throw err;
      });
    }
    this.current = Promise.resolve(undefined);
    appendCookie(this.res, clearSessionCookie({ secure: this.secure }));
  }
}
