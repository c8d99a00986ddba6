// What the services may ask of storage, in the generated message types. One
// Store is bound to one tenant: nothing here takes a tenant ID, so handlers
// cannot forget to filter by it. Only src/store/pg imports drizzle.
import type { Application } from "../../gen/ttn/lorawan/v3/application_pb.js";
import type { APIKey, Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import type { User, UserSession } from "../../gen/ttn/lorawan/v3/user_pb.js";
import type { Client } from "../../gen/ttn/lorawan/v3/client_pb.js";
import type { Gateway } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import type { Organization } from "../../gen/ttn/lorawan/v3/organization_pb.js";
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { Notification, NotificationStatus } from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import type { Invitation } from "../../gen/ttn/lorawan/v3/user_pb.js";
import type { OAuthAccessToken, OAuthClientAuthorization } from "../../gen/ttn/lorawan/v3/oauth_pb.js";
import type { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import type { AuthenticationProvider, ExternalUser } from "../../gen/ttn/lorawan/v3/authentication_provider_pb.js";
import type { Tenant, TenantRegistryTotals } from "../../gen/tti/lorawan/v3/tenant_pb.js";
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
  /**
   * Sets the temporary password hash of a live user in one statement, unless
   * the current one is unexpired at `now`: `user_not_found`,
   * `temporary_password_still_valid`.
   */
  setTemporaryPassword(userId: string, hash: string, opts: { now: Date; expiresAt: Date }): Promise<void>;
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

/** What entity limits count: entities an account collaborates on directly, or an application's end devices. */
export type LimitedKind = "application" | "client" | "gateway" | "organization" | "end_device";

export interface LimitHoldings {
  /** The owner's `<kind>_limit`; undefined: no limit. */
  limit?: bigint;
  /** Live entities of the kind the owner holds: direct memberships of an account, end devices of an application. */
  count: number;
}

export interface LimitStore {
  /**
   * The owner's limit for `kind` and what it holds, with the owner's row locked
   * (FOR UPDATE) until the surrounding transaction ends, so concurrent creates
   * under one owner count one after the other. Call it inside `transact`.
   */
  holdings(owner: EntityRef, kind: LimitedKind): Promise<LimitHoldings>;
  /**
   * The tenant's own limit for `kind` (its record's `max_<kind>s`; none
   * without a record) and its live entities of the kind. When there is a
   * limit, concurrent calls for the tenant and kind take turns until the
   * surrounding transaction ends (an advisory lock), so each counts what its
   * predecessors committed. Call it inside `transact`.
   */
  tenantHoldings(kind: TenantLimitedKind): Promise<LimitHoldings>;
}

/** What a tenant's `max_*` limits count. */
export type TenantLimitedKind = "user" | "application" | "organization" | "client" | "gateway" | "end_device";

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

/** Login tokens ("magic links"): random, single use, stored only as hashes. */
export interface LoginTokenStore {
  /**
   * A new token for a live user, in one transaction with the user's row
   * locked: `user_not_found`, or `login_tokens_still_valid` when `maxActive`
   * tokens are unused and unexpired at `now`. Returns the token in plain text
   * (the only time it exists so).
   */
  create(userId: string, opts: { now: Date; expiresAt: Date; maxActive: number }): Promise<{ token: string; expiresAt: Date }>;
  /**
   * Marks the token used and returns its (live) user, in one transaction:
   * `login_token_not_found` (unknown, wrong, or its user gone),
   * `login_token_already_used`, `login_token_expired`.
   */
  consume(token: string, now: Date): Promise<{ userId: string }>;
  /** Removes every token of the user (user delete and purge). */
  deleteAllOfUser(userId: string): Promise<void>;
}

/** Login sessions of users (the OAuth pages' cookies); secrets stored only as hashes. */
export interface UserSessionStore {
  /** A new session with a random ID and secret; the secret is returned only here. */
  create(userId: string, opts: { now: Date; expiresAt?: Date }): Promise<{ session: UserSession; secret: string }>;
  /** The user's session (without secret); `user_session_not_found` otherwise. */
  get(userId: string, sessionId: string): Promise<UserSession>;
  /**
   * The session with this ID whose secret matches (constant time), unexpired
   * at `now`: `user_session_not_found` (unknown ID or wrong secret), `session_expired`.
   */
  verify(sessionId: string, secret: string, now: Date): Promise<UserSession>;
  /** Order `created_at` / `-created_at`; by session ID otherwise. */
  find(userId: string, page: PageOptions): Promise<Page<UserSession>>;
  /** `user_session_not_found` unless the user has this session. */
  delete(userId: string, sessionId: string): Promise<void>;
  /** Ends every session of the user; returns how many there were. */
  deleteAllOfUser(userId: string): Promise<number>;
}

/**
 * OpenID Connect providers. The client secret is passed and returned in its
 * stored form (sealed by the caller); `id_taken` on a duplicate ID.
 */
export interface AuthenticationProviderStore {
  create(provider: AuthenticationProvider, now: Date): Promise<AuthenticationProvider>;
  /** `authentication_provider_not_found` otherwise. */
  get(providerId: string): Promise<AuthenticationProvider>;
  /** Order `provider_id`, `name`, `created_at` (`-` for descending). */
  find(page: PageOptions): Promise<Page<AuthenticationProvider>>;
  /** Writes the columns of `paths` (proto paths; a parent path covers its children). */
  update(providerId: string, provider: AuthenticationProvider, paths: readonly string[], now: Date): Promise<AuthenticationProvider>;
  /** Removes the provider and every link to it. */
  delete(providerId: string): Promise<void>;
}

/** Links of users to their subject (`external_id`) at a provider: one each way. */
export interface ExternalUserStore {
  /**
   * `authentication_provider_not_found`, `user_not_found`, `external_user_taken`
   * (the subject is linked already), `user_already_linked` (the user is).
   */
  create(link: ExternalUser, now: Date): Promise<ExternalUser>;
  /** Read on the primary: a login right after linking must find it. `external_user_not_found` otherwise. */
  getByExternalId(providerId: string, externalId: string): Promise<ExternalUser>;
  /** `user_not_linked` otherwise. */
  getByUserId(providerId: string, userId: string): Promise<ExternalUser>;
  delete(providerId: string, externalId: string): Promise<void>;
}

/** A rendered e-mail in the outbox (see email/worker.ts). */
export interface OutboxMessage {
  id: string;
  /** The template it was rendered from, for logs. */
  template: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  createdAt: Date;
}

/** A message claimed for delivery, with the attempts so far (this one included). */
export interface ClaimedOutboxMessage extends OutboxMessage {
  attempts: number;
}

/** The e-mail outbox of the tenant: written with the caller's transaction, drained by the worker. */
export interface EmailOutboxStore {
  /** Due at once. */
  add(message: OutboxMessage): Promise<void>;
  /**
   * Up to `limit` unsent messages due at `now`, oldest first, locked with SKIP
   * LOCKED so replicas never claim the same row; each is leased (not due again)
   * until `leaseUntil` and its attempt is counted.
   */
  claimDue(limit: number, now: Date, leaseUntil: Date): Promise<ClaimedOutboxMessage[]>;
  markSent(id: string, at: Date): Promise<void>;
  /** Records the error; due again at `nextAttemptAt`, or never when it is undefined (given up). */
  markFailed(id: string, error: string, nextAttemptAt: Date | undefined): Promise<void>;
}

/** A claimed message of some tenant's outbox. */
export interface TenantOutboxMessage extends ClaimedOutboxMessage {
  tenantId: string;
}

/**
 * The outboxes of every tenant of the deployment at once, for the e-mail
 * worker: one claim per poll whatever the number of tenants. Claims, leases
 * and marks like EmailOutboxStore; a message is marked in its own tenant's outbox.
 */
export interface OutboxQueue {
  claimDue(limit: number, now: Date, leaseUntil: Date): Promise<TenantOutboxMessage[]>;
  /** Messages neither sent nor given up, and when the oldest of them was queued (for metrics). */
  backlog(): Promise<{ queued: number; oldest?: Date }>;
  markSent(tenantId: string, id: string, at: Date): Promise<void>;
  markFailed(tenantId: string, id: string, error: string, nextAttemptAt: Date | undefined): Promise<void>;
}

/** A validation of a user's primary e-mail address; the token is kept only as a hash. */
export interface EmailValidationRecord {
  id: string;
  userId: string;
  address: string;
  tokenHash: string;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  usedAt?: Date;
}

export interface EmailValidationStore {
  create(v: { id: string; userId: string; address: string; tokenHash: string; expiresAt: Date }, at: Date): Promise<EmailValidationRecord>;
  /** The validation, locked for update when inside a transaction; undefined when unknown. */
  get(id: string): Promise<EmailValidationRecord | undefined>;
  /**
   * The newest unused, unexpired validation of this user and address (case-insensitive).
   * Locks the user's row first, so concurrent requests for one user take turns.
   */
  pending(userId: string, address: string, now: Date): Promise<EmailValidationRecord | undefined>;
  /** A new token hash and expiry for a pending validation (re-sent). */
  refresh(id: string, tokenHash: string, expiresAt: Date, at: Date): Promise<EmailValidationRecord>;
  markUsed(id: string, at: Date): Promise<void>;
}

/** An invitation with what registration needs to check its token. */
export interface StoredInvitation {
  /** Without the token. */
  invitation: Invitation;
  tokenHash: string;
}

export interface InvitationStore {
  /** `invitation_already_sent` when the address has one. */
  create(v: { email: string; tokenHash: string; tokenLookup: string; expiresAt: Date; senderId?: string }, at: Date): Promise<Invitation>;
  /** The invitation whose token starts with `lookup`, locked for update in a transaction. */
  byLookup(lookup: string): Promise<StoredInvitation | undefined>;
  accept(email: string, userId: string, at: Date): Promise<void>;
  /** Oldest first. */
  find(page: PageOptions): Promise<Page<Invitation>>;
  /** `invitation_not_found` when there is none. */
  delete(email: string): Promise<void>;
  /** Whether a live user has this primary address (case-insensitive). */
  addressRegistered(email: string): Promise<boolean>;
}

/** What a notification is about: an entity, or an end device (ID `<application_id>.<device_id>`). */
export type NotificationEntity = BookmarkRef;

/** A user as notification e-mails need them. */
export interface NotificationRecipient {
  id: string;
  name: string;
  /** Primary e-mail address; may be empty. */
  email: string;
}

export interface NotificationFindOptions extends PageOptions {
  /** Only notifications the user holds in one of these statuses (all when empty). */
  statuses?: readonly NotificationStatus[];
}

/** Notifications with one status row per receiving user (see notifications/). */
export interface NotificationStore {
  /**
   * Stores the notification (`id` and `created_at` set by the caller; status
   * fields ignored) with an UNSEEN receiver row per user. `data` of a message
   * type the server does not know is a validation error.
   */
  create(notification: Notification, receiverIds: readonly string[]): Promise<void>;
  /** The user's notifications with the user's status, newest first. */
  find(userId: string, opts: NotificationFindOptions): Promise<Page<Notification>>;
  /** Sets the user's status of those `ids` the user received (others are ignored); returns how many. */
  updateStatus(userId: string, ids: readonly string[], status: NotificationStatus, at: Date): Promise<number>;
  /** The live users among `ids`, in the order of `ids`. */
  recipients(ids: readonly string[]): Promise<NotificationRecipient[]>;
  /** IDs of the live admin users. */
  adminIds(): Promise<string[]>;
}

/** An authorization code as stored: its secret only as a hash (OAuth core). */
export interface StoredAuthorizationCode {
  id: string;
  codeHash: string;
  userId: string;
  clientId: string;
  userSessionId?: string;
  rights: Right[];
  redirectUri: string;
  state: string;
  /** PKCE (S256). */
  codeChallenge?: string;
  codeChallengeMethod?: string;
  /** OpenID Connect. */
  nonce?: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date;
  /** Set once the code was exchanged, with the token issued for it. */
  usedAt?: Date;
  accessTokenId?: string;
}

/** An access token row (the access and its refresh token share the ID). */
export interface StoredAccessToken {
  /** Without secrets. */
  token: OAuthAccessToken;
  accessTokenHash: string;
  refreshTokenHash?: string;
  scopes: string[];
}

/** A token with what authentication needs of its user and client (one query). */
export interface AccessTokenLookup extends StoredAccessToken {
  user?: Pick<User, "admin" | "state" | "stateDescription" | "primaryEmailAddressValidatedAt"> & { deleted: boolean };
  client?: { state: State; stateDescription: string; rights: Right[]; deleted: boolean };
}

/** A key that signs OpenID Connect ID tokens; the private JWK as stored (sealed or plain). */
export interface SigningKeyRecord {
  kid: string;
  privateJwk: Record<string, unknown>;
  publicJwk: Record<string, unknown>;
  createdAt: Date;
  retiredAt?: Date;
}

/** Whose OAuth records: a user's, a client's, or one user's with one client. */
export interface OAuthOwner {
  userId?: string;
  clientId?: string;
}

/** The OAuth server's records: consents, authorization codes, access tokens, ID token signing keys. */
export interface OAuthStore {
  getAuthorization(userId: string, clientId: string): Promise<OAuthClientAuthorization | undefined>;
  /** Creates the consent or replaces its rights. */
  setAuthorization(userId: string, clientId: string, rights: readonly Right[], at: Date): Promise<OAuthClientAuthorization>;
  /** Order `created_at` / `-created_at`; by client ID otherwise. */
  findAuthorizations(userId: string, page: PageOptions): Promise<Page<OAuthClientAuthorization>>;
  /** The consent with every token and code of that user and client: `authorization_not_found` when there is no consent. */
  deleteAuthorization(userId: string, clientId: string): Promise<void>;

  /** Also drops codes that expired long ago. */
  createCode(code: StoredAuthorizationCode): Promise<void>;
  /** The code, locked until the surrounding transaction ends. */
  getCode(id: string): Promise<StoredAuthorizationCode | undefined>;
  markCodeUsed(id: string, at: Date, accessTokenId: string): Promise<void>;

  createToken(token: OAuthAccessToken, hashes: { access: string; refresh?: string }, scopes: readonly string[]): Promise<void>;
  /** For authentication, from the primary (a revoked token stops at once): the token with its user and client. */
  lookupToken(id: string): Promise<AccessTokenLookup | undefined>;
  /** The token, locked until the surrounding transaction ends (unless `lock` is false: a plain read). */
  getToken(id: string, opts?: { lock?: boolean }): Promise<StoredAccessToken | undefined>;
  /**
   * New secrets (and rights and lifetime) for the token, keeping its ID: refresh
   * token rotation. Only while its refresh token hash is still `refreshHash` (what
   * the caller read and checked), in one statement: of two refreshes with one token,
   * one rotates and the other gets false.
   */
  rotateToken(
    id: string,
    refreshHash: string,
    hashes: { access: string; refresh?: string },
    rights: readonly Right[],
    at: Date,
    expiresAt: Date,
  ): Promise<boolean>;
  /** Without secrets; order `created_at` / `-created_at` (default: newest first). */
  findTokens(userId: string, clientId: string, page: PageOptions): Promise<Page<OAuthAccessToken>>;
  /** False when there was no such token. */
  deleteToken(id: string): Promise<boolean>;
  /** Every token and unused code of the owner (revoking all access); the consents stay. */
  deleteTokens(owner: OAuthOwner): Promise<number>;
  /** Consents, tokens and codes of the owner (a removed user or client). */
  deleteAll(owner: OAuthOwner): Promise<void>;

  /** Newest first. */
  signingKeys(): Promise<SigningKeyRecord[]>;
  /** Serializes key rotation across replicas until the surrounding transaction ends. */
  lockSigningKeys(): Promise<void>;
  /** Adds the key and retires every other active key at `at`. */
  addSigningKey(key: { kid: string; privateJwk: Record<string, unknown>; publicJwk: Record<string, unknown> }, at: Date): Promise<void>;
  deleteSigningKeysRetiredBefore(at: Date): Promise<void>;
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
  readonly limits: LimitStore;
  readonly notifications: NotificationStore;
  readonly emailValidations: EmailValidationStore;
  readonly invitations: InvitationStore;
  readonly loginTokens: LoginTokenStore;
  readonly sessions: UserSessionStore;
  readonly oauth: OAuthStore;
  readonly authenticationProviders: AuthenticationProviderStore;
  readonly externalUsers: ExternalUserStore;
  /** Whether the entity exists (and is not deleted, unless included). */
  exists(entity: EntityRef, opts?: GetOptions): Promise<boolean>;
  /** Runs `fn` in one transaction on the primary; reads inside it see its writes. */
  transact<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  readonly emailOutbox: EmailOutboxStore;
  /**
   * Runs `hook` once the outermost transaction this store belongs to has
   * committed (never on rollback); at once outside a transaction.
   */
  afterCommit(hook: () => void): void;
}

/**
 * Tenants themselves (src/tenancy/): not bound to a tenant, unlike Store. The
 * default tenant may have no record; `get` of it then fails like any other.
 */
export interface TenantStore {
  /**
   * `tenant_id_taken` when a live or deleted tenant has the ID. `init` runs in
   * the same transaction with the new tenant's Store (its first user): when it
   * fails, nothing of the tenant remains.
   */
  create(tenant: Tenant, init?: (store: Store) => Promise<void>): Promise<Tenant>;
  /** `tenant_not_found`; deleted tenants only with includeDeleted. */
  get(id: string, opts?: GetOptions): Promise<Tenant>;
  /** Order by `tenant_id`, `name`, `created_at` (`-` for descending). */
  find(opts: PageOptions & { deleted?: boolean }): Promise<Page<Tenant>>;
  /** Writes the masked fields (nested paths too, as entity updates do); returns the whole stored tenant. */
  update(id: string, tenant: Tenant, paths: readonly string[]): Promise<Tenant>;
  /** Soft delete. */
  delete(id: string): Promise<void>;
  restore(id: string): Promise<void>;
  /** The tenant's record and every row of every table that belongs to it. */
  purge(id: string): Promise<void>;
  /** What exists in the tenant (live entities; activated end devices: those with `activated_at`). */
  totals(id: string): Promise<TenantRegistryTotals>;
  /** The tenants (not deleted ones) with an end device of this JoinEUI and DevEUI, sorted. */
  byEndDeviceEUIs(joinEui: Uint8Array, devEui: Uint8Array): Promise<string[]>;
  /** The tenants (not deleted ones) with a live gateway of this EUI, sorted. */
  byGatewayEUI(eui: Uint8Array): Promise<string[]>;
  /** The live tenants whose billing identifiers have this billing ID, sorted. */
  byBillingIdentifiers(billingId: string): Promise<string[]>;
}

/** One fixed window of one rate limit key (src/ratelimit/). */
export interface RateWindow {
  key: string;
  /** The window's first millisecond (Unix time). */
  windowStart: number;
}

/**
 * Rate limit counters of one tenant, shared by every server on the database
 * (src/ratelimit/). Always on the primary: counting is writing.
 */
export interface RateLimitStore {
  /** The hits recorded in each window; windows without any are left out. */
  hits(windows: readonly RateWindow[]): Promise<Array<RateWindow & { hits: number }>>;
  /** One more hit in each window (one atomic upsert), each kept at least until its `expiresAt`. */
  add(windows: ReadonlyArray<RateWindow & { expiresAt: Date }>): Promise<void>;
  /** Forgets every window of the keys. */
  clear(keys: readonly string[]): Promise<void>;
}

/** The rate limit counters of a deployment: per tenant, and their cleanup. */
export interface RateLimits {
  tenant(tenantId: string): RateLimitStore;
  /** Deletes the windows that expired (by the database's clock); returns how many. */
  prune(): Promise<number>;
}
