// The error catalogue: every error the Identity Server can return, by the
// namespace and name The Things Stack uses for the same condition, so clients
// that match on `namespace:name` keep working.
import { Code, defineError } from "./definition.js";

const IS = "pkg/identityserver";
const STORE = "pkg/identityserver/store";
const RIGHTS = "pkg/auth/rights";
const VALIDATE = "pkg/rpcmiddleware/validator";

// Authentication.
export const errUnauthenticated = defineError(IS, "unauthenticated", "unauthenticated", Code.Unauthenticated);
export const errUnsupportedAuthorization = defineError(IS, "unsupported_authorization", "unsupported authorization method", Code.Unauthenticated);
export const errInvalidToken = defineError("pkg/auth", "token", "invalid token", Code.InvalidArgument);
export const errAPIKeyNotFound = defineError(IS, "api_key_not_found", "API key not found", Code.Unauthenticated);
export const errInvalidAuthorization = defineError(IS, "invalid_authorization", "invalid authorization", Code.Unauthenticated);
export const errAPIKeyExpired = defineError(IS, "api_key_expired", "API key expired", Code.Unauthenticated);
export const errInvalidClusterKey = defineError(IS, "invalid_cluster_key", "invalid cluster key", Code.Unauthenticated);
export const errUserRequested = defineError(IS, "user_requested", "user account has not been approved yet", Code.PermissionDenied);
export const errUserRejected = defineError(IS, "user_rejected", "user account was rejected: {description}", Code.PermissionDenied);
export const errUserSuspended = defineError(IS, "user_suspended", "user account was suspended: {description}", Code.PermissionDenied);

// Authorization.
export const errPermissionDenied = defineError(IS, "permission_denied", "permission denied", Code.PermissionDenied);
export const errSearchForbidden = defineError(IS, "search_forbidden", "search is forbidden", Code.PermissionDenied);
export const errUpdateAdminField = defineError(IS, "update_admin_field", "only admins can update field `{field}`", Code.PermissionDenied);
export const errAdminsPurge = (entity: string) =>
  defineError(IS, `admins_purge_${entity}s`, `only admins can purge ${entity}s`, Code.PermissionDenied);
export const errAdminsCreate = (entity: string) =>
  defineError(IS, `admins_create_${entity}s`, `only admins can create ${entity}s`, Code.PermissionDenied);
export const errNoRights = (entity: string) =>
  defineError(RIGHTS, `no_${entity}_rights`, `no rights for ${entity} \`{uid}\``, Code.PermissionDenied);
export const errInsufficientRights = (entity: string) =>
  defineError(RIGHTS, `insufficient_${entity}_rights`, `insufficient rights for ${entity} \`{uid}\`: missing {missing}`, Code.PermissionDenied);
// Admin-only registries (authentication providers, external users): an admin whose credential lacks the universal right.
export const errInsufficientUniversalRights = defineError(RIGHTS, "insufficient_universal_rights", "insufficient universal rights: missing {missing}", Code.PermissionDenied);
export const errUserRegistrationDisabled = defineError(IS, "user_registration_disabled", "user registration is disabled", Code.InvalidArgument);

// Request validation.
export const errValidation = defineError("pkg/errors", "validation", "invalid `{field}`: {reason}", Code.InvalidArgument);
export const errFieldMaskPaths = defineError(VALIDATE, "field_mask_paths", "forbidden path(s) in field mask: {forbidden_paths}", Code.InvalidArgument);
export const errNonZeroPath = defineError(VALIDATE, "non_zero_path", "field `{path}` must be empty unless it is in the field mask", Code.InvalidArgument);
export const errForbiddenID = defineError("pkg/identityserver/blocklist", "forbidden_id", "ID `{id}` is reserved", Code.InvalidArgument);
export const errPasswordStrength = defineError(IS, "password_strength", "the password does not meet the requirements: {rules}", Code.InvalidArgument);
export const errPasswordMismatch = defineError(IS, "old_password", "the old password is not correct", Code.Unauthenticated);
export const errPasswordEqualsOld = defineError(IS, "password_equals_old", "the new password must differ from the old one", Code.InvalidArgument);
export const errTemporaryPasswordExpired = defineError(IS, "temporary_password_expired", "the temporary password has expired", Code.Unauthenticated);
export const errContactInfoRestricted = defineError(STORE, "contact_info_restricted", "only admins may set others as contact", Code.PermissionDenied);
export const errContactNoCollaborator = defineError(IS, "contact_no_collaborator", "contact `{contact}` is not a collaborator", Code.InvalidArgument);

