// Who receives a notification: the NotificationReceiver groups of an entity
// resolved into user IDs, as the stack does it.
// - A user entity: the user itself, whatever the groups.
// - ADMINISTRATIVE_CONTACT / TECHNICAL_CONTACT: that contact of the entity (of
//   its application for an end device). An organization as contact stands for
//   its own contact of the same role (the other one when that is unset), or
//   for all its members when it fans notifications out.
// - COLLABORATOR: the direct members; an organization stands for its members.
// Only users receive; each once. Whether they still exist is checked later,
// when their names and addresses are read.
import { NotificationReceiver } from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import { accountRef } from "../auth/identifiers.js";
import { errOrganizationNotFound } from "../errors/index.js";
import { contactsOfEntity } from "../services/shared/contacts.js";
import type { AccountRef, EntityRef, NotificationEntity, Store } from "../store/interfaces.js";

type Role = "administrativeContact" | "technicalContact";

const otherRole: Record<Role, Role> = { administrativeContact: "technicalContact", technicalContact: "administrativeContact" };

/** The entity whose contacts and members count: end devices have their application's. */
function holderOf(entity: NotificationEntity): EntityRef {
  if (entity.kind === "end device") return { kind: "application", id: entity.id.slice(0, entity.id.indexOf(".")) };
  return { kind: entity.kind, id: entity.id };
}

/** Every direct member of the entity. */
async function membersOf(store: Store, entity: EntityRef): Promise<AccountRef[]> {
  const out: AccountRef[] = [];
  for (let page = 1; ; page++) {
    const found = await store.memberships.find(entity, { limit: 1000, page });
    out.push(...found.items.map((m) => m.account));
    if (found.items.length === 0 || out.length >= found.total) return out;
  }
}

/** The users an organization's memberships name (organizations have no organization members). */
async function usersOf(store: Store, organizationId: string): Promise<string[]> {
  return (await membersOf(store, { kind: "organization", id: organizationId })).filter((a) => a.kind === "user").map((a) => a.id);
}

async function contactUsers(store: Store, contact: AccountRef, role: Role): Promise<string[]> {
  if (contact.kind === "user") return [contact.id];
  const org = await store.organizations.get(contact.id).catch((err: unknown) => {
    // A contact organization that is gone has nobody to stand for.
    if (errOrganizationNotFound.is(err)) return undefined;
    throw err;
  });
  if (!org) return [];
  if (org.fanoutNotifications) return usersOf(store, contact.id);
  const own = accountRef(org[role]) ?? accountRef(org[otherRole[role]]);
  return own?.kind === "user" ? [own.id] : [];
}

/** The IDs of the users that receive a notification about `entity` for these groups, each once. */
export async function resolveReceivers(store: Store, entity: NotificationEntity, receivers: readonly NotificationReceiver[]): Promise<string[]> {
  if (entity.kind === "user") return [entity.id];
  const holder = holderOf(entity);
  const out = new Set<string>();
  const roles: Role[] = [];
  if (receivers.includes(NotificationReceiver.ADMINISTRATIVE_CONTACT)) roles.push("administrativeContact");
  if (receivers.includes(NotificationReceiver.TECHNICAL_CONTACT)) roles.push("technicalContact");
  if (roles.length > 0) {
    const entityContacts = await contactsOfEntity(store, holder);
    for (const role of roles) {
      const contact = accountRef(entityContacts[role]);
      if (contact) for (const id of await contactUsers(store, contact, role)) out.add(id);
    }
  }
  if (receivers.includes(NotificationReceiver.COLLABORATOR)) {
    for (const member of await membersOf(store, holder)) {
      if (member.kind === "user") out.add(member.id);
      else for (const id of await usersOf(store, member.id)) out.add(id);
    }
  }
  return [...out];
}
