// Everything the server answers under is.oauth.mount (default /oauth): the
// protocol endpoints (token, userinfo, JWKS, discovery) go to the OAuth core;
// the JSON API (api/auth/*, api/me) and the pages are served here. Also the
// pages' built-in assets under is.oauth.ui.assets-base-url when that is a path
// on this server. One per tenant, bound to its store, ID and configuration:
// tenant-front.ts picks it by the request's host, from the server's fallback
// before the /api/v3 gateway; answers false for anything it does not serve.
import type { Transport } from "@connectrpc/connect";
import { strictQuery } from "../messages/query.js";
import { checkParams } from "../messages/text.js";
import type { SealedStrings } from "../secrets/sealed-string.js";
import type { Config } from "../config/index.js";
import type { OAuthCore, OAuthDeps, Request, Response } from "./api.js";
import { cookieKeys, decodeSessionCookie, sessionCookieName, sessionToken } from "./session-cookie.js";
import { checkCsrfToken, csrfCookieName, csrfFromCookie, csrfHeader } from "./ui/csrf.js";
import { parseCookies, sendJsonError } from "./ui/http-util.js";
import { accountApiPaths, serveAccountApi } from "./ui/account-api.js";
import { builtinAssets, serveAsset } from "./ui/assets.js";
import { UiContext, type UiDeps } from "./ui/context.js";
import { sendError } from "./core/http.js";
import { errorPage, pages, servePage } from "./ui/pages/index.js";
import { ssoPage } from "./ui/pages/sso.js";
import { setBaseHeaders } from "./ui/security.js";
import { reportingRefusals, type LoginThrottle } from "./ui/throttle.js";

export interface OAuthHttpDeps extends OAuthDeps {
  core: OAuthCore;
  transport: Transport;
  tenantId: string;
  /** Opens the stored client secrets of authentication providers (single sign-on). */
  providerSecrets: SealedStrings;
  /** The tenant's failed-login counter (ui/throttle.ts). */
  throttle: LoginThrottle;
  /** The client address of a request (src/net/client-address.ts with `http.trusted-proxies`). */
  clientAddress: (req: Request) => string;
}

/** What the OAuth HTTP of every tenant of a server shares: cookie keys, assets, the dummy hash. */
export interface OAuthShared {
  keys: UiDeps["keys"];
  assets: UiDeps["assets"];
  dummyHash: Promise<string>;
}

export interface OAuthHttp {
  /** Serves a request under the mount (or a built-in asset); false when it is not ours. */
  serve(req: Request, res: Response): Promise<boolean>;
  /**
   * For /api/v3, as the stack does: a request without `authorization` but with
   * this tenant's `_session` cookie is authenticated as that session
   * (`Bearer ONZW4.<id>.<secret>`); unsafe methods then need the CSRF token in
   * X-CSRF-Token. Returns false when it answered the request itself (refused).
   */
  sessionCredential(req: Request, res: Response): boolean;
  /** Answers `err` for a request under the mount, as its endpoint, API or page would answer an error. */
  refuse(req: Request, res: Response, err: unknown): void;
}

/** Which of the server's paths the OAuth HTTP serves: built-in assets, or the OAuth server itself (per tenant). */
export type OAuthPath = "asset" | "oauth" | undefined;

/** OpenID Connect discovery, also at the server's root, where clients of an issuer at the root look. */
const discoveryPath = "/.well-known/openid-configuration";

