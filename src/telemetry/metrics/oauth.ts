// The OAuth server: token requests by grant type and outcome (src/oauth/core/token.ts),
// and logins the failed-login throttle refused before checking the password
// (the login page and the password grant, src/oauth/ui/throttle.ts).
import { Counter, type Registry } from "prom-client";
import type { OAuthEvents } from "../../oauth/api.js";

export function oauthMetrics(registry: Registry): OAuthEvents {
  const tokens = new Counter({
    name: "is_oauth_token_requests_total",
    help: "Requests to the token endpoint, by grant type (authorization_code, refresh_token, password; unsupported, none) and outcome (ok, the RFC 6749 error code, or error)",
    labelNames: ["grant_type", "outcome"] as const,
    registers: [registry],
  });
  const throttled = new Counter({
    name: "is_oauth_login_throttled_total",
    help: "Logins (page or password grant) refused by the failed-login throttle",
    registers: [registry],
  });
  const children = new Map<string, Counter.Internal>();
  return {
    grant(grantType, outcome) {
      const key = `${grantType} ${outcome}`;
      let child = children.get(key);
      if (!child) children.set(key, (child = tokens.labels(grantType, outcome)));
      child.inc();
    },
    throttled: () => throttled.inc(),
  };
}
