// ttn.lorawan.v3.GatewayAccess: rights, API keys and collaborators of a
// gateway, through the shared implementations.
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { GatewayAccess } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { RightsSchema } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { scopeOf } from "../auth/scope.js";
import { sorted } from "../rights/algebra.js";
import { rightsOn } from "../rights/gate.js";
import { gatewayRef } from "./gateway-registry.js";
import { createAPIKey, deleteAPIKey, getAPIKey, listAPIKeys, updateAPIKey } from "./shared/api-keys.js";
import { deleteCollaborator, getCollaborator, listCollaborators, setCollaborator } from "./shared/collaborators.js";
import { contactsOf } from "./shared/contacts.js";

const gtw = (ids: { gatewayId: string } | undefined) => gatewayRef(ids, "gateway_ids.gateway_id");

export function gatewayAccess(): ServiceImpl<typeof GatewayAccess> {
  return {
    async listRights(req, ctx) {
      // Includes the rights a public status or location lends everyone (rights gate hook).
      return create(RightsSchema, { rights: sorted(await rightsOn(scopeOf(ctx), gatewayRef(req, "gateway_id"))) });
    },
    createAPIKey: (req, ctx) => createAPIKey(ctx, gtw(req.gatewayIds), req),
    listAPIKeys: (req, ctx) => listAPIKeys(ctx, gtw(req.gatewayIds), req),
    getAPIKey: (req, ctx) => getAPIKey(ctx, gtw(req.gatewayIds), req.keyId),
    updateAPIKey: (req, ctx) => updateAPIKey(ctx, gtw(req.gatewayIds), req.apiKey, req.fieldMask),
    async deleteAPIKey(req, ctx) {
      await deleteAPIKey(ctx, gtw(req.gatewayIds), req.keyId);
      return create(EmptySchema);
    },
    getCollaborator: (req, ctx) => getCollaborator(ctx, gtw(req.gatewayIds), req.collaborator),
    async setCollaborator(req, ctx) {
      await setCollaborator(ctx, gtw(req.gatewayIds), req.collaborator);
      return create(EmptySchema);
    },
    listCollaborators: (req, ctx) => listCollaborators(ctx, gtw(req.gatewayIds), req),
    async deleteCollaborator(req, ctx) {
      const ref = gtw(req.gatewayIds);
      await deleteCollaborator(ctx, ref, req.collaboratorIds, async (store) => contactsOf(await store.gateways.get(ref.id)));
      return create(EmptySchema);
    },
  };
}
