// The OAuth server per tenant. Every request under is.oauth.mount (and the
// discovery document at the root) names its tenant by its Host only
// (`<tenant>.<base domain>`, src/tenancy/resolve.ts): pages, cookies and
// protocol endpoints never take a `tenant-id` header, so a browser cannot be
// led to act in another tenant than the host it sees. An unknown, suspended or
// deleted tenant is refused (the directory's `admit`) in the format of the
// endpoint asked: the JSON error of the protocol endpoints and the account
// API, or the error page. Everything else is served by an OAuth HTTP bound to
// the tenant: its store (so codes, tokens and sessions of one tenant are
// unknown to another), its ID (in its session cookies), its effective
// configuration with its URLs on its host (tenantOAuthConfig below), and the
// services in-process called for the tenant. Made on first use, rebuilt when
// the tenant's configuration changes, kept for the most recently used tenants.
import type { Transport } from "@connectrpc/connect";
import type { Config } from "../config/index.js";
import type { RateLimits } from "../store/interfaces.js";
import type { TenantDirectory } from "../tenancy/directory.js";
import { tenantHeader, type TenantResolver } from "../tenancy/resolve.js";
import { tenantUrl, type TenantHosts } from "../tenancy/urls.js";
import type { Request, Response } from "./api.js";
import { hostOf } from "./core/http.js";
import { createOAuthHttp, oauthPathOf, oauthShared, type OAuthHttp, type OAuthHttpDeps } from "./http.js";
import { sessionCookieName } from "./session-cookie.js";
import { loginThrottle, occasionalPrune } from "./ui/throttle.js";

export interface TenantOAuthDeps extends Omit<OAuthHttpDeps, "store" | "tenantId" | "throttle"> {
  tenants: TenantDirectory;
  /** Failed-login counters, per tenant, shared with the other servers on the database. */
  rateLimits: RateLimits;
  resolver: TenantResolver;
  /** Tenants whose OAuth HTTP is kept (least recently used go first). */
  maxTenants?: number;
}

export interface TenantOAuth {
  /** Serves a request under the mount, a built-in asset or the root discovery document; false when it is not ours. */
  serve(req: Request, res: Response): Promise<boolean>;
  /** The session cookie as the /api/v3 credential, for the tenant of the request's host only (OAuthHttp.sessionCredential). */
  sessionCredential(req: Request, res: Response): Promise<boolean>;
}

/**
 * The tenant's view of the OAuth options: the canonical URL (the issuer), the
 * Console URL and the API base URL of the pages moved onto the tenant's host
 * (src/tenancy/urls.ts). A canonical URL on a host of its own becomes empty,
 * so the issuer is the request's own host, which is the tenant's (it named the
 * tenant); the other two then stay as configured.
 */
export function tenantOAuthConfig(config: Config, tenantId: string, hosts: TenantHosts): Config {
  if (tenantId === hosts.defaultId) return config;
  const ui = config.is.oauth.ui;
  const moved = (url: string) => tenantUrl(url, tenantId, hosts);
  return {
    ...config,
    is: {
      ...config.is,
      oauth: {
        ...config.is.oauth,
        ui: { ...ui, canonicalUrl: moved(ui.canonicalUrl) ?? "", consoleUrl: moved(ui.consoleUrl) ?? ui.consoleUrl, is: { ...ui.is, baseUrl: moved(ui.is.baseUrl) ?? ui.is.baseUrl } },
      },
    },
  };
}

/** The in-process services, called for `tenantId` (the pages' calls carry no host, which means the default tenant). */
function tenantTransport(transport: Transport, tenantId: string): Transport {
  const withTenant = (header: ConstructorParameters<typeof Headers>[0]) => {
    const headers = new Headers(header);
    headers.set(tenantHeader, tenantId);
    return headers;
  };
  return {
    unary: (method, signal, timeoutMs, header, input, contextValues) => transport.unary(method, signal, timeoutMs, withTenant(header), input, contextValues),
    stream: (method, signal, timeoutMs, header, input, contextValues) => transport.stream(method, signal, timeoutMs, withTenant(header), input, contextValues),
  };
}

interface Entry {
  /** The effective configuration it was built from (the directory's object, replaced when the tenant record changes). */
  config: Config;
  http: OAuthHttp;
}

export function tenantOAuth(deps: TenantOAuthDeps): TenantOAuth {
  const { tenants, resolver, config } = deps;
  const max = deps.maxTenants ?? 1024;
  const shared = oauthShared(deps);
  const hosts: TenantHosts = { defaultId: tenants.defaultId, baseDomains: config.tenancy.baseDomains };
  const entries = new Map<string, Entry>();
  // Expired counters of every tenant go now and then, from whichever server sees failures.
  const prune = occasionalPrune(deps.rateLimits.prune, (err) => deps.log.warn({ err }, "deleting expired rate limit counters failed"));
  // The counts live in the database: a rebuilt tenant (new configuration) forgives no failed login.
  const throttleOf = (tenantId: string) => loginThrottle(deps.rateLimits.tenant(tenantId), { prune });
  // Assets and refusals belong to no tenant: served with the server-wide options.
  const plain = createOAuthHttp({ ...deps, store: tenants.store(tenants.defaultId), tenantId: tenants.defaultId, throttle: throttleOf(tenants.defaultId) }, shared);

  const httpOf = async (tenantId: string): Promise<OAuthHttp> => {
    const effective = await tenants.config(tenantId);
    let entry = entries.get(tenantId);
    if (entry) entries.delete(tenantId); // most recently used last: a Map keeps insertion order
    if (!entry || entry.config !== effective) {
      const http = createOAuthHttp(
        {
          ...deps,
          config: tenantOAuthConfig(effective, tenantId, hosts),
          store: tenants.store(tenantId),
          tenantId,
          transport: tenantId === tenants.defaultId ? deps.transport : tenantTransport(deps.transport, tenantId),
          throttle: throttleOf(tenantId),
        },
        shared,
      );
      entry = { config: effective, http };
    }
    if (entries.size >= max) entries.delete(entries.keys().next().value!);
    entries.set(tenantId, entry);
    return entry.http;
  };

  /** The admitted tenant of the request's host (throws `invalid_tenant_id`, `tenant_not_found`, `tenant_suspended`, `tenant_deleted`). */
  const tenantOf = async (req: Request): Promise<string> => {
    const tenantId = resolver.fromHost(hostOf(req)) ?? tenants.defaultId;
    await tenants.admit(tenantId);
    return tenantId;
  };

  return {
    async serve(req, res) {
      const path = (req.url ?? "/").split("?", 1)[0]!;
      const kind = oauthPathOf(config, deps.core, path);
      if (kind === undefined) return false;
      if (kind === "asset") return plain.serve(req, res);
      let tenantId: string;
      try {
        tenantId = await tenantOf(req);
      } catch (err) {
        plain.refuse(req, res, err);
        return true;
      }
      return (await httpOf(tenantId)).serve(req, res);
    },

    async sessionCredential(req, res) {
      if (req.headers.authorization || !String(req.headers.cookie ?? "").includes(sessionCookieName)) return true;
      let tenantId: string;
      try {
        tenantId = await tenantOf(req);
      } catch {
        return true; // no session then: the API refuses the tenant itself
      }
      // A cookie is a credential of its host's tenant only, never of one a header names.
      const named = req.headers[tenantHeader];
      if (named !== undefined && String(named).trim().toLowerCase() !== tenantId) return true;
      return (await httpOf(tenantId)).sessionCredential(req, res);
    },
  };
}