/** is.oauth.mount without trailing slashes; must be a path. */
function mountOf(mount: string): string {
  if (!mount.startsWith("/") || /[?#\s]/.test(mount)) throw new Error(`is.oauth.mount: expected a path starting with "/", got ${JSON.stringify(mount)}`);
  return mount.replace(/\/+$/, "");
}

/** The path part of assets-base-url when the assets live on this server. */
function localAssetsPath(url: string): string | undefined {
  return url.startsWith("/") && !url.startsWith("//") ? url.replace(/\/+$/, "") : undefined;
}

/** Built once per server: a missing cookie key is generated (and warned about) once, the dummy hash computed once. */
export function oauthShared(deps: Pick<OAuthHttpDeps, "config" | "log" | "hasher">): OAuthShared {
  const dummyHash = deps.hasher.hash("not a password: only checked for unknown users");
  // Computed now, so a failure shows at start; awaited where used.
  dummyHash.catch(() => {});
  return { keys: cookieKeys(deps.config, deps.log), assets: builtinAssets(deps.config.is.oauth.ui.iconPrefix), dummyHash };
}

// At the root mount only our own paths are ours: the rest belongs to /api/v3 and friends.
const uiPaths = new Set([...Object.keys(pages), ...accountApiPaths]);

/** Classifies a request path (without query) for the server's fallback, before any tenant is looked at. */
export function oauthPathOf(config: Config, core: OAuthCore, path: string): OAuthPath {
  const mount = mountOf(config.is.oauth.mount);
  const assetsPath = localAssetsPath(config.is.oauth.ui.assetsBaseUrl);
  if (assetsPath !== undefined && (path === assetsPath || path.startsWith(assetsPath + "/"))) return "asset";
  if (path === discoveryPath) return "oauth";
  if (mount !== "") return path === mount || path.startsWith(mount + "/") ? "oauth" : undefined;
  return core.paths.includes(path) || uiPaths.has(path) || ssoPage(path) ? "oauth" : undefined;
}

export function createOAuthHttp(deps: OAuthHttpDeps, shared: OAuthShared = oauthShared(deps)): OAuthHttp {
  const { config } = deps;
  const mount = mountOf(config.is.oauth.mount);
  const throttle = deps.throttle;
  const events = deps.events;
  const uiDeps: UiDeps = {
    ...deps,
    ...shared,
    throttle: events ? reportingRefusals(throttle, () => events.throttled()) : throttle,
    mount,
  };
  const assetsPath = localAssetsPath(config.is.oauth.ui.assetsBaseUrl);
  // The login throttle also counts the token endpoint's password grant.
  const oauthDeps: OAuthDeps = {
    config, store: deps.store, now: deps.now, log: deps.log, emails: deps.emails, hasher: deps.hasher, throttle: uiDeps.throttle, clientAddress: deps.clientAddress, events,
  };

  const serve = async (req: Request, res: Response): Promise<boolean> => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    if (assetsPath !== undefined && serveAsset(uiDeps.assets, assetsPath, path, req, res)) return true;
    if (path === discoveryPath) return deps.core.handle(oauthDeps, path, req, res);
    if (!(path === mount || path.startsWith(mount + "/") || mount === "")) return false;
    const sub = path.slice(mount.length) || "/";
    setBaseHeaders(res);
    if (await deps.core.handle(oauthDeps, sub, req, res)) return true;
    if (mount === "" && !uiPaths.has(sub) && !ssoPage(sub)) return false;
    let query: URLSearchParams;
    try {
      // Malformed escapes, NUL or a lone surrogate in the query: refused before any page or API reads it.
      query = strictQuery(q < 0 ? "" : url.slice(q + 1));
      checkParams(query);
    } catch (err) {
      const ctx = new UiContext(uiDeps, req, res, sub, new URLSearchParams());
      if (accountApiPaths.includes(sub)) sendJsonError(res, err);
      else errorPage(ctx, err);
      return true;
    }
    const ctx = new UiContext(uiDeps, req, res, sub, query);
    // Scripts and API clients read the CSRF token from here; the cookie itself stays HttpOnly.
    res.setHeader("x-csrf-token", ctx.csrfToken());
    if (await serveAccountApi(ctx)) return true;
    return servePage(ctx);
  };

  const sessionCredential = (req: Request, res: Response): boolean => {
    if (req.headers.authorization) return true;
    const cookies = parseCookies(req.headers.cookie as string | undefined);
    const session = decodeSessionCookie(uiDeps.keys, deps.tenantId, cookies.get(sessionCookieName));
    if (!session) return true;
    if (!["GET", "HEAD", "OPTIONS"].includes(req.method ?? "GET")) {
      const header = req.headers[csrfHeader];
      try {
        checkCsrfToken(csrfFromCookie(uiDeps.keys, cookies.get(csrfCookieName)), Array.isArray(header) ? header[0] : header);
      } catch (err) {
        sendJsonError(res, err);
        return false;
      }
    }
    // The session is verified against the store where every credential is: in the caller.
    req.headers.authorization = `Bearer ${sessionToken(session)}`;
    return true;
  };

  const refuse = (req: Request, res: Response, err: unknown): void => {
    const path = (req.url ?? "/").split("?", 1)[0]!;
    const sub = path === discoveryPath ? path : path.slice(mount.length) || "/";
    setBaseHeaders(res);
    if (deps.core.paths.includes(sub)) return sendError(res, deps.log, err);
    if (accountApiPaths.includes(sub)) return sendJsonError(res, err);
    errorPage(new UiContext(uiDeps, req, res, sub, new URLSearchParams()), err);
  };

  return { serve, sessionCredential, refuse };
}
