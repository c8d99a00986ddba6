// ttn.lorawan.v3.GatewayBatchAccess and GatewayBatchRegistry: rights over
// several gateways at once (§4.6), and deleting several gateways in one go.
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { GatewayBatchAccess, GatewayBatchRegistry } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import type { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import type { RequestScope } from "../auth/scope.js";
import { scopeOf } from "../auth/scope.js";
import {
  errEmptyRequest, errGatewayNotFound, errInsufficientBatchRights, errNeitherUserNorOrganization, errNonGatewayRights, errSomeGatewaysNotFound, errValidation,
} from "../errors/index.js";
import { missing, rightByName, rightName, rightsOfKind } from "../rights/algebra.js";
import { rightsOn } from "../rights/gate.js";
import { gatewayRef } from "./gateway-registry.js";

const GATEWAY_DELETE = rightByName("RIGHT_GATEWAY_DELETE")!;
const GATEWAY_STATUS_READ = rightByName("RIGHT_GATEWAY_STATUS_READ")!;
const GATEWAY_LOCATION_READ = rightByName("RIGHT_GATEWAY_LOCATION_READ")!;

/** Distinct gateway IDs of a batch request, 1 to `max` of them. */
function gatewayIDs(ids: readonly { gatewayId: string }[], max: number): string[] {
  if (ids.length === 0) throw errEmptyRequest();
  const out = [...new Set(ids.map((g, i) => gatewayRef(g, `gateway_ids[${i}].gateway_id`).id))];
  if (out.length > max) throw errValidation({ field: "gateway_ids", reason: `must have at most ${max} items` });
  return out;
}

/**
 * Throws unless the caller, a user or organization whose own credential holds every
 * required right, has them on every gateway. Gateways whose public flags lend exactly
 * what is asked are skipped; admins whose universal rights cover the request pass.
 */
async function assertBatchRights(scope: RequestScope, ids: readonly string[], required: readonly Right[]): Promise<void> {
  const caller = await scope.caller();
  const holder = caller.entity;
  if (!holder || (holder.kind !== "user" && holder.kind !== "organization")) throw errNeitherUserNorOrganization();
  if (missing(required, caller.credentialRights).length > 0) throw errInsufficientBatchRights();
  const gateways = await Promise.all(
    ids.map((id) =>
      scope.store.gateways.get(id).catch((err: unknown) => {
        if (errGatewayNotFound.is(err)) return undefined;
        throw err;
      }),
    ),
  );
  if (gateways.some((g) => g === undefined)) throw caller.isAdmin ? errSomeGatewaysNotFound() : errInsufficientBatchRights();
  const lent = (g: (typeof gateways)[number]) =>
    new Set([...(g!.statusPublic ? [GATEWAY_STATUS_READ] : []), ...(g!.locationPublic ? [GATEWAY_LOCATION_READ] : [])]);
  const remaining = gateways.filter((g) => missing(required, lent(g)).length > 0);
  if (remaining.length === 0 || missing(required, caller.universalRights).length === 0) return;
  for (const g of remaining) {
    const have = await rightsOn(scope, { kind: "gateway", id: g!.ids!.gatewayId });
    if (missing(required, have).length > 0) throw errInsufficientBatchRights();
  }
}

export function gatewayBatchAccess(): ServiceImpl<typeof GatewayBatchAccess> {
  return {
    async assertRights(req, ctx) {
      const scope = scopeOf(ctx);
      const required = [...new Set(req.required?.rights ?? [])];
      if (required.length === 0) throw errEmptyRequest();
      const foreign = required.filter((r) => !rightsOfKind.gateway.has(r));
      if (foreign.length > 0) throw errNonGatewayRights({ rights: foreign.map(rightName) });
      await assertBatchRights(scope, gatewayIDs(req.gatewayIds, 100), required);
      return create(EmptySchema);
    },
  };
}

export function gatewayBatchRegistry(): ServiceImpl<typeof GatewayBatchRegistry> {
  return {
    async delete(req, ctx) {
      const scope = scopeOf(ctx);
      const ids = gatewayIDs(req.gatewayIds, 20);
      await assertBatchRights(scope, ids, [GATEWAY_DELETE]);
      await scope.store.transact(async (tx) => {
        for (const id of ids) await tx.gateways.delete(id);
      });
      return create(EmptySchema);
    },
  };
}
