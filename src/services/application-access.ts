// ttn.lorawan.v3.ApplicationAccess: rights, API keys and collaborators of an
// application, through the shared implementations.
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { ApplicationAccess } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { RightsSchema } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { scopeOf } from "../auth/scope.js";
import { sorted } from "../rights/algebra.js";
import { rightsOn } from "../rights/gate.js";
import { applicationRef } from "./application-registry.js";
import { createAPIKey, deleteAPIKey, getAPIKey, listAPIKeys, updateAPIKey } from "./shared/api-keys.js";
import { deleteCollaborator, getCollaborator, listCollaborators, setCollaborator } from "./shared/collaborators.js";
import { contactsOf } from "./shared/contacts.js";

const app = (ids: { applicationId: string } | undefined) => applicationRef(ids, "application_ids.application_id");

export function applicationAccess(): ServiceImpl<typeof ApplicationAccess> {
  return {
    async listRights(req, ctx) {
      return create(RightsSchema, { rights: sorted(await rightsOn(scopeOf(ctx), applicationRef(req, "application_id"))) });
    },
    createAPIKey: (req, ctx) => createAPIKey(ctx, app(req.applicationIds), req),
    listAPIKeys: (req, ctx) => listAPIKeys(ctx, app(req.applicationIds), req),
    getAPIKey: (req, ctx) => getAPIKey(ctx, app(req.applicationIds), req.keyId),
    updateAPIKey: (req, ctx) => updateAPIKey(ctx, app(req.applicationIds), req.apiKey, req.fieldMask),
    async deleteAPIKey(req, ctx) {
      await deleteAPIKey(ctx, app(req.applicationIds), req.keyId);
      return create(EmptySchema);
    },
    getCollaborator: (req, ctx) => getCollaborator(ctx, app(req.applicationIds), req.collaborator),
    async setCollaborator(req, ctx) {
      await setCollaborator(ctx, app(req.applicationIds), req.collaborator);
      return create(EmptySchema);
    },
    listCollaborators: (req, ctx) => listCollaborators(ctx, app(req.applicationIds), req),
    async deleteCollaborator(req, ctx) {
      const ref = app(req.applicationIds);
      await deleteCollaborator(ctx, ref, req.collaboratorIds, async (store) => contactsOf(await store.applications.get(ref.id)));
      return create(EmptySchema);
    },
  };
}
