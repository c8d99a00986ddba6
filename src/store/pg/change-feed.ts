// The change feed of a PostgreSQL database for the auth cache (src/cache/) and
// read-your-writes across servers (src/store/heard-writes.ts): one dedicated
// connection that LISTENs on the channel the triggers of migrations 0007-0011
// notify when a tenant's rows change, in any process (another replica,
// `is-db`, the CLI through another server).
//
// The cache may trust it only while it surely hears every change: from the
// moment LISTEN succeeded until the connection closes or stops answering the
// heartbeat (a silent network partition closes nothing). Then it says so, and
// keeps reconnecting in the background.
import type { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import type { ChangeFeed, HeardScope } from "../../cache/change-clock.js";

export const changeChannel = "is_rights_changed";

/**
 * A notification's payload: "<scope> <tenant_id>" since migration 0011, the
 * scope alone for a TRUNCATE (every tenant); before it "tokens" or "" (0007,
 * 0008). An unknown scope is "any": too many cache drops, never too few.
 */
export function parseChange(payload: string | undefined): { scope: HeardScope; tenantId?: string } {
  const text = payload ?? "";
  const space = text.indexOf(" ");
  const head = space < 0 ? text : text.slice(0, space);
  const tenantId = space < 0 ? undefined : text.slice(space + 1) || undefined;
  const scope: HeardScope = head === "tokens" || head === "data" ? head : "any";
  return tenantId === undefined ? { scope } : { scope, tenantId };
}

const deliver = (changed: Parameters<ChangeFeed["subscribe"]>[0], payload: string | undefined) => {
  const { scope, tenantId } = parseChange(payload);
  changed(scope, tenantId);
};

// Named in pg_stat_activity, so operators (and the tests) can tell it from the pool.
export const changeFeedApplicationName = "identity-server change feed";
const heartbeatMs = 2_000;
// Long enough that a busy server or database is not taken for a partition.
const heartbeatTimeoutMs = 5_000;
const retryMs = 250;

export function postgresChangeFeed(uri: string): ChangeFeed {
  return {
    async subscribe(changed, trusted) {
      let stopped = false;
      let listening = false;
      let timer: NodeJS.Timeout | undefined;
      let sql: postgres.Sql | undefined;
      const schedule = (ms: number) => {
        clearTimeout(timer);
        if (!stopped) timer = setTimeout(step, ms).unref();
      };
      // Forgets the connection (a fresh one listens on the next step).
      const lost = () => {
        const old = sql;
        sql = undefined;
        old?.end({ timeout: 0 }).catch(() => {});
        if (listening) {
          listening = false;
          trusted(false);
        }
        schedule(retryMs);
      };
      const connect = () => {
        // `onnotify` is postgres.js's own connection option (what its `listen` uses), missing from its types.
        const own: postgres.Sql = postgres(uri, {
          max: 1,
          idle_timeout: 0,
          max_lifetime: 0,
          connect_timeout: 3,
          fetch_types: false,
          connection: { application_name: changeFeedApplicationName },
          onnotice: () => {},
          onnotify: (channel: string, payload: string) => channel === changeChannel && deliver(changed, payload),
          // A closed connection has lost its LISTEN: whatever happens next goes unheard.
          onclose: () => sql === own && lost(),
        } as postgres.Options<{}>);
        return own;
      };
      // Listens when not listening, else checks that the connection still answers.
      async function step() {
        try {
          if (!sql || !listening) {
            const own = (sql ??= connect());
            await own.unsafe(`LISTEN ${changeChannel}`);
            if (stopped || sql !== own) return;
            listening = true;
            trusted(true);
          } else {
            const answered = await Promise.race([sql`SELECT 1`.then(() => true), new Promise<boolean>((r) => setTimeout(r, heartbeatTimeoutMs, false).unref())]);
            if (!answered) return lost();
          }
          schedule(heartbeatMs);
        } catch {
          if (!stopped) lost();
        }
      }
      await step();
      return async () => {
        stopped = true;
        clearTimeout(timer);
        const own = sql;
        sql = undefined;
        await own?.end({ timeout: 1 }).catch(() => {});
      };
    },
  };
}

/**
 * PGlite: only this process can open it, and its notifications arrive as the
 * writing statement completes, so it is trusted as soon as it listens. Writes
 * through the store tick the clock themselves; this catches the others
 * (statements run on the database directly).
 */
export function pgliteChangeFeed(client: Pick<PGlite, "listen">): ChangeFeed {
  return {
    async subscribe(changed, trusted) {
      const unlisten = await client.listen(changeChannel, (payload) => deliver(changed, payload));
      trusted(true);
      return async () => {
        await unlisten().catch(() => {});
      };
    },
  };
}
