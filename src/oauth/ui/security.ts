// Security headers of everything under the mount, and the Content-Security-
// Policy of the pages: scripts and styles only from our own origin, the
// configured asset origin, or inline with this response's nonce; no framing
// (clickjacking), no MIME sniffing, no referrer leaking codes or tokens.
import { randomBytes } from "node:crypto";
import type { Config } from "../../config/index.js";
import type { Response } from "../api.js";

export const newNonce = (): string => randomBytes(18).toString("base64");

/** Headers every response under the mount gets, pages or not. */
export function setBaseHeaders(res: Response): void {
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("x-frame-options", "DENY");
  res.setHeader("referrer-policy", "no-referrer");
}

/** The origin of an absolute http(s) URL, or undefined for relative ones. */
export function originOf(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * The page policy. There is no form-action: browsers apply it to every
 * redirect after a form submission, and a login form legitimately ends, via
 * /authorize, at any registered client's redirect URI.
 */
export function contentSecurityPolicy(config: Config, nonce: string): string {
  const ui = config.is.oauth.ui;
  const assets = originOf(ui.assetsBaseUrl);
  const branding = originOf(ui.brandingBaseUrl);
  const api = originOf(ui.is.baseUrl);
  const list = (...items: (string | undefined)[]) => [...new Set(items.filter((i): i is string => Boolean(i)))].join(" ");
  return [
    `default-src 'self'`,
    `script-src ${list("'self'", `'nonce-${nonce}'`, assets)}`,
    `style-src ${list("'self'", `'nonce-${nonce}'`, assets)}`,
    `img-src ${list("'self'", "data:", assets, branding)}`,
    `font-src ${list("'self'", assets)}`,
    `connect-src ${list("'self'", api)}`,
    `frame-ancestors 'none'`,
    `base-uri 'none'`,
    `object-src 'none'`,
  ].join("; ");
}
