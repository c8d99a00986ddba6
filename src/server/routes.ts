// Every service the Identity Server serves, with its implementation. The list
// feeds the Connect router, the /api/v3 gateway and the health service alike.
import type { ConnectRouter } from "@connectrpc/connect";
import type { DescService } from "@bufbuild/protobuf";
import { ApplicationAccess, ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { ClientAccess, ClientRegistry } from "../../gen/ttn/lorawan/v3/client_services_pb.js";
import { EndDeviceBatchRegistry, EndDeviceRegistry } from "../../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { EntityAccess, Is } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { EndDeviceRegistrySearch, EntityRegistrySearch } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { GatewayAccess, GatewayBatchAccess, GatewayBatchRegistry, GatewayRegistry } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { OrganizationAccess, OrganizationRegistry } from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import { UserAccess, UserBookmarkRegistry, UserRegistry, UserSessionRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { EmailValidationRegistry } from "../../gen/ttn/lorawan/v3/email_validation_pb.js";
import { ContactInfoRegistry } from "../../gen/ttn/lorawan/v3/contact_info_pb.js";
import { UserInvitationRegistry as UserInvitations } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { NotificationService } from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import { OAuthAuthorizationRegistry } from "../../gen/ttn/lorawan/v3/oauth_services_pb.js";
import { AuthenticationProviderRegistry, ExternalUserRegistry } from "../../gen/ttn/lorawan/v3/authentication_provider_pb.js";
import { Health } from "../../gen/grpc/health/v1/health_pb.js";
import { TenantRegistry } from "../../gen/tti/lorawan/v3/tenant_services_pb.js";
import type { PasswordHasher } from "../auth/passwords.js";
import { applicationAccess } from "../services/application-access.js";
import { applicationRegistry } from "../services/application-registry.js";
import { clientAccess } from "../services/client-access.js";
import { clientRegistry } from "../services/client-registry.js";
import { endDeviceBatchRegistry } from "../services/end-device-batch.js";
import { endDeviceRegistry } from "../services/end-device-registry.js";
import { endDeviceRegistrySearch } from "../services/end-device-search.js";
import { entityAccess } from "../services/entity-access.js";
import { gatewayAccess } from "../services/gateway-access.js";
import { gatewayBatchAccess, gatewayBatchRegistry } from "../services/gateway-batch.js";
import { gatewayRegistry } from "../services/gateway-registry.js";
import type { GatewaySecrets } from "../secrets/gateway-secrets.js";
import type { EndDeviceSecrets } from "../secrets/end-device-secrets.js";
import type { SealedStrings } from "../secrets/sealed-string.js";
import { healthService, type HealthState } from "../services/health.js";
import { isService } from "../services/is.js";
import { organizationAccess } from "../services/organization-access.js";
import { organizationRegistry } from "../services/organization-registry.js";
import { userAccess } from "../services/user-access.js";
import { userRegistry } from "../services/user-registry.js";
import { entityRegistrySearch } from "../services/entity-search.js";
import { userBookmarkRegistry } from "../services/user-bookmarks.js";
import { notificationService } from "../services/notification-service.js";
import { emailValidationRegistry } from "../services/email-validation.js";
import { contactInfoRegistry } from "../services/contact-info.js";
import { userInvitationRegistry } from "../services/user-invitations.js";
import { userSessionRegistry } from "../services/user-sessions.js";
import { oauthAuthorizationRegistry } from "../services/oauth-authorizations.js";
import { authenticationProviderRegistry } from "../services/authentication-provider-registry.js";
import { externalUserRegistry } from "../services/external-user-registry.js";
import { tenantRegistry } from "../services/tenant-registry.js";

/** The ttn.lorawan.v3 services and tti.lorawan.v3.TenantRegistry, in the order they are registered. */
export const apiServices: readonly DescService[] = [Is, EntityAccess, UserRegistry, UserAccess, ApplicationRegistry, ApplicationAccess, ClientRegistry, ClientAccess, OrganizationRegistry, OrganizationAccess, GatewayRegistry, GatewayAccess, GatewayBatchRegistry, GatewayBatchAccess, EndDeviceRegistry, EndDeviceBatchRegistry, EndDeviceRegistrySearch, EntityRegistrySearch, UserBookmarkRegistry, NotificationService, UserSessionRegistry, EmailValidationRegistry, ContactInfoRegistry, UserInvitations, OAuthAuthorizationRegistry, AuthenticationProviderRegistry, ExternalUserRegistry, TenantRegistry];

export function registerRoutes(deps: { hasher: PasswordHasher; health: HealthState; gatewaySecrets: GatewaySecrets; endDeviceSecrets: EndDeviceSecrets; providerSecrets: SealedStrings }) {
  return (router: ConnectRouter) => {
    router.service(Is, isService());
    router.service(EntityAccess, entityAccess());
    router.service(UserRegistry, userRegistry({ hasher: deps.hasher }));
    router.service(UserAccess, userAccess());
    router.service(ApplicationRegistry, applicationRegistry());
    router.service(ApplicationAccess, applicationAccess());
    router.service(ClientRegistry, clientRegistry({ hasher: deps.hasher }));
    router.service(ClientAccess, clientAccess());
    router.service(OrganizationRegistry, organizationRegistry());
    router.service(OrganizationAccess, organizationAccess());
    router.service(GatewayRegistry, gatewayRegistry({ secrets: deps.gatewaySecrets }));
    router.service(GatewayAccess, gatewayAccess());
    router.service(GatewayBatchRegistry, gatewayBatchRegistry());
    router.service(GatewayBatchAccess, gatewayBatchAccess());
    router.service(EndDeviceRegistry, endDeviceRegistry({ secrets: deps.endDeviceSecrets }));
    router.service(EndDeviceBatchRegistry, endDeviceBatchRegistry({ secrets: deps.endDeviceSecrets }));
    router.service(EndDeviceRegistrySearch, endDeviceRegistrySearch({ secrets: deps.endDeviceSecrets }));
    router.service(EntityRegistrySearch, entityRegistrySearch());
    router.service(UserBookmarkRegistry, userBookmarkRegistry());
    router.service(NotificationService, notificationService());
    router.service(UserSessionRegistry, userSessionRegistry());
    router.service(EmailValidationRegistry, emailValidationRegistry());
    router.service(ContactInfoRegistry, contactInfoRegistry());
    router.service(UserInvitations, userInvitationRegistry());
    router.service(OAuthAuthorizationRegistry, oauthAuthorizationRegistry());
    router.service(AuthenticationProviderRegistry, authenticationProviderRegistry({ secrets: deps.providerSecrets }));
    router.service(ExternalUserRegistry, externalUserRegistry());
    router.service(TenantRegistry, tenantRegistry({ hasher: deps.hasher }));
    router.service(Health, healthService(deps.health, apiServices.map((s) => s.typeName)));
  };
}
