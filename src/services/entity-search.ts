// ttn.lorawan.v3.EntityRegistrySearch: search users (admins), applications,
// clients, gateways and organizations (admins: all; others: what their account
// collaborates on, directly or through organizations), and accounts by ID.
// Each search is one store query; results the caller may not read in full are
// reduced to their public fields.
import { create, type DescMessage, type Message } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { ApplicationSchema, ApplicationsSchema, type Application } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ClientSchema, ClientsSchema, type Client } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { GatewaySchema, GatewaysSchema, type Gateway } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { OrganizationSchema, OrganizationsSchema, type Organization } from "../../gen/ttn/lorawan/v3/organization_pb.js";
import { EntityRegistrySearch, SearchAccountsResponseSchema, type SearchAccountsRequest } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { UserSchema, UsersSchema, type User } from "../../gen/ttn/lorawan/v3/user_pb.js";
import type { FieldMask } from "@bufbuild/protobuf/wkt";
import { requireAuthenticated, type Caller } from "../auth/caller.js";
import { gatewaySecretFields } from "../secrets/gateway-secrets.js";
import { accountIdentifiers } from "../auth/identifiers.js";
import { scopeOf } from "../auth/scope.js";
import { errSearchForbidden } from "../errors/index.js";
import { allRights, implied, rightByName, type EntityKind } from "../rights/algebra.js";
import { requireAdminRights } from "../rights/gate.js";
import type { AccountRef, EntityRef, EntityStore, SearchOptions, Store } from "../store/interfaces.js";
import { contactInfoRead, type WithContactInfo } from "./shared/legacy-contact-info.js";
import { readPaths } from "./shared/masks.js";
import { pageOptions, setTotal } from "./shared/pagination.js";
import { infoRight, readableEntity } from "./shared/public-fields.js";
import { userSecretFields } from "./shared/users.js";
import { showUserPicture } from "../pictures/owners.js";
import type { Config } from "../config/index.js";
import { check, checks, ID3, type Check } from "./shared/validate.js";
import { requireMembersView } from "./shared/collaborators.js";
import { ownListing } from "./shared/listing.js";
import type { ListedKind } from "./shared/rights-of-kind.js";

const USER_INFO = rightByName("RIGHT_USER_INFO")!;

/** What every entity search request has. */
interface SearchRequest {
  query: string;
  idContains: string;
  nameContains: string;
  descriptionContains: string;
  attributesContain: { [key: string]: string };
  state?: State[];
  euiContains?: string;
  fieldMask?: FieldMask;
  order: string;
  limit: number;
  page: number;
  deleted: boolean;
}

interface KindSearch<T extends Message> {
  kind: EntityKind;
  desc: DescMessage;
  store: (s: Store) => EntityStore<T>;
  orders: readonly string[];
  /** Paths no read mask may name (hashes). */
  forbidden?: readonly string[];
  /** Paths left out of every result (secrets this search does not decrypt). */
  withheld?: readonly string[];
  /** Deprecated paths and the stored path that answers them. */
  impliedPaths?: Record<string, string>;
  /** How a stored entity looks to clients before masking (pictures as URLs). */
  present?: (config: Config, entity: T, paths: readonly string[]) => T;
}

const maxLength50 = checks.maxLength(50);
const attributesFilter: Check = (v) => {
  const entries = Object.entries(v as Record<string, string>);
  if (entries.length > 10) return "must have at most 10 entries";
  for (const [k, val] of entries) {
    if (k.length > 36 || !ID3.test(k)) return `key \`${k}\` must be 3 to 36 lower-case letters, digits and single dashes`;
    if ([...val].length > 50) return `value of \`${k}\` must be at most 50 characters`;
  }
  return undefined;
};
const states: Check = (v) => {
  const list = v as number[];
  if (list.some((s) => State[s] === undefined)) return "must contain defined states";
  if (new Set(list).size !== list.length) return "must not repeat a state";
  return undefined;
};