// Entities and their lifecycle.
export const errUserNotFound = defineError(STORE, "user_not_found", "user `{user_id}` not found", Code.NotFound);
export const errApplicationNotFound = defineError(STORE, "application_not_found", "application `{application_id}` not found", Code.NotFound);
export const errClientNotFound = defineError(STORE, "client_not_found", "client `{client_id}` not found", Code.NotFound);
export const errGatewayNotFound = defineError(STORE, "gateway_not_found", "gateway `{gateway_id}` not found", Code.NotFound);
export const errOrganizationNotFound = defineError(STORE, "organization_not_found", "organization `{organization_id}` not found", Code.NotFound);
export const errAccountNotFound = defineError(STORE, "account_not_found", "account `{account_id}` not found", Code.NotFound);
export const errAPIKeyNotFoundInStore = defineError(STORE, "api_key_not_found", "API key `{api_key_id}` not found", Code.NotFound);
export const errUserBookmarkNotFound = defineError(STORE, "user_bookmark_not_found", "bookmark of `{entity_id}` by user `{user_id}` not found", Code.NotFound);
export const errMembershipNotFound = defineError(STORE, "membership_not_found", "account `{account_id}` is not a collaborator of `{entity_id}`", Code.NotFound);
export const errGatewayEUITaken = defineError(IS, "gateway_eui_taken", "a gateway with EUI `{gateway_eui}` is already registered as `{gateway_id}`", Code.AlreadyExists);
export const errGatewayNotFoundByEUI = defineError(STORE, "gateway_not_found_by_eui", "gateway with EUI `{eui}` not found", Code.NotFound);
export const errIDTaken = defineError("pkg/util/store", "id_taken", "ID already taken, choose a different one and try again", Code.AlreadyExists);
export const errAlreadyExists = defineError("pkg/util/store", "already_exists", "already exists", Code.AlreadyExists);
export const errEmailTaken = defineError("pkg/util/store", "already_exists", "email address `{email}` is already in use", Code.AlreadyExists);
export const errLastAdmin = defineError(STORE, "last_admin", "cannot remove the last admin `{user_id}`", Code.FailedPrecondition);
export const errRestoreWindowExpired = defineError(IS, "restore_window_expired", "the restore window of {window} has passed", Code.FailedPrecondition);
export const errNotDeleted = defineError(IS, "not_deleted", "`{id}` is not deleted", Code.FailedPrecondition);
export const errNeedsCollaborator = (entity: string) =>
  defineError(IS, `${entity}_needs_collaborator`, `every ${entity} needs at least one collaborator with all rights`, Code.FailedPrecondition);
export const errCollaboratorIsContact = defineError(IS, "collaborator_is_contact", "collaborator `{collaborator_id}` is a contact of the entity", Code.FailedPrecondition);
export const errNestedOrganizations = defineError(IS, "nested_organizations", "organizations cannot be members of organizations", Code.InvalidArgument);
// End devices and DevEUI issuing.
export const errEndDeviceNotFound = defineError(STORE, "end_device_not_found", "end device `{application_id}.{device_id}` not found", Code.NotFound);
export const errEndDeviceEUIsTaken = defineError(IS, "end_device_euis_taken", "an end device with JoinEUI `{join_eui}` and DevEUI `{dev_eui}` is already registered as `{device_id}` in application `{application_id}`", Code.AlreadyExists);
export const errAddressMismatch = (server: "network" | "application" | "join") =>
  defineError(IS, `${server}_server_address_mismatch`, `${server} server address \`{address}\` does not match the application's \`{expected}\``, Code.InvalidArgument);
