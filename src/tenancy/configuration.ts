// A tenant's effective configuration: the server-wide options (`is.*`) with the
// tenant's own settings (Tenant.configuration.default_cluster.is, and the
// tenant's name and limits) laid over them where the Enterprise documents an
// override; whatever the tenant leaves unset falls back to the global option.
import type { Tenant } from "../../gen/tti/lorawan/v3/tenant_pb.js";
import type { Config } from "../config/index.js";

export function effectiveConfig(base: Config, tenant: Tenant | undefined): Config {
  if (!tenant?.configuration) return base;
  // The overrides arrive with the tenant configuration work (issue 12); until then every tenant runs on the global options.
  return base;
}
