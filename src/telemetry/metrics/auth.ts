// Authentication outcomes of RPCs by credential method: `ok`, or the name of
// the error that refused the credential (api_key_not_found, token_expired,
// invalid_authorization...). Labels never carry identifiers: the method comes
// from the authorization scheme and token prefix, the reason from the error
// catalogue. Seen once per call that asks who the caller is (the scope's
// caller(), src/auth/interceptor.ts); calls without credentials are not
// authentications and are not counted.
import { Counter, type Registry } from "prom-client";
import type { Caller } from "../../auth/caller.js";
import { TokenType } from "../../auth/tokens.js";
import { IsError } from "../../errors/definition.js";

/** The method a credential claims, from the header alone (for failures, which have no Caller). */
export function credentialMethod(header: string): string {
  const space = header.indexOf(" ");
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  if (scheme === "clusterkey") return "cluster";
  if (scheme === "tenantadminkey") return "tenant_admin";
  if (scheme !== "bearer") return "unsupported";
  const token = header.slice(space + 1).trimStart();
  const dot = token.indexOf(".");
  const prefix = dot < 0 ? token : token.slice(0, dot);
  if (prefix === TokenType.APIKey) return "api_key";
  if (prefix === TokenType.AccessToken) return "oauth_access_token";
  if (prefix === TokenType.SessionToken) return "user_session";
  return "unsupported";
}

/** The catalogue name of the error that refused a credential; `error` for anything else. */
const reasonOf = (err: unknown) => (err instanceof IsError ? err.definition.name : "error");

export type ObserveAuthentication = (header: string, caller: Promise<Caller>) => Promise<Caller>;

export function authMetrics(registry: Registry): ObserveAuthentication {
  const attempts = new Counter({
    name: "is_auth_attempts_total",
    help: "Credentials presented with RPCs, by method (api_key, oauth_access_token, user_session, cluster, tenant_admin, unsupported) and result (ok, or the error's name)",
    labelNames: ["method", "result"] as const,
    registers: [registry],
  });
  // Children by method (successes: every authenticated call) and by "method result" (failures).
  const ok = new Map<string, Counter.Internal>();
  const failed = new Map<string, Counter.Internal>();
  const count = (method: string, result: string) => {
    const key = `${method} ${result}`;
    let child = failed.get(key);
    if (!child) failed.set(key, (child = attempts.labels(method, result)));
    child.inc();
  };
  return (header, caller) =>
    caller.then(
      (c) => {
        let child = ok.get(c.method);
        if (!child) ok.set(c.method, (child = attempts.labels(c.method, "ok")));
        child.inc();
        return c;
      },
      (err: unknown) => {
        count(credentialMethod(header), reasonOf(err));
        throw err;
      },
    );
}
