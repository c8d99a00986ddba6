// The tenant an is-db command writes to: `--tenant-id ID`, else
// `tenancy.default-id`. is-db never creates tenants: a tenant other than the
// default must have its record already (made with `is-cli tenants create`, the
// TenantRegistry), and a deleted one is refused; the default tenant needs no
// record, which is how data from before tenants reads. A suspended tenant is
// written to (an admin may be prepared before approval), with a note.
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import type { Config } from "../config/index.js";
import { errTenantNotFound } from "../errors/index.js";
import { openStore } from "../server.js";
import type { Store } from "../store/interfaces.js";
import type { Database } from "../store/pg/database.js";
import { createPgTenantStore } from "../store/pg/tenants.js";
import { isTenantId } from "../tenancy/resolve.js";
import { UsageError } from "./usage.js";

export const tenantIdUsage = `
--tenant-id ID: create the admin user or OAuth client in this tenant (default: tenancy.default-id). It must
exist (is-cli tenants create); is-db creates no tenant. The default tenant needs no record.`;

/** `--tenant-id`'s value checked, or the default tenant. */
export function tenantOf(config: Config, flag: string | undefined, usage: string): string {
  if (flag === undefined) return config.tenancy.defaultId;
  if (!isTenantId(flag)) throw new UsageError(`--tenant-id: "${flag}" is not a tenant ID (3-36 lowercase letters, digits and single dashes)`, usage);
  return flag;
}

/**
 * The tenant's store, once its record allows writing to it; the databases to
 * close after. `note` gets what the operator should know (a suspended tenant).
 */
export async function openTenantStore(
  config: Config,
  tenantId: string,
  usage: string,
  note: (line: string) => void,
): Promise<{ store: Store; databases: Database[] }> {
  const opened = await openStore(config, tenantId);
  try {
    if (tenantId !== config.tenancy.defaultId) {
      const tenant = await createPgTenantStore(opened.databases[0]!.db)
        .get(tenantId, { includeDeleted: true })
        .catch((err: unknown) => {
          if (errTenantNotFound.is(err)) {
            throw new UsageError(`tenant "${tenantId}" does not exist: create the tenant first with is-cli tenants create ${tenantId}`, usage);
          }
          throw err;
        });
      if (tenant.deletedAt) throw new UsageError(`tenant "${tenantId}" is deleted: restore it first with is-cli tenants restore ${tenantId}`, usage);
      if (tenant.state !== State.APPROVED && tenant.state !== State.FLAGGED) {
        const state = State[tenant.state]?.toLowerCase() ?? String(tenant.state);
        note(`note: tenant ${tenantId} is ${state}${tenant.stateDescription ? ` (${tenant.stateDescription})` : ""}: its users cannot log in until it is approved`);
      }
    }
    return opened;
  } catch (err) {
    await Promise.all(opened.databases.map((d) => d.close()));
    throw err;
  }
}
