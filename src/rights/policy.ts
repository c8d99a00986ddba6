// Which methods anyone may call without credentials. Everything else needs
// credentials before the handler runs; the handler then checks rights. A
// method missing from this table is refused (a test keeps the table complete).
import type { Interceptor } from "@connectrpc/connect";
import { scopeKey } from "../auth/scope.js";
import { errInternal, errTenantAdminKeyElsewhere, errTenantAdminKeyRequired, errUnauthenticated } from "../errors/index.js";

/** "tenant-admin": only `TenantAdminKey` (TenantRegistry), which no other policy accepts. */
export type Policy = "public" | "authenticated" | "tenant-admin";

export const methodPolicies: Readonly<Record<string, Policy>> = {
  // Tenant administration: tenant admin keys only.
  "tti.lorawan.v3.TenantRegistry/Create": "tenant-admin",
  "tti.lorawan.v3.TenantRegistry/Get": "tenant-admin",
  "tti.lorawan.v3.TenantRegistry/List": "tenant-admin",
  "tti.lorawan.v3.TenantRegistry/Update": "tenant-admin",
  "tti.lorawan.v3.TenantRegistry/Delete": "tenant-admin",
  "tti.lorawan.v3.TenantRegistry/Restore": "tenant-admin",
  "tti.lorawan.v3.TenantRegistry/Purge": "tenant-admin",
  "tti.lorawan.v3.TenantRegistry/GetRegistryTotals": "tenant-admin",
  "tti.lorawan.v3.TenantRegistry/BatchGetRegistryTotals": "tenant-admin",
  "tti.lorawan.v3.TenantRegistry/GetIdentifiersForEndDeviceEUIs": "tenant-admin",
  "tti.lorawan.v3.TenantRegistry/GetIdentifiersForGatewayEUI": "tenant-admin",
  "tti.lorawan.v3.TenantRegistry/GetIdentifiersForBillingIdentifiers": "tenant-admin",
  "grpc.health.v1.Health/Check": "public",
  "grpc.health.v1.Health/Watch": "public",
  "ttn.lorawan.v3.Is/GetConfiguration": "public",
  "ttn.lorawan.v3.EntityAccess/AuthInfo": "public",
  // Self-registration, and changing a password by proving the old one.
  "ttn.lorawan.v3.UserRegistry/Create": "public",
  "ttn.lorawan.v3.UserRegistry/UpdatePassword": "public",
  // Password reset and login tokens: the secret goes only to the user's e-mail address.
  "ttn.lorawan.v3.UserRegistry/CreateTemporaryPassword": "public",
  "ttn.lorawan.v3.UserAccess/CreateLoginToken": "public",
  "ttn.lorawan.v3.UserRegistry/Get": "authenticated",
  "ttn.lorawan.v3.UserRegistry/List": "authenticated",
  "ttn.lorawan.v3.UserRegistry/Update": "authenticated",
  "ttn.lorawan.v3.UserRegistry/Delete": "authenticated",
  "ttn.lorawan.v3.UserRegistry/Restore": "authenticated",
  "ttn.lorawan.v3.UserRegistry/Purge": "authenticated",
  "ttn.lorawan.v3.UserAccess/ListRights": "authenticated",
  "ttn.lorawan.v3.UserAccess/CreateAPIKey": "authenticated",
  "ttn.lorawan.v3.UserAccess/ListAPIKeys": "authenticated",
  "ttn.lorawan.v3.UserAccess/GetAPIKey": "authenticated",
  "ttn.lorawan.v3.UserAccess/UpdateAPIKey": "authenticated",
  "ttn.lorawan.v3.UserAccess/DeleteAPIKey": "authenticated",
  "ttn.lorawan.v3.ApplicationRegistry/Create": "authenticated",
  "ttn.lorawan.v3.ApplicationRegistry/Get": "authenticated",
  "ttn.lorawan.v3.ApplicationRegistry/List": "authenticated",
  "ttn.lorawan.v3.ApplicationRegistry/Update": "authenticated",
  "ttn.lorawan.v3.ApplicationRegistry/Delete": "authenticated",
  "ttn.lorawan.v3.ApplicationRegistry/Restore": "authenticated",
  "ttn.lorawan.v3.ApplicationRegistry/Purge": "authenticated",
  "ttn.lorawan.v3.ApplicationRegistry/IssueDevEUI": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/ListRights": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/CreateAPIKey": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/ListAPIKeys": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/GetAPIKey": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/UpdateAPIKey": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/DeleteAPIKey": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/GetCollaborator": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/SetCollaborator": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/ListCollaborators": "authenticated",
  "ttn.lorawan.v3.ApplicationAccess/DeleteCollaborator": "authenticated",
  "ttn.lorawan.v3.GatewayRegistry/Create": "authenticated",
  "ttn.lorawan.v3.GatewayRegistry/Get": "authenticated",
  "ttn.lorawan.v3.GatewayRegistry/GetIdentifiersForEUI": "authenticated",
  "ttn.lorawan.v3.GatewayRegistry/List": "authenticated",
  "ttn.lorawan.v3.GatewayRegistry/Update": "authenticated",
  "ttn.lorawan.v3.GatewayRegistry/Delete": "authenticated",
  "ttn.lorawan.v3.GatewayRegistry/Restore": "authenticated",
  "ttn.lorawan.v3.GatewayRegistry/Purge": "authenticated",
  "ttn.lorawan.v3.GatewayAccess/ListRights": "authenticated",
  "ttn.lorawan.v3.GatewayAccess/CreateAPIKey": "authenticated",
  "ttn.lorawan.v3.GatewayAccess/ListAPIKeys": "authenticated",
  "ttn.lorawan.v3.GatewayAccess/GetAPIKey": "authenticated",
  "ttn.lorawan.v3.GatewayAccess/UpdateAPIKey": "authenticated",
  "ttn.lorawan.v3.GatewayAccess/DeleteAPIKey": "authenticated",
  "ttn.lorawan.v3.GatewayAccess/GetCollaborator": "authenticated",
  "ttn.lorawan.v3.GatewayAccess/SetCollaborator": "authenticated",
  "ttn.lorawan.v3.GatewayAccess/ListCollaborators": "authenticated",
  "ttn.lorawan.v3.GatewayAccess/DeleteCollaborator": "authenticated",
  "ttn.lorawan.v3.GatewayBatchRegistry/Delete": "authenticated",
  "ttn.lorawan.v3.GatewayBatchAccess/AssertRights": "authenticated",
  "ttn.lorawan.v3.OrganizationRegistry/Create": "authenticated",
  "ttn.lorawan.v3.OrganizationRegistry/Get": "authenticated",
  "ttn.lorawan.v3.OrganizationRegistry/List": "authenticated",
  "ttn.lorawan.v3.OrganizationRegistry/Update": "authenticated",
  "ttn.lorawan.v3.OrganizationRegistry/Delete": "authenticated",
  "ttn.lorawan.v3.OrganizationRegistry/Restore": "authenticated",
  "ttn.lorawan.v3.OrganizationRegistry/Purge": "authenticated",
  "ttn.lorawan.v3.OrganizationAccess/ListRights": "authenticated",
  "ttn.lorawan.v3.OrganizationAccess/CreateAPIKey": "authenticated",
  "ttn.lorawan.v3.OrganizationAccess/ListAPIKeys": "authenticated",
  "ttn.lorawan.v3.OrganizationAccess/GetAPIKey": "authenticated",
  "ttn.lorawan.v3.OrganizationAccess/UpdateAPIKey": "authenticated",
  "ttn.lorawan.v3.OrganizationAccess/DeleteAPIKey": "authenticated",
  "ttn.lorawan.v3.OrganizationAccess/GetCollaborator": "authenticated",
  "ttn.lorawan.v3.OrganizationAccess/SetCollaborator": "authenticated",
  "ttn.lorawan.v3.OrganizationAccess/ListCollaborators": "authenticated",
  "ttn.lorawan.v3.OrganizationAccess/DeleteCollaborator": "authenticated",
  "ttn.lorawan.v3.ClientRegistry/Create": "authenticated",
  "ttn.lorawan.v3.ClientRegistry/Get": "authenticated",
  "ttn.lorawan.v3.ClientRegistry/List": "authenticated",
  "ttn.lorawan.v3.ClientRegistry/Update": "authenticated",
  "ttn.lorawan.v3.ClientRegistry/Delete": "authenticated",
  "ttn.lorawan.v3.ClientRegistry/Restore": "authenticated",
  "ttn.lorawan.v3.ClientRegistry/Purge": "authenticated",
  "ttn.lorawan.v3.ClientAccess/ListRights": "authenticated",
  "ttn.lorawan.v3.ClientAccess/GetCollaborator": "authenticated",
  "ttn.lorawan.v3.ClientAccess/SetCollaborator": "authenticated",
  "ttn.lorawan.v3.ClientAccess/ListCollaborators": "authenticated",
  "ttn.lorawan.v3.ClientAccess/DeleteCollaborator": "authenticated",
  "ttn.lorawan.v3.EndDeviceRegistry/Create": "authenticated",
  "ttn.lorawan.v3.EndDeviceRegistry/Get": "authenticated",
  "ttn.lorawan.v3.EndDeviceRegistry/GetIdentifiersForEUIs": "authenticated",
  "ttn.lorawan.v3.EndDeviceRegistry/List": "authenticated",
  "ttn.lorawan.v3.EndDeviceRegistry/Update": "authenticated",
  "ttn.lorawan.v3.EndDeviceRegistry/BatchUpdateLastSeen": "authenticated",
  "ttn.lorawan.v3.EndDeviceRegistry/Delete": "authenticated",
  "ttn.lorawan.v3.EndDeviceBatchRegistry/Get": "authenticated",
  "ttn.lorawan.v3.EndDeviceBatchRegistry/Delete": "authenticated",
  "ttn.lorawan.v3.EndDeviceRegistrySearch/SearchEndDevices": "authenticated",
  "ttn.lorawan.v3.EntityRegistrySearch/SearchApplications": "authenticated",
  "ttn.lorawan.v3.EntityRegistrySearch/SearchClients": "authenticated",
  "ttn.lorawan.v3.EntityRegistrySearch/SearchGateways": "authenticated",
  "ttn.lorawan.v3.EntityRegistrySearch/SearchOrganizations": "authenticated",
  "ttn.lorawan.v3.EntityRegistrySearch/SearchUsers": "authenticated",
  "ttn.lorawan.v3.EntityRegistrySearch/SearchAccounts": "authenticated",
  "ttn.lorawan.v3.UserBookmarkRegistry/Create": "authenticated",
  "ttn.lorawan.v3.UserBookmarkRegistry/List": "authenticated",
  "ttn.lorawan.v3.UserBookmarkRegistry/Delete": "authenticated",
  "ttn.lorawan.v3.UserBookmarkRegistry/BatchDelete": "authenticated",
  // Create: cluster keys only (checked by the handler).
  "ttn.lorawan.v3.NotificationService/Create": "authenticated",
  "ttn.lorawan.v3.NotificationService/List": "authenticated",
  "ttn.lorawan.v3.NotificationService/UpdateStatus": "authenticated",
  // Single sign-on administration: admins only (checked by the handlers).
  "ttn.lorawan.v3.AuthenticationProviderRegistry/Create": "authenticated",
  "ttn.lorawan.v3.AuthenticationProviderRegistry/Get": "authenticated",
  "ttn.lorawan.v3.AuthenticationProviderRegistry/List": "authenticated",
  "ttn.lorawan.v3.AuthenticationProviderRegistry/Update": "authenticated",
  "ttn.lorawan.v3.AuthenticationProviderRegistry/Delete": "authenticated",
  "ttn.lorawan.v3.ExternalUserRegistry/Create": "authenticated",
  "ttn.lorawan.v3.ExternalUserRegistry/GetByUserID": "authenticated",
  "ttn.lorawan.v3.ExternalUserRegistry/GetByExternalID": "authenticated",
  "ttn.lorawan.v3.ExternalUserRegistry/Delete": "authenticated",
  // E-mail (contact info) validation: the e-mailed ID and token are the credential.
  "ttn.lorawan.v3.EmailValidationRegistry/RequestValidation": "authenticated",
  "ttn.lorawan.v3.EmailValidationRegistry/Validate": "public",
  "ttn.lorawan.v3.ContactInfoRegistry/RequestValidation": "authenticated",
  "ttn.lorawan.v3.ContactInfoRegistry/Validate": "public",
  "ttn.lorawan.v3.UserInvitationRegistry/Send": "authenticated",
  "ttn.lorawan.v3.UserInvitationRegistry/List": "authenticated",
  "ttn.lorawan.v3.UserInvitationRegistry/Delete": "authenticated",
  "ttn.lorawan.v3.UserSessionRegistry/List": "authenticated",
  "ttn.lorawan.v3.UserSessionRegistry/Delete": "authenticated",
  "ttn.lorawan.v3.OAuthAuthorizationRegistry/List": "authenticated",
  "ttn.lorawan.v3.OAuthAuthorizationRegistry/ListTokens": "authenticated",
  "ttn.lorawan.v3.OAuthAuthorizationRegistry/Delete": "authenticated",
  "ttn.lorawan.v3.OAuthAuthorizationRegistry/DeleteToken": "authenticated",
};

export function policyKey(method: { parent: { typeName: string }; name: string }): string {
  return `${method.parent.typeName}/${method.name}`;
}

const tenantAdminScheme = /^\s*tenantadminkey(?:\s|$)/i;

export function policyInterceptor(policies: Readonly<Record<string, Policy>> = methodPolicies): Interceptor {
  return (next) => async (req) => {
    const policy = policies[policyKey(req.method)];
    if (!policy) throw errInternal({}, { cause: new Error(`no policy for ${policyKey(req.method)}`) });
    if (policy === "tenant-admin") {
      // Any other credential, of any tenant, is refused here.
      const caller = await req.contextValues.get(scopeKey)!.caller();
      if (caller.method !== "tenant_admin") throw errTenantAdminKeyRequired();
      return next(req);
    }
    // A tenant admin key is good for nothing else, public methods included.
    if (tenantAdminScheme.test(req.header.get("authorization") ?? "")) throw errTenantAdminKeyElsewhere();
    if (policy === "authenticated") {
      const caller = await req.contextValues.get(scopeKey)!.caller();
      if (caller.method === "none" && caller.universalRights.size === 0) throw errUnauthenticated();
    }
    return next(req);
  };
}
