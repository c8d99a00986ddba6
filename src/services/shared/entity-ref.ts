// The entity an `EntityIdentifiers` field names, with its IDs checked; end
// devices as `<application_id>.<device_id>`. Bookmarks, notifications and
// contact info take entities this way.
import type { EntityIdentifiers } from "../../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { errValidation } from "../../errors/index.js";
import type { BookmarkRef } from "../../store/interfaces.js";
import { check, checks } from "./validate.js";

/** The entity of request field `field` (`<field>.<kind>_ids...` names the ID that failed a check). */
export function checkedEntityRef(ids: EntityIdentifiers | undefined, field: string): BookmarkRef {
  const at = (path: string) => (field ? `${field}.${path}` : path);
  const v = ids?.ids;
  switch (v?.case) {
    case "applicationIds":
      check(at("application_ids.application_id"), v.value.applicationId, checks.id3);
      return { kind: "application", id: v.value.applicationId };
    case "clientIds":
      check(at("client_ids.client_id"), v.value.clientId, checks.id3);
      return { kind: "client", id: v.value.clientId };
    case "gatewayIds":
      check(at("gateway_ids.gateway_id"), v.value.gatewayId, checks.id3);
      return { kind: "gateway", id: v.value.gatewayId };
    case "organizationIds":
      check(at("organization_ids.organization_id"), v.value.organizationId, checks.id3);
      return { kind: "organization", id: v.value.organizationId };
    case "userIds":
      check(at("user_ids.user_id"), v.value.userId, checks.id2);
      return { kind: "user", id: v.value.userId };
    case "deviceIds": {
      const applicationId = v.value.applicationIds?.applicationId;
      check(at("device_ids.application_ids.application_id"), applicationId, checks.id3);
      check(at("device_ids.device_id"), v.value.deviceId, checks.id3);
      return { kind: "end device", id: `${applicationId}.${v.value.deviceId}` };
    }
    default:
      throw errValidation({ field: field || "ids", reason: "must name an entity" });
  }
}
