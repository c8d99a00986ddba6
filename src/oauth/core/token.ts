// POST <mount>/token: the client authenticates (HTTP Basic or the body), then
// the grant named by grant_type turns the request into tokens.
import { errInvalidGrantType, errMethodNotAllowed, errMissingGrantType } from "../../errors/index.js";
import { requestTraceOf } from "../../telemetry/tracing/index.js";
import type { OAuthDeps, Request, Response } from "../api.js";
import { authenticateClient, credentialsOf } from "./client-auth.js";
import { authorizationCodeGrant } from "./grants/authorization-code.js";
import type { Grant } from "./grants/grant.js";
import { passwordGrant } from "./grants/password.js";
import { refreshTokenGrant } from "./grants/refresh-token.js";
import { ProtocolError, readParams, rfc, sendError, sendJson, sendPreflight } from "./http.js";
import { issuerOf } from "./settings.js";

const grants: Record<string, Grant> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  password: passwordGrant,
};

export async function tokenEndpoint(deps: OAuthDeps, route: string, req: Request, res: Response): Promise<void> {
  if (req.method === "OPTIONS") return sendPreflight(res);
  // For metrics: a known grant type, never what the client sent otherwise.
  let grantLabel = "none";
  try {
    if (req.method !== "POST") throw errMethodNotAllowed({ method: req.method, route });
    const params = await readParams(req);
    const grantType = params.grant_type?.trim();
    if (!grantType) throw rfc("invalid_request", errMissingGrantType());
    const grant = Object.hasOwn(grants, grantType) ? grants[grantType] : undefined;
    grantLabel = grant ? grantType : "unsupported";
    if (!grant) throw rfc("unsupported_grant_type", errInvalidGrantType({ grant_type: grantType }));
    const client = await authenticateClient(deps, credentialsOf(req, params), requestTraceOf(req));
    const body = await grant({ deps, req, params, client, issuer: issuerOf(deps.config, req) });
    sendJson(res, 200, body, { "cache-control": "no-store", pragma: "no-cache" });
    deps.events?.grant(grantLabel, "ok");
  } catch (err) {
    deps.events?.grant(grantLabel, err instanceof ProtocolError ? err.rfcCode : "error");
    if (err instanceof ProtocolError) sendError(res, deps.log, err.error, err.rfcCode);
    else sendError(res, deps.log, err);
  }
}
