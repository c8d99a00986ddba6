// tti.lorawan.v3.TenantRegistry: tenants and their lifecycle, for tenant admin
// keys only (the policy interceptor admits nothing else, so handlers do not
// check the caller). Handlers work on the tenant records (`scope.tenants.records`,
// whose writes move the auth cache's clock), never on a tenant's own store,
// except to put a new tenant's first user in it.
// Order of every handler: identifiers -> validate -> store -> shape.
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { TenantSchema, TenantsSchema, type Tenant } from "../../gen/tti/lorawan/v3/tenant_pb.js";
import type { TenantRegistry } from "../../gen/tti/lorawan/v3/tenant_services_pb.js";
import type { PasswordHasher } from "../auth/passwords.js";
import { scopeOf, type RequestScope } from "../auth/scope.js";
import { errDefaultTenant } from "../errors/index.js";
import type { Store } from "../store/interfaces.js";
import { topLevelPaths } from "../messages/fieldmask.js";
import { effectiveConfig } from "../tenancy/configuration.js";
import { checkTenantId } from "../tenancy/resolve.js";
import { assertRestorable } from "./shared/lifecycle.js";
import { applyReadMask, readPaths, updatePaths } from "./shared/masks.js";
import { pageOptions, setTotal } from "./shared/pagination.js";
import { initialUser, storeInitialUser } from "./tenants/initial-user.js";
import { tenantLookups } from "./tenants/lookups.js";
import { checkTenant } from "./tenants/rules.js";

const tenantOrders = ["tenant_id", "name", "created_at"];

function tenantIdOf(ids: { tenantId: string } | undefined): string {
  return checkTenantId(ids?.tenantId ?? "");
}

/** The default tenant serves every request that names no tenant: it stays. */
function assertNotDefault(scope: RequestScope, tenantId: string, action: "deleted" | "purged"): void {
  if (tenantId === scope.tenants.defaultId) throw errDefaultTenant({ tenant_id: tenantId, action });
}

export function tenantRegistry(deps: { hasher: PasswordHasher }): ServiceImpl<typeof TenantRegistry> {
  return {
    async create(req, ctx) {
      const scope = scopeOf(ctx);
      const tenant = create(TenantSchema, req.tenant ?? {});
      // The configured default tenant may be created too: that gives it a record (limits, configuration, state).
      const tenantId = tenantIdOf(tenant.ids);
      checkTenant("tenant.", tenant);
      // A state cannot be told from STATE_REQUESTED (0) in proto3: a tenant made
      // without one serves at once, as `tenants create <id>` does in the stack.
      if (tenant.state === State.REQUESTED) tenant.state = State.APPROVED;
      const now = scope.now();
      // Checked and hashed before the transaction, so it holds no locks while hashing.
      const adminDeps = { config: effectiveConfig(scope.config, tenant), hasher: deps.hasher, now };
      const admin = req.initialUser ? await initialUser(req.initialUser, adminDeps) : undefined;
      // The tenant and its first user commit together or not at all.
      const init = admin && ((store: Store) => storeInitialUser({ ...adminDeps, emails: scope.emails }, store, admin));
      return scope.tenants.records.create(tenant, init);
    },

    async get(req, ctx) {
      const scope = scopeOf(ctx);
      const tenantId = tenantIdOf(req.tenantIds);
      const paths = readPaths(TenantSchema, req.fieldMask);
      return applyReadMask(TenantSchema, await scope.tenants.records.get(tenantId), paths);
    },

    async list(req, ctx) {
      const scope = scopeOf(ctx);
      const paths = readPaths(TenantSchema, req.fieldMask);
      const page = await scope.tenants.records.find({ ...pageOptions(req, scope.config.is.pagination.defaultLimit, tenantOrders), deleted: req.deleted });
      setTotal(ctx, page.total);
      return create(TenantsSchema, { tenants: page.items.map((t) => applyReadMask(TenantSchema, t, paths)) });
    },

    async update(req, ctx) {
      const scope = scopeOf(ctx);
      const tenant: Tenant = create(TenantSchema, req.tenant ?? {});
      const tenantId = tenantIdOf(tenant.ids);
      const paths = updatePaths(TenantSchema, req.fieldMask);
      const top = topLevelPaths(paths);
      checkTenant("tenant.", tenant, top);
      // A new state without a new description clears the old description.
      if (top.has("state") && !top.has("state_description")) {
        tenant.stateDescription = "";
        paths.push("state_description");
      }
      const updated = await scope.tenants.records.update(tenantId, tenant, paths);
      return applyReadMask(TenantSchema, updated, paths);
    },

    async delete(req, ctx) {
      const scope = scopeOf(ctx);
      const tenantId = tenantIdOf(req);
      assertNotDefault(scope, tenantId, "deleted");
      await scope.tenants.records.delete(tenantId);
      return create(EmptySchema);
    },

    async restore(req, ctx) {
      const scope = scopeOf(ctx);
      const tenantId = tenantIdOf(req);
      // Deleted, and within is.delete.restore, as for every other entity.
      await assertRestorable(scope, scope.tenants.records, tenantId);
      await scope.tenants.records.restore(tenantId);
      return create(EmptySchema);
    },

    async purge(req, ctx) {
      const scope = scopeOf(ctx);
      const tenantId = tenantIdOf(req);
      assertNotDefault(scope, tenantId, "purged");
      await scope.tenants.records.purge(tenantId);
      return create(EmptySchema);
    },

    ...tenantLookups(),
  };
}
