// What the services may ask of storage, in the generated message types. One
// Store is bound to one tenant: nothing here takes a tenant ID, so handlers
// cannot forget to filter by it. Only src/store/pg imports drizzle.
import type { Application } from "../../gen/ttn/lorawan/v3/application_pb.js";
import type { APIKey, Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import type { User } from "../../gen/ttn/lorawan/v3/user_pb.js";
import type { Client } from "../../gen/ttn/lorawan/v3/client_pb.js";
import type { Gateway } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import type { Organization } from "../../gen/ttn/lorawan/v3/organization_pb.js";
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { EntityKind } from "../rights/algebra.js";

export type AccountKind = "user" | "organization";
export interface EntityRef {
  kind: EntityKind;
  id: string;
}
export interface AccountRef {
  kind: AccountKind;
  id: string;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface PageOptions {
  /** Rows per page, > 0. */
  limit: number;
  /** 1-based. */
  page: number;
  /** A column name, `-` prefixed for descending; validated by the caller. */
  order?: string;
}

export interface FindOptions extends PageOptions {
  /** Only soft-deleted entities (true) or only live ones (false/undefined). */
  deleted?: boolean;
  /** Only entities this account collaborates on, directly or through its organizations. */
  memberOf?: AccountRef;
  /** Only entities changed after this time. */
  updatedSince?: Date;
}

export interface GetOptions {
  includeDeleted?: boolean;
}

/** A registry search (EntityRegistrySearch): every given filter must hold. */
export interface SearchOptions extends FindOptions {
  /** The ID or the name contains it, or the description matches its words. */
  query?: string;
  idContains?: string;
  nameContains?: string;
  /** The description matches its words (full text). */
  descriptionContains?: string;
  /** For each key, an attribute with that key whose value contains the text. */
  attributesContain?: Record<string, string>;
  /** Any of these states (kinds that have a state). */
  states?: readonly number[];
  /** Hex digits in the EUI (kinds that have one). */
  euiContains?: string;
  /** With `memberOf`: a hit is `readable` when a membership chain of memberOf to it holds one of these rights. */
  readableWith?: readonly Right[];
}

export interface SearchHit<T> {
  entity: T;
  readable: boolean;
}

/** The registry operations every soft-deletable entity kind shares. */
export interface EntityStore<T> {
  create(entity: T): Promise<T>;
  get(id: string, opts?: GetOptions): Promise<T>;
  find(opts: FindOptions): Promise<Page<T>>;
  /** One query: the page of matches, its total, and whether memberOf may read each in full. */
  search(opts: SearchOptions): Promise<Page<SearchHit<T>>>;
  /** Writes the masked top-level fields of `entity`; returns the whole stored entity. */
  update(id: string, entity: T, paths: readonly string[]): Promise<T>;
  /** Soft delete. */
  delete(id: string): Promise<void>;
  restore(id: string): Promise<void>;
  /** Hard delete with everything attached (memberships, API keys). */
  purge(id: string): Promise<void>;
}

export interface UserStore extends EntityStore<User> {
  countAdmins(): Promise<number>;
}

export interface GatewayStore extends EntityStore<Gateway> {
  /** The live gateway with this EUI; `gateway_not_found_by_eui` otherwise. */
  getByEUI(eui: Uint8Array): Promise<Gateway>;
}

/** Conditions on listed end devices; all given ones must hold. */
export interface EndDeviceFilter {
  /** The devices of one application; every application's when omitted (cluster peers). */
  applicationId?: string;
  /** Only devices changed after this time. */
  updatedSince?: Date;
  /** Text in the ID, EUIs or name, or words of the description. */
  query?: string;
  idContains?: string;
  nameContains?: string;
  descriptionContains?: string;
  /** For each key, an attribute with that key whose value contains the text. */
  attributesContain?: Record<string, string>;
  /** Hex digits in the DevEUI / JoinEUI. */
  devEuiContains?: string;
  joinEuiContains?: string;
}

export interface EndDeviceLastSeen {
  applicationId: string;
  deviceId: string;
  lastSeenAt: Date;
}

/** End devices: keyed by application and device ID, hard-deleted, JoinEUI+DevEUI unique. */
export interface EndDeviceStore {
  /** `end_device_euis_taken` when another device has the JoinEUI and DevEUI. */
  create(device: EndDevice): Promise<EndDevice>;
  get(applicationId: string, deviceId: string): Promise<EndDevice>;
  /** The devices among `deviceIds` that exist, in ID order. */
  getMany(applicationId: string, deviceIds: readonly string[]): Promise<EndDevice[]>;
  /** The device with this JoinEUI and DevEUI, if any. */
  findByEUIs(joinEui: Uint8Array, devEui: Uint8Array): Promise<EndDevice | undefined>;
  find(filter: EndDeviceFilter, page: PageOptions): Promise<Page<EndDevice>>;
  count(applicationId: string): Promise<number>;
  /** Writes the masked top-level fields of `device`; returns the whole stored device. */
  update(applicationId: string, deviceId: string, device: EndDevice, paths: readonly string[]): Promise<EndDevice>;
  /** Moves `last_seen_at` forward (never back) for the devices that exist. */
  updateLastSeen(updates: readonly EndDeviceLastSeen[]): Promise<void>;
  delete(applicationId: string, deviceId: string): Promise<void>;
  /** Deletes those of the devices that exist. */
  deleteMany(applicationId: string, deviceIds: readonly string[]): Promise<void>;
}

/** The DevEUI block addresses are issued from (`is.dev-eui-block`). */
export interface DevEUIBlock {
  /** The prefix as an EUI, host bits cleared. */
  startEui: Uint8Array;
  /** Largest counter value of the block. */
  endCounter: bigint;
  /** Counter of a newly created block. */
  initCounter: bigint;
}

export interface EUIBlockStore {
  /**
   * Issues the next DevEUI to the application, in one transaction with the
   * application and block rows locked: `application_dev_eui_limit_reached` when
   * `applicationLimit` > 0 addresses were issued to it, `no_eui_or_block_available`
   * when every block is used up. Creates the configured block when absent.
   */
  issueDevEUI(applicationId: string, block: DevEUIBlock, applicationLimit: number): Promise<Uint8Array>;
}

export interface Membership {
  account: AccountRef;
  rights: Right[];
}

/**
 * The membership chains from an account to an entity: a direct membership, and
 * (for users) memberships through organizations that collaborate on the entity.
 */
export interface MembershipChains {
  /** False when the entity does not exist (or is deleted and not included). */
  exists: boolean;
  direct?: Right[];
  viaOrganizations: { organizationRights: Right[]; entityRights: Right[] }[];
}

export interface MembershipStore {
  set(entity: EntityRef, account: AccountRef, rights: readonly Right[]): Promise<void>;
  get(entity: EntityRef, account: AccountRef): Promise<Membership>;
  find(entity: EntityRef, page: PageOptions): Promise<Page<Membership>>;
  /** All memberships of an entity (for last-owner checks). */
  all(entity: EntityRef): Promise<Membership[]>;
  delete(entity: EntityRef, account: AccountRef): Promise<void>;
  chains(account: AccountRef, entity: EntityRef, opts?: GetOptions): Promise<MembershipChains>;
  /** `chains` for several entities of one kind in one query (entities known to exist, e.g. a listed page). */
  chainsMany(account: AccountRef, kind: EntityKind, ids: readonly string[]): Promise<Map<string, MembershipChains>>;
}

export interface StoredAPIKey {
  key: APIKey; // without `key`
  entity: EntityRef;
  secretHash: string;
  /** Present when the key belongs to a user: what authentication needs of that user. */
  user?: Pick<User, "admin" | "state" | "stateDescription" | "primaryEmailAddressValidatedAt"> & { deleted: boolean };
}

export interface APIKeyStore {
  create(entity: EntityRef, key: APIKey, secretHash: string): Promise<APIKey>;
  /** The key with its holder, for authentication; undefined when unknown. */
  lookup(id: string): Promise<StoredAPIKey | undefined>;
  get(entity: EntityRef, id: string): Promise<APIKey>;
  find(entity: EntityRef, page: PageOptions): Promise<Page<APIKey>>;
  update(entity: EntityRef, key: APIKey, paths: readonly string[]): Promise<APIKey>;
  delete(entity: EntityRef, id: string): Promise<void>;
}

export interface AccountSearchOptions {
  /** The account ID contains it. */
  query?: string;
  onlyUsers?: boolean;
  /** Only the members of this entity (or, with `complement`, only accounts that are not). */
  collaboratorOf?: EntityRef;
  complement?: boolean;
  /** First page of this size; every match when omitted. */
  limit?: number;
}

/** Accounts (live users and organizations) by ID. */
export interface AccountSearchStore {
  search(opts: AccountSearchOptions): Promise<Page<AccountRef>>;
}

/** What a bookmark points at: an entity kind or `end device` (ID `<application_id>.<device_id>`). */
export type BookmarkKind = EntityKind | "end device";
export interface BookmarkRef {
  kind: BookmarkKind;
  id: string;
}

export interface Bookmark {
  userId: string;
  entity: BookmarkRef;
  createdAt: Date;
}

export interface BookmarkFindOptions extends PageOptions {
  /** Only bookmarks of soft-deleted entities (true) or only of live ones. */
  deleted?: boolean;
  /** Only these kinds (all when empty). */
  kinds?: readonly BookmarkKind[];
}

/** Users' bookmarks. A bookmark shows while its entity is live (or, with `deleted`, soft-deleted). */
export interface BookmarkStore {
  /** The entity must exist and be live (`<kind>_not_found`); a second bookmark of it is `already_exists`. */
  create(userId: string, entity: BookmarkRef): Promise<Bookmark>;
  find(userId: string, opts: BookmarkFindOptions): Promise<Page<Bookmark>>;
  /** `user_bookmark_not_found` when there is none. */
  delete(userId: string, entity: BookmarkRef): Promise<void>;
  /** Deletes those that exist. */
  deleteMany(userId: string, entities: readonly BookmarkRef[]): Promise<void>;
}

export interface Store {
  readonly tenantId: string;
  readonly users: UserStore;
  readonly applications: EntityStore<Application>;
  readonly organizations: EntityStore<Organization>;
  readonly clients: EntityStore<Client>;
  readonly gateways: GatewayStore;
  readonly endDevices: EndDeviceStore;
  readonly euiBlocks: EUIBlockStore;
  readonly memberships: MembershipStore;
  readonly apiKeys: APIKeyStore;
  readonly accounts: AccountSearchStore;
  readonly bookmarks: BookmarkStore;
  /** Whether the entity exists (and is not deleted, unless included). */
  exists(entity: EntityRef, opts?: GetOptions): Promise<boolean>;
  /** Runs `fn` in one transaction on the primary; reads inside it see its writes. */
  transact<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
}