export const errApplicationHasDevices = defineError(IS, "application_has_devices", "application still has {count} end devices", Code.FailedPrecondition);
export const errDevEUIIssuingNotEnabled = defineError(IS, "dev_eui_issuing_not_enabled", "DevEUI issuing is not enabled", Code.InvalidArgument);
export const errApplicationDevEUILimitReached = defineError(STORE, "application_dev_eui_limit_reached", "the application reached its limit of {dev_eui_limit} issued DevEUIs", Code.FailedPrecondition);
export const errNoEUIBlockAvailable = defineError(STORE, "no_eui_or_block_available", "no DevEUI left to issue", Code.FailedPrecondition);

// Gateways: claim codes, batch rights, secrets at rest.
export const errClaimAuthenticationCode = defineError(IS, "claim_authentication_code", "invalid claim authentication code", Code.InvalidArgument);
export const errEmptyRequest = defineError(IS, "empty_request", "empty request", Code.InvalidArgument);
export const errNonGatewayRights = defineError(IS, "non_gateway_rights", "non-gateway rights in request: {rights}", Code.InvalidArgument);
export const errSomeGatewaysNotFound = defineError(IS, "some_gateways_not_found", "some gateways not found", Code.NotFound);
export const errNeitherUserNorOrganization = defineError(IS, "neither_user_nor_organization", "caller is neither a user nor an organization", Code.PermissionDenied);
export const errInsufficientBatchRights = defineError(IS, "insufficient_rights", "insufficient rights", Code.PermissionDenied);
export const errKeyVault = defineError("pkg/crypto/cryptoutil", "key_vault", "key `{key_id}` unusable: {reason}", Code.Internal);
export const errDecryptSecret = defineError("pkg/crypto/cryptoutil", "decrypt", "could not decrypt a value sealed with key `{key_id}`", Code.Internal);

// Account flows: registration policies, e-mail (contact info) validation, invitations.
export const errInvitationTokenRequired = defineError(IS, "invitation_token_required", "invitation token required", Code.InvalidArgument);
export const errInvitationNotFound = defineError(STORE, "invitation_not_found", "invitation not found", Code.NotFound);
export const errInvitationExpired = defineError(STORE, "invitation_expired", "invitation expired", Code.FailedPrecondition);
export const errInvitationAlreadyUsed = defineError(STORE, "invitation_already_used", "invitation already used", Code.FailedPrecondition);
export const errInvitationAlreadySent = defineError(STORE, "invitation_already_sent", "an invitation to `{email}` was already sent", Code.AlreadyExists);
export const errNoInviteRights = defineError(IS, "no_invite_rights", "no rights to send invitations", Code.PermissionDenied);
export const errValidationRequestForbidden = defineError(IS, "validation_request_forbidden", "a validation was requested recently; retry after {retry_interval}", Code.PermissionDenied);
export const errValidationTokenNotFound = defineError(STORE, "validation_token_not_found", "validation token not found", Code.NotFound);
export const errValidationTokenExpired = defineError(STORE, "validation_token_expired", "validation token expired", Code.FailedPrecondition);
export const errValidationTokenAlreadyUsed = defineError(STORE, "validation_token_already_used", "validation token already used", Code.FailedPrecondition);
export const errValidationAddressChanged = defineError(IS, "validation_address_changed", "`{address}` is no longer the user's primary e-mail address", Code.FailedPrecondition);
export const errNoValidationNeeded = defineError(IS, "no_validation_needed", "no validation needed: the contact info is already validated", Code.FailedPrecondition);
export const errValidationsAlreadySent = defineError(IS, "validations_already_sent", "validations were sent recently; retry after {retry_interval}", Code.AlreadyExists);
export const errNoContactInfo = defineError(IS, "no_contact_info", "`{entity_id}` has no contact info to validate", Code.FailedPrecondition);

