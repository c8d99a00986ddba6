// The tenant's e-mail outbox rows. Claiming is one UPDATE over a sub-select
// with FOR UPDATE SKIP LOCKED: replicas draining the same tenant never claim
// the same row, and the lease (next_attempt_at pushed to `leaseUntil`) keeps a
// row out of other workers' hands while it is being sent, also after the
// statement's lock is gone. A row given up on is never due again
// (next_attempt_at = 'infinity') but stays, with its last error, for operators.
// Subject and bodies arrive sealed (or `:`-prefixed open) from the e-mail
// module and hold live tokens: marking a row sent or given up sets them to
// NULL in the same UPDATE, so only the metadata outlives delivery.
import { and, asc, eq, inArray, isNotNull, isNull, lte, sql } from "drizzle-orm";
import type { ClaimedOutboxMessage, EmailOutboxStore } from "../interfaces.js";
import type { Handles } from "./handle.js";
import { emailOutbox as o } from "./schema/index.js";

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

    async claimDue(limit, now, leaseUntil) {
      const due = h.primary
        .select({ id: o.id })
        .from(o)
        .where(and(eq(o.tenant_id, tenantId), isNull(o.sent_at), lte(o.next_attempt_at, now), isNotNull(o.text_body)))
        .orderBy(asc(o.next_attempt_at), asc(o.created_at), asc(o.id))
        .limit(limit)
        .for("update", { skipLocked: true });
      const claimed = await h.primary
        .update(o)
        .set({ next_attempt_at: leaseUntil, attempts: sql`${o.attempts} + 1` })
        .where(and(eq(o.tenant_id, tenantId), inArray(o.id, due)))
        .returning();
      return claimed
        .map((r): ClaimedOutboxMessage => ({
          id: r.id,
          template: r.template,
          to: r.recipient as { name: string; address: string },
          subject: r.subject ?? "",
          text: r.text_body ?? "",
          html: r.html_body ?? "",
          createdAt: r.created_at,
          attempts: r.attempts,
        }))
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
    },

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
