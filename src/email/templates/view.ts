// What a template sees: the caller's TemplateData plus the network (name and
// URLs from is.email.network.*), the recipient's name, and the links built from
// the network URLs, so templates (built-in or overridden) never assemble URLs:
//   {{network.name}} {{network.identityServerURL}} {{network.consoleURL}}
//   {{network.assetsBaseURL}} {{network.brandingBaseURL}}
//   {{recipientName}}  user/receiver name, else the recipient's name, else the user ID
//   {{senderName}}     sender's name, else its ID (notifications, invitation)
//   {{entityType}}     "application", "OAuth client", ... (notifications)
//   {{link}} {{linkText}}  the action link of the message; {{entityLink}} the entity in the Console
//   {{subject}}        the rendered subject (text and HTML bodies)
import type { EmailRequest, EntityInfo, TemplateData, TemplateName } from "../api.js";

export interface Network {
  name: string;
  identityServerURL: string;
  consoleURL: string;
  assetsBaseURL: string;
  brandingBaseURL: string;
}

const trimSlash = (url: string) => url.replace(/\/+$/, "");
const q = encodeURIComponent;

const entityTypes: Record<string, string> = { client: "OAuth client" };

/** The Console page of an entity. */
export function consoleLink(consoleURL: string, entity: EntityInfo): string {
  const base = trimSlash(consoleURL);
  switch (entity.kind) {
    case "application": return `${base}/applications/${q(entity.id)}`;
    case "gateway": return `${base}/gateways/${q(entity.id)}`;
    case "organization": return `${base}/organizations/${q(entity.id)}`;
    case "client": return `${base}/oauth-clients/${q(entity.id)}`;
    case "user": return `${base}/user-settings/profile`;
    case "end device": {
      // End devices are named `<application_id>.<device_id>`.
      const [app, dev = ""] = entity.id.split(".", 2);
      return `${base}/applications/${q(app!)}/devices/${q(dev)}`;
    }
    default: return base;
  }
}

function apiKeyLink(consoleURL: string, entity: EntityInfo, keyId: string): string {
  if (entity.kind === "user") return `${trimSlash(consoleURL)}/user-settings/api-keys/${q(keyId)}`;
  return `${consoleLink(consoleURL, entity)}/api-keys/${q(keyId)}`;
}

function collaboratorLink(consoleURL: string, entity: EntityInfo, collaborator: EntityInfo): string {
  const section = entity.kind === "organization" ? "members" : "collaborators";
  return `${consoleLink(consoleURL, entity)}/${section}/${q(collaborator.kind)}/${q(collaborator.id)}`;
}

/** The action link of each template and the label of its button. */
function linkOf(req: EmailRequest, n: Network): { link: string; linkText: string } {
  const is = trimSlash(n.identityServerURL);
  const con = trimSlash(n.consoleURL);
  switch (req.template) {
    case "validate": {
      const d = req.data;
      return { link: `${is}/validate?reference=${q(d.validationId)}&token=${q(d.token)}`, linkText: "Confirm email address" };
    }
    case "invitation":
      return { link: `${is}/register?invitation_token=${q(req.data.token)}`, linkText: "Register" };
    case "temporary_password": {
      const d = req.data;
      return { link: `${is}/update-password?user=${q(d.user.id)}&current=${q(d.temporaryPassword)}`, linkText: "Choose a new password" };
    }
    case "login_token":
      return { link: `${is}/token-login?token=${q(req.data.token)}`, linkText: "Log in" };
    case "api_key_created":
    case "api_key_changed":
      return { link: apiKeyLink(n.consoleURL, req.data.entity, req.data.key.id), linkText: "View API key" };
    case "collaborator_changed":
      return { link: collaboratorLink(n.consoleURL, req.data.entity, req.data.collaborator), linkText: "View collaborator" };
    case "entity_state_changed":
    case "password_changed":
      return { link: consoleLink(n.consoleURL, req.data.entity), linkText: "Open the Console" };
    case "user_requested":
      return { link: `${con}/admin-panel/user-management/${q(req.data.requester.id)}`, linkText: "Review the request" };
    case "client_requested":
      return { link: `${con}/oauth-clients/${q(req.data.client.id)}`, linkText: "Review the request" };
  }
}

/** The object templates render against. */
export function viewOf(req: EmailRequest, network: Network): Record<string, unknown> {
  const data = req.data as Partial<TemplateData["validate"] & TemplateData["api_key_created"] & TemplateData["invitation"]>;
  const person = data.user ?? data.receiver;
  const sender = data.sender;
  return {
    ...req.data,
    network,
    recipient: req.to,
    recipientName: person?.name || req.to.name || person?.id || "",
    senderName: sender ? sender.name || sender.id : "",
    entityType: data.entity ? (entityTypes[data.entity.kind] ?? data.entity.kind) : "",
    entityLink: data.entity ? consoleLink(network.consoleURL, data.entity) : "",
    ...linkOf(req, network),
  };
}

/** Complete data for every template: checks overrides at start, and documents what each template gets. */
export const sampleData: { [N in TemplateName]: TemplateData[N] } = (() => {
  const user = { id: "sample-user", name: "Sample User" };
  const sender = { id: "sample-admin", name: "Sample Admin" };
  const app = { kind: "application", id: "sample-app" };
  const key = { id: "SAMPLEKEYID", name: "sample key", rights: ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_LINK"] };
  const note = { receiver: user, entity: app, sender };
  return {
    validate: { user, address: "user@example.com", validationId: "SAMPLEVALIDATIONID", token: "SAMPLETOKEN" },
    invitation: { sender, token: "SAMPLETOKEN" },
    temporary_password: { user, temporaryPassword: "SAMPLEPASSWORD" },
    login_token: { user, token: "SAMPLETOKEN" },
    api_key_created: { ...note, key },
    api_key_changed: { ...note, key },
    collaborator_changed: { ...note, collaborator: { kind: "user", id: "sample-collaborator" }, rights: ["RIGHT_APPLICATION_ALL"] },
    entity_state_changed: { ...note, state: "STATE_SUSPENDED", stateDescription: "sample reason" },
    password_changed: { receiver: user, entity: { kind: "user", id: user.id } },
    user_requested: { receiver: sender, entity: { kind: "user", id: user.id }, requester: { ...user, email: "user@example.com", description: "sample description" } },
    client_requested: {
      receiver: sender,
      entity: { kind: "client", id: "sample-client" },
      client: {
        id: "sample-client", name: "Sample Client", description: "sample description", grants: ["GRANT_AUTHORIZATION_CODE"], rights: ["RIGHT_USER_INFO"],
        redirectUris: ["https://client.example.com/callback"], logoutRedirectUris: ["https://client.example.com/"],
      },
      collaborator: { kind: "user", id: user.id },
    },
  };
})();
