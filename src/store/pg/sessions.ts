// Login sessions of users. The session ID is public (it names the session in
// the API); the secret is the base32 of 32 random bytes, stored only as an
// HMAC and compared in constant time. IDs are base32 like every other token ID,
// so a session can travel as `ONZW4.<session_id>.<secret>`.
import { randomBytes } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { and, asc, count, desc, eq } from "drizzle-orm";
import { UserSessionSchema, type UserSession } from "../../../gen/ttn/lorawan/v3/user_pb.js";
import { hashSecret, verifySecret } from "../../auth/secrets.js";
import { base32 } from "../../auth/tokens.js";
import { errUserSessionExpired, errUserSessionNotFound } from "../../errors/index.js";
import type { UserSessionStore } from "../interfaces.js";
import type { Handles } from "./handle.js";
import { placeholder, preparedOnce } from "./prepared.js";
import { userSessions } from "./schema/index.js";

const s = userSessions;
type Row = typeof s.$inferSelect;

const toSession = (row: Row): UserSession =>
  create(UserSessionSchema, {
    userIds: { userId: row.user_id },
    sessionId: row.session_id,
    createdAt: timestampFromDate(row.created_at),
    updatedAt: timestampFromDate(row.updated_at),
    expiresAt: row.expires_at ? timestampFromDate(row.expires_at) : undefined,
  });

export function userSessionStore(h: Handles, tenantId: string): UserSessionStore {
  const ofUser = (userId: string) => and(eq(s.tenant_id, tenantId), eq(s.user_id, userId));
  const one = (userId: string, sessionId: string) => and(ofUser(userId), eq(s.session_id, sessionId));
  // The primary: a session just created (login) or deleted (logout) must count at once.
  // Every request of the OAuth pages verifies its session: built once (prepared.ts).
  const bySessionId = preparedOnce("user_session_verify", () =>
    h.primary.select().from(s).where(and(eq(s.tenant_id, tenantId), eq(s.session_id, placeholder("session_id")))).limit(1));

  return {
    async create(userId, opts) {
      const secret = base32(randomBytes(32));
      const [row] = await h.primary
        .insert(s)
        .values({
          tenant_id: tenantId,
          session_id: base32(randomBytes(24)),
          user_id: userId,
          secret_hash: hashSecret(secret),
          created_at: opts.now,
          updated_at: opts.now,
          expires_at: opts.expiresAt ?? null,
        })
        .returning();
      return { session: toSession(row!), secret };
    },

    async get(userId, sessionId) {
      const [row] = await h.read.select().from(s).where(one(userId, sessionId)).limit(1);
      if (!row) throw errUserSessionNotFound({ session_id: sessionId });
      return toSession(row);
    },

    async verify(sessionId, secret, now) {
      const [row] = await bySessionId({ session_id: sessionId });
      if (!row || !verifySecret(secret, row.secret_hash)) throw errUserSessionNotFound({ session_id: sessionId });
      if (row.expires_at && row.expires_at <= now) throw errUserSessionExpired();
      return toSession(row);
    },

    async find(userId, page) {
      const dir = page.order?.startsWith("-") ? desc : asc;
      const order = page.order?.replace(/^-/, "") === "created_at" ? [dir(s.created_at), dir(s.session_id)] : [dir(s.session_id)];
      const [items, [total]] = await Promise.all([
        h.read.select().from(s).where(ofUser(userId)).orderBy(...order).limit(page.limit).offset((page.page - 1) * page.limit),
        h.read.select({ n: count() }).from(s).where(ofUser(userId)),
      ]);
      return { items: items.map(toSession), total: Number(total?.n ?? 0) };
    },

    async delete(userId, sessionId) {
      const gone = await h.primary.delete(s).where(one(userId, sessionId)).returning({ id: s.session_id });
      if (gone.length === 0) throw errUserSessionNotFound({ session_id: sessionId });
    },

    async deleteAllOfUser(userId) {
      const gone = await h.primary.delete(s).where(ofUser(userId)).returning({ id: s.session_id });
      return gone.length;
    },
  };
}
