// Legacy contact info of entities, emulated from their contacts: a user's own
// primary address; for other entities the primary addresses of the
// administrative contact (CONTACT_TYPE_OTHER) and the technical contact
// (CONTACT_TYPE_TECHNICAL); a contact that is an organization stands for that
// organization's own contact of the same role. Requesting validation sends the
// usual e-mail validation to every contact user whose address is unvalidated.
import { create } from "@bufbuild/protobuf";
import { ContactInfoSchema, ContactMethod, ContactType, type ContactInfo } from "../../gen/ttn/lorawan/v3/contact_info_pb.js";
import type { OrganizationOrUserIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import type { User } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { accountRef } from "../auth/identifiers.js";
import { formatDuration } from "../config/index.js";
import { errNoContactInfo, errNoValidationNeeded, errValidationsAlreadySent, IsError } from "../errors/index.js";
import type { EntityRef, Store } from "../store/interfaces.js";
import { contactsOfEntity, type Contacts } from "../services/shared/contacts.js";
import { requestEmailValidation, type AccountDeps, type RequestedValidation } from "./email-validation.js";


export interface EntityContact {
  info: ContactInfo;
  user: User;
}

type Role = "administrativeContact" | "technicalContact";
const roles: [Role, ContactType][] = [
  ["administrativeContact", ContactType.OTHER],
  ["technicalContact", ContactType.TECHNICAL],
];

const missingIsUndefined = <T>(p: Promise<T>) =>
  p.catch((err: unknown) => {
    if (err instanceof IsError && err.definition.name.endsWith("_not_found")) return undefined;
    throw err;
  });

/** The live user a contact stands for, if any. */
async function contactUser(store: Store, contact: OrganizationOrUserIdentifiers | undefined, role: Role): Promise<User | undefined> {
  const ref = accountRef(contact);
  if (ref?.kind === "user") return missingIsUndefined(store.users.get(ref.id));
  if (ref?.kind !== "organization") return undefined;
  const org = await missingIsUndefined(store.organizations.get(ref.id));
  const inner = accountRef(org?.[role]);
  return inner?.kind === "user" ? missingIsUndefined(store.users.get(inner.id)) : undefined;
}

const infoOf = (user: User, type: ContactType) =>
  create(ContactInfoSchema, { contactType: type, contactMethod: ContactMethod.EMAIL, value: user.primaryEmailAddress, validatedAt: user.primaryEmailAddressValidatedAt });

/** The emulated contact info of an entity (which must exist), with the users behind it. */
export async function contactInfoOf(store: Store, entity: EntityRef): Promise<EntityContact[]> {
  if (entity.kind === "user") return contactInfoFrom(store, { user: await store.users.get(entity.id) });
  return contactInfoFrom(store, { contacts: await contactsOfEntity(store, entity) });
}

/**
 * The same from an entity in hand (also a deleted one): a user's own primary
 * address, or the users behind an entity's administrative and technical contacts.
 */
export async function contactInfoFrom(store: Store, source: { user: User } | { contacts: Contacts }): Promise<EntityContact[]> {
  if ("user" in source) {
    const { user } = source;
    return user.primaryEmailAddress ? [{ info: infoOf(user, ContactType.OTHER), user }] : [];
  }
  const out: EntityContact[] = [];
  for (const [role, type] of roles) {
    const user = await contactUser(store, source.contacts[role], role);
    if (user?.primaryEmailAddress) out.push({ info: infoOf(user, type), user });
  }
  return out;
}

export interface ContactValidationRequest {
  /** The contact info being validated (the unvalidated entries). */
  contactInfo: ContactInfo[];
  /** The validations sent, one per contact user. */
  sent: RequestedValidation[];
}

/**
 * Requests validation of the entity's unvalidated contact addresses, in one
 * transaction: `no_contact_info`, `no_validation_needed`, or
 * `validations_already_sent` when every one was sent within the retry interval.
 */
export async function requestContactInfoValidation(deps: AccountDeps, store: Store, entity: EntityRef): Promise<ContactValidationRequest> {
  return store.transact(async (tx) => {
    const contacts = await contactInfoOf(tx, entity);
    if (contacts.length === 0) throw errNoContactInfo({ entity_id: entity.id });
    const unvalidated = contacts.filter((c) => !c.user.primaryEmailAddressValidatedAt);
    if (unvalidated.length === 0) throw errNoValidationNeeded();
    const sent: RequestedValidation[] = [];
    const seen = new Set<string>();
    for (const { user } of unvalidated) {
      const userId = user.ids!.userId;
      if (seen.has(userId)) continue;
      seen.add(userId);
      const requested = await requestEmailValidation(deps, tx, user, "quiet");
      if (requested?.sent) sent.push(requested);
    }
    if (sent.length === 0) {
      throw errValidationsAlreadySent({ retry_interval: formatDuration(deps.config.is.userRegistration.contactInfoValidation.retryInterval) });
    }
    return { contactInfo: unvalidated.map((c) => c.info), sent };
  });
}
