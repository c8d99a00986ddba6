// GET/POST <mount>/userinfo (OpenID Connect Core §5.3): the claims about the
// user of a Bearer access token that carries the `openid` scope: `sub`, and
// with `profile` name and preferred_username, with `email` the address and
// whether it is validated. Profile and e-mail claims also need RIGHT_USER_INFO
// in the token's rights, so the endpoint never shows more than the rights the
// user granted the client.
import { authenticate } from "../../../auth/caller.js";
import { errMethodNotAllowed, errTokenNotFound, errUnauthenticated, IsError } from "../../../errors/index.js";
import { rightByName } from "../../../rights/algebra.js";
import type { OAuthDeps, Request, Response } from "../../api.js";
import { authorizationHeader, sendError, sendJson, sendPreflight } from "../http.js";

const USER_INFO = rightByName("RIGHT_USER_INFO")!;

export async function userinfoEndpoint(deps: OAuthDeps, route: string, req: Request, res: Response): Promise<void> {
  if (req.method === "OPTIONS") return sendPreflight(res);
  const challenge = (error?: string) => ({ "www-authenticate": error ? `Bearer error="${error}"` : "Bearer" });
  if (req.method !== "GET" && req.method !== "POST") return sendError(res, deps.log, errMethodNotAllowed({ method: req.method, route }));
  const header = authorizationHeader(req);
  if (!header || !/^bearer\s/i.test(header)) return sendError(res, deps.log, errUnauthenticated(), "invalid_request", challenge());
  try {
    const caller = await authenticate(header, {
      store: deps.store,
      clusterKeys: [],
      adminRightsAll: deps.config.is.adminRights.all,
      now: deps.now,
      validationRequired: deps.config.is.userRegistration.contactInfoValidation.required,
    });
    // The token was looked up once, by authenticate: its scopes came with it.
    const scopes = caller.method === "oauth_access_token" ? caller.accessTokenScopes : undefined;
    if (!scopes) throw errTokenNotFound();
    if (!scopes.includes("openid")) {
      return sendError(res, deps.log, errUnauthenticated(), "insufficient_scope", { "www-authenticate": 'Bearer error="insufficient_scope", scope="openid"' });
    }
    const userId = caller.entity!.id;
    const claims: Record<string, unknown> = { sub: userId };
    if (caller.credentialRights.has(USER_INFO)) {
      const user = await deps.store.users.get(userId);
      if (scopes.includes("profile")) {
        if (user.name) claims.name = user.name;
        claims.preferred_username = userId;
      }
      if (scopes.includes("email") && user.primaryEmailAddress) {
        claims.email = user.primaryEmailAddress;
        claims.email_verified = Boolean(user.primaryEmailAddressValidatedAt);
      }
    }
    sendJson(res, 200, claims, { "cache-control": "no-store" });
  } catch (err) {
    const auth = err instanceof IsError && err.code === 16; // Unauthenticated
    sendError(res, deps.log, err, auth ? "invalid_token" : undefined, auth ? challenge("invalid_token") : {});
  }
}
