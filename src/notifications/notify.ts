// Creating a notification: resolve who receives it, store it with a status row
// per receiver, and queue its e-mails (when asked) through the same
// transaction, so a notification and its e-mails exist together or not at all.
// Used by NotificationService.Create and by the hooks of other services.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate, type Any } from "@bufbuild/protobuf/wkt";
import { EntityIdentifiersSchema, type EntityIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { NotificationReceiver, NotificationSchema } from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import { entityIdentifiers } from "../auth/identifiers.js";
import type { Emails } from "../email/api.js";
import { errNoReceiverUserIDs } from "../errors/index.js";
import type { NotificationEntity, Store } from "../store/interfaces.js";
import { notificationEmail } from "./email.js";
import { newNotificationId } from "./ids.js";
import { resolveReceivers } from "./receivers.js";

/** What notify needs; a RequestScope has it all. */
export interface NotifyDeps {
  /** The store to write through: a transaction's store makes the notification part of it. */
  store: Store;
  emails: Emails;
  now: () => Date;
}

export interface NotifyRequest {
  /** What it is about. */
  entity: NotificationEntity;
  /** `api_key_created` etc.; with a template of that name (email/api.ts) it can be e-mailed. */
  type: string;
  data?: Any;
  /** The user whose action caused it. */
  sender?: string;
  /** Which of the entity's people receive it. */
  receivers: readonly NotificationReceiver[];
  /** Also e-mail each receiver that has a primary e-mail address. */
  email: boolean;
  /** These users receive it, instead of those `receivers` names (e.g. all admins); `receivers` is only recorded then. */
  receiverIds?: readonly string[];
}

export function notificationEntityIdentifiers(entity: NotificationEntity): EntityIdentifiers {
  if (entity.kind !== "end device") return entityIdentifiers({ kind: entity.kind, id: entity.id });
  const dot = entity.id.indexOf(".");
  return create(EntityIdentifiersSchema, {
    ids: { case: "deviceIds", value: { applicationIds: { applicationId: entity.id.slice(0, dot) }, deviceId: entity.id.slice(dot + 1) } },
  });
}

/**
 * Creates the notification for the live users among its receivers and returns
 * its ID: `no_receiver_user_ids` when there are none.
 */
export async function notify(deps: NotifyDeps, req: NotifyRequest): Promise<string> {
  const at = deps.now();
  return deps.store.transact(async (tx) => {
    const ids = req.receiverIds ?? (await resolveReceivers(tx, req.entity, req.receivers));
    const recipients = await tx.notifications.recipients([...new Set(ids)]);
    if (recipients.length === 0) throw errNoReceiverUserIDs();
    const id = newNotificationId(at);
    const notification = create(NotificationSchema, {
      id,
      createdAt: timestampFromDate(at),
      entityIds: notificationEntityIdentifiers(req.entity),
      notificationType: req.type,
      data: req.data,
      senderIds: req.sender ? { userId: req.sender } : undefined,
      receivers: [...req.receivers],
      email: req.email,
    });
    await tx.notifications.create(notification, recipients.map((r) => r.id));
    if (req.email) {
      const [sender] = req.sender ? await tx.notifications.recipients([req.sender]) : [];
      for (const receiver of recipients) {
        const email = notificationEmail({ type: req.type, entity: req.entity, data: req.data, sender }, receiver);
        if (email) await deps.emails.queue(tx, email);
      }
    }
    return id;
  });
}

/** Notifies every live admin of the tenant (requests waiting for approval). */
export async function notifyAdmins(deps: NotifyDeps, req: Omit<NotifyRequest, "receivers" | "receiverIds">): Promise<string> {
  return notify(deps, {
    ...req,
    // Admins act for the network as a whole: recorded as its administrative contacts.
    receivers: [NotificationReceiver.ADMINISTRATIVE_CONTACT],
    receiverIds: await deps.store.notifications.adminIds(),
  });
}
