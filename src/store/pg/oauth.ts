// The OAuth server's records (src/oauth/core): consents, authorization codes,
// access tokens (each row also holds its refresh token's hash) and the keys
// that sign OpenID Connect ID tokens. Secrets arrive hashed; nothing here sees
// a plaintext code or token.
import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { and, asc, count, desc, eq, isNotNull, isNull, lt, ne, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { OAuthAccessTokenSchema, OAuthClientAuthorizationSchema, type OAuthAccessToken, type OAuthClientAuthorization } from "../../../gen/ttn/lorawan/v3/oauth_pb.js";
import type { Right } from "../../../gen/ttn/lorawan/v3/rights_pb.js";
import { errAuthorizationNotFound } from "../../errors/index.js";
import type { OAuthOwner, OAuthStore, StoredAccessToken, StoredAuthorizationCode } from "../interfaces.js";
import type { Handles } from "./handle.js";
import { placeholder, preparedOnce } from "./prepared.js";
import { clients, oauthAccessTokens, oauthAuthorizationCodes, oauthClientAuthorizations, oauthSigningKeys, users } from "./schema/index.js";

const auths = oauthClientAuthorizations;
const codes = oauthAuthorizationCodes;
const tokens = oauthAccessTokens;
const keys = oauthSigningKeys;

// Used codes are kept until well after they expire, so a replay is still
// recognised (and revokes what the code issued) while a thief might try it.
const codeRetentionMs = 24 * 3600_000;

const toAuthorization = (row: typeof auths.$inferSelect): OAuthClientAuthorization =>
  create(OAuthClientAuthorizationSchema, {
    userIds: { userId: row.user_id },
    clientIds: { clientId: row.client_id },
    rights: row.rights as Right[],
    createdAt: timestampFromDate(row.created_at),
    updatedAt: timestampFromDate(row.updated_at),
  });

const toToken = (row: typeof tokens.$inferSelect): OAuthAccessToken =>
  create(OAuthAccessTokenSchema, {
    userIds: { userId: row.user_id },
    userSessionId: row.user_session_id ?? "",
    clientIds: { clientId: row.client_id },
    id: row.id,
    rights: row.rights as Right[],
    createdAt: timestampFromDate(row.created_at),
    expiresAt: timestampFromDate(row.expires_at),
  });

const toStoredToken = (row: typeof tokens.$inferSelect): StoredAccessToken => ({
  token: toToken(row),
  accessTokenHash: row.access_token_hash,
  refreshTokenHash: row.refresh_token_hash ?? undefined,
  scopes: row.scopes ?? [],
});

const toCode = (row: typeof codes.$inferSelect): StoredAuthorizationCode => ({
  id: row.id,
  codeHash: row.code_hash,
  userId: row.user_id,
  clientId: row.client_id,
  userSessionId: row.user_session_id ?? undefined,
  rights: row.rights as Right[],
  redirectUri: row.redirect_uri,
  state: row.state,
  codeChallenge: row.code_challenge ?? undefined,
  codeChallengeMethod: row.code_challenge_method ?? undefined,
  nonce: row.nonce ?? undefined,
  scopes: row.scopes ?? [],
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  usedAt: row.used_at ?? undefined,
  accessTokenId: row.access_token_id ?? undefined,
});

export function oauthStore(h: Handles, tenantId: string, transact: <R>(fn: (h: Handles) => Promise<R>) => Promise<R>): OAuthStore {
  const auth = (userId: string, clientId: string) => and(eq(auths.tenant_id, tenantId), eq(auths.user_id, userId), eq(auths.client_id, clientId));
  // The rows of a user, a client or a pair, in any of the three tables.
  const owned = (t: { tenant_id: AnyPgColumn; user_id: AnyPgColumn; client_id: AnyPgColumn }, owner: OAuthOwner): SQL => {
    if (!owner.userId && !owner.clientId) throw new Error("OAuth owner without user or client");
    const parts = [eq(t.tenant_id, tenantId)];
    if (owner.userId) parts.push(eq(t.user_id, owner.userId));
    if (owner.clientId) parts.push(eq(t.client_id, owner.clientId));
    return and(...parts)!;
  };
  // Every request with an access token looks it up (on the primary: a revoked
  // token must count at once): built once (prepared.ts).
  const lookupTokenQuery = preparedOnce("oauth_access_token_lookup", () =>
    h.primary
      .select({
        token: tokens,
        user_id: users.user_id,
        admin: users.admin,
        state: users.state,
        state_description: users.state_description,
        validated_at: users.primary_email_address_validated_at,
        user_deleted_at: users.deleted_at,
        client_id: clients.client_id,
        client_state: clients.state,
        client_state_description: clients.state_description,
        client_rights: clients.rights,
        client_deleted_at: clients.deleted_at,
      })
      .from(tokens)
      .leftJoin(users, and(eq(users.tenant_id, tokens.tenant_id), eq(users.user_id, tokens.user_id)))
      .leftJoin(clients, and(eq(clients.tenant_id, tokens.tenant_id), eq(clients.client_id, tokens.client_id)))
      .where(and(eq(tokens.tenant_id, tenantId), eq(tokens.id, placeholder("id"))))
      .limit(1));
  // Every refresh reads and rotates its token: built once.
  const tokenById = () => h.primary.select().from(tokens).where(and(eq(tokens.tenant_id, tenantId), eq(tokens.id, placeholder("id"))));
  const getTokenQuery = preparedOnce("oauth_access_token_get", () => tokenById().for("update"));
  const readTokenQuery = preparedOnce("oauth_access_token_read", () => tokenById());
  const rotateTokenQuery = preparedOnce("oauth_access_token_rotate", () =>
    h.primary
      .update(tokens)
      .set({
        access_token_hash: sql`${placeholder("access")}`,
        refresh_token_hash: sql`${placeholder("refresh")}`,
        rights: sql`${placeholder("rights")}::int[]`,
        // As text: the driver serializes no dates (drizzle's columns do, and these bypass them).
        created_at: sql`${placeholder("at")}::timestamptz`,
        expires_at: sql`${placeholder("expiresAt")}::timestamptz`,
      })
      .where(and(eq(tokens.tenant_id, tenantId), eq(tokens.id, placeholder("id")), eq(tokens.refresh_token_hash, placeholder("expected"))))
      .returning({ id: tokens.id }));
  const deleteTokensOf = async (hp: Handles["primary"], owner: OAuthOwner): Promise<number> => {
    const gone = await hp.delete(tokens).where(owned(tokens, owner)).returning({ id: tokens.id });
    // Unused codes would mint new tokens; used ones stay for replay detection.
    await hp.delete(codes).where(and(owned(codes, owner), isNull(codes.used_at)));
    return gone.length;
  };

  return {
    async getAuthorization(userId, clientId) {
      const [row] = await h.primary.select().from(auths).where(auth(userId, clientId)).limit(1);
      return row ? toAuthorization(row) : undefined;
    },

    async setAuthorization(userId, clientId, rights, at) {
      const [row] = await h.primary
        .insert(auths)
        .values({ tenant_id: tenantId, user_id: userId, client_id: clientId, rights: [...rights], created_at: at, updated_at: at })
        .onConflictDoUpdate({ target: [auths.tenant_id, auths.user_id, auths.client_id], set: { rights: [...rights], updated_at: at } })
        .returning();
      return toAuthorization(row!);
    },

    async findAuthorizations(userId, page) {
      const of = and(eq(auths.tenant_id, tenantId), eq(auths.user_id, userId));
      const dir = page.order?.startsWith("-") ? desc : asc;
      const order = page.order?.replace(/^-/, "") === "created_at" ? [dir(auths.created_at), dir(auths.client_id)] : [asc(auths.client_id)];
      const [items, [total]] = await Promise.all([
        h.read.select().from(auths).where(of).orderBy(...order).limit(page.limit).offset((page.page - 1) * page.limit),
        h.read.select({ n: count() }).from(auths).where(of),
      ]);
      return { items: items.map(toAuthorization), total: Number(total?.n ?? 0) };
    },

    async deleteAuthorization(userId, clientId) {
      await transact(async (tx) => {
        const gone = await tx.primary.delete(auths).where(auth(userId, clientId)).returning({ u: auths.user_id });
        if (gone.length === 0) throw errAuthorizationNotFound({ user_id: userId, client_id: clientId });
        await deleteTokensOf(tx.primary, { userId, clientId });
      });
    },

    async createCode(code) {
      await h.primary.delete(codes).where(and(eq(codes.tenant_id, tenantId), lt(codes.expires_at, new Date(code.createdAt.getTime() - codeRetentionMs))));
      await h.primary.insert(codes).values({
        tenant_id: tenantId,
        id: code.id,
        code_hash: code.codeHash,
        user_id: code.userId,
        client_id: code.clientId,
        user_session_id: code.userSessionId ?? null,
        rights: [...code.rights],
        redirect_uri: code.redirectUri,
        state: code.state,
        code_challenge: code.codeChallenge ?? null,
        code_challenge_method: code.codeChallengeMethod ?? null,
        nonce: code.nonce ?? null,
        scopes: code.scopes.length ? [...code.scopes] : null,
        created_at: code.createdAt,
        expires_at: code.expiresAt,
      });
    },

    async getCode(id) {
      const [row] = await h.primary.select().from(codes).where(and(eq(codes.tenant_id, tenantId), eq(codes.id, id))).for("update");
      return row ? toCode(row) : undefined;
    },

    async markCodeUsed(id, at, accessTokenId) {
      await h.primary.update(codes).set({ used_at: at, access_token_id: accessTokenId }).where(and(eq(codes.tenant_id, tenantId), eq(codes.id, id)));
    },

    async createToken(token, hashes, scopes) {
      await h.primary.insert(tokens).values({
        tenant_id: tenantId,
        id: token.id,
        access_token_hash: hashes.access,
        refresh_token_hash: hashes.refresh ?? null,
        user_id: token.userIds!.userId,
        client_id: token.clientIds!.clientId,
        user_session_id: token.userSessionId || null,
        rights: [...token.rights],
        scopes: scopes.length ? [...scopes] : null,
        created_at: token.createdAt ? timestampDate(token.createdAt) : undefined,
        expires_at: timestampDate(token.expiresAt!),
      });
    },

    async lookupToken(id) {
      const [row] = await lookupTokenQuery({ id });
      if (!row) return undefined;
      return {
        ...toStoredToken(row.token),
        user:
          row.user_id === null
            ? undefined
            : {
                admin: row.admin ?? false,
                state: row.state ?? 0,
                stateDescription: row.state_description ?? "",
                primaryEmailAddressValidatedAt: row.validated_at ? timestampFromDate(row.validated_at) : undefined,
                deleted: row.user_deleted_at !== null,
              },
        client:
          row.client_id === null
            ? undefined
            : {
                state: row.client_state ?? 0,
                stateDescription: row.client_state_description ?? "",
                rights: ((row.client_rights as number[] | null) ?? []) as Right[],
                deleted: row.client_deleted_at !== null,
              },
      };
    },

    async getToken(id, opts) {
      const [row] = await (opts?.lock === false ? readTokenQuery : getTokenQuery)({ id });
      return row ? toStoredToken(row) : undefined;
    },

    async rotateToken(id, refreshHash, hashes, rights, at, expiresAt) {
      const rows = await rotateTokenQuery({ id, expected: refreshHash, access: hashes.access, refresh: hashes.refresh ?? null, rights: [...rights], at: at.toISOString(), expiresAt: expiresAt.toISOString() });
      return rows.length === 1;
    },

    async findTokens(userId, clientId, page) {
      const of = owned(tokens, { userId, clientId });
      const dir = page.order === "created_at" ? asc : desc;
      const [items, [total]] = await Promise.all([
        h.read.select().from(tokens).where(of).orderBy(dir(tokens.created_at), dir(tokens.id)).limit(page.limit).offset((page.page - 1) * page.limit),
        h.read.select({ n: count() }).from(tokens).where(of),
      ]);
      return { items: items.map(toToken), total: Number(total?.n ?? 0) };
    },

    async deleteToken(id) {
      const gone = await h.primary.delete(tokens).where(and(eq(tokens.tenant_id, tenantId), eq(tokens.id, id))).returning({ id: tokens.id });
      return gone.length > 0;
    },

    deleteTokens: (owner) => transact((tx) => deleteTokensOf(tx.primary, owner)),

    async deleteAll(owner) {
      await transact(async (tx) => {
        await tx.primary.delete(auths).where(owned(auths, owner));
        await tx.primary.delete(tokens).where(owned(tokens, owner));
        await tx.primary.delete(codes).where(owned(codes, owner));
      });
    },

    async signingKeys() {
      const rows = await h.primary.select().from(keys).where(eq(keys.tenant_id, tenantId)).orderBy(desc(keys.created_at), desc(keys.kid));
      return rows.map((row) => ({
        kid: row.kid,
        privateJwk: row.private_jwk as Record<string, unknown>,
        publicJwk: row.public_jwk as Record<string, unknown>,
        createdAt: row.created_at,
        retiredAt: row.retired_at ?? undefined,
      }));
    },

    async lockSigningKeys() {
      await h.primary.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`oauth_signing_keys:${tenantId}`}))`);
    },

    async addSigningKey(key, at) {
      await h.primary
        .update(keys)
        .set({ retired_at: at })
        .where(and(eq(keys.tenant_id, tenantId), isNull(keys.retired_at), ne(keys.kid, key.kid)));
      await h.primary.insert(keys).values({ tenant_id: tenantId, kid: key.kid, private_jwk: key.privateJwk, public_jwk: key.publicJwk, created_at: at });
    },

    async deleteSigningKeysRetiredBefore(at) {
      await h.primary.delete(keys).where(and(eq(keys.tenant_id, tenantId), isNotNull(keys.retired_at), lt(keys.retired_at, at)));
    },
  };
}
