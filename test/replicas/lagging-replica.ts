// A lagging read replica for the read-your-writes tests: a second database
// with the schema (a second PostgreSQL database, or a second PGlite) that
// receives a tenant's rows only when a test says so (`replicate`), so it lags
// as long as a test wants and where a read went shows in its answer.
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { openDatabase, type Database } from "../../src/store/pg/database.js";
import { tenantTables } from "../../src/store/pg/tenant-purge.js";

export interface LaggingReplica {
  replica: Database;
  /** The replica catches up with the primary: every row of the tenant, as it is now. */
  replicate(tenantId: string): Promise<void>;
  drop(): Promise<void>;
}

/** An empty database with the schema next to `primary`: PostgreSQL beside the test database (DATABASE_URL), or PGlite in memory. */
export async function laggingReplica(primary: Database): Promise<LaggingReplica> {
  const url = process.env.DATABASE_URL;
  let replica: Database;
  let drop: () => Promise<void>;
  if (!url) {
    replica = await openDatabase("pglite://memory", { maxOpenConns: 2 });
    drop = () => replica.close();
  } else {
    const name = `is_lagging_${randomBytes(4).toString("hex")}`;
    await primary.db.execute(sql.raw(`CREATE DATABASE ${name}`));
    const replicaURL = new URL(url);
    replicaURL.pathname = `/${name}`;
    replica = await openDatabase(replicaURL.toString(), { maxOpenConns: 4 });
    drop = async () => {
      await replica.close();
      await primary.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    };
  }
  await replica.migrate();
  return {
    replica,
    drop,
    async replicate(tenantId) {
      for (const table of tenantTables) {
        const rows = await primary.db.select().from(table).where(eq(table.tenant_id, tenantId));
        await replica.db.delete(table).where(eq(table.tenant_id, tenantId));
        if (rows.length) await replica.db.insert(table).values(rows as never);
      }
    },
  };
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
