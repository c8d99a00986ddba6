// ttn.lorawan.v3.GatewayRegistry: gateways and their lifecycle, with the
// gateway's secrets sealed at rest (src/secrets/) and shown only to callers
// holding GATEWAY_READ_SECRETS.
// Order of every handler: check identifiers -> rights -> validate -> store -> shape.
import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { GatewaySchema, GatewaysSchema, type Gateway } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { GatewayIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { GatewayRegistry } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { requireAuthenticated } from "../auth/caller.js";
import { accountRef } from "../auth/identifiers.js";
import { scopeOf, type RequestScope } from "../auth/scope.js";
import { errAdminsCreate, errClaimAuthenticationCode, errGatewayEUITaken, errGatewayNotFound, errValidation } from "../errors/index.js";
import { topLevelPaths } from "../messages/fieldmask.js";
import { allRightOf, rightByName } from "../rights/algebra.js";
import { assertRights, requireRights, rightsOn, rightsOnListed } from "../rights/gate.js";
import { gatewaySecretFields, withoutGatewaySecrets, type GatewaySecrets } from "../secrets/gateway-secrets.js";
import type { AccountRef, EntityRef } from "../store/interfaces.js";
import { assertAllowedID } from "./shared/blocklist.js";
import { checkContacts, defaultContacts } from "./shared/contacts.js";
import { contactInfoRead, dropContactInfo, ignoreContactInfo } from "./shared/legacy-contact-info.js";
import { lifecycleHandlers } from "./shared/lifecycle.js";
import { assertBelowLimit } from "./shared/limits.js";
import { applyReadMask, onlyPublic, readPaths, updatePaths } from "./shared/masks.js";
import { publicFields, readableEntity } from "./shared/public-fields.js";
import { registryListing } from "./shared/listing.js";
import { pageOptions, setTotal } from "./shared/pagination.js";
import { check, checkPaths, checks, type Check } from "./shared/validate.js";

const right = (name: string) => rightByName(name)!;
const GATEWAY_INFO = right("RIGHT_GATEWAY_INFO");
const GATEWAY_READ_SECRETS = right("RIGHT_GATEWAY_READ_SECRETS");
const GATEWAY_WRITE_SECRETS = right("RIGHT_GATEWAY_WRITE_SECRETS");
const GATEWAY_SETTINGS_BASIC = right("RIGHT_GATEWAY_SETTINGS_BASIC");
const GATEWAY_LINK = right("RIGHT_GATEWAY_LINK");

const gatewayOrders = ["gateway_id", "gateway_eui", "name", "created_at"];

// Host and port, with an optional scheme (`wss://host:8887`).
const SERVER_ADDRESS = /^(?:[a-z]{2,5}:\/\/)?(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?::[0-9]{1,5})?$/;
const eachOf = (...fns: Check[]): Check => (v) => {
  for (const item of (v ?? []) as unknown[]) for (const fn of fns) if (fn(item)) return fn(item);
  return undefined;
};
const secretValue: Check = (v) => ((v as { value?: Uint8Array } | undefined)?.value?.length ?? 0) > 2048 ? "value must be at most 2048 bytes" : undefined;

const gatewayRules: Record<string, Check[]> = {
  name: [checks.maxLength(50)],
  description: [checks.maxLength(2000)],
  attributes: [checks.attributes],
  gateway_server_address: [(v) => (v === "" || (typeof v === "string" && v.length <= 256 && SERVER_ADDRESS.test(v)) ? undefined : "must be [scheme://]host[:port]")],
  update_channel: [checks.maxLength(128)],
  frequency_plan_id: [checks.maxLength(64)],
  frequency_plan_ids: [checks.maxItems(8), eachOf(checks.maxLength(64))],
  antennas: [checks.maxItems(8), eachOf(antennaCheck)],
  downlink_path_constraint: [(v) => ([0, 1, 2].includes(v as number) ? undefined : "must be a defined value")],
  target_cups_uri: [(v) => (v === "" || URL.canParse(v as string) ? undefined : "must be a URI")],
  lbs_lns_secret: [secretValue],
  target_cups_key: [secretValue],
};

function antennaCheck(v: unknown): string | undefined {
  const antenna = v as Gateway["antennas"][number];
  const loc = antenna.location;
  if (loc && (Math.abs(loc.latitude) > 90 || Math.abs(loc.longitude) > 180)) return "antenna location must have latitude in [-90, 90] and longitude in [-180, 180]";
  return checks.attributes(antenna.attributes);
}

export function gatewayRef(ids: { gatewayId: string } | undefined, field: string): EntityRef {
  check(field, ids?.gatewayId, checks.id3);
  return { kind: "gateway", id: ids!.gatewayId };
}

function checkEUI(field: string, eui: Uint8Array | undefined): void {
  if (eui && eui.length !== 0 && eui.length !== 8) throw errValidation({ field, reason: "must be 8 bytes" });
}

/** `pkg/identityserver:claim_authentication_code`: a secret is required, and valid_to may not precede valid_from. */
function checkClaimCode(gateway: Gateway): void {
  const code = gateway.claimAuthenticationCode;
  if (!code) return;
  if (!code.secret) throw errClaimAuthenticationCode();
  if (code.validFrom && code.validTo && timestampDate(code.validTo) < timestampDate(code.validFrom)) throw errClaimAuthenticationCode();
  check("gateway.claim_authentication_code.secret", code.secret, secretValue);
}

function checkGateway(gateway: Gateway, paths?: ReadonlySet<string>): void {
  checkPaths("gateway.", gateway as unknown as Record<string, unknown>, gatewayRules, paths);
  if (!paths || paths.has("claim_authentication_code")) checkClaimCode(gateway);
}

/** `frequency_plan_id` (deprecated) stands for `frequency_plan_ids` in masks. */
function withFrequencyPlans(paths: string[]): string[] {
  const out = paths.filter((p) => p !== "frequency_plan_id");
  if (out.length !== paths.length && !out.includes("frequency_plan_ids")) out.push("frequency_plan_ids");
  return out;
}

/** Sets the deprecated `frequency_plan_id` to the first plan, as responses carry it. */
function withFrequencyPlanId(gateway: Gateway): Gateway {
  if (gateway.frequencyPlanIds.length > 0) gateway.frequencyPlanId = gateway.frequencyPlanIds[0]!;
  return gateway;
}

const touchesSecrets = (paths: readonly string[]) => [...topLevelPaths(paths)].some((p) => (gatewaySecretFields as readonly string[]).includes(p));

/** Adds to `gateway_eui_taken` the gateway that holds the EUI (the store names only the EUI). */
async function euiOwnerOnClash<T>(scope: RequestScope, eui: Uint8Array | undefined, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!errGatewayEUITaken.is(err) || !eui?.length) throw err;
    const holder = await scope.store.gateways.getByEUI(eui).catch(() => undefined);
    throw errGatewayEUITaken(
      { ...err.attributes, gateway_id: holder?.ids?.gatewayId ?? "", administrative_contact: holder?.administrativeContact },
      { cause: err },
    );
  }
}

