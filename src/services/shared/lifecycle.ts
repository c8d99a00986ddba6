// Soft delete, restore within `is.delete.restore`, and purge (admins only):
// the same rules and handlers for every entity kind.
import { create } from "@bufbuild/protobuf";
import { EmptySchema, timestampDate, type Empty, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { HandlerContext } from "@connectrpc/connect";
import type { Right } from "../../../gen/ttn/lorawan/v3/rights_pb.js";
import { scopeOf, type RequestScope } from "../../auth/scope.js";
import { formatDuration } from "../../config/index.js";
import { errAdminsPurge, errNotDeleted, errRestoreWindowExpired } from "../../errors/index.js";
import type { EntityKind } from "../../rights/algebra.js";
import { assertRights, requireRights, rightsOn } from "../../rights/gate.js";
import type { EntityRef, EntityStore, Store } from "../../store/interfaces.js";

type Deletable = EntityStore<{ deletedAt?: Timestamp }>;

/** Throws unless the entity (or tenant) is deleted and still within the restore window. */
export async function assertRestorable(scope: RequestScope, store: Pick<Deletable, "get">, id: string): Promise<void> {
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

export interface LifecycleSpec {
  kind: EntityKind;
  store(store: Store): Deletable;
  /** The right that deletes and restores (`<KIND>_DELETE`). */
  deleteRight: Right;
  /** What must hold before a delete or purge (an application without devices, a remaining admin). */
  beforeRemove?(scope: RequestScope, id: string, how: "delete" | "purge"): Promise<void>;
  /** What goes with the entity, in the transaction that removes it (a user's sessions). */
  onRemove?(tx: Store, id: string, how: "delete" | "purge"): Promise<void>;
  /** What goes after a purge has committed, given the entity as it was (its pictures' blobs). */
  afterPurge?(scope: RequestScope, removed: { deletedAt?: Timestamp }): Promise<void>;
}

export interface LifecycleHandlers {
  delete(ref: EntityRef, ctx: HandlerContext): Promise<Empty>;
  restore(ref: EntityRef, ctx: HandlerContext): Promise<Empty>;
  purge(ref: EntityRef, ctx: HandlerContext): Promise<Empty>;
}

export function lifecycleHandlers(spec: LifecycleSpec): LifecycleHandlers {
  const remove = async (scope: RequestScope, id: string, how: "delete" | "purge") => {
    const { onRemove } = spec;
    if (!onRemove) return void (await spec.store(scope.store)[how](id));
    await scope.store.transact(async (tx) => {
      await spec.store(tx)[how](id);
      await onRemove(tx, id, how);
    });
  };
  return {
    async delete(ref, ctx) {
      const scope = scopeOf(ctx);
      await requireRights(scope, ref, spec.deleteRight);
      await spec.beforeRemove?.(scope, ref.id, "delete");
      await remove(scope, ref.id, "delete");
      return create(EmptySchema);
    },
    async restore(ref, ctx) {
      const scope = scopeOf(ctx);
      // Rights on a deleted entity: its memberships are kept while it is deleted.
      assertRights(ref, await rightsOn(scope, ref, { includeDeleted: true }), [spec.deleteRight]);
      await assertRestorable(scope, spec.store(scope.store), ref.id);
      await spec.store(scope.store).restore(ref.id);
      return create(EmptySchema);
    },
    async purge(ref, ctx) {
      const scope = scopeOf(ctx);
      await requirePurgeAdmin(scope, spec.kind);
      await spec.beforeRemove?.(scope, ref.id, "purge");
      const removed = spec.afterPurge ? await spec.store(scope.store).get(ref.id, { includeDeleted: true }) : undefined;
      await remove(scope, ref.id, "purge");
      if (removed) await spec.afterPurge!(scope, removed);
      return create(EmptySchema);
    },
  };
}