function checkFilters(req: SearchRequest): void {
  for (const field of ["query", "id_contains", "name_contains", "description_contains"] as const) {
    check(field, req[field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as "query"], maxLength50);
  }
  check("attributes_contain", req.attributesContain, attributesFilter);
  if (req.state) check("state", req.state, states);
  if (req.euiContains !== undefined) check("eui_contains", req.euiContains, checks.maxLength(16));
}

/** Every right that implies `right` (a membership holding one of them holds it). */
const impliersOf = (right: number) => [...allRights].filter((r) => implied([r]).has(right));

/**
 * The account whose memberships bound the search, as for a List without a
 * collaborator: the caller's own user or organization, which needs the
 * <KIND>S_LIST right through the rights gate; undefined for admins holding it
 * (all entities); `nothing` for an organization searching organizations.
 * Credentials of other entities: `search_forbidden`.
 */
async function searcher(ctx: HandlerContext, kind: ListedKind): Promise<AccountRef | undefined | "nothing"> {
  const own = await ownListing(scopeOf(ctx), kind);
  if (own === "no_account") throw errSearchForbidden();
  return own === "nothing" ? own : own.memberOf;
}

async function searchEntities<T extends Message & WithContactInfo>(ctx: HandlerContext, k: KindSearch<T>, req: SearchRequest, memberOf: AccountRef | undefined | "nothing", caller: Caller): Promise<T[]> {
  const scope = scopeOf(ctx);
  checkFilters(req);
  if (memberOf === "nothing") {
    setTotal(ctx, 0);
    return [];
  }
  // The fields searched on are returned too (as the stack does).
  const searched = [
    [req.idContains, "ids"], [req.nameContains, "name"], [req.descriptionContains, "description"],
    [Object.keys(req.attributesContain).length > 0, "attributes"], [req.state?.length, "state"],
  ].filter(([on]) => on).map(([, path]) => path as string);
  const read = contactInfoRead(k.kind, readPaths(k.desc, req.fieldMask, k.forbidden));
  const requested = read.paths;
  const answering = requested.flatMap((p) => k.impliedPaths?.[p] ?? []);
  const paths = [...new Set([...requested, ...answering, ...searched])].filter((p) => !k.withheld?.includes(p.split(".")[0]!));
  const info = infoRight[k.kind];
  const opts: SearchOptions = {
    ...pageOptions(req, scope.config.is.pagination.defaultLimit, k.orders),
    deleted: req.deleted,
    memberOf,
    query: req.query,
    idContains: req.idContains,
    nameContains: req.nameContains,
    descriptionContains: req.descriptionContains,
    attributesContain: req.attributesContain,
    states: req.state,
    euiContains: req.euiContains,
    readableWith: impliersOf(info),
  };
  const found = await k.store(scope.store).search(opts);
  setTotal(ctx, found.total);
  // In full with <KIND>_INFO: universally (admins), or through a membership chain the credential also covers.
  const universal = caller.universalRights.has(info);
  const credential = caller.credentialRights.has(info);
  return Promise.all(found.items.map((hit) => {
    const entity = k.present ? k.present(scope.config, hit.entity, paths) : hit.entity;
    const readable = universal || (credential && hit.readable);
    return read.fill(scope.store, readableEntity(k.kind, k.desc, entity, paths, readable), readable);
  }));
}

const applications: KindSearch<Application> = {
  kind: "application", desc: ApplicationSchema, store: (s) => s.applications, orders: ["application_id", "name", "created_at"],
};
const clients: KindSearch<Client> = {
  kind: "client", desc: ClientSchema, store: (s) => s.clients, orders: ["client_id", "name", "created_at"], forbidden: ["secret"],
};
const gateways: KindSearch<Gateway> = {
  kind: "gateway", desc: GatewaySchema, store: (s) => s.gateways, orders: ["gateway_id", "gateway_eui", "name", "created_at"],
  withheld: gatewaySecretFields,
  impliedPaths: { frequency_plan_id: "frequency_plan_ids" },
};
const organizations: KindSearch<Organization> = {
  kind: "organization", desc: OrganizationSchema, store: (s) => s.organizations, orders: ["organization_id", "name", "created_at"],
};
const users: KindSearch<User> = {
  kind: "user", desc: UserSchema, store: (s) => s.users, orders: ["user_id", "name", "primary_email_address", "state", "admin", "created_at"],
  forbidden: userSecretFields,
  present: showUserPicture,
};