async function requireAccountRight(scope: RequestScope, account: AccountRef, userRight: string, orgRight: string): Promise<void> {
  await requireRights(scope, account, right(account.kind === "user" ? userRight : orgRight));
}

const lifecycle = lifecycleHandlers({
  kind: "gateway",
  store: (store) => store.gateways,
  deleteRight: rightByName("RIGHT_GATEWAY_DELETE")!,
});

export function gatewayRegistry(deps: { secrets: GatewaySecrets }): ServiceImpl<typeof GatewayRegistry> {
  return {
    async create(req, ctx) {
      const scope = scopeOf(ctx);
      const gateway = create(GatewaySchema, req.gateway ?? {});
      const ref = gatewayRef(gateway.ids, "gateway.ids.gateway_id");
      assertAllowedID(ref.id);
      checkEUI("gateway.ids.eui", gateway.ids?.eui);
      const collaborator = accountRef(req.collaborator);
      if (!collaborator) throw errValidation({ field: "collaborator", reason: "must name a user or an organization" });
      const caller = await scope.caller();
      if (collaborator.kind === "user" && !caller.isAdmin && !scope.config.is.userRights.createGateways) throw errAdminsCreate("gateway")();
      await requireAccountRight(scope, collaborator, "RIGHT_USER_GATEWAYS_CREATE", "RIGHT_ORGANIZATION_GATEWAYS_CREATE");
      dropContactInfo(ctx, gateway);
      checkGateway(gateway);
      defaultContacts(gateway, collaborator);
      if (gateway.frequencyPlanIds.length === 0 && gateway.frequencyPlanId) gateway.frequencyPlanIds = [gateway.frequencyPlanId];
      const sealed = deps.secrets.seal(gateway);
      const created = await euiOwnerOnClash(scope, gateway.ids?.eui, () =>
        scope.store.transact(async (tx) => {
          await assertBelowLimit(tx, collaborator, "gateway");
          const stored = await tx.gateways.create(sealed);
          await tx.memberships.set(ref, collaborator, [allRightOf("gateway")]);
          return stored;
        }),
      );
      // The creator supplied the secrets; they come back as given.
      return withFrequencyPlanId(deps.secrets.open(created));
    },

    async get(req, ctx) {
      const scope = scopeOf(ctx);
      requireAuthenticated(await scope.caller());
      const ref = gatewayRef(req.gatewayIds, "gateway_ids.gateway_id");
      const paths = withFrequencyPlans(readPaths(GatewaySchema, req.fieldMask));
      const have = await rightsOn(scope, ref);
      const publicOnly = !have.has(GATEWAY_INFO);
      if (publicOnly && !onlyPublic(paths, publicFields.gateway)) assertRights(ref, have, [GATEWAY_INFO]);
      if (touchesSecrets(paths)) assertRights(ref, have, [GATEWAY_READ_SECRETS]);
      const caller = await scope.caller();
      const gateway = await scope.store.gateways.get(ref.id).catch((err: unknown) => {
        // A caller without rights learns nothing of gateways that do not exist (or are deleted).
        if (publicOnly && !caller.isAdmin && errGatewayNotFound.is(err)) assertRights(ref, new Set(), [GATEWAY_INFO]);
        throw err;
      });
      const read = contactInfoRead("gateway", paths);
      const shown = withFrequencyPlanId(deps.secrets.open(readableEntity("gateway", GatewaySchema, gateway, read.paths, !publicOnly)));
      return read.fill(scope.store, shown, !publicOnly);
    },

    async getIdentifiersForEUI(req, ctx) {
      const scope = scopeOf(ctx);
      requireAuthenticated(await scope.caller());
      if (req.eui.length !== 8) throw errValidation({ field: "eui", reason: "must be 8 bytes" });
      const gateway = await scope.store.gateways.getByEUI(req.eui);
      return create(GatewayIdentifiersSchema, { gatewayId: gateway.ids!.gatewayId, eui: gateway.ids!.eui });
    },

    async list(req, ctx) {
      const scope = scopeOf(ctx);
      const caller = await scope.caller();
      requireAuthenticated(caller);
      const paths = withFrequencyPlans(readPaths(GatewaySchema, req.fieldMask));
      const read = contactInfoRead("gateway", paths);
      const listing = await registryListing(scope, "gateway", accountRef(req.collaborator), { clusterSeesAll: true });
      if (listing === "nothing") {
        setTotal(ctx, 0);
        return create(GatewaysSchema);
      }
      // Other stack components (cluster auth) without a collaborator: every gateway, identifiers only.
      const { memberOf, idsOnly } = listing;
      const updatedSince = req.filters.find((f) => f.field.case === "updatedSince")?.field.value;
      if (updatedSince && timestampDate(updatedSince) > scope.now()) throw errValidation({ field: "filters.updated_since", reason: "must lie in the past" });
      const page = await scope.store.gateways.find({
        ...pageOptions(req, scope.config.is.pagination.defaultLimit, gatewayOrders),
        deleted: req.deleted,
        memberOf,
        updatedSince: updatedSince && timestampDate(updatedSince),
      });
      setTotal(ctx, page.total);
      const secretsAsked = touchesSecrets(paths);
      // Entries the caller may not read in full are reduced to public fields; secrets are
      // left out silently for callers without GATEWAY_READ_SECRETS.
      // The rights on the whole page come from one query.
      const listed = await rightsOnListed(scope, "gateway", page.items.map((gateway) => gateway.ids!.gatewayId));
      const gateways = await Promise.all(page.items.map((gateway) => {
        if (idsOnly) return applyReadMask(GatewaySchema, gateway, []);
        const have = listed.get(gateway.ids!.gatewayId)!;
        let out = readableEntity("gateway", GatewaySchema, gateway, read.paths, have.has(GATEWAY_INFO));
        out = secretsAsked && have.has(GATEWAY_READ_SECRETS) ? deps.secrets.open(out) : withoutGatewaySecrets(out);
        return read.fill(scope.store, withFrequencyPlanId(out), have.has(GATEWAY_INFO));
      }));
      return create(GatewaysSchema, { gateways });
    },

    async update(req, ctx) {
      const scope = scopeOf(ctx);
      const gateway = create(GatewaySchema, req.gateway ?? {});
      const ref = gatewayRef(gateway.ids, "gateway.ids.gateway_id");
      const requested = req.fieldMask?.paths ?? [];
      // The EUI is the one identifier that may change (a gateway registered without one gets it later).
      const euiUpdate = requested.includes("ids.eui");
      const asked = withFrequencyPlans(updatePaths(GatewaySchema, req.fieldMask));
      const have = await rightsOn(scope, ref);
      // GATEWAY_LINK alone may change antennas and attributes (the Gateway Server updates locations).
      const linkOnly = !euiUpdate && asked.length > 0 && [...topLevelPaths(asked)].every((p) => p === "antennas" || p === "attributes");
      if (!(linkOnly && have.has(GATEWAY_LINK))) assertRights(ref, have, [GATEWAY_SETTINGS_BASIC]);
      if (touchesSecrets(asked)) assertRights(ref, have, [GATEWAY_WRITE_SECRETS]);
      const paths = ignoreContactInfo(ctx, asked);
      const top = topLevelPaths(paths);
      if (euiUpdate) checkEUI("gateway.ids.eui", gateway.ids?.eui);
      if (gateway.frequencyPlanIds.length === 0 && gateway.frequencyPlanId) gateway.frequencyPlanIds = [gateway.frequencyPlanId];
      checkGateway(gateway, top);
      await checkContacts(scope.store, ref, gateway, top, await scope.caller(), scope.config.is.collaboratorRights.setOthersAsContacts);
      const storePaths = euiUpdate ? [...paths, "ids.eui"] : paths;
      const updated = await euiOwnerOnClash(scope, gateway.ids?.eui, () =>
        scope.store.gateways.update(ref.id, deps.secrets.seal(gateway), storePaths),
      );
      // Secrets just written come back in plaintext, as the stack returns them.
      return withFrequencyPlanId(deps.secrets.open(applyReadMask(GatewaySchema, updated, storePaths)));
    },

    delete: (req, ctx) => lifecycle.delete(gatewayRef(req, "gateway_id"), ctx),
    restore: (req, ctx) => lifecycle.restore(gatewayRef(req, "gateway_id"), ctx),
    purge: (req, ctx) => lifecycle.purge(gatewayRef(req, "gateway_id"), ctx),
  };
}
