// ttn.lorawan.v3.OrganizationAccess: rights, API keys and members of an
// organization, through the shared implementations. Members are users only.
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { OrganizationOrUserIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { OrganizationAccess } from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import { RightsSchema } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { scopeOf } from "../auth/scope.js";
import { errNestedOrganizations } from "../errors/index.js";
import { rightByName, sorted } from "../rights/algebra.js";
import { requireRights, rightsOn } from "../rights/gate.js";
import { organizationRef } from "./organization-registry.js";
import { createAPIKey, deleteAPIKey, getAPIKey, listAPIKeys, updateAPIKey } from "./shared/api-keys.js";
import { deleteCollaborator, getCollaborator, listCollaborators, setCollaborator } from "./shared/collaborators.js";
import { contactsOf } from "./shared/contacts.js";

const org = (ids: { organizationId: string } | undefined) => organizationRef(ids, "organization_ids.organization_id");

/** Organizations cannot be members of organizations. */
function noOrganization(ids: OrganizationOrUserIdentifiers | undefined): void {
  if (ids?.ids.case === "organizationIds") throw errNestedOrganizations();
}

export function organizationAccess(): ServiceImpl<typeof OrganizationAccess> {
  return {
    async listRights(req, ctx) {
      return create(RightsSchema, { rights: sorted(await rightsOn(scopeOf(ctx), organizationRef(req, "organization_id"))) });
    },
    createAPIKey: (req, ctx) => createAPIKey(ctx, org(req.organizationIds), req),
    listAPIKeys: (req, ctx) => listAPIKeys(ctx, org(req.organizationIds), req),
    getAPIKey: (req, ctx) => getAPIKey(ctx, org(req.organizationIds), req.keyId),
    updateAPIKey: (req, ctx) => updateAPIKey(ctx, org(req.organizationIds), req.apiKey, req.fieldMask),
    async deleteAPIKey(req, ctx) {
      await deleteAPIKey(ctx, org(req.organizationIds), req.keyId);
      return create(EmptySchema);
    },
    getCollaborator: (req, ctx) => getCollaborator(ctx, org(req.organizationIds), req.collaborator),
    async setCollaborator(req, ctx) {
      const ref = org(req.organizationIds);
      await requireRights(scopeOf(ctx), ref, rightByName("RIGHT_ORGANIZATION_SETTINGS_MEMBERS")!);
      noOrganization(req.collaborator?.ids);
      await setCollaborator(ctx, ref, req.collaborator);
      return create(EmptySchema);
    },
    listCollaborators: (req, ctx) => listCollaborators(ctx, org(req.organizationIds), req),
    async deleteCollaborator(req, ctx) {
      const ref = org(req.organizationIds);
      await deleteCollaborator(ctx, ref, req.collaboratorIds, async (store) => contactsOf(await store.organizations.get(ref.id)));
      return create(EmptySchema);
    },
  };
}
