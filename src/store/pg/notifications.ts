// Notifications: one row per notification and one per receiving user with that
// user's status. `data` (a google.protobuf.Any) is kept in the proto JSON
// mapping, so the message types it may hold must be known here; they are the
// types of the served API (the /api/v3 gateway must render them as well).
import { create, createRegistry, fromJson, toJson, type DescFile, type JsonValue } from "@bufbuild/protobuf";
import { AnySchema, timestampDate, timestampFromDate, type Any } from "@bufbuild/protobuf/wkt";
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { file_ttn_lorawan_v3_application_services } from "../../../gen/ttn/lorawan/v3/application_services_pb.js";
import { file_ttn_lorawan_v3_client_services } from "../../../gen/ttn/lorawan/v3/client_services_pb.js";
import { file_ttn_lorawan_v3_end_device_services } from "../../../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { file_ttn_lorawan_v3_gateway_services } from "../../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { EntityIdentifiersSchema, type EntityIdentifiers } from "../../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { file_ttn_lorawan_v3_identityserver } from "../../../gen/ttn/lorawan/v3/identityserver_pb.js";
import {
  file_ttn_lorawan_v3_notification_service, NotificationSchema, type Notification, type NotificationReceiver, type NotificationStatus,
} from "../../../gen/ttn/lorawan/v3/notification_service_pb.js";
import { file_ttn_lorawan_v3_organization_services } from "../../../gen/ttn/lorawan/v3/organization_services_pb.js";
import { file_ttn_lorawan_v3_user_services } from "../../../gen/ttn/lorawan/v3/user_services_pb.js";
import { errValidation } from "../../errors/index.js";
import type { BookmarkKind, NotificationEntity, NotificationStore } from "../interfaces.js";
import type { Handles } from "./handle.js";
import { notificationReceivers, notifications, users } from "./schema/index.js";
import { anyOf } from "./prepared.js";

const n = notifications;
const r = notificationReceivers;

/** The files of the served API and everything they import. */
function registryOf(files: DescFile[]) {
  const all = new Set<DescFile>();
  const add = (f: DescFile) => {
    if (all.has(f)) return;
    all.add(f);
    f.dependencies.forEach(add);
  };
  files.forEach(add);
  return createRegistry(...all);
}

const dataTypes = registryOf([
  file_ttn_lorawan_v3_notification_service,
  file_ttn_lorawan_v3_identityserver,
  file_ttn_lorawan_v3_user_services,
  file_ttn_lorawan_v3_application_services,
  file_ttn_lorawan_v3_client_services,
  file_ttn_lorawan_v3_gateway_services,
  file_ttn_lorawan_v3_organization_services,
  file_ttn_lorawan_v3_end_device_services,
]);

function encodeData(data: Any | undefined): JsonValue | null {
  if (!data || data.typeUrl === "") return null;
  const typeName = data.typeUrl.slice(data.typeUrl.lastIndexOf("/") + 1);
  if (!dataTypes.getMessage(typeName)) throw errValidation({ field: "data", reason: `unknown message type \`${typeName}\`` });
  try {
    return toJson(AnySchema, data, { registry: dataTypes });
  } catch (err) {
    throw errValidation({ field: "data", reason: `not a valid \`${typeName}\`` }, { cause: err });
  }
}

function decodeData(json: unknown): Any | undefined {
  if (json === null || json === undefined) return undefined;
  try {
    return fromJson(AnySchema, json as JsonValue, { registry: dataTypes, ignoreUnknownFields: true });
  } catch {
    // A type this server no longer knows: the notification still lists, without its details.
    return undefined;
  }
}

function entityColumns(ids: EntityIdentifiers | undefined): NotificationEntity {
  const v = ids?.ids;
  switch (v?.case) {
    case "applicationIds":
      return { kind: "application", id: v.value.applicationId };
    case "clientIds":
      return { kind: "client", id: v.value.clientId };
    case "gatewayIds":
      return { kind: "gateway", id: v.value.gatewayId };
    case "organizationIds":
      return { kind: "organization", id: v.value.organizationId };
    case "userIds":
      return { kind: "user", id: v.value.userId };
    case "deviceIds":
      return { kind: "end device", id: `${v.value.applicationIds?.applicationId ?? ""}.${v.value.deviceId}` };
    default:
      throw errValidation({ field: "entity_ids", reason: "must name an entity" });
  }
}

