// The notifications other services send when something happens to an entity,
// one function per event so each call site is one line.
//
// They run after the operation they report on has been stored (outside its
// transaction), in a transaction of their own, and their failures are logged,
// never returned: a notification that cannot be made (no live receiver, a
// database hiccup) must not undo or fail an API key, a registration or a
// password change that already happened. The price is that a crash between the
// two loses the notification; its e-mails still go out with it or not at all.
import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { CreateClientRequestSchema, type Client } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import type { OrganizationOrUserIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { EntityStateChangedNotificationSchema, NotificationReceiver } from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import { APIKeySchema, CollaboratorSchema, type APIKey, type Collaborator } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { CreateUserRequestSchema, UserSchema, type User } from "../../gen/ttn/lorawan/v3/user_pb.js";
import type { RequestScope as FullScope } from "../auth/scope.js";

/** What the hooks read of a request scope (the OAuth pages make one without the tenant directory). */
type RequestScope = Omit<FullScope, "tenantId" | "tenants">;
import type { EntityRef } from "../store/interfaces.js";
import { notify, notifyAdmins, type NotifyRequest } from "./notify.js";

const { ADMINISTRATIVE_CONTACT, COLLABORATOR } = NotificationReceiver;

/** The calling user, the sender of what their call causes. */
async function senderOf(scope: RequestScope): Promise<string | undefined> {
  const caller = await scope.caller().catch(() => undefined);
  return caller?.entity?.kind === "user" ? caller.entity.id : undefined;
}

async function afterward(scope: RequestScope, type: string, run: (sender: string | undefined) => Promise<unknown>): Promise<void> {
  try {
    await run(await senderOf(scope));
  } catch (err) {
    scope.log.warn({ notification_type: type, err }, "notification not created");
  }
}

function send(scope: RequestScope, req: Omit<NotifyRequest, "sender">): Promise<void> {
  return afterward(scope, req.type, (sender) => notify(scope, { ...req, sender }));
}

/** Without the secret, which only its creator ever sees. */
const publicKey = (key: APIKey) => create(APIKeySchema, { ...key, key: "" });

/** A new API key of an entity: its administrative contact is told (and e-mailed). */
export function apiKeyCreated(scope: RequestScope, entity: EntityRef, key: APIKey): Promise<void> {
  return send(scope, { entity, type: "api_key_created", data: anyPack(APIKeySchema, publicKey(key)), receivers: [ADMINISTRATIVE_CONTACT], email: true });
}

/** A changed (not deleted) API key. */
export function apiKeyChanged(scope: RequestScope, entity: EntityRef, key: APIKey): Promise<void> {
  return send(scope, { entity, type: "api_key_changed", data: anyPack(APIKeySchema, publicKey(key)), receivers: [ADMINISTRATIVE_CONTACT], email: true });
}

/** A collaborator given (other) rights; stored only, no e-mail. */
export function collaboratorChanged(scope: RequestScope, entity: EntityRef, collaborator: Collaborator): Promise<void> {
  return send(scope, { entity, type: "collaborator_changed", data: anyPack(CollaboratorSchema, collaborator), receivers: [ADMINISTRATIVE_CONTACT], email: false });
}

/**
 * A new `state` of a user or client: the user itself, or the client's
 * administrative contact.
 */
export function entityStateChanged(scope: RequestScope, entity: EntityRef, state: State, stateDescription: string): Promise<void> {
  return send(scope, {
    entity,
    type: "entity_state_changed",
    data: anyPack(EntityStateChangedNotificationSchema, create(EntityStateChangedNotificationSchema, { state, stateDescription })),
    receivers: [entity.kind === "user" ? COLLABORATOR : ADMINISTRATIVE_CONTACT],
    email: true,
  });
}

/** A user's new password, so a change they did not make does not go unnoticed. */
export function passwordChanged(scope: RequestScope, userId: string): Promise<void> {
  return send(scope, { entity: { kind: "user", id: userId }, type: "password_changed", receivers: [COLLABORATOR], email: true });
}

/** A new user: when the stored state waits for approval (REQUESTED), every admin is told. */
export async function userRegistered(scope: RequestScope, user: User): Promise<void> {
  if (user.state === State.REQUESTED) await userRequested(scope, user);
}

function userRequested(scope: RequestScope, user: User): Promise<void> {
  const shown = create(UserSchema, {
    ids: user.ids,
    name: user.name,
    description: user.description,
    primaryEmailAddress: user.primaryEmailAddress,
    state: user.state,
    stateDescription: user.stateDescription,
    createdAt: user.createdAt,
  });
  const entity: EntityRef = { kind: "user", id: user.ids?.userId ?? "" };
  return afterward(scope, "user_requested", (sender) =>
    notifyAdmins(scope, { entity, type: "user_requested", data: anyPack(CreateUserRequestSchema, create(CreateUserRequestSchema, { user: shown })), sender, email: true }),
  );
}

/** An OAuth client created by a non-admin, waiting for approval: every admin is told. */
export function clientRequested(scope: RequestScope, client: Client, collaborator: OrganizationOrUserIdentifiers): Promise<void> {
  const request = create(CreateClientRequestSchema, { client: { ...client, secret: "" }, collaborator });
  const entity: EntityRef = { kind: "client", id: client.ids?.clientId ?? "" };
  return afterward(scope, "client_requested", (sender) =>
    notifyAdmins(scope, { entity, type: "client_requested", data: anyPack(CreateClientRequestSchema, request), sender, email: true }),
  );
}
