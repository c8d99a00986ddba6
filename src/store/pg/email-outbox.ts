// The tenant's e-mail outbox rows. Claiming is one UPDATE over a sub-select
// with FOR UPDATE SKIP LOCKED: replicas draining the same tenant never claim
// the same row, and the lease (next_attempt_at pushed to `leaseUntil`) keeps a
// row out of other workers' hands while it is being sent, also after the
// statement's lock is gone. A row given up on is never due again
// (next_attempt_at = 'infinity') but stays, with its last error, for operators.
// Subject and bodies arrive sealed (or `:`-prefixed open) from the e-mail
// module and hold live tokens: marking a row sent or given up sets them to
// NULL in the same UPDATE, so only the metadata outlives delivery.
// `deploymentOutbox` claims the same way across the deployment's tenants, for
// the one e-mail worker of a process.
import { and, asc, eq, inArray, isNotNull, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import type { EmailOutboxStore, OutboxQueue, TenantOutboxMessage } from "../interfaces.js";
import type { Handles } from "./handle.js";
import { emailOutbox as o, tenants } from "./schema/index.js";

type Row = typeof o.$inferSelect;

const claimedOf = (r: Row): TenantOutboxMessage => ({
  id: r.id,
  tenantId: r.tenant_id,
  template: r.template,
  to: r.recipient as { name: string; address: string },
  subject: r.subject ?? "",
  text: r.text_body ?? "",
  html: r.html_body ?? "",
  createdAt: r.created_at,
  attempts: r.attempts,
});

/** Claims up to `limit` due rows of the tenants `which` selects (see the header). */
async function claim(h: Handles, which: SQL, limit: number, now: Date, leaseUntil: Date): Promise<TenantOutboxMessage[]> {
  const due = h.primary
    .select({ id: o.id })
    .from(o)
    .where(and(which, isNull(o.sent_at), lte(o.next_attempt_at, now), isNotNull(o.text_body)))
    .orderBy(asc(o.next_attempt_at), asc(o.created_at), asc(o.id))
    .limit(limit)
    .for("update", { of: o, skipLocked: true });
  const claimed = await h.primary
    .update(o)
    .set({ next_attempt_at: leaseUntil, attempts: sql`${o.attempts} + 1` })
    .where(and(which, inArray(o.id, due)))
    .returning();
  return claimed.map(claimedOf).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
}

export function emailOutboxStore(h: Handles, tenantId: string): EmailOutboxStore {
  const one = (id: string) => and(eq(o.tenant_id, tenantId), eq(o.id, id));
  const scrubbed = { subject: null, text_body: null, html_body: null };
  return {
    async add(m) {
      await h.primary.insert(o).values({
        id: m.id,
        tenant_id: tenantId,
        template: m.template,
        recipient: m.to,
        subject: m.subject,
        text_body: m.text,
        html_body: m.html,
        created_at: m.createdAt,
        next_attempt_at: m.createdAt,
      });
    },

    claimDue: (limit, now, leaseUntil) => claim(h, eq(o.tenant_id, tenantId), limit, now, leaseUntil),

    async markSent(id, at) {
      await h.primary.update(o).set({ sent_at: at, last_error: null, ...scrubbed }).where(one(id));
    },

    async markFailed(id, error, nextAttemptAt) {
      const last_error = error.slice(0, 2000);
      await h.primary
        .update(o)
        .set(nextAttemptAt ? { last_error, next_attempt_at: nextAttemptAt } : { last_error, next_attempt_at: sql`'infinity'::timestamptz`, ...scrubbed })
        .where(one(id));
    },
  };
}

/**
 * The outboxes of the deployment's tenants: the default tenant's and those of
 * every tenant with a record. One query however many tenants there are, on the
 * index of due rows, which does not hold the tenant anyway. Rows of tenant
 * IDs the deployment does not know (other servers sharing the database, such
 * as test servers with tenants of their own) are left alone.
 */
export function deploymentOutbox(h: Handles, defaultTenantId: string): OutboxQueue {
  const ours = or(eq(o.tenant_id, defaultTenantId), inArray(o.tenant_id, h.primary.select({ id: tenants.tenant_id }).from(tenants)))!;
  return {
    claimDue: (limit, now, leaseUntil) => claim(h, ours, limit, now, leaseUntil),
    async backlog() {
      // Queued: not sent, not given up (both scrub the bodies).
      const [row] = await h.primary
        .select({ queued: sql<number>`count(*)::int`, oldest: sql<number | null>`extract(epoch from min(${o.created_at}))::float8` })
        .from(o)
        .where(and(ours, isNull(o.sent_at), isNotNull(o.text_body)));
      const oldest = row?.oldest;
      return { queued: Number(row?.queued ?? 0), oldest: oldest === null || oldest === undefined ? undefined : new Date(Number(oldest) * 1000) };
    },
    markSent: (tenantId, id, at) => emailOutboxStore(h, tenantId).markSent(id, at),
    markFailed: (tenantId, id, error, nextAttemptAt) => emailOutboxStore(h, tenantId).markFailed(id, error, nextAttemptAt),
  };
}
