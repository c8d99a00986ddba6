// The store's not-found error for an entity reference, for callers (admins)
// who may learn that an entity does not exist.
import { errApplicationNotFound, errClientNotFound, errGatewayNotFound, errOrganizationNotFound, errUserNotFound, type IsError } from "../errors/index.js";
import type { EntityRef } from "../store/interfaces.js";

export function errorFor(entity: EntityRef): IsError {
  switch (entity.kind) {
    case "user":
      return errUserNotFound({ user_id: entity.id });
    case "application":
      return errApplicationNotFound({ application_id: entity.id });
    case "organization":
      return errOrganizationNotFound({ organization_id: entity.id });
    case "client":
      return errClientNotFound({ client_id: entity.id });
    case "gateway":
      return errGatewayNotFound({ gateway_id: entity.id });
  }
}
