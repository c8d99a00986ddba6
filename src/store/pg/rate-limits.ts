// Rate limit counters in PostgreSQL (or PGlite), so every server on the
// database counts the same hits (schema/rate-limits.ts). Counting is one
// INSERT ... ON CONFLICT DO UPDATE for all the windows an attempt touches,
// in key order, so two servers counting the same keys at once never deadlock
// and never lose a hit. Always on the primary handle: counters are writes,
// and a lagging replica would let hits through.
import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { RateLimits, RateLimitStore, RateWindow } from "../interfaces.js";
import { rows, type Handle } from "./handle.js";
import { rateLimitCounters as c } from "./schema/index.js";
import { withUnavailableErrors } from "./unavailable.js";

const windowKey = (w: RateWindow) => `${w.windowStart}\u0000${w.key}`;

function tenantRateLimits(db: Handle, tenantId: string): RateLimitStore {
  return {
    async hits(windows) {
      if (windows.length === 0) return [];
      return db
        .select({ key: c.key, windowStart: c.window_start, hits: c.hits })
        .from(c)
        .where(and(eq(c.tenant_id, tenantId), or(...windows.map((w) => and(eq(c.key, w.key), eq(c.window_start, w.windowStart))))));
    },
    async add(windows) {
      // One row per window (a statement may not update one row twice), in a fixed order (no deadlocks between servers).
      const unique = new Map(windows.map((w) => [windowKey(w), w]));
      const values = [...unique.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, w]) => ({ tenant_id: tenantId, key: w.key, window_start: w.windowStart, hits: 1, expires_at: w.expiresAt }));
      if (values.length === 0) return;
      await db
        .insert(c)
        .values(values)
        .onConflictDoUpdate({
          target: [c.tenant_id, c.key, c.window_start],
          set: { hits: sql`${c.hits} + 1`, expires_at: sql`greatest(${c.expires_at}, excluded.expires_at)` },
        });
    },
    async clear(keys) {
      if (keys.length === 0) return;
      await db.delete(c).where(and(eq(c.tenant_id, tenantId), inArray(c.key, [...keys])));
    },
  };
}

/** The counters of every tenant on `db` (the primary). A lost database rejects as `database_unavailable`. */
export function pgRateLimits(db: Handle): RateLimits {
  return {
    tenant: (tenantId) => withUnavailableErrors(tenantRateLimits(db, tenantId)),
    prune: withUnavailableErrors({
      async prune() {
        const [row] = await rows<{ n: number }>(db, sql`WITH gone AS (DELETE FROM ${c} WHERE ${c.expires_at} < now() RETURNING 1) SELECT count(*)::int AS n FROM gone`);
        return Number(row?.n ?? 0);
      },
    }).prune,
  };
}
