// DevEUI issuing: one transaction that locks the application row (its
// per-application counter) and then the oldest block that has addresses left,
// so concurrent requests, also from other server replicas on the same
// database, each get an address of their own.
import { and, asc, eq, isNull, lte, sql } from "drizzle-orm";
import { errApplicationDevEUILimitReached, errApplicationNotFound, errNoEUIBlockAvailable } from "../../errors/index.js";
import { euiFromBigInt, euiToBigInt } from "../../messages/eui.js";
import type { EUIBlockStore } from "../interfaces.js";
import type { Handles } from "./handle.js";
import { applications, euiBlocks } from "./schema/index.js";

const DEV_EUI = "dev_eui";

export function euiBlockStore(tenantId: string, transact: <R>(fn: (h: Handles) => Promise<R>) => Promise<R>): EUIBlockStore {
  return {
    async issueDevEUI(applicationId, block, applicationLimit) {
      return transact(async (tx) => {
        const app = and(eq(applications.tenant_id, tenantId), eq(applications.application_id, applicationId), isNull(applications.deleted_at));
        const [row] = await tx.primary.select({ counter: applications.dev_eui_counter }).from(applications).where(app).for("update");
        if (!row) throw errApplicationNotFound({ application_id: applicationId });
        if (applicationLimit > 0 && row.counter >= applicationLimit) throw errApplicationDevEUILimitReached({ dev_eui_limit: applicationLimit });
        await tx.primary.update(applications).set({ dev_eui_counter: sql`${applications.dev_eui_counter} + 1` }).where(app);

        // The configured block, created the first time it is needed (idempotent on its start EUI).
        await tx.primary
          .insert(euiBlocks)
          .values({ tenant_id: tenantId, type: DEV_EUI, start_eui: block.startEui, current_counter: block.initCounter, end_counter: block.endCounter })
          .onConflictDoNothing();
        const [free] = await tx.primary
          .select()
          .from(euiBlocks)
          .where(and(eq(euiBlocks.tenant_id, tenantId), eq(euiBlocks.type, DEV_EUI), lte(euiBlocks.current_counter, euiBlocks.end_counter)))
          .orderBy(asc(euiBlocks.created_at), asc(euiBlocks.start_eui))
          .limit(1)
          .for("update");
        if (!free) throw errNoEUIBlockAvailable();
        const [issued] = await tx.primary
          .update(euiBlocks)
          .set({ current_counter: sql`${euiBlocks.current_counter} + 1`, updated_at: sql`now()` })
          .where(and(eq(euiBlocks.tenant_id, tenantId), eq(euiBlocks.type, DEV_EUI), eq(euiBlocks.start_eui, free.start_eui)))
          .returning({ counter: euiBlocks.current_counter });
        return euiFromBigInt(euiToBigInt(free.start_eui) | (BigInt(issued!.counter) - 1n));
      });
    },
  };
}