// Transport and gateway.
export const errRouteNotFound = defineError("pkg/webhandlers", "route_not_found", "route `{route}` not found", Code.NotFound);
export const errMethodNotAllowed = defineError("pkg/webhandlers", "method_not_allowed", "method `{method}` not allowed on `{route}`", Code.Unimplemented);
export const errMalformedRequest = defineError("pkg/jsonpb", "unmarshal", "invalid request body: {reason}", Code.InvalidArgument);
export const errBodyTooLarge = defineError("pkg/webhandlers", "body_too_large", "request body exceeds {limit} bytes", Code.ResourceExhausted);
export const errRequest = defineError("pkg/rpcmiddleware", "request", "invalid request: {reason}", Code.InvalidArgument);
export const errInternal = defineError(IS, "internal", "internal error", Code.Internal);
export const errUnavailable = defineError(IS, "unavailable", "service unavailable: {reason}", Code.Unavailable);
// The database cannot be reached (connection refused or lost, database dropped) or is held by another process.
export const errDatabaseUnavailable = defineError(STORE, "database_unavailable", "database unavailable: {reason}", Code.Unavailable);

// Account flows: temporary passwords, login tokens (magic links), login sessions.
export const errTemporaryPasswordStillValid = defineError(IS, "temporary_password_still_valid", "the previous temporary password is still valid", Code.InvalidArgument);
export const errLoginTokensDisabled = defineError(IS, "login_tokens_disabled", "login tokens are disabled", Code.InvalidArgument);
export const errLoginTokensStillValid = defineError(IS, "login_tokens_still_valid", "previous login tokens are still valid", Code.AlreadyExists);
export const errLoginTokenNotFound = defineError(STORE, "login_token_not_found", "login token not found", Code.NotFound);
export const errLoginTokenExpired = defineError(STORE, "login_token_expired", "login token expired", Code.FailedPrecondition);
export const errLoginTokenAlreadyUsed = defineError(STORE, "login_token_already_used", "login token already used", Code.FailedPrecondition);
// Single sign-on: authentication providers and the links of users to them.
export const errAuthenticationProviderNotFound = defineError(STORE, "authentication_provider_not_found", "authentication provider `{provider_id}` not found", Code.NotFound);
export const errExternalUserNotFound = defineError(STORE, "external_user_not_found", "external user `{external_id}` of authentication provider `{provider_id}` not found", Code.NotFound);
export const errUserNotLinked = defineError(STORE, "user_not_linked", "user `{user_id}` is not linked to authentication provider `{provider_id}`", Code.NotFound);
export const errExternalUserTaken = defineError(STORE, "external_user_taken", "external user `{external_id}` of authentication provider `{provider_id}` is already linked", Code.AlreadyExists);
export const errUserAlreadyLinked = defineError(STORE, "user_already_linked", "user `{user_id}` is already linked to authentication provider `{provider_id}`", Code.AlreadyExists);
export const errUnverifiedEmail = defineError("pkg/account/oidc", "unverified_email", "email not verified", Code.PermissionDenied);
// The single sign-on login flow (src/sso, src/oauth/ui/pages/sso.ts).
const SSO = "pkg/account/oidc";
export const errProviderUnreachable = defineError(SSO, "provider_unreachable", "authentication provider `{provider_id}` cannot be reached: {reason}", Code.Unavailable);
export const errLoginNotStarted = defineError(SSO, "login_not_started", "no login at an authentication provider is in progress in this browser, or it took too long; start again from the login page", Code.FailedPrecondition);
export const errLoginProviderMismatch = defineError(SSO, "login_provider_mismatch", "the login in progress in this browser is at authentication provider `{expected}`, not `{provider_id}`; start again from the login page", Code.FailedPrecondition);
export const errInvalidLoginState = defineError(SSO, "invalid_state", "the answer of the authentication provider does not belong to the login in progress in this browser; start again from the login page", Code.PermissionDenied);
export const errProviderRefused = defineError(SSO, "provider_refused", "authentication provider `{provider_id}` refused the login: {error_description} ({error})", Code.PermissionDenied);
export const errProviderInvalidResponse = defineError(SSO, "invalid_provider_response", "the answer of authentication provider `{provider_id}` could not be verified: {reason}", Code.Unauthenticated);
export const errMissingEmail = defineError(SSO, "missing_email", "authentication provider `{provider_id}` did not give an email address", Code.PermissionDenied);
export const errUnsupportedEmail = defineError(SSO, "unsupported_email", "email address `{email}` given by authentication provider `{provider_id}` cannot be used here: only addresses of ASCII letters, digits and symbols are supported; ask an administrator to link your account", Code.FailedPrecondition);
export const errEmailDomainNotAllowed = defineError(SSO, "email_domain_not_allowed", "email addresses of domain `{domain}` may not log in with authentication provider `{provider_id}`", Code.PermissionDenied);
export const errRegistrationsNotAllowed = defineError(SSO, "registrations_not_allowed", "authentication provider `{provider_id}` does not register new users; ask an administrator to link your account", Code.PermissionDenied);
export const errEmailBelongsToOtherUser = defineError(SSO, "email_in_use", "a user with email address `{email}` exists already; log in as that user, or ask an administrator to link it to authentication provider `{provider_id}`", Code.AlreadyExists);
export const errNoUserIdFromClaims = defineError(SSO, "no_user_id", "no free user ID could be made from the name and email address given by authentication provider `{provider_id}`", Code.FailedPrecondition);
export const errUserSessionNotFound = defineError(STORE, "user_session_not_found", "session `{session_id}` not found", Code.NotFound);
export const errUserSessionExpired = defineError(IS, "session_expired", "session expired", Code.Unauthenticated);
export const errCredentialsLoginDisabled = defineError(IS, "credentials_login_disabled", "login with user ID and password is disabled; use single sign-on", Code.PermissionDenied);

