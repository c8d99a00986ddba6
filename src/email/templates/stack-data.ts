// What a template in The Things Stack's form (Go templates, go-*.ts) sees: the
// stack's field names over our data, for both of its generations of e-mail
// templates. Up to v3.18 an override `<name>.txt` got pkg/identityserver/emails'
// Data (`.User.Name`, `.Entity.Type`, `.Key.ID`, `.TTL`, `.FormatTTL`, ...);
// from v3.19 its templates (`<name>.txt.tmpl`) get pkg/email's TemplateData
// (`.ReceiverName`, `.Receiver.Ids.IDString`, `.Notification.EntityIds`,
// `.APIKey.Id`, ...). Both sets are here at once; the one field that differs
// between them, `.User` of user_requested (the admin it goes to, later the
// user who registered), follows the file's form. The README's E-mail section
// lists every field and what it holds.
import type { Config } from "../../config/index.js";
import { TEMPORARY_PASSWORD_TTL_MS } from "../../accounts/temporary-password.js";
import type { EmailRequest, EntityInfo, TemplateData, TemplateName } from "../api.js";
import { GoDuration, relativeDuration } from "./go-funcs.js";
import { viewOf, type Network } from "./view.js";

/** How long the links of the account e-mails work, in ms (`.TTL`). */
export type Ttls = Record<"validate" | "invitation" | "temporary_password" | "login_token", number>;

export function ttlsOf(config: Config): Ttls {
  const r = config.is.userRegistration;
  return {
    validate: r.contactInfoValidation.tokenTtl,
    invitation: r.invitation.tokenTtl,
    temporary_password: TEMPORARY_PASSWORD_TTL_MS,
    login_token: config.is.loginTokens.tokenTtl,
  };
}

/** `legacy`: a pre-3.19 override (`<name>.txt` in Go syntax); `current`: `<name>.txt.tmpl`. */
export type StackForm = "legacy" | "current";

const idFields: Record<string, string> = {
  application: "ApplicationId", client: "ClientId", gateway: "GatewayId", organization: "OrganizationId", user: "UserId", "end device": "DeviceId",
};

/** Identifiers as the stack's templates read them: `.IDString`, `.EntityType`, `.UserId`, .... */
function ids(entity: EntityInfo): Record<string, string> {
  const field = idFields[entity.kind];
  return { EntityType: entity.kind, IDString: entity.id, ...(field ? { [field]: entity.id } : {}) };
}

/** An entity's identifiers also under the names of the older data (`.EntityIdentifiers.IDString`). */
const account = (entity: EntityInfo) => ({ ...ids(entity), EntityIdentifiers: ids(entity), Ids: ids(entity) });

const notificationTemplates = new Set<TemplateName>([
  "api_key_created", "api_key_changed", "collaborator_changed", "entity_state_changed", "password_changed", "user_requested", "client_requested",
]);

const ttl = (ms: number) => ({ TTL: new GoDuration(ms), FormatTTL: relativeDuration(ms) });

/** The data of a template in the stack's form. */
export function stackData(req: EmailRequest, network: Network, ttls: Ttls, form: StackForm): Record<string, unknown> {
  const view = viewOf(req, network) as { link: string; recipientName: string };
  const d = req.data as Partial<TemplateData["api_key_created"] & TemplateData["validate"]>;
  const person = d.user ?? d.receiver;
  const userId = person?.id ?? "";
  const personName = person?.name || req.to.name;
  const entity: EntityInfo = d.entity ?? (req.template === "invitation" ? { kind: "", id: "" } : { kind: "user", id: userId });
  const sender = d.sender;
  const notification = notificationTemplates.has(req.template);

  const common: Record<string, unknown> = {
    Network: {
      Name: network.name,
      IdentityServerURL: network.identityServerURL,
      ConsoleURL: network.consoleURL,
      AssetsBaseURL: network.assetsBaseURL,
      BrandingBaseURL: network.brandingBaseURL,
    },
    // pre-3.19: the recipient (the name falls back to the user ID, as the stack's SetUser does).
    User: { ID: userId, Name: personName || userId || "user", Email: req.to.address },
    Entity: { Type: entity.kind, ID: entity.id },
    Contact: { Type: "" },
    // 3.19+: the recipient as a user message.
    Receiver: { Ids: ids({ kind: "user", id: userId }), Name: personName ?? "", PrimaryEmailAddress: req.to.address },
    ReceiverName: personName || userId || "user",
    // The page of the message in the Console (the entity, key, collaborator, review); else the Console.
    ConsoleURL: notification ? view.link : network.consoleURL,
    // Ours: the action link the built-in template shows (validation, registration, login, ...).
    Link: view.link,
  };
  if (notification) {
    common.Notification = {
      EntityIds: ids(entity),
      SenderIds: sender ? ids({ kind: "user", id: sender.id }) : null,
      NotificationType: req.template.toUpperCase(),
    };
  }

  switch (req.template) {
    case "validate": {
      const v = req.data;
      return { ...common, ID: v.validationId, Token: v.token, Address: v.address, EntityType: "user", IDString: userId, ...ttl(ttls.validate) };
    }
    case "invitation": {
      const i = req.data;
      return { ...common, InvitationToken: i.token, SenderIds: i.sender ? ids({ kind: "user", id: i.sender.id }) : null, ...ttl(ttls.invitation) };
    }
    case "temporary_password":
      return { ...common, TemporaryPassword: req.data.temporaryPassword, ...ttl(ttls.temporary_password) };
    case "login_token":
      return { ...common, LoginToken: req.data.token, ...ttl(ttls.login_token) };
    case "api_key_created":
    case "api_key_changed": {
      const k = req.data.key;
      const key = { ID: k.id, Id: k.id, Name: k.name, Rights: k.rights };
      return { ...common, Identifier: k.name || k.id, Key: key, APIKey: key, Rights: k.rights };
    }
    case "collaborator_changed": {
      const c = req.data;
      return { ...common, Collaborator: { ...account(c.collaborator), Rights: c.rights }, Rights: c.rights };
    }
    case "entity_state_changed":
      return { ...common, State: req.data.state, StateDescription: req.data.stateDescription };
    case "password_changed":
      return common;
    case "user_requested": {
      const r = req.data.requester;
      const requester = {
        ID: r.id, Name: r.name, Email: r.email, Ids: ids({ kind: "user", id: r.id }), Description: r.description ?? "", PrimaryEmailAddress: r.email,
      };
      return { ...common, ...(form === "current" ? { User: requester } : {}), Requester: requester };
    }
    case "client_requested": {
      const { client: c, collaborator } = req.data;
      const senderKind = sender ? "user" : collaborator.kind;
      const client = {
        Ids: ids({ kind: "client", id: c.id }), Name: c.name, Description: c.description ?? "", Grants: c.grants ?? [], Rights: c.rights ?? [],
        RedirectURIs: c.redirectUris ?? [], RedirectUris: c.redirectUris ?? [], LogoutRedirectURIs: c.logoutRedirectUris ?? [], LogoutRedirectUris: c.logoutRedirectUris ?? [],
      };
      return {
        ...common,
        Client: client,
        Collaborator: account(collaborator),
        Sender: sender?.id ?? collaborator.id,
        SenderType: senderKind === "organization" ? "Organization" : "User",
        SenderTypeMidSentence: senderKind,
      };
    }
  }
}
