// ttn.lorawan.v3.ApplicationRegistry: applications and their lifecycle.
// Order of every handler: check identifiers -> rights -> validate -> store -> shape.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { ApplicationSchema, ApplicationsSchema, IssueDevEUIResponseSchema, type Application } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { requireAuthenticated } from "../auth/caller.js";
import { accountRef } from "../auth/identifiers.js";
import { scopeOf, type RequestScope } from "../auth/scope.js";
import { errAdminsCreate, errApplicationHasDevices, errDevEUIIssuingNotEnabled, errNonZeroPath, errValidation } from "../errors/index.js";
import { euiFromBigInt, parseEUIPrefix, prefixEndCounter } from "../messages/eui.js";
import { topLevelPaths } from "../messages/fieldmask.js";
import { allRightOf, rightByName } from "../rights/algebra.js";
import { assertRights, requireRights, rightsOn, rightsOnListed } from "../rights/gate.js";
import type { AccountRef, EntityRef } from "../store/interfaces.js";
import { assertAllowedID } from "./shared/blocklist.js";
import { checkContacts, defaultContacts } from "./shared/contacts.js";
import { contactInfoRead, dropContactInfo, ignoreContactInfo } from "./shared/legacy-contact-info.js";
import { lifecycleHandlers } from "./shared/lifecycle.js";
import { assertBelowLimit, assertLimitUpdate, initialLimits } from "./shared/limits.js";
import { applyReadMask, onlyPublic, readPaths, updatePaths } from "./shared/masks.js";
import { registryListing } from "./shared/listing.js";
import { pageOptions, setTotal } from "./shared/pagination.js";
import { publicFields, readableEntity } from "./shared/public-fields.js";
import { check, checkPaths, checks, type Check } from "./shared/validate.js";

const right = (name: string) => rightByName(name)!;
const APPLICATION_INFO = right("RIGHT_APPLICATION_INFO");
const publicApplicationFields = publicFields.application;
const applicationOrders = ["application_id", "name", "created_at"];

const applicationRules: Record<string, Check[]> = {
  name: [checks.maxLength(50)],
  description: [checks.maxLength(2000)],
  attributes: [checks.attributes],
  network_server_address: [checks.hostPort],
  application_server_address: [checks.hostPort],
  join_server_address: [checks.hostPort],
};

/** Applications with end devices can be neither deleted nor purged. */
async function assertNoDevices(scope: RequestScope, applicationId: string): Promise<void> {
  const count = await scope.store.endDevices.count(applicationId);
  if (count > 0) throw errApplicationHasDevices({ count });
}

export function applicationRef(ids: { applicationId: string } | undefined, field: string): EntityRef {
  check(field, ids?.applicationId, checks.id3);
  return { kind: "application", id: ids!.applicationId };
}

/** Who may create applications of an account: the account's own rights. */
async function requireAccountRight(scope: RequestScope, account: AccountRef, userRight: string, orgRight: string): Promise<void> {
  await requireRights(scope, account, right(account.kind === "user" ? userRight : orgRight));
}

const lifecycle = lifecycleHandlers({
  kind: "application",
  store: (store) => store.applications,
  deleteRight: rightByName("RIGHT_APPLICATION_DELETE")!,
  beforeRemove: (scope, id) => assertNoDevices(scope, id),
});