// Entity limits (Enterprise `*_limit` fields): creating one more than the owner's limit allows.
// FailedPrecondition (HTTP 400), not ResourceExhausted (429): retrying does not help until the
// owner holds fewer or an admin raises the limit.
const limitReached = (name: string, what: string) =>
  defineError(IS, `${name}_limit_reached`, `the {owner_kind} \`{owner_id}\` has reached its limit of {limit} ${what}`, Code.FailedPrecondition);
export const errApplicationLimitReached = limitReached("application", "applications");
export const errClientLimitReached = limitReached("client", "OAuth clients");
export const errGatewayLimitReached = limitReached("gateway", "gateways");
export const errOrganizationLimitReached = limitReached("organization", "organizations");
export const errEndDeviceLimitReached = limitReached("end_device", "end devices");

// Pictures (profile pictures and end device pictures, src/pictures).
export const errProfilePictureUploadsDisabled = defineError(IS, "profile_picture_uploads_disabled", "profile picture uploads are disabled", Code.InvalidArgument);
export const errEndDevicePictureUploadsDisabled = defineError(IS, "end_device_picture_uploads_disabled", "end device picture uploads are disabled", Code.InvalidArgument);
export const errInvalidPicture = defineError("pkg/picture", "invalid_picture", "invalid picture in `{field}`: {reason}", Code.InvalidArgument);

// Notifications.
export const errNoReceiverUserIDs = defineError(IS, "no_receiver_user_ids", "no receiver user IDs", Code.FailedPrecondition);

