// The URLs a tenant is reached at. A tenant is served only on its own host,
// `<tenant-id>.<base domain>` (resolve.ts: pages and cookies know no other
// way to name a tenant), so every absolute URL the server hands out for a
// tenant (the OAuth issuer and its endpoints, login and callback URLs, links
// in e-mail) is the configured URL moved onto that host:
// - the default tenant, or a deployment without `tenancy.base-domains`: the
//   configured URL as it is (the default tenant is served on the base host);
// - a URL whose host is a base domain: the tenant's label in front of it,
//   scheme, port and path kept (`http://localhost:1885/oauth` with base domain
//   `localhost` is `http://acme.localhost:1885/oauth` for tenant acme);
// - a URL on a host of its own (`https://account.example.com/oauth`, or the
//   default `localhost` when it is not a base domain): no tenant URL follows
//   from it. `tenantUrl` answers undefined and the caller decides: the OAuth
//   server then uses the host the request came in on (always the tenant's),
//   e-mail, which has no request, the first base domain (`tenantUrlOn`).
import { hostName } from "./resolve.js";

export interface TenantHosts {
  defaultId: string;
  baseDomains: readonly string[];
}

const normalDomain = (d: string) => d.toLowerCase().replace(/\.$/, "");

/** `url` on `<tenantId>.<baseDomain>`, keeping its scheme, port, path and query. */
export function tenantUrlOn(url: string, tenantId: string, baseDomain: string): string {
  const u = new URL(url);
  u.hostname = `${tenantId}.${normalDomain(baseDomain)}`;
  return u.href.replace(/\/$/, url.endsWith("/") ? "/" : "");
}

/**
 * `url` as tenant `tenantId` is reached (see the header): unchanged for the
 * default tenant or without base domains (and for an empty or relative URL),
 * moved onto `<tenantId>.<host>` when its host is a base domain, undefined
 * when it names a host of its own.
 */
export function tenantUrl(url: string, tenantId: string, hosts: TenantHosts): string | undefined {
  if (tenantId === hosts.defaultId || hosts.baseDomains.length === 0 || !/^https?:\/\//i.test(url)) return url;
  const host = hostName(new URL(url).host);
  const base = hosts.baseDomains.find((d) => normalDomain(d) === host);
  return base === undefined ? undefined : tenantUrlOn(url, tenantId, base);
}
