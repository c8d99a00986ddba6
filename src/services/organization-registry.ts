// ttn.lorawan.v3.OrganizationRegistry: organizations and their lifecycle.
// Order of every handler: check identifiers -> rights -> validate -> store -> shape.
// Organizations are accounts: their members are users (never organizations),
// and they collaborate on applications, clients and gateways.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { OrganizationOrUserIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { OrganizationSchema, OrganizationsSchema, type Organization } from "../../gen/ttn/lorawan/v3/organization_pb.js";
import { OrganizationRegistry } from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import { requireAuthenticated } from "../auth/caller.js";
import { accountRef } from "../auth/identifiers.js";
import { scopeOf } from "../auth/scope.js";
import { errAdminsCreate, errNestedOrganizations, errValidation } from "../errors/index.js";
import { topLevelPaths } from "../messages/fieldmask.js";
import { RIGHT_ALL, rightByName } from "../rights/algebra.js";
import { assertRights, requireRights, rightsOn, rightsOnListed } from "../rights/gate.js";
import type { AccountRef, EntityRef } from "../store/interfaces.js";
import { assertAllowedID } from "./shared/blocklist.js";
import { checkContacts, defaultContacts } from "./shared/contacts.js";
import { contactInfoRead, dropContactInfo, ignoreContactInfo } from "./shared/legacy-contact-info.js";
import { lifecycleHandlers } from "./shared/lifecycle.js";
import { assertBelowLimit, assertLimitUpdate, initialLimits } from "./shared/limits.js";
import { applyReadMask, onlyPublic, readPaths, updatePaths } from "./shared/masks.js";
import { publicFields, readableEntity } from "./shared/public-fields.js";
import { registryListing } from "./shared/listing.js";
import { pageOptions, setTotal } from "./shared/pagination.js";
import { check, checkPaths, checks, type Check } from "./shared/validate.js";

const right = (name: string) => rightByName(name)!;
const ORGANIZATION_INFO = right("RIGHT_ORGANIZATION_INFO");
const organizationOrders = ["organization_id", "name", "created_at"];

const organizationRules: Record<string, Check[]> = {
  name: [checks.maxLength(50)],
  description: [checks.maxLength(2000)],
  attributes: [checks.attributes],
};

export function organizationRef(ids: { organizationId: string } | undefined, field: string): EntityRef {
  check(field, ids?.organizationId, checks.id3);
  return { kind: "organization", id: ids!.organizationId };
}

/** The user an organization request names as collaborator; organizations have no organizations. */
function userCollaborator(ids: OrganizationOrUserIdentifiers | undefined): AccountRef | undefined {
  const account = accountRef(ids);
  if (account?.kind === "organization") throw errNestedOrganizations();
  return account;
}

const lifecycle = lifecycleHandlers({
  kind: "organization",
  store: (store) => store.organizations,
  deleteRight: rightByName("RIGHT_ORGANIZATION_DELETE")!,
});

export function organizationRegistry(): ServiceImpl<typeof OrganizationRegistry> {
  return {
    async create(req, ctx) {
      const scope = scopeOf(ctx);
      const org = create(OrganizationSchema, req.organization ?? {});
      const ref = organizationRef(org.ids, "organization.ids.organization_id");
      assertAllowedID(ref.id);
      const collaborator = userCollaborator(req.collaborator);
      if (!collaborator) throw errValidation({ field: "collaborator", reason: "must name a user" });
      const caller = await scope.caller();
      if (!caller.isAdmin && !scope.config.is.userRights.createOrganizations) throw errAdminsCreate("organization")();
      await requireRights(scope, collaborator, right("RIGHT_USER_ORGANIZATIONS_CREATE"));
      dropContactInfo(ctx, org);
      checkPaths("organization.", org as unknown as Record<string, unknown>, organizationRules);
      defaultContacts(org, collaborator);
      initialLimits("organization", org, scope.config, caller.isAdmin);
      return scope.store.transact(async (tx) => {
        await assertBelowLimit(tx, collaborator, "organization");
        const created = await tx.organizations.create(org);
        // As in the stack, the creator holds RIGHT_ALL: the organization's rights on its
        // applications, clients and gateways reach the creator (the chain is an intersection).
        await tx.memberships.set(ref, collaborator, [RIGHT_ALL]);
        return created;
      });
    },

    async get(req, ctx) {
      const scope = scopeOf(ctx);
      requireAuthenticated(await scope.caller());
      const ref = organizationRef(req.organizationIds, "organization_ids.organization_id");
      const paths = readPaths(OrganizationSchema, req.fieldMask);
      const have = await rightsOn(scope, ref);
      if (!have.has(ORGANIZATION_INFO) && !onlyPublic(paths, publicFields.organization)) assertRights(ref, have, [ORGANIZATION_INFO]);
      const read = contactInfoRead("organization", paths);
      return read.fill(scope.store, applyReadMask(OrganizationSchema, await scope.store.organizations.get(ref.id), read.paths), have.has(ORGANIZATION_INFO));
    },

    async list(req, ctx) {
      const scope = scopeOf(ctx);
      const caller = await scope.caller();
      requireAuthenticated(caller);
      const read = contactInfoRead("organization", readPaths(OrganizationSchema, req.fieldMask));
      // Without a collaborator: the organizations the calling user is a member of
      // (an organization's key: none, as organizations are members of none).
      const listing = await registryListing(scope, "organization", userCollaborator(req.collaborator));
      if (listing === "nothing") {
        setTotal(ctx, 0);
        return create(OrganizationsSchema);
      }
      const { memberOf } = listing;
      const page = await scope.store.organizations.find({ ...pageOptions(req, scope.config.is.pagination.defaultLimit, organizationOrders), deleted: req.deleted, memberOf });
      setTotal(ctx, page.total);
      // Entries the caller may not read in full are reduced to public fields
      // (the rights on the whole page come from one query).
      const listed = await rightsOnListed(scope, "organization", page.items.map((org) => org.ids!.organizationId));
      const organizations = await Promise.all(page.items.map((org) => {
        const readable = listed.get(org.ids!.organizationId)!.has(ORGANIZATION_INFO);
        return read.fill(scope.store, readableEntity("organization", OrganizationSchema, org, read.paths, readable), readable);
      }));
      return create(OrganizationsSchema, { organizations });
    },

    async update(req, ctx) {
      const scope = scopeOf(ctx);
      const org = create(OrganizationSchema, req.organization ?? {});
      const ref = organizationRef(org.ids, "organization.ids.organization_id");
      await requireRights(scope, ref, right("RIGHT_ORGANIZATION_SETTINGS_BASIC"));
      const paths = ignoreContactInfo(ctx, updatePaths(OrganizationSchema, req.fieldMask));
      const top = topLevelPaths(paths);
      const caller = await scope.caller();
      assertLimitUpdate("organization", top, caller.isAdmin);
      checkPaths("organization.", org as unknown as Record<string, unknown>, organizationRules, top);
      await checkContacts(scope.store, ref, org, top, caller, scope.config.is.collaboratorRights.setOthersAsContacts);
      const updated: Organization = await scope.store.organizations.update(ref.id, org, paths);
      return applyReadMask(OrganizationSchema, updated, paths);
    },

    delete: (req, ctx) => lifecycle.delete(organizationRef(req, "organization_id"), ctx),
    restore: (req, ctx) => lifecycle.restore(organizationRef(req, "organization_id"), ctx),
    purge: (req, ctx) => lifecycle.purge(organizationRef(req, "organization_id"), ctx),
  };
}