// OAuth protocol (src/oauth/core, OAuthAuthorizationRegistry): authorization and token endpoints, tokens as credentials.
const OAUTH = "pkg/oauth";
export const errClientNotApproved = defineError(OAUTH, "client_not_approved", "OAuth client `{client_id}` is not approved", Code.PermissionDenied);
export const errClientRejected = defineError(OAUTH, "client_rejected", "OAuth client `{client_id}` was rejected", Code.PermissionDenied);
export const errClientSuspended = defineError(OAUTH, "client_suspended", "OAuth client `{client_id}` is suspended", Code.PermissionDenied);
export const errClientMissingGrant = defineError(OAUTH, "client_missing_grant", "OAuth client `{client_id}` does not have the `{grant}` grant", Code.PermissionDenied);
export const errInvalidRedirectURI = defineError(OAUTH, "invalid_redirect_uri", "redirect URI `{redirect_uri}` is not registered for the client", Code.PermissionDenied);
export const errUnsupportedResponseType = defineError(OAUTH, "unsupported_response_type", "response type `{response_type}` is not supported; use `code`", Code.Unimplemented);
export const errOAuthInvalidRequest = defineError(OAUTH, "invalid_request", "invalid request: {reason}", Code.InvalidArgument);
export const errMissingGrantType = defineError(OAUTH, "missing_grant_type", "missing grant type", Code.InvalidArgument);
export const errInvalidGrantType = defineError(OAUTH, "invalid_grant_type", "invalid grant type `{grant_type}`", Code.InvalidArgument);
export const errMissingAuthorizationCode = defineError(OAUTH, "missing_authorization_code", "missing authorization code", Code.InvalidArgument);
export const errMissingRefreshToken = defineError(OAUTH, "missing_refresh_token", "missing refresh token", Code.InvalidArgument);
export const errMissingClientID = defineError(OAUTH, "missing_client_id", "missing client ID", Code.InvalidArgument);
export const errMissingClientSecret = defineError(OAUTH, "missing_client_secret", "missing client secret", Code.InvalidArgument);
export const errInvalidGrant = defineError(OAUTH, "invalid_grant", "invalid, expired or revoked authorization code or refresh token", Code.PermissionDenied);
// The stack's name for it, space included.
export const errInvalidClient = defineError(OAUTH, "invalid client", "invalid client credentials", Code.PermissionDenied);
export const errMissingAccessTokenID = defineError(OAUTH, "missing_param_access_token_id", "missing parameter `access_token_id`", Code.PermissionDenied);
export const errInvalidLogoutRedirectURI = defineError(OAUTH, "invalid_logout_redirect_uri", "logout redirect URI `{redirect_uri}` is not registered for the client", Code.PermissionDenied);
export const errTokenNotFound = defineError(IS, "token_not_found", "token not found", Code.Unauthenticated);
export const errTokenExpired = defineError(IS, "token_expired", "token expired", Code.Unauthenticated);
export const errOAuthClientRejected = defineError(IS, "oauth_client_rejected", "OAuth client was rejected: {description}", Code.PermissionDenied);
export const errOAuthClientSuspended = defineError(IS, "oauth_client_suspended", "OAuth client was suspended: {description}", Code.PermissionDenied);
export const errAccessTokenMismatch = defineError(IS, "access_token_mismatch", "access token ID does not match the caller's user and client", Code.PermissionDenied);
export const errAuthorizationNotFound = defineError(STORE, "authorization_not_found", "authorization of client `{client_id}` by user `{user_id}` not found", Code.NotFound);
export const errAccessTokenNotFound = defineError(STORE, "access_token_not_found", "access token `{access_token_id}` not found", Code.NotFound);