export function applicationRegistry(): ServiceImpl<typeof ApplicationRegistry> {
  return {
    async create(req, ctx) {
      const scope = scopeOf(ctx);
      const app = create(ApplicationSchema, req.application ?? {});
      const ref = applicationRef(app.ids, "application.ids.application_id");
      assertAllowedID(ref.id);
      const collaborator = accountRef(req.collaborator);
      if (!collaborator) throw errValidation({ field: "collaborator", reason: "must name a user or an organization" });
      const caller = await scope.caller();
      if (collaborator.kind === "user" && !caller.isAdmin && !scope.config.is.userRights.createApplications) throw errAdminsCreate("application")();
      await requireAccountRight(scope, collaborator, "RIGHT_USER_APPLICATIONS_CREATE", "RIGHT_ORGANIZATION_APPLICATIONS_CREATE");
      dropContactInfo(ctx, app);
      checkPaths("application.", app as unknown as Record<string, unknown>, applicationRules);
      defaultContacts(app, collaborator);
      app.devEuiCounter = 0;
      initialLimits("application", app, scope.config, caller.isAdmin);
      return scope.store.transact(async (tx) => {
        await assertBelowLimit(tx, collaborator, "application");
        const created = await tx.applications.create(app);
        await tx.memberships.set(ref, collaborator, [allRightOf("application")]);
        return created;
      });
    },

    async get(req, ctx) {
      const scope = scopeOf(ctx);
      requireAuthenticated(await scope.caller());
      const ref = applicationRef(req.applicationIds, "application_ids.application_id");
      const paths = readPaths(ApplicationSchema, req.fieldMask);
      const have = await rightsOn(scope, ref);
      if (!have.has(APPLICATION_INFO) && !onlyPublic(paths, publicApplicationFields)) assertRights(ref, have, [APPLICATION_INFO]);
      const read = contactInfoRead("application", paths);
      return read.fill(scope.store, applyReadMask(ApplicationSchema, await scope.store.applications.get(ref.id), read.paths), have.has(APPLICATION_INFO));
    },

    async list(req, ctx) {
      const scope = scopeOf(ctx);
      requireAuthenticated(await scope.caller());
      const read = contactInfoRead("application", readPaths(ApplicationSchema, req.fieldMask));
      const listing = await registryListing(scope, "application", accountRef(req.collaborator), { clusterSeesAll: true });
      if (listing === "nothing") {
        setTotal(ctx, 0);
        return create(ApplicationsSchema);
      }
      // Other stack components (cluster auth) without a collaborator: every application, identifiers only.
      const { memberOf, idsOnly } = listing;
      const page = await scope.store.applications.find({ ...pageOptions(req, scope.config.is.pagination.defaultLimit, applicationOrders), deleted: req.deleted, memberOf });
      setTotal(ctx, page.total);
      // Entries the caller may not read in full are reduced to public fields
      // (the rights on the whole page come from one query).
      const listed = await rightsOnListed(scope, "application", page.items.map((app) => app.ids!.applicationId));
      const applications = await Promise.all(page.items.map((app) => {
        if (idsOnly) return applyReadMask(ApplicationSchema, app, []);
        const readable = listed.get(app.ids!.applicationId)!.has(APPLICATION_INFO);
        return read.fill(scope.store, readableEntity("application", ApplicationSchema, app, read.paths, readable), readable);
      }));
      return create(ApplicationsSchema, { applications });
    },

    async update(req, ctx) {
      const scope = scopeOf(ctx);
      const app = create(ApplicationSchema, req.application ?? {});
      const ref = applicationRef(app.ids, "application.ids.application_id");
      await requireRights(scope, ref, right("RIGHT_APPLICATION_SETTINGS_BASIC"));
      const paths = ignoreContactInfo(ctx, updatePaths(ApplicationSchema, req.fieldMask, ["dev_eui_counter"]));
      // A path that may not be updated must be empty in the request (§3.1 "Set" RPCs).
      if (app.devEuiCounter !== 0) throw errNonZeroPath({ path: "dev_eui_counter" });
      const top = topLevelPaths(paths);
      const caller = await scope.caller();
      assertLimitUpdate("application", top, caller.isAdmin);
      checkPaths("application.", app as unknown as Record<string, unknown>, applicationRules, top);
      await checkContacts(scope.store, ref, app, top, caller, scope.config.is.collaboratorRights.setOthersAsContacts);
      const updated: Application = await scope.store.applications.update(ref.id, app, paths);
      return applyReadMask(ApplicationSchema, updated, paths);
    },

    delete: (req, ctx) => lifecycle.delete(applicationRef(req, "application_id"), ctx),
    restore: (req, ctx) => lifecycle.restore(applicationRef(req, "application_id"), ctx),
    purge: (req, ctx) => lifecycle.purge(applicationRef(req, "application_id"), ctx),

    async issueDevEUI(req, ctx) {
      const scope = scopeOf(ctx);
      const ref = applicationRef(req, "application_id");
      await requireRights(scope, ref, right("RIGHT_APPLICATION_DEVICES_WRITE"));
      const config = scope.config.is.devEuiBlock;
      if (!config.enabled) throw errDevEUIIssuingNotEnabled();
      const prefix = parseEUIPrefix(config.prefix); // validated when the config was loaded
      const block = { startEui: euiFromBigInt(prefix.start), endCounter: prefixEndCounter(prefix), initCounter: BigInt(config.initCounter) };
      const devEui = await scope.store.euiBlocks.issueDevEUI(ref.id, block, config.applicationLimit);
      return create(IssueDevEUIResponseSchema, { devEui });
    },
  };
}
