// The rights that guard the shared access methods, per entity kind.
import type { Right } from "../../../gen/ttn/lorawan/v3/rights_pb.js";
import { errValidation } from "../../errors/index.js";
import { rightByName, rightName, type EntityKind } from "../../rights/algebra.js";

const r = (name: string) => rightByName(name)!;

export const settingsAPIKeys: Partial<Record<EntityKind, Right>> = {
  user: r("RIGHT_USER_SETTINGS_API_KEYS"),
  application: r("RIGHT_APPLICATION_SETTINGS_API_KEYS"),
  gateway: r("RIGHT_GATEWAY_SETTINGS_API_KEYS"),
  organization: r("RIGHT_ORGANIZATION_SETTINGS_API_KEYS"),
};

export const settingsCollaborators: Partial<Record<EntityKind, Right>> = {
  application: r("RIGHT_APPLICATION_SETTINGS_COLLABORATORS"),
  client: r("RIGHT_CLIENT_SETTINGS_COLLABORATORS"),
  gateway: r("RIGHT_GATEWAY_SETTINGS_COLLABORATORS"),
  organization: r("RIGHT_ORGANIZATION_SETTINGS_MEMBERS"),
};

/** Rights in a request: defined values only, no duplicates; `field` names the request field. */
export function checkRights(field: string, rights: readonly Right[], { min = 1 } = {}): void {
  if (rights.length < min) throw errValidation({ field, reason: `must contain at least ${min} right` });
  const seen = new Set<Right>();
  for (const right of rights) {
    if (right === 0 || rightName(right) === String(right)) throw errValidation({ field, reason: `unknown right ${right}` });
    if (seen.has(right)) throw errValidation({ field, reason: `duplicate right ${rightName(right)}` });
    seen.add(right);
  }
}

/** Kinds an account lists (List without or with a collaborator, Search). */
export type ListedKind = "application" | "client" | "gateway" | "organization";

/**
 * The right an account's credential needs to list its entities of a kind:
 * `RIGHT_USER_<KIND>S_LIST` or `RIGHT_ORGANIZATION_<KIND>S_LIST`. Organizations
 * have no organizations, so they have no right to list them.
 */
export const listRights: Record<"user" | "organization", Partial<Record<ListedKind, Right>>> = {
  user: {
    application: r("RIGHT_USER_APPLICATIONS_LIST"),
    client: r("RIGHT_USER_CLIENTS_LIST"),
    gateway: r("RIGHT_USER_GATEWAYS_LIST"),
    organization: r("RIGHT_USER_ORGANIZATIONS_LIST"),
  },
  organization: {
    application: r("RIGHT_ORGANIZATION_APPLICATIONS_LIST"),
    client: r("RIGHT_ORGANIZATION_CLIENTS_LIST"),
    gateway: r("RIGHT_ORGANIZATION_GATEWAYS_LIST"),
  },
};
