// The rights an OAuth client asks for, in words people understand on the
// consent page, grouped by what they are about. A right the table does not
// know yet (added to the proto later) is shown by its name, never dropped.
import type { Right } from "../../../gen/ttn/lorawan/v3/rights_pb.js";
import { rightName } from "../../rights/algebra.js";

const words: Record<string, string> = {
  RIGHT_USER_INFO: "View your user account's information",
  RIGHT_USER_SETTINGS_BASIC: "Change your user account's name, e-mail address and other basic settings",
  RIGHT_USER_SETTINGS_API_KEYS: "View and manage your user account's API keys",
  RIGHT_USER_DELETE: "Delete your user account",
  RIGHT_USER_AUTHORIZED_CLIENTS: "View and manage the apps you authorized",
  RIGHT_USER_APPLICATIONS_LIST: "List the applications you collaborate on",
  RIGHT_USER_APPLICATIONS_CREATE: "Create applications in your user account",
  RIGHT_USER_GATEWAYS_LIST: "List the gateways you collaborate on",
  RIGHT_USER_GATEWAYS_CREATE: "Create gateways in your user account",
  RIGHT_USER_CLIENTS_LIST: "List the OAuth clients you collaborate on",
  RIGHT_USER_CLIENTS_CREATE: "Create OAuth clients in your user account",
  RIGHT_USER_ORGANIZATIONS_LIST: "List the organizations you are a member of",
  RIGHT_USER_ORGANIZATIONS_CREATE: "Create organizations",
  RIGHT_USER_NOTIFICATIONS_READ: "Read your notifications",
  RIGHT_USER_ALL: "Do everything you can do with your user account",
  RIGHT_APPLICATION_INFO: "View your applications' information",
  RIGHT_APPLICATION_SETTINGS_BASIC: "Change your applications' basic settings",
  RIGHT_APPLICATION_SETTINGS_API_KEYS: "View and manage your applications' API keys",
  RIGHT_APPLICATION_SETTINGS_COLLABORATORS: "View and manage your applications' collaborators",
  RIGHT_APPLICATION_SETTINGS_PACKAGES: "View and manage your applications' packages",
  RIGHT_APPLICATION_DELETE: "Delete your applications",
  RIGHT_APPLICATION_DEVICES_READ: "View your applications' end devices",
  RIGHT_APPLICATION_DEVICES_WRITE: "Create, change and delete your applications' end devices",
  RIGHT_APPLICATION_DEVICES_READ_KEYS: "Read your end devices' security keys",
  RIGHT_APPLICATION_DEVICES_WRITE_KEYS: "Change your end devices' security keys",
  RIGHT_APPLICATION_TRAFFIC_READ: "Read your applications' uplink and downlink traffic",
  RIGHT_APPLICATION_TRAFFIC_UP_WRITE: "Simulate uplink traffic of your applications",
  RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE: "Send downlink messages to your end devices",
  RIGHT_APPLICATION_LINK: "Link to your applications as an Application Server",
  RIGHT_APPLICATION_ALL: "Do everything you can do with your applications",
  RIGHT_CLIENT_ALL: "Do everything you can do with your OAuth clients",
  RIGHT_CLIENT_INFO: "View your OAuth clients' information",
  RIGHT_CLIENT_SETTINGS_BASIC: "Change your OAuth clients' basic settings",
  RIGHT_CLIENT_SETTINGS_COLLABORATORS: "View and manage your OAuth clients' collaborators",
  RIGHT_CLIENT_DELETE: "Delete your OAuth clients",
  RIGHT_GATEWAY_INFO: "View your gateways' information",
  RIGHT_GATEWAY_SETTINGS_BASIC: "Change your gateways' basic settings",
  RIGHT_GATEWAY_SETTINGS_API_KEYS: "View and manage your gateways' API keys",
  RIGHT_GATEWAY_SETTINGS_COLLABORATORS: "View and manage your gateways' collaborators",
  RIGHT_GATEWAY_DELETE: "Delete your gateways",
  RIGHT_GATEWAY_TRAFFIC_READ: "Read your gateways' traffic",
  RIGHT_GATEWAY_TRAFFIC_DOWN_WRITE: "Send downlink traffic through your gateways",
  RIGHT_GATEWAY_LINK: "Link to your gateways as a Gateway Server",
  RIGHT_GATEWAY_STATUS_READ: "Read your gateways' status",
  RIGHT_GATEWAY_LOCATION_READ: "Read your gateways' location",
  RIGHT_GATEWAY_WRITE_SECRETS: "Store secrets of your gateways",
  RIGHT_GATEWAY_READ_SECRETS: "Read secrets of your gateways",
  RIGHT_GATEWAY_ALL: "Do everything you can do with your gateways",
  RIGHT_ORGANIZATION_INFO: "View your organizations' information",
  RIGHT_ORGANIZATION_SETTINGS_BASIC: "Change your organizations' basic settings",
  RIGHT_ORGANIZATION_SETTINGS_API_KEYS: "View and manage your organizations' API keys",
  RIGHT_ORGANIZATION_SETTINGS_MEMBERS: "View and manage your organizations' members",
  RIGHT_ORGANIZATION_DELETE: "Delete your organizations",
  RIGHT_ORGANIZATION_APPLICATIONS_LIST: "List your organizations' applications",
  RIGHT_ORGANIZATION_APPLICATIONS_CREATE: "Create applications in your organizations",
  RIGHT_ORGANIZATION_GATEWAYS_LIST: "List your organizations' gateways",
  RIGHT_ORGANIZATION_GATEWAYS_CREATE: "Create gateways in your organizations",
  RIGHT_ORGANIZATION_CLIENTS_LIST: "List your organizations' OAuth clients",
  RIGHT_ORGANIZATION_CLIENTS_CREATE: "Create OAuth clients in your organizations",
  RIGHT_ORGANIZATION_ADD_AS_COLLABORATOR: "Add your organizations as collaborators of other entities",
  RIGHT_ORGANIZATION_ALL: "Do everything you can do with your organizations",
  RIGHT_SEND_INVITES: "Invite people to the network",
  RIGHT_ALL: "Do everything you can do, on everything you can access",
};

const groups: [prefix: string, title: string][] = [
  ["RIGHT_USER_", "Your user account"],
  ["RIGHT_APPLICATION_", "Applications"],
  ["RIGHT_GATEWAY_", "Gateways"],
  ["RIGHT_ORGANIZATION_", "Organizations"],
  ["RIGHT_CLIENT_", "OAuth clients"],
  ["RIGHT_", "Everything else"],
];

export function rightInWords(right: Right): string {
  return words[rightName(right)] ?? rightName(right);
}

/** The rights in words, grouped by entity kind, in the order of the groups above. */
export function rightsInWords(rights: readonly Right[]): { title: string; items: string[] }[] {
  const out = groups.map(([, title]) => ({ title, items: [] as string[] }));
  for (const r of [...new Set(rights)].sort((a, b) => a - b)) {
    const i = groups.findIndex(([prefix]) => rightName(r).startsWith(prefix));
    out[i < 0 ? groups.length - 1 : i]!.items.push(rightInWords(r));
  }
  return out.filter((g) => g.items.length > 0);
}
