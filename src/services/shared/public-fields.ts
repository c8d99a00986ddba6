// What a caller without <KIND>_INFO may read of an entity (spec §2.3, the
// stack's PublicSafe), for every kind in one place: Get answers with it when only
// public fields are requested, List and Search reduce each such result to it.
import type { DescMessage, Message } from "@bufbuild/protobuf";
import type { Gateway } from "../../../gen/ttn/lorawan/v3/gateway_pb.js";
import type { Right } from "../../../gen/ttn/lorawan/v3/rights_pb.js";
import { rightByName, type EntityKind } from "../../rights/algebra.js";
import { applyReadMask, onlyPublic } from "./masks.js";
import { publicUserFields } from "./users.js";

const contacts = ["administrative_contact", "technical_contact"];

export const publicFields: Record<EntityKind, readonly string[]> = {
  user: publicUserFields,
  application: contacts,
  client: ["name", "description", "redirect_uris", "logout_redirect_uris", "state", "skip_authorization", "endorsed", "grants", "rights", ...contacts],
  gateway: [
    "name", "description", "frequency_plan_id", "frequency_plan_ids", "status_public", "gateway_server_address", "location_public", "antennas", "lrfhss",
    ...contacts,
  ],
  organization: ["name", ...contacts],
};

/** The right that lets a caller read an entity in full. */
export const infoRight: Record<EntityKind, Right> = {
  user: rightByName("RIGHT_USER_INFO")!,
  application: rightByName("RIGHT_APPLICATION_INFO")!,
  client: rightByName("RIGHT_CLIENT_INFO")!,
  gateway: rightByName("RIGHT_GATEWAY_INFO")!,
  organization: rightByName("RIGHT_ORGANIZATION_INFO")!,
};

// Public gateway fields that are public only in part, by the flags of the whole gateway.
function publicGateway(masked: Gateway, full: Gateway): Gateway {
  if (!full.statusPublic) masked.gatewayServerAddress = "";
  if (!full.locationPublic) masked.antennas = masked.antennas.map((a) => ({ ...a, location: undefined }));
  return masked;
}

/**
 * The entity with the requested paths (and the always-returned ones); reduced
 * to the public ones unless `readable` (the caller holds <KIND>_INFO on it).
 */
export function readableEntity<T extends Message>(kind: EntityKind, desc: DescMessage, entity: T, paths: readonly string[], readable: boolean): T {
  if (readable) return applyReadMask(desc, entity, paths);
  const visible = applyReadMask(desc, entity, paths.filter((p) => onlyPublic([p], publicFields[kind])));
  return kind === "gateway" ? (publicGateway(visible as unknown as Gateway, entity as unknown as Gateway) as unknown as T) : visible;
}
