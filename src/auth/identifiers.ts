// Between internal entity references and the generated identifier messages.
import { create } from "@bufbuild/protobuf";
import { EntityIdentifiersSchema, OrganizationOrUserIdentifiersSchema, type EntityIdentifiers, type OrganizationOrUserIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import type { AccountRef, EntityRef } from "../store/interfaces.js";

export function entityIdentifiers(ref: EntityRef): EntityIdentifiers {
  switch (ref.kind) {
    case "user":
      return create(EntityIdentifiersSchema, { ids: { case: "userIds", value: { userId: ref.id } } });
    case "application":
      return create(EntityIdentifiersSchema, { ids: { case: "applicationIds", value: { applicationId: ref.id } } });
    case "client":
      return create(EntityIdentifiersSchema, { ids: { case: "clientIds", value: { clientId: ref.id } } });
    case "gateway":
      return create(EntityIdentifiersSchema, { ids: { case: "gatewayIds", value: { gatewayId: ref.id } } });
    case "organization":
      return create(EntityIdentifiersSchema, { ids: { case: "organizationIds", value: { organizationId: ref.id } } });
  }
}

export function accountIdentifiers(ref: AccountRef): OrganizationOrUserIdentifiers {
  return ref.kind === "user"
    ? create(OrganizationOrUserIdentifiersSchema, { ids: { case: "userIds", value: { userId: ref.id } } })
    : create(OrganizationOrUserIdentifiersSchema, { ids: { case: "organizationIds", value: { organizationId: ref.id } } });
}

/** The account an OrganizationOrUserIdentifiers names, or undefined when it names none. */
export function accountRef(ids: OrganizationOrUserIdentifiers | undefined): AccountRef | undefined {
  switch (ids?.ids.case) {
    case "userIds":
      return ids.ids.value.userId ? { kind: "user", id: ids.ids.value.userId } : undefined;
    case "organizationIds":
      return ids.ids.value.organizationId ? { kind: "organization", id: ids.ids.value.organizationId } : undefined;
    default:
      return undefined;
  }
}
