// What a notification e-mail says: the data of the notification's template
// (email/api.ts TemplateData) from the notification and its `data`. Types
// without a template, or whose data lacks what the template shows, send no
// e-mail (the notification itself is stored all the same).
import { anyUnpack, type Any } from "@bufbuild/protobuf/wkt";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { StateSchema } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { CreateClientRequestSchema, GrantTypeSchema } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { EntityStateChangedNotificationSchema } from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import { APIKeySchema, CollaboratorSchema } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { CreateUserRequestSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import type { EmailRequest, EntityInfo, NotificationData, Recipient, TemplateData, TemplateName } from "../email/api.js";
import { accountRef } from "../auth/identifiers.js";
import { rightName } from "../rights/algebra.js";
import type { NotificationEntity, NotificationRecipient } from "../store/interfaces.js";

type NotificationTemplate = Exclude<TemplateName, "validate" | "invitation" | "temporary_password" | "login_token">;

function unpack<D extends DescMessage>(data: Any | undefined, schema: D): MessageShape<D> | undefined {
  if (!data) return undefined;
  try {
    return anyUnpack(data, schema);
  } catch {
    return undefined;
  }
}

const stateName = (state: number) => StateSchema.values.find((v) => v.number === state)?.name ?? String(state);
const grantName = (grant: number) => GrantTypeSchema.values.find((v) => v.number === grant)?.name ?? String(grant);

/** Per template: its data beyond NotificationData, or undefined when `data` does not carry it. */
const builders: { [T in NotificationTemplate]: (data: Any | undefined, base: NotificationData) => TemplateData[T] | undefined } = {
  api_key_created: apiKeyData,
  api_key_changed: apiKeyData,
  collaborator_changed(data, base) {
    const c = unpack(data, CollaboratorSchema);
    const account = accountRef(c?.ids);
    if (!c || !account) return undefined;
    return { ...base, collaborator: { kind: account.kind, id: account.id }, rights: c.rights.map(rightName) };
  },
  entity_state_changed(data, base) {
    const s = unpack(data, EntityStateChangedNotificationSchema);
    return s && { ...base, state: stateName(s.state), stateDescription: s.stateDescription };
  },
  password_changed: (_data, base) => base,
  user_requested(data, base) {
    const user = unpack(data, CreateUserRequestSchema)?.user;
    if (!user?.ids) return undefined;
    return { ...base, requester: { id: user.ids.userId, name: user.name, email: user.primaryEmailAddress, description: user.description } };
  },
  client_requested(data, base) {
    const req = unpack(data, CreateClientRequestSchema);
    const collaborator = accountRef(req?.collaborator);
    if (!req?.client?.ids || !collaborator) return undefined;
    const c = req.client;
    const client = {
      id: c.ids!.clientId, name: c.name, description: c.description, grants: c.grants.map(grantName), rights: c.rights.map(rightName),
      redirectUris: c.redirectUris, logoutRedirectUris: c.logoutRedirectUris,
    };
    return { ...base, client, collaborator: { kind: collaborator.kind, id: collaborator.id } };
  },
};

function apiKeyData(data: Any | undefined, base: NotificationData) {
  const key = unpack(data, APIKeySchema);
  return key && { ...base, key: { id: key.id, name: key.name, rights: key.rights.map(rightName) } };
}

const isTemplate = (type: string): type is NotificationTemplate => Object.hasOwn(builders, type);

export interface NotificationEmail {
  type: string;
  entity: NotificationEntity;
  data?: Any;
  sender?: NotificationRecipient;
}

/** The e-mail of a notification to one receiver; undefined when there is none to send. */
export function notificationEmail(n: NotificationEmail, receiver: NotificationRecipient): EmailRequest | undefined {
  if (!receiver.email || !isTemplate(n.type)) return undefined;
  const entity: EntityInfo = { kind: n.entity.kind, id: n.entity.id };
  const base: NotificationData = {
    receiver: { id: receiver.id, name: receiver.name },
    entity,
    ...(n.sender ? { sender: { id: n.sender.id, name: n.sender.name } } : {}),
  };
  const data = builders[n.type](n.data, base);
  if (!data) return undefined;
  const to: Recipient = { name: receiver.name, address: receiver.email };
  return { template: n.type, to, data } as EmailRequest;
}
