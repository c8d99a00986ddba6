// Soft delete, restore within `is.delete.restore`, and purge (admins only):
// the same rules for every entity kind.
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { RequestScope } from "../../auth/scope.js";
import { formatDuration } from "../../config/index.js";
import { errAdminsPurge, errNotDeleted, errRestoreWindowExpired } from "../../errors/index.js";
import type { EntityKind } from "../../rights/algebra.js";
import type { EntityStore } from "../../store/interfaces.js";

/** Throws unless the entity is deleted and still within the restore window. */
export async function assertRestorable(scope: RequestScope, store: EntityStore<{ deletedAt?: Timestamp }>, id: string): Promise<void> {
  const entity = await store.get(id, { includeDeleted: true });
  if (!entity.deletedAt) throw errNotDeleted({ id });
  const window = scope.config.is.delete.restore;
  if (scope.now().getTime() - timestampDate(entity.deletedAt).getTime() > window) {
    throw errRestoreWindowExpired({ window: formatDuration(window) });
  }
}

export async function requirePurgeAdmin(scope: RequestScope, kind: EntityKind): Promise<void> {
  if (!(await scope.caller()).isAdmin) throw errAdminsPurge(kind)();
}
