// Where the OAuth server lives and how long what it issues lasts, from the
// configuration. The issuer (OpenID Connect's name for the server, and the
// base of every endpoint it advertises) is `is.oauth.ui.canonical-url`; when
// an operator empties it, the issuer follows the request's host and scheme.
import type { Config } from "../../config/index.js";
import type { Request } from "../api.js";
import { hostOf, isTls } from "./http.js";

/** `is.oauth.mount` without a trailing slash ("" for the root). */
export function mountOf(config: Config): string {
  return config.is.oauth.mount.replace(/\/+$/, "");
}

/** The configured issuer, when there is one. */
export function configuredIssuer(config: Config): string | undefined {
  const url = config.is.oauth.ui.canonicalUrl.trim().replace(/\/+$/, "");
  return url || undefined;
}

/** The URL of the mount at the scheme and host this request came to. */
export function requestBase(config: Config, req: Request): string {
  return `${isTls(req) ? "https" : "http"}://${hostOf(req)}${mountOf(config)}`;
}

/** The issuer as seen by this request. */
export function issuerOf(config: Config, req: Request): string {
  return configuredIssuer(config) ?? requestBase(config, req);
}

export const accessTokenTtl = (config: Config): number => config.is.oauth.accessTokenTtl;
export const codeTtl = (config: Config): number => config.is.oauth.authorizationCodeTtl;
