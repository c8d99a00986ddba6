// Rights as sets: names, groups by entity kind, implication (`*_ALL`, `*_LINK`),
// and the fixed sets admins and cluster peers receive. Everything is derived
// from the `Right` enum descriptor so a right added to the proto joins its group.
import { RightSchema, type Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";

export type { Right };
export type RightSet = ReadonlySet<Right>;

export type EntityKind = "user" | "application" | "client" | "gateway" | "organization";

const all: Right[] = RightSchema.values.filter((v) => v.number !== 0).map((v) => v.number as Right);
const byName = new Map(RightSchema.values.map((v) => [v.name, v.number as Right]));
const nameOf = new Map(RightSchema.values.map((v) => [v.number as Right, v.name]));

export function rightName(r: Right): string {
  return nameOf.get(r) ?? String(r);
}

export function rightByName(name: string): Right | undefined {
  return byName.get(name) ?? byName.get(`RIGHT_${name}`);
}

function named(name: string): Right {
  const r = byName.get(name);
  if (r === undefined) throw new Error(`unknown right ${name}`);
  return r;
}

export const RIGHT_ALL = named("RIGHT_ALL");

const prefixOf: Record<EntityKind, string> = {
  user: "RIGHT_USER_",
  application: "RIGHT_APPLICATION_",
  client: "RIGHT_CLIENT_",
  gateway: "RIGHT_GATEWAY_",
  organization: "RIGHT_ORGANIZATION_",
};

const group = (kind: EntityKind) => all.filter((r) => rightName(r).startsWith(prefixOf[kind]));

export const rightsOfKind: Record<EntityKind, RightSet> = {
  user: new Set(group("user")),
  application: new Set(group("application")),
  client: new Set(group("client")),
  gateway: new Set(group("gateway")),
  organization: new Set(group("organization")),
};

/** The `<KIND>_ALL` right of a kind. */
export function allRightOf(kind: EntityKind): Right {
  return named(`${prefixOf[kind]}ALL`);
}

// Rights a credential on an entity of this kind can usefully carry: an
// organization passes its members' rights on to applications, clients and
// gateways; a user is also a member of organizations.
const entityRights = [...rightsOfKind.application, ...rightsOfKind.client, ...rightsOfKind.gateway];
export const potentialRights: Record<EntityKind, RightSet> = {
  application: rightsOfKind.application,
  client: rightsOfKind.client,
  gateway: rightsOfKind.gateway,
  organization: new Set([...entityRights, ...rightsOfKind.organization]),
  user: new Set([...entityRights, ...rightsOfKind.organization, ...rightsOfKind.user]),
};

const extraImplications = new Map<Right, Right[]>([
  [named("RIGHT_APPLICATION_LINK"), ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ", "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"].map(named)],
  [named("RIGHT_GATEWAY_LINK"), [named("RIGHT_GATEWAY_INFO")]],
]);

/** Expands `RIGHT_ALL`, `<KIND>_ALL` and the link rights into what they stand for. */
export function implied(rights: Iterable<Right>): Set<Right> {
  const out = new Set<Right>();
  for (const r of rights) {
    out.add(r);
    if (r === RIGHT_ALL) return new Set(all);
    for (const kind of Object.keys(prefixOf) as EntityKind[]) {
      if (r === allRightOf(kind)) for (const x of rightsOfKind[kind]) out.add(x);
    }
    for (const x of extraImplications.get(r) ?? []) out.add(x);
  }
  return out;
}

export function intersect(a: RightSet, b: RightSet): Set<Right> {
  const out = new Set<Right>();
  for (const r of a) if (b.has(r)) out.add(r);
  return out;
}

export function union(...sets: Iterable<Right>[]): Set<Right> {
  const out = new Set<Right>();
  for (const s of sets) for (const r of s) out.add(r);
  return out;
}

/** The rights of `required` that `have` lacks, in enum order. */
export function missing(required: Iterable<Right>, have: RightSet): Right[] {
  return sorted([...new Set(required)].filter((r) => !have.has(r)));
}

export function sorted(rights: Iterable<Right>): Right[] {
  return [...rights].sort((a, b) => a - b);
}

/**
 * Admins' universal rights: everything but the `_KEYS`, `_ALL` and `_SECRETS`
 * rights, unless `is.admin-rights.all`. (Upstream's code leaves the gateway
 * `_SECRETS` rights in, against its own documentation; the issue wants them out.)
 */
export function adminRights(allRights: boolean): Set<Right> {
  if (allRights) return new Set(all);
  return new Set(all.filter((r) => !/_(KEYS|ALL|SECRETS)$/.test(rightName(r))));
}

/** What other stack components get with a cluster key: read and info rights. */
// Single sign-on administration is for admins only, never for peers.
export const clusterRights: RightSet = new Set(all.filter((r) => /_(READ|INFO)$/.test(rightName(r)) && !/^RIGHT_(AUTHENTICATION_PROVIDER|EXTERNAL_USER)_/.test(rightName(r))));

export const allRights: RightSet = new Set(all);