// OAuth pages and their JSON API (src/oauth/ui, src/oauth/http.ts): login, sessions, CSRF, throttling.
export const errMissingUserID = defineError("pkg/account", "missing_user_id", "missing user ID", Code.InvalidArgument);
export const errMissingPassword = defineError("pkg/account", "missing_password", "missing password", Code.InvalidArgument);
export const errMissingLoginToken = defineError("pkg/account", "missing_token", "missing login token", Code.InvalidArgument);
export const errNoUserIDPasswordMatch = defineError("pkg/account/session", "no_user_id_password_match", "incorrect password or user ID", Code.InvalidArgument);
export const errNotAuthenticated = defineError("pkg/account", "not_authenticated", "not authenticated", Code.Unauthenticated);
export const errPasswordConfirmation = defineError("pkg/account", "password_confirmation", "the two passwords differ", Code.InvalidArgument);
export const errInvalidCSRFToken = defineError("pkg/webmiddleware", "invalid_csrf_token", "invalid CSRF token", Code.PermissionDenied);
export const errLoginRateLimited = defineError("pkg/ratelimit", "rate_limited", "too many failed logins; retry in {retry_after} seconds", Code.ResourceExhausted);
// The hash pool (src/auth/hash-pool.ts) is full: retrying later helps, so 429 / RESOURCE_EXHAUSTED with Retry-After.
export const errHashingBusy = defineError("pkg/auth", "hashing_busy", "the server is busy checking passwords; retry in {retry_after} seconds", Code.ResourceExhausted);
export const errPageNotFound = defineError("pkg/account", "page_not_found", "page `{path}` not found", Code.NotFound);

// Tenants (src/tenancy/, TenantRegistry): the stack's tenant errors.
const TENANT = "pkg/tenant";
export const errTenantNotFound = defineError(STORE, "tenant_not_found", "tenant `{tenant_id}` not found", Code.NotFound);
export const errTenantIDTaken = defineError(STORE, "tenant_id_taken", "tenant ID `{tenant_id}` is already taken", Code.AlreadyExists);
export const errTenantSuspended = defineError(TENANT, "tenant_suspended", "tenant `{tenant_id}` is suspended: {description}", Code.PermissionDenied);
export const errTenantDeleted = defineError(TENANT, "tenant_deleted", "tenant `{tenant_id}` was deleted", Code.PermissionDenied);
export const errTenantMismatch = defineError(TENANT, "tenant_mismatch", "the request names tenant `{requested}` but its host belongs to tenant `{host}`", Code.InvalidArgument);
export const errInvalidTenantID = defineError(TENANT, "invalid_tenant_id", "invalid tenant ID `{tenant_id}`", Code.InvalidArgument);
export const errInvalidTenantAdminKey = defineError(TENANT, "invalid_tenant_admin_key", "invalid tenant admin key", Code.Unauthenticated);
export const errTenantAdminKeyRequired = defineError(TENANT, "tenant_admin_key_required", "tenant administration needs `Authorization: TenantAdminKey <hex>`", Code.Unauthenticated);
export const errTenantAdminKeyElsewhere = defineError(TENANT, "tenant_admin_key_not_accepted", "a tenant admin key is only accepted by the TenantRegistry", Code.PermissionDenied);
export const errDefaultTenant = defineError(TENANT, "default_tenant", "the default tenant `{tenant_id}` cannot be {action}", Code.FailedPrecondition);
// A tenant's max_* reached (src/tenancy/limits.ts), as the stack reports it: entity_type says which limit
// ("application", "client", "end device", "gateway", "organization", "user"); this server has no upgrade URL.
export const errTenantEntityLimit = defineError(IS, "tenant_entity_limit", "limit for {entity_type} entities in tenant reached, upgrade at {subscription_upgrade_url}", Code.FailedPrecondition);
export const errAmbiguousTenant = defineError(TENANT, "ambiguous_tenant", "more than one tenant has {what}", Code.FailedPrecondition);
// TenantRegistry.GetIdentifiersFor*: no (live) tenant has the device, gateway or billing account.
export const errNoTenantWith = defineError(TENANT, "no_tenant_with", "no tenant has {what}", Code.NotFound);
