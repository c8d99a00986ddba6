// The OpenID Provider metadata (OpenID Connect Discovery 1.0, RFC 8414): where
// the endpoints are and what they support, all under the issuer.
import type { Config } from "../../../config/index.js";
import type { Request } from "../../api.js";
import { issuerOf } from "../settings.js";
import { signingAlg } from "./keys.js";

export function discoveryDocument(config: Config, req: Request): Record<string, unknown> {
  const issuer = issuerOf(config, req);
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token", "password"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: [signingAlg],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
    code_challenge_methods_supported: ["S256"],
    claims_supported: ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "name", "preferred_username", "email", "email_verified"],
    // Every answer of the authorization endpoint carries `iss`, this document's `issuer` (RFC 9207).
    authorization_response_iss_parameter_supported: true,
  };
}
