// TenantRegistry's read-only questions about tenants: how much each holds
// (registry totals) and which tenant holds an end device, a gateway or a
// billing account (what other stack components route traffic and bills by).
// The answers read across tenants through the tenant records, never a
// tenant's own store.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { FieldMask } from "@bufbuild/protobuf/wkt";
import { TenantIdentifiersSchema } from "../../../gen/tti/lorawan/v3/identifiers_pb.js";
import {
  BatchGetTenantRegistryTotalsResponseSchema, TenantRegistryTotalsSchema, type TenantRegistryTotals,
} from "../../../gen/tti/lorawan/v3/tenant_pb.js";
import type { TenantRegistry } from "../../../gen/tti/lorawan/v3/tenant_services_pb.js";
import { scopeOf, type RequestScope } from "../../auth/scope.js";
import { errAmbiguousTenant, errNoTenantWith, errValidation } from "../../errors/index.js";
import { euiHex } from "../../messages/eui.js";
import { pickPaths } from "../../messages/fieldmask.js";
import { checkTenantId } from "../../tenancy/resolve.js";
import { readPaths } from "../shared/masks.js";
import { check } from "../shared/validate.js";

type Lookups = Pick<
  ServiceImpl<typeof TenantRegistry>,
  "getRegistryTotals" | "batchGetRegistryTotals" | "getIdentifiersForEndDeviceEUIs" | "getIdentifiersForGatewayEUI" | "getIdentifiersForBillingIdentifiers"
>;

/** Tenants counted in one BatchGetRegistryTotals call, at most. */
const maxBatch = 100;

/** The totals of an existing tenant (the default tenant exists without a record too), reduced to the mask. */
async function totalsOf(scope: RequestScope, tenantId: string, paths: readonly string[]): Promise<TenantRegistryTotals> {
  checkTenantId(tenantId);
  if (tenantId !== scope.tenants.defaultId) await scope.tenants.records.get(tenantId);
  const totals = await scope.tenants.records.totals(tenantId);
  // An empty mask returns every count.
  return paths.length === 0 ? totals : pickPaths(TenantRegistryTotalsSchema, totals, paths);
}

function totalsPaths(mask: FieldMask | undefined): string[] {
  return readPaths(TenantRegistryTotalsSchema, mask);
}

/** The one tenant in `found`: `no_tenant_with` for none, `ambiguous_tenant` for several. */
function theTenant(found: readonly string[], what: string) {
  if (found.length === 0) throw errNoTenantWith({ what });
  if (found.length > 1) throw errAmbiguousTenant({ what });
  return create(TenantIdentifiersSchema, { tenantId: found[0] });
}

const eui = (field: string, value: Uint8Array) => check(field, value, (v) => ((v as Uint8Array).length === 8 ? undefined : "must be 8 bytes"));

export function tenantLookups(): Lookups {
  return {
    async getRegistryTotals(req, ctx) {
      return totalsOf(scopeOf(ctx), req.tenantIds?.tenantId ?? "", totalsPaths(req.fieldMask));
    },

    async batchGetRegistryTotals(req, ctx) {
      const scope = scopeOf(ctx);
      if (req.tenantIds.length > maxBatch) throw errValidation({ field: "tenant_ids", reason: `must name at most ${maxBatch} tenants` });
      const paths = totalsPaths(req.fieldMask);
      const totals = [];
      for (const ids of req.tenantIds) totals.push({ tenantIds: ids, totals: await totalsOf(scope, ids.tenantId, paths) });
      return create(BatchGetTenantRegistryTotalsResponseSchema, { totals });
    },

    async getIdentifiersForEndDeviceEUIs(req, ctx) {
      eui("join_eui", req.joinEui);
      eui("dev_eui", req.devEui);
      const found = await scopeOf(ctx).tenants.records.byEndDeviceEUIs(req.joinEui, req.devEui);
      return theTenant(found, `an end device with JoinEUI \`${euiHex(req.joinEui)}\` and DevEUI \`${euiHex(req.devEui)}\``);
    },

    async getIdentifiersForGatewayEUI(req, ctx) {
      eui("eui", req.eui);
      const found = await scopeOf(ctx).tenants.records.byGatewayEUI(req.eui);
      return theTenant(found, `a gateway with EUI \`${euiHex(req.eui)}\``);
    },

    async getIdentifiersForBillingIdentifiers(req, ctx) {
      const billingId = req.ids?.billingId ?? "";
      check("ids.billing_id", billingId, (v) => (v ? undefined : "must be set"));
      const found = await scopeOf(ctx).tenants.records.byBillingIdentifiers(billingId);
      return theTenant(found, `billing ID \`${billingId}\``);
    },
  };
}
