// What the services may ask of storage, in the generated message types. One
// Store is bound to one tenant: nothing here takes a tenant ID, so handlers
// cannot forget to filter by it. Only src/store/pg imports drizzle.
import type { Application } from "../../gen/ttn/lorawan/v3/application_pb.js";
import type { APIKey, Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import type { User } from "../../gen/ttn/lorawan/v3/user_pb.js";
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
}

export interface GetOptions {
  includeDeleted?: boolean;
}

/** The registry operations every soft-deletable entity kind shares. */
export interface EntityStore<T> {
  create(entity: T): Promise<T>;
  get(id: string, opts?: GetOptions): Promise<T>;
  find(opts: FindOptions): Promise<Page<T>>;
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

export interface Store {
  readonly tenantId: string;
  readonly users: UserStore;
  readonly applications: EntityStore<Application>;
  readonly memberships: MembershipStore;
  readonly apiKeys: APIKeyStore;
  /** Whether the entity exists (and is not deleted, unless included). */
  exists(entity: EntityRef, opts?: GetOptions): Promise<boolean>;
  /** Runs `fn` in one transaction on the primary; reads inside it see its writes. */
  transact<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
}
