// ttn.lorawan.v3.NotificationService: other cluster components create
// notifications (cluster keys only); users list theirs and mark them seen or
// archived. Creating and resolving receivers lives in src/notifications.
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  CreateNotificationResponseSchema, ListNotificationsResponseSchema, NotificationReceiverSchema, NotificationService, NotificationStatusSchema,
} from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import { scopeOf } from "../auth/scope.js";
import { errPermissionDenied } from "../errors/index.js";
import { notify } from "../notifications/notify.js";
import { rightByName } from "../rights/algebra.js";
import { requireRights } from "../rights/gate.js";
import type { EntityRef, NotificationEntity } from "../store/interfaces.js";
import { checkedEntityRef } from "./shared/entity-ref.js";
import { pageOptions, setTotal } from "./shared/pagination.js";
import { check, checks, type Check } from "./shared/validate.js";

const USER_NOTIFICATIONS_READ = rightByName("RIGHT_USER_NOTIFICATIONS_READ")!;

const receiverNumbers = NotificationReceiverSchema.values.map((v) => v.number);
const statusNumbers = NotificationStatusSchema.values.map((v) => v.number);

/** Every item one of `values`, none twice, between `min` and `max` items. */
const enumList = (values: readonly number[], what: string, min: number): Check => (v) => {
  const list = v as number[];
  if (list.length < min) return `must have at least ${min} item${min === 1 ? "" : "s"}`;
  const bad = list.find((x) => !values.includes(x));
  if (bad !== undefined) return `unknown ${what} ${bad}`;
  return new Set(list).size === list.length ? undefined : `must not repeat a ${what}`;
};

function receiverOf(ids: { userId: string } | undefined): EntityRef {
  check("receiver_ids.user_id", ids?.userId, checks.id2);
  return { kind: "user", id: ids!.userId };
}

export function notificationService(): ServiceImpl<typeof NotificationService> {
  return {
    async create(req, ctx) {
      const scope = scopeOf(ctx);
      // Only other components of the cluster create notifications directly.
      if ((await scope.caller()).method !== "cluster") throw errPermissionDenied();
      const entity = checkedEntityRef(req.entityIds, "entity_ids");
      check("notification_type", req.notificationType, (v) => ((v as string).length === 0 ? "must be set" : undefined), checks.maxLength(100));
      check("receivers", req.receivers, enumList(receiverNumbers, "receiver", 1));
      if (req.senderIds) check("sender_ids.user_id", req.senderIds.userId, checks.id2);
      const id = await notify(scope, {
        entity,
        type: req.notificationType,
        data: req.data,
        sender: req.senderIds?.userId,
        receivers: req.receivers,
        email: req.email,
      });
      return create(CreateNotificationResponseSchema, { id });
    },

    async list(req, ctx) {
      const scope = scopeOf(ctx);
      const receiver = receiverOf(req.receiverIds);
      await requireRights(scope, receiver, USER_NOTIFICATIONS_READ);
      check("status", req.status, enumList(statusNumbers, "status", 0));
      const page = await scope.store.notifications.find(receiver.id, { ...pageOptions(req, scope.config.is.pagination.defaultLimit), statuses: req.status });
      setTotal(ctx, page.total);
      return create(ListNotificationsResponseSchema, { notifications: page.items });
    },

    async updateStatus(req, ctx) {
      const scope = scopeOf(ctx);
      const receiver = receiverOf(req.receiverIds);
      await requireRights(scope, receiver, USER_NOTIFICATIONS_READ);
      check("ids", req.ids, (v) => {
        const ids = v as string[];
        if (ids.length < 1 || ids.length > 1000) return "must have 1 to 1000 items";
        const bad = ids.findIndex((id) => id.length !== 36);
        if (bad >= 0) return `item ${bad} must be 36 characters`;
        return new Set(ids).size === ids.length ? undefined : "must not repeat an ID";
      });
      check("status", [req.status], enumList(statusNumbers, "status", 1));
      // IDs of notifications the user did not receive change nothing, and say nothing about them.
      await scope.store.notifications.updateStatus(receiver.id, req.ids, req.status, scope.now());
      return create(EmptySchema);
    },
  };
}
