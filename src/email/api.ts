// What the rest of the server asks of e-mail: "render this template for this
// person and deliver it". Rendering happens at once (a bad template or data
// fails in the caller), delivery later from the outbox, so a mail server outage
// or a restart loses nothing and a rolled-back transaction sends nothing.
import type { Store } from "../store/interfaces.js";

/** Every message the Identity Server sends, by template name. */
export type TemplateName =
  | "validate"
  | "invitation"
  | "temporary_password"
  | "login_token"
  | "api_key_created"
  | "api_key_changed"
  | "collaborator_changed"
  | "entity_state_changed"
  | "password_changed"
  | "user_requested"
  | "client_requested";

export interface Recipient {
  /** Display name; may be empty (the user ID is used then). */
  name: string;
  address: string;
}

/** A user as templates show it. */
export interface UserInfo {
  id: string;
  name: string;
}

export interface EntityInfo {
  /** "application", "client", "end device", "gateway", "organization" or "user". */
  kind: string;
  id: string;
}

/**
 * Data each template needs, besides `network` (name, identity server and
 * console URLs), which the e-mail module adds itself, and the links it builds
 * from them (validation, invitation, password reset and login links).
 */
export interface TemplateData {
  validate: { user: UserInfo; address: string; validationId: string; token: string };
  invitation: { sender?: UserInfo; token: string };
  temporary_password: { user: UserInfo; temporaryPassword: string };
  login_token: { user: UserInfo; token: string };
  api_key_created: NotificationData & { key: { id: string; name: string; rights: string[] } };
  api_key_changed: NotificationData & { key: { id: string; name: string; rights: string[] } };
  collaborator_changed: NotificationData & { collaborator: EntityInfo; rights: string[] };
  entity_state_changed: NotificationData & { state: string; stateDescription: string };
  password_changed: NotificationData;
  user_requested: NotificationData & { requester: UserInfo & { email: string; description?: string } };
  client_requested: NotificationData & { client: ClientInfo; collaborator: EntityInfo };
}

/** The requested OAuth client (optional parts: what templates in the stack's form show). */
export interface ClientInfo {
  id: string;
  name: string;
  description?: string;
  /** `GRANT_...` names. */
  grants?: string[];
  /** `RIGHT_...` names. */
  rights?: string[];
  redirectUris?: string[];
  logoutRedirectUris?: string[];
}

/** What every notification e-mail knows: who gets it, about what, caused by whom. */
export interface NotificationData {
  receiver: UserInfo;
  entity: EntityInfo;
  sender?: UserInfo;
}

export type EmailRequest = { [N in TemplateName]: { template: N; to: Recipient; data: TemplateData[N] } }[TemplateName];

export interface Emails {
  /**
   * Renders the template and adds the message to the outbox through `store`:
   * inside the caller's transaction when `store` is a transaction, so the
   * message goes out only if the transaction commits. With no provider
   * configured the message is logged and dropped.
   */
  queue(store: Store, email: EmailRequest): Promise<void>;
}
