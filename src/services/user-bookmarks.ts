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
import { check, checks } from "./shared/validate.js";

const USER_INFO = rightByName("RIGHT_USER_INFO")!;
const USER_SETTINGS_BASIC = rightByName("RIGHT_USER_SETTINGS_BASIC")!;
const bookmarkKinds: readonly BookmarkKind[] = ["application", "client", "end device", "gateway", "organization", "user"];
const bookmarkOrders = ["user_id", "entity_type", "entity_id", "created_at"];

function userOf(ids: { userId: string } | undefined): EntityRef {
  check("user_ids.user_id", ids?.userId, checks.id2);
  return { kind: "user", id: ids!.userId };
}

/** The bookmarked entity of request field `field`; end devices as `<application_id>.<device_id>`. */
function bookmarkRef(ids: EntityIdentifiers | undefined, field: string): BookmarkRef {
  const v = ids?.ids;
  switch (v?.case) {
    case "applicationIds":
      check(`${field}.application_ids.application_id`, v.value.applicationId, checks.id3);
      return { kind: "application", id: v.value.applicationId };
    case "clientIds":
      check(`${field}.client_ids.client_id`, v.value.clientId, checks.id3);
      return { kind: "client", id: v.value.clientId };
    case "gatewayIds":
      check(`${field}.gateway_ids.gateway_id`, v.value.gatewayId, checks.id3);
      return { kind: "gateway", id: v.value.gatewayId };
    case "organizationIds":
      check(`${field}.organization_ids.organization_id`, v.value.organizationId, checks.id3);
      return { kind: "organization", id: v.value.organizationId };
    case "userIds":
      check(`${field}.user_ids.user_id`, v.value.userId, checks.id2);
      return { kind: "user", id: v.value.userId };
    case "deviceIds": {
      const applicationId = v.value.applicationIds?.applicationId;
      check(`${field}.device_ids.application_ids.application_id`, applicationId, checks.id3);
      check(`${field}.device_ids.device_id`, v.value.deviceId, checks.id3);
      return { kind: "end device", id: `${applicationId}.${v.value.deviceId}` };
    }
    default:
      throw errValidation({ field, reason: "must name an entity" });
  }
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
      const entity = bookmarkRef(req.entityIds, "entity_ids");
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
      await scope.store.bookmarks.delete(user.id, bookmarkRef(req.entityIds, "entity_ids"));
      return create(EmptySchema);
    },

    async batchDelete(req, ctx) {
      const scope = scopeOf(ctx);
      const user = userOf(req.userIds);
      await requireRights(scope, user, USER_SETTINGS_BASIC);
      if (req.entityIds.length < 1 || req.entityIds.length > 20) throw errValidation({ field: "entity_ids", reason: "must have 1 to 20 items" });
      const entities = req.entityIds.map((ids, i) => bookmarkRef(ids, `entity_ids[${i}]`));
      await scope.store.bookmarks.deleteMany(user.id, entities);
      return create(EmptySchema);
    },
  };
}
