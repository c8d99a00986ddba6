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

// Transport and gateway.
export const errRouteNotFound = defineError("pkg/webhandlers", "route_not_found", "route `{route}` not found", Code.NotFound);
export const errMethodNotAllowed = defineError("pkg/webhandlers", "method_not_allowed", "method `{method}` not allowed on `{route}`", Code.Unimplemented);
export const errMalformedRequest = defineError("pkg/jsonpb", "unmarshal", "invalid request body: {reason}", Code.InvalidArgument);
export const errBodyTooLarge = defineError("pkg/webhandlers", "body_too_large", "request body exceeds {limit} bytes", Code.ResourceExhausted);
export const errRequest = defineError("pkg/rpcmiddleware", "request", "invalid request: {reason}", Code.InvalidArgument);
export const errInternal = defineError(IS, "internal", "internal error", Code.Internal);
export const errUnavailable = defineError(IS, "unavailable", "service unavailable: {reason}", Code.Unavailable);
