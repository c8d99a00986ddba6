// Every service the Identity Server serves, with its implementation. The list
// feeds the Connect router, the /api/v3 gateway and the health service alike.
import type { ConnectRouter } from "@connectrpc/connect";
import type { DescService } from "@bufbuild/protobuf";
import { ApplicationAccess, ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { EntityAccess, Is } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { UserAccess, UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { Health } from "../../gen/grpc/health/v1/health_pb.js";
import type { PasswordHasher } from "../auth/passwords.js";
import { applicationAccess } from "../services/application-access.js";
import { applicationRegistry } from "../services/application-registry.js";
import { entityAccess } from "../services/entity-access.js";
import { healthService, type HealthState } from "../services/health.js";
import { isService } from "../services/is.js";
import { userAccess } from "../services/user-access.js";
import { userRegistry } from "../services/user-registry.js";

/** The ttn.lorawan.v3 services, in the order they are registered. */
export const apiServices: readonly DescService[] = [Is, EntityAccess, UserRegistry, UserAccess, ApplicationRegistry, ApplicationAccess];

export function registerRoutes(deps: { hasher: PasswordHasher; health: HealthState }) {
  return (router: ConnectRouter) => {
    router.service(Is, isService());
    router.service(EntityAccess, entityAccess());
    router.service(UserRegistry, userRegistry({ hasher: deps.hasher }));
    router.service(UserAccess, userAccess());
    router.service(ApplicationRegistry, applicationRegistry());
    router.service(ApplicationAccess, applicationAccess());
    router.service(Health, healthService(deps.health, apiServices.map((s) => s.typeName)));
  };
}
