// The OAuth 2.0 protocol core behind src/oauth/api.ts: authorization requests,
// codes and consent records (authorize.ts), the token endpoint and its grants
// (token.ts, grants/), tokens (issue.ts), client logout, and OpenID Connect on
// top (oidc/: discovery, JWKS, ID tokens, userinfo).
import { errMethodNotAllowed } from "../../errors/index.js";
import type { OAuthCore, OAuthDeps, Request, Response } from "../api.js";
import { approve, checkAuthorize, deny, needsConsent } from "./authorize.js";
import { sendError, sendJson, sendPreflight } from "./http.js";
import { clientLogout } from "./logout.js";
import { discoveryDocument } from "./oidc/discovery.js";
import { publishedKeys } from "./oidc/keys.js";
import { userinfoEndpoint } from "./oidc/userinfo.js";
import { tokenEndpoint } from "./token.js";

/** The discovery document's path, under the mount and at the server's root. */
export const discoveryPath = "/.well-known/openid-configuration";

type Endpoint = (deps: OAuthDeps, route: string, req: Request, res: Response) => Promise<void>;

// Documents anyone may read: GET (and CORS preflight) only.
const document = (build: (deps: OAuthDeps, req: Request) => Promise<unknown> | unknown, maxAge: number): Endpoint =>
  async (deps, route, req, res) => {
    if (req.method === "OPTIONS") return sendPreflight(res);
    try {
      if (req.method !== "GET" && req.method !== "HEAD") throw errMethodNotAllowed({ method: req.method, route });
      sendJson(res, 200, await build(deps, req), { "cache-control": `public, max-age=${maxAge}` });
    } catch (err) {
      sendError(res, deps.log, err);
    }
  };

const endpoints: Record<string, Endpoint> = {
  "/token": tokenEndpoint,
  "/userinfo": userinfoEndpoint,
  "/jwks": document((deps) => publishedKeys(deps), 300),
  [discoveryPath]: document((deps, req) => discoveryDocument(deps.config, req), 300),
};

export const oauthCore: OAuthCore = {
  paths: Object.keys(endpoints),
  checkAuthorize,
  needsConsent,
  approve,
  deny,
  clientLogout,
  async handle(deps, path, req, res) {
    const endpoint = Object.hasOwn(endpoints, path) ? endpoints[path] : undefined;
    if (!endpoint) return false;
    await endpoint(deps, path, req, res);
    return true;
  },
};