function entityIdentifiers(kind: string, id: string): EntityIdentifiers {
  switch (kind as BookmarkKind) {
    case "application":
      return create(EntityIdentifiersSchema, { ids: { case: "applicationIds", value: { applicationId: id } } });
    case "client":
      return create(EntityIdentifiersSchema, { ids: { case: "clientIds", value: { clientId: id } } });
    case "gateway":
      return create(EntityIdentifiersSchema, { ids: { case: "gatewayIds", value: { gatewayId: id } } });
    case "organization":
      return create(EntityIdentifiersSchema, { ids: { case: "organizationIds", value: { organizationId: id } } });
    case "user":
      return create(EntityIdentifiersSchema, { ids: { case: "userIds", value: { userId: id } } });
    case "end device": {
      const dot = id.indexOf(".");
      return create(EntityIdentifiersSchema, {
        ids: { case: "deviceIds", value: { applicationIds: { applicationId: id.slice(0, dot) }, deviceId: id.slice(dot + 1) } },
      });
    }
  }
}

type Row = typeof n.$inferSelect & { status: number; status_updated_at: Date | null };

const toNotification = (row: Row): Notification =>
  create(NotificationSchema, {
    id: row.id,
    createdAt: timestampFromDate(row.created_at),
    entityIds: entityIdentifiers(row.entity_kind, row.entity_id),
    notificationType: row.notification_type,
    data: decodeData(row.data),
    senderIds: row.sender_id ? { userId: row.sender_id } : undefined,
    receivers: row.receivers as NotificationReceiver[],
    email: row.email,
    status: row.status as NotificationStatus,
    statusUpdatedAt: row.status_updated_at ? timestampFromDate(row.status_updated_at) : undefined,
  });

export function notificationStore(h: Handles, tenantId: string, transact: <R>(fn: (h: Handles) => Promise<R>) => Promise<R>): NotificationStore {
  return {
    async create(notification, receiverIds) {
      const entity = entityColumns(notification.entityIds);
      const createdAt = notification.createdAt ? timestampDate(notification.createdAt) : new Date();
      const data = encodeData(notification.data);
      await transact(async (tx) => {
        await tx.primary.insert(n).values({
          tenant_id: tenantId,
          id: notification.id,
          entity_kind: entity.kind,
          entity_id: entity.id,
          notification_type: notification.notificationType,
          data,
          sender_id: notification.senderIds?.userId || null,
          receivers: [...notification.receivers],
          email: notification.email,
          created_at: createdAt,
        });
        if (receiverIds.length === 0) return;
        await tx.primary
          .insert(r)
          .values([...new Set(receiverIds)].map((userId) => ({ tenant_id: tenantId, notification_id: notification.id, user_id: userId, created_at: createdAt })));
      });
    },

    async find(userId, opts) {
      const where = and(eq(r.tenant_id, tenantId), eq(r.user_id, userId), opts.statuses?.length ? inArray(r.status, [...opts.statuses]) : undefined);
      const found = await h.read
        .select({
          id: n.id,
          tenant_id: n.tenant_id,
          entity_kind: n.entity_kind,
          entity_id: n.entity_id,
          notification_type: n.notification_type,
          data: n.data,
          sender_id: n.sender_id,
          receivers: n.receivers,
          email: n.email,
          created_at: n.created_at,
          status: r.status,
          status_updated_at: r.status_updated_at,
          total: sql<string>`count(*) OVER ()`,
        })
        .from(r)
        .innerJoin(n, and(eq(n.tenant_id, r.tenant_id), eq(n.id, r.notification_id)))
        .where(where)
        // IDs are time-ordered (UUIDv7), so they break ties of equal creation times.
        .orderBy(desc(r.created_at), desc(r.notification_id))
        .limit(opts.limit)
        .offset((opts.page - 1) * opts.limit);
      let total = Number(found[0]?.total ?? 0);
      // Past the last page the window count has no row to ride on.
      if (found.length === 0 && opts.page > 1) {
        const [row] = await h.read.select({ count: sql<string>`count(*)` }).from(r).where(where);
        total = Number(row?.count ?? 0);
      }
      return { items: found.map((row) => toNotification(row)), total };
    },

    async updateStatus(userId, ids, status, at) {
      if (ids.length === 0) return 0;
      const done = await h.primary
        .update(r)
        .set({ status, status_updated_at: at })
        .where(and(eq(r.tenant_id, tenantId), eq(r.user_id, userId), anyOf(r.notification_id, ids)))
        .returning({ id: r.notification_id });
      return done.length;
    },

    async recipients(ids) {
      if (ids.length === 0) return [];
      const found = await h.read
        .select({ id: users.user_id, name: users.name, email: users.primary_email_address })
        .from(users)
        .where(and(eq(users.tenant_id, tenantId), anyOf(users.user_id, ids), isNull(users.deleted_at)));
      const byId = new Map(found.map((u) => [u.id, u]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    async adminIds() {
      const found = await h.read
        .select({ id: users.user_id })
        .from(users)
        .where(and(eq(users.tenant_id, tenantId), eq(users.admin, true), isNull(users.deleted_at)))
        .orderBy(users.user_id);
      return found.map((u) => u.id);
    },
  };
}
