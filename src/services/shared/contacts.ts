// Administrative and technical contacts of an entity: they default to the
// creating collaborator and must always be collaborators of the entity.
import type { OrganizationOrUserIdentifiers } from "../../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { accountIdentifiers, accountRef } from "../../auth/identifiers.js";
import type { Caller } from "../../auth/caller.js";
import { errContactInfoRestricted, errContactNoCollaborator } from "../../errors/index.js";
import type { AccountRef, EntityRef, Store } from "../../store/interfaces.js";

export interface Contacts {
  administrativeContact?: OrganizationOrUserIdentifiers;
  technicalContact?: OrganizationOrUserIdentifiers;
}

const same = (a: AccountRef | undefined, b: AccountRef) => a?.kind === b.kind && a.id === b.id;

/** On create: contacts default to the collaborator, and may only name it. */
export function defaultContacts(entity: Contacts, collaborator: AccountRef): void {
  for (const key of ["administrativeContact", "technicalContact"] as const) {
    const given = accountRef(entity[key]);
    if (given && !same(given, collaborator)) throw errContactNoCollaborator({ contact: given.id });
    entity[key] = accountIdentifiers(collaborator);
  }
}

/** On update: new contacts must collaborate on the entity; without the option, only the caller may be named. */
export async function checkContacts(store: Store, entity: EntityRef, update: Contacts, paths: ReadonlySet<string>, caller: Caller, othersAllowed: boolean): Promise<void> {
  for (const [path, key] of [["administrative_contact", "administrativeContact"], ["technical_contact", "technicalContact"]] as const) {
    if (![...paths].some((p) => p === path || p.startsWith(`${path}.`))) continue;
    const contact = accountRef(update[key]);
    if (!contact) continue;
    if (!othersAllowed && !caller.isAdmin && !(caller.entity && same(contact, caller.entity as AccountRef))) throw errContactInfoRestricted();
    await store.memberships.get(entity, contact).catch(() => {
      throw errContactNoCollaborator({ contact: contact.id });
    });
  }
}

export function contactsOf(entity: Contacts): AccountRef[] {
  return [accountRef(entity.administrativeContact), accountRef(entity.technicalContact)].filter((c): c is AccountRef => c !== undefined);
}

/** The contacts an entity holds; users have none (they are their own contact). */
export async function contactsOfEntity(store: Store, entity: EntityRef): Promise<Contacts> {
  switch (entity.kind) {
    case "application":
      return store.applications.get(entity.id);
    case "client":
      return store.clients.get(entity.id);
    case "gateway":
      return store.gateways.get(entity.id);
    case "organization":
      return store.organizations.get(entity.id);
    case "user":
      return {};
  }
}
