// ttn.lorawan.v3.ClientAccess: rights and collaborators of an OAuth client,
// through the shared implementations. Clients have no API keys.
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { ClientAccess } from "../../gen/ttn/lorawan/v3/client_services_pb.js";
import { RightsSchema } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { scopeOf } from "../auth/scope.js";
import { sorted } from "../rights/algebra.js";
import { rightsOn } from "../rights/gate.js";
import { clientRef } from "./client-registry.js";
import { deleteCollaborator, getCollaborator, listCollaborators, setCollaborator } from "./shared/collaborators.js";
import { contactsOf } from "./shared/contacts.js";

const client = (ids: { clientId: string } | undefined) => clientRef(ids, "client_ids.client_id");

export function clientAccess(): ServiceImpl<typeof ClientAccess> {
  return {
    async listRights(req, ctx) {
      return create(RightsSchema, { rights: sorted(await rightsOn(scopeOf(ctx), clientRef(req, "client_id"))) });
    },
    getCollaborator: (req, ctx) => getCollaborator(ctx, client(req.clientIds), req.collaborator),
    async setCollaborator(req, ctx) {
      await setCollaborator(ctx, client(req.clientIds), req.collaborator);
      return create(EmptySchema);
    },
    listCollaborators: (req, ctx) => listCollaborators(ctx, client(req.clientIds), req),
    async deleteCollaborator(req, ctx) {
      const ref = client(req.clientIds);
      await deleteCollaborator(ctx, ref, req.collaboratorIds, async (store) => contactsOf(await store.clients.get(ref.id)));
      return create(EmptySchema);
    },
  };
}
