// The deprecated `contact_info` field of users, applications, clients, gateways
// and organizations, as The Things Stack emulates it: never stored and never
// read from storage. A read mask naming it answers with entries made from the
// contacts (accounts/contact-info.ts) plus the fields they come from; a Create
// or Update that sets it is answered with a deprecation warning.
import type { HandlerContext } from "@connectrpc/connect";
import type { ContactInfo } from "../../../gen/ttn/lorawan/v3/contact_info_pb.js";
import { contactInfoFrom } from "../../accounts/contact-info.js";
import type { User } from "../../../gen/ttn/lorawan/v3/user_pb.js";
import type { Contacts } from "./contacts.js";
import { addWarning } from "../../auth/scope.js";
import type { EntityKind } from "../../rights/algebra.js";
import type { Store } from "../../store/interfaces.js";

const deprecated = "Contact info is deprecated and will be removed in the next major release";

const isContactInfo = (path: string) => path === "contact_info" || path.startsWith("contact_info.");

/** What the emulation reads: a user's own address, or the entity's contacts. */
const sourceFields: Record<EntityKind, readonly string[]> = {
  user: ["primary_email_address", "primary_email_address_validated_at"],
  application: ["administrative_contact", "technical_contact"],
  client: ["administrative_contact", "technical_contact"],
  gateway: ["administrative_contact", "technical_contact"],
  organization: ["administrative_contact", "technical_contact"],
};

/** An entity message with the deprecated field. */
export interface WithContactInfo {
  ids?: object;
  deletedAt?: unknown;
  contactInfo: ContactInfo[];
}

export interface ContactInfoRead {
  /** The read paths to shape responses with: `contact_info` replaced by the fields it is made from. */
  paths: string[];
  /**
   * Sets the emulated contact info of a shaped entity when the mask asked for
   * it: only for callers reading it in full (the public view shows only public
   * entries, and emulated ones never are).
   */
  fill<T extends WithContactInfo>(store: Store, entity: T, readable: boolean): Promise<T>;
}

/** How a read request with this (validated) mask presents `contact_info`. */
export function contactInfoRead(kind: EntityKind, paths: readonly string[]): ContactInfoRead {
  const asked = paths.some(isContactInfo);
  if (!asked) return { paths: [...paths], fill: async (_store, entity) => entity };
  const rest = paths.filter((p) => !isContactInfo(p));
  return {
    paths: [...rest, ...sourceFields[kind].filter((f) => !rest.includes(f))],
    async fill(store, entity, readable) {
      // Made from the shaped entity itself (its contacts or, for a user, its
      // address were added to the read paths), so deleted entities work too.
      const source = kind === "user" ? { user: entity as unknown as User } : { contacts: entity as Contacts };
      entity.contactInfo = readable ? (await contactInfoFrom(store, source)).map((c) => c.info) : [];
      return entity;
    },
  };
}

/** Update paths without `contact_info` (ignored, with the deprecation warning). */
export function ignoreContactInfo(ctx: HandlerContext, paths: readonly string[]): string[] {
  const rest = paths.filter((p) => !isContactInfo(p));
  if (rest.length !== paths.length) addWarning(ctx, deprecated);
  return rest;
}

/** A Create's entity without `contact_info` (not stored, with the deprecation warning). */
export function dropContactInfo(ctx: HandlerContext, entity: WithContactInfo): void {
  if (entity.contactInfo.length === 0) return;
  entity.contactInfo = [];
  addWarning(ctx, deprecated);
}
