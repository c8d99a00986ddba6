// Which tenant a request is for. The host name decides when it is
// `<tenant-id>.<base domain>` for one of `tenancy.base-domains`; a caller
// without such a host (a gRPC peer dialing an IP address, a script on
// localhost) may name the tenant in the `tenant-id` header (gRPC metadata,
// Connect, /api/v3); neither gives `tenancy.default-id`. A request whose host
// and header disagree is refused rather than served by either tenant.
import { errInvalidTenantID, errTenantMismatch } from "../errors/index.js";

/** The header (gRPC metadata key) that names a tenant explicitly. */
export const tenantHeader = "tenant-id";

const tenantIdPattern = /^[a-z0-9](?:-?[a-z0-9]){2,35}$/;

export function isTenantId(id: string): boolean {
  return tenantIdPattern.test(id);
}

export function checkTenantId(id: string): string {
  if (!isTenantId(id)) throw errInvalidTenantID({ tenant_id: id.slice(0, 64) });
  return id;
}

/** `host[:port]` without its port, lowercased, without a final dot; IPv6 literals keep their brackets. */
export function hostName(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith("[")) return name.slice(0, name.indexOf("]") + 1);
  const colon = name.lastIndexOf(":");
  if (colon >= 0) name = name.slice(0, colon);
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

export interface TenantResolver {
  readonly defaultId: string;
  /** The tenant a host name names, if any (`acme.eu1.example.com` -> acme). */
  fromHost(host: string | null | undefined): string | undefined;
  /** The request's tenant; `tenant_mismatch`, `invalid_tenant_id` for a bad request. */
  resolve(host: string | null | undefined, explicit: string | null | undefined): string;
}

export function tenantResolver(opts: { defaultId: string; baseDomains: readonly string[] }): TenantResolver {
  // Longest first: with base domains example.com and eu1.example.com, acme.eu1.example.com is acme's.
  const suffixes = [...opts.baseDomains].map((d) => `.${d.toLowerCase().replace(/\.$/, "")}`).sort((a, b) => b.length - a.length);
  const fromHost = (host: string | null | undefined): string | undefined => {
    if (!host || suffixes.length === 0) return undefined;
    const name = hostName(host);
    for (const suffix of suffixes) {
      if (!name.endsWith(suffix)) continue;
      const label = name.slice(0, -suffix.length);
      // The base domain itself, or a deeper name (a.b.<base>), names no tenant.
      if (!label || label.includes(".")) return undefined;
      return checkTenantId(label);
    }
    return undefined;
  };
  return {
    defaultId: opts.defaultId,
    fromHost,
    resolve(host, explicit) {
      const byHost = fromHost(host);
      if (explicit === null || explicit === undefined || explicit === "") return byHost ?? opts.defaultId;
      const named = checkTenantId(explicit.trim().toLowerCase());
      if (byHost && byHost !== named) throw errTenantMismatch({ requested: named, host: byHost });
      return named;
    },
  };
}