async function callerOf(ctx: HandlerContext): Promise<Caller> {
  const caller = await scopeOf(ctx).caller();
  requireAuthenticated(caller);
  return caller;
}

function collaboratorOf(req: SearchAccountsRequest): EntityRef | undefined {
  const c = req.collaboratorOf;
  switch (c.case) {
    case "applicationIds":
      check("application_ids.application_id", c.value.applicationId, checks.id3);
      return { kind: "application", id: c.value.applicationId };
    case "clientIds":
      check("client_ids.client_id", c.value.clientId, checks.id3);
      return { kind: "client", id: c.value.clientId };
    case "gatewayIds":
      check("gateway_ids.gateway_id", c.value.gatewayId, checks.id3);
      return { kind: "gateway", id: c.value.gatewayId };
    case "organizationIds":
      check("organization_ids.organization_id", c.value.organizationId, checks.id3);
      return { kind: "organization", id: c.value.organizationId };
    default:
      return undefined;
  }
}

export function entityRegistrySearch(): ServiceImpl<typeof EntityRegistrySearch> {
  return {
    async searchApplications(req, ctx) {
      const caller = await callerOf(ctx);
      const found = await searchEntities(ctx, applications, req, await searcher(ctx, "application"), caller);
      return create(ApplicationsSchema, { applications: found });
    },

    async searchClients(req, ctx) {
      const caller = await callerOf(ctx);
      const found = await searchEntities(ctx, clients, req, await searcher(ctx, "client"), caller);
      return create(ClientsSchema, { clients: found });
    },

    async searchGateways(req, ctx) {
      const caller = await callerOf(ctx);
      const found = await searchEntities(ctx, gateways, req, await searcher(ctx, "gateway"), caller);
      // The deprecated single frequency plan mirrors the first of the list.
      for (const g of found) if (g.frequencyPlanIds.length > 0) g.frequencyPlanId = g.frequencyPlanIds[0]!;
      return create(GatewaysSchema, { gateways: found });
    },

    async searchOrganizations(req, ctx) {
      const caller = await callerOf(ctx);
      const found = await searchEntities(ctx, organizations, req, await searcher(ctx, "organization"), caller);
      return create(OrganizationsSchema, { organizations: found });
    },

    async searchUsers(req, ctx) {
      const caller = await callerOf(ctx);
      if (!caller.isAdmin) throw errSearchForbidden();
      // As UserRegistry.List: the admin's credential must carry USER_INFO (universally).
      await requireAdminRights(scopeOf(ctx), USER_INFO);
      const found = await searchEntities(ctx, users, req, undefined, caller);
      return create(UsersSchema, { users: found });
    },

    async searchAccounts(req, ctx) {
      const scope = scopeOf(ctx);
      const caller = await callerOf(ctx);
      check("query", req.query, maxLength50);
      const entity = collaboratorOf(req);
      // An entity's members are shown on the terms of ListCollaborators.
      if (entity) await requireMembersView(scope, entity);
      // Across all accounts, non-admins get at most 10 matches of a query of at least 2 characters.
      const limited = !entity && !caller.isAdmin;
      if (limited && [...req.query].length < 2) {
        setTotal(ctx, 0);
        return create(SearchAccountsResponseSchema);
      }
      const found = await scope.store.accounts.search({
        query: req.query, onlyUsers: req.onlyUsers, collaboratorOf: entity, complement: req.complementCollaborators, limit: limited ? 10 : undefined,
      });
      setTotal(ctx, found.total);
      return create(SearchAccountsResponseSchema, { accountIds: found.items.map(accountIdentifiers) });
    },
  };
}
