// ttn.lorawan.v3.UserBookmarkRegistry: a user's bookmarks of entities
// (applications, clients, end devices, gateways, organizations, users).
// Bookmarks of soft-deleted entities list only with `deleted`.
import { create } from "@bufbuild/protobuf";
import { EmptySchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { EntityIdentifiersSchema, type EntityIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { UserBookmarkSchema, UserBookmarksSchema, type UserBookmark } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UserBookmarkRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { entityIdentifiers } from "../auth/identifiers.js";
import { scopeOf } from "../auth/scope.js";
import { errValidation } from "../errors/index.js";
import { rightByName } from "../rights/algebra.js";
import { requireRights } from "../rights/gate.js";
import type { Bookmark, BookmarkKind, BookmarkRef, EntityRef } from "../store/interfaces.js";
import { pageOptions, setTotal } from "./shared/pagination.js";
import { checkedEntityRef } from "./shared/entity-ref.js";
import { check, checks } from "./shared/validate.js";

const USER_INFO = rightByName("RIGHT_USER_INFO")!;
const USER_SETTINGS_BASIC = rightByName("RIGHT_USER_SETTINGS_BASIC")!;
const bookmarkKinds: readonly BookmarkKind[] = ["application", "client", "end device", "gateway", "organization", "user"];
const bookmarkOrders = ["user_id", "entity_type", "entity_id", "created_at"];

function userOf(ids: { userId: string } | undefined): EntityRef {
  check("user_ids.user_id", ids?.userId, checks.id2);
  return { kind: "user", id: ids!.userId };
}

function bookmarkIdentifiers(ref: BookmarkRef): EntityIdentifiers {
  if (ref.kind !== "end device") return entityIdentifiers(ref as EntityRef);
  const [applicationId, deviceId] = ref.id.split(".");
  return create(EntityIdentifiersSchema, { ids: { case: "deviceIds", value: { deviceId, applicationIds: { applicationId } } } });
}

const toMessage = (b: Bookmark): UserBookmark =>
  create(UserBookmarkSchema, { userIds: { userId: b.userId }, entityIds: bookmarkIdentifiers(b.entity), createdAt: timestampFromDate(b.createdAt) });

export function userBookmarkRegistry(): ServiceImpl<typeof UserBookmarkRegistry> {
  return {
    async create(req, ctx) {
      const scope = scopeOf(ctx);
      const user = userOf(req.userIds);
      await requireRights(scope, user, USER_SETTINGS_BASIC);
      const entity = checkedEntityRef(req.entityIds, "entity_ids");
      return toMessage(await scope.store.bookmarks.create(user.id, entity));
    },

    async list(req, ctx) {
      const scope = scopeOf(ctx);
      const user = userOf(req.userIds);
      await requireRights(scope, user, USER_INFO);
      const page = pageOptions(req, scope.config.is.pagination.defaultLimit, bookmarkOrders);
      const unknown = req.entityTypes.find((t) => !bookmarkKinds.includes(t as BookmarkKind));
      if (unknown !== undefined) throw errValidation({ field: "entity_types", reason: `unknown entity type \`${unknown}\`; must be one of ${bookmarkKinds.join(", ")}` });
      if (new Set(req.entityTypes).size !== req.entityTypes.length) throw errValidation({ field: "entity_types", reason: "must not repeat an entity type" });
      const found = await scope.store.bookmarks.find(user.id, { ...page, deleted: req.deleted, kinds: req.entityTypes as BookmarkKind[] });
      setTotal(ctx, found.total);
      return create(UserBookmarksSchema, { bookmarks: found.items.map(toMessage) });
    },

    async delete(req, ctx) {
      const scope = scopeOf(ctx);
      const user = userOf(req.userIds);
      await requireRights(scope, user, USER_SETTINGS_BASIC);
      await scope.store.bookmarks.delete(user.id, checkedEntityRef(req.entityIds, "entity_ids"));
      return create(EmptySchema);
    },

    async batchDelete(req, ctx) {
      const scope = scopeOf(ctx);
      const user = userOf(req.userIds);
      await requireRights(scope, user, USER_SETTINGS_BASIC);
      if (req.entityIds.length < 1 || req.entityIds.length > 20) throw errValidation({ field: "entity_ids", reason: "must have 1 to 20 items" });
      const entities = req.entityIds.map((ids, i) => checkedEntityRef(ids, `entity_ids[${i}]`));
      await scope.store.bookmarks.deleteMany(user.id, entities);
      return create(EmptySchema);
    },
  };
}
