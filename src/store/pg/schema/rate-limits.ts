// Rate limit counters shared by every server on the database (src/ratelimit/):
// hits per key and fixed window, one row each, incremented by an atomic
// upsert. `window_start` is the window's first millisecond (Unix time, a
// multiple of the rule's window length). Rows expire once no rule can read
// them again; any server deletes expired ones now and then. The table is
// UNLOGGED (the migration): counters are not worth WAL, a read replica never
// needs them, and losing them in a database crash only forgives some failed
// logins.
import { bigint, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { tenantId, ts } from "./columns.js";

export const rateLimitCounters = pgTable(
  "rate_limit_counters",
  {
    tenant_id: tenantId(),
    /** `<limiter>:<kind>:<value>`, e.g. `login:user:alice`; long values are hashed (src/ratelimit/keys.ts). */
    key: text("key").notNull(),
    window_start: bigint("window_start", { mode: "number" }).notNull(),
    hits: integer("hits").notNull(),
    expires_at: ts("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ name: "rate_limit_counters_pkey", columns: [t.tenant_id, t.key, t.window_start] }),
    index("rate_limit_counters_expiry_index").on(t.expires_at),
  ],
);
