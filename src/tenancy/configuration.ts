// A tenant's effective configuration: the server-wide options (`is.*`) with the
// tenant's own settings (Tenant.configuration.default_cluster) laid over them
// where a setting has a matching option; whatever the tenant leaves unset
// (a BoolValue/UInt32Value/UInt64Value/Duration absent, a string empty) falls
// back to the global option. The result is a new Config: the base is shared by
// every tenant and never changed.
//
// The mapping is the table below, one row per tenant setting
// (Configuration.Cluster path -> option). Not mapped, and why:
// - is.user_rights.update_primary_email_address, is.user_rights.update_name:
//   no such option here (users may always change both).
// - clusters (per cluster ID): this server has no cluster ID, so only
//   default_cluster applies.
// - ns, js, noc, ars, as, gs, pb: other stack components' settings (stored only).
// - Tenant.name as is.email.network.name: the Enterprise documentation of
//   tenant settings names no such override, so e-mail keeps the global name.
// - Tenant.max_*: not options but the tenant's entity limits (limits.ts).
// Limit settings (UInt64Value) land in options where 0 means "no limit", so a
// tenant that sets 0 gets no limit, as the global option would give.
import { durationMs } from "@bufbuild/protobuf/wkt";
import type { Configuration_Cluster } from "../../gen/tti/lorawan/v3/configuration_pb.js";
import type { Tenant } from "../../gen/tti/lorawan/v3/tenant_pb.js";
import { optionPath, type Config, type OptionName, type OptionValue } from "../config/index.js";

interface Override {
  /** The setting's path under Configuration.Cluster (documentation, tests). */
  readonly setting: string;
  readonly option: OptionName;
  /** The tenant's value in the option's type; undefined: unset, the global option stays. */
  readonly value: (cluster: Configuration_Cluster) => unknown;
}

function row<N extends OptionName>(setting: string, option: N, value: (c: Configuration_Cluster) => OptionValue<N> | undefined): Override {
  return { setting, option, value };
}

/** A UInt64Value limit as the option's int (0 = no limit); larger than any count when beyond 2^53. */
const limit = (v: bigint | undefined) => (v === undefined ? undefined : Number(v > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : v));
/** An empty proto3 string is an unset one. */
const text = (v: string | undefined) => v || undefined;

// prettier-ignore
export const overrides: readonly Override[] = [
  row("is.user_registration.enabled", "is.user-registration.enabled", (c) => c.is?.userRegistration?.enabled),
  row("is.user_registration.invitation.required", "is.user-registration.invitation.required", (c) => c.is?.userRegistration?.invitation?.required),
  row("is.user_registration.invitation.token_ttl", "is.user-registration.invitation.token-ttl", (c) => {
    const ttl = c.is?.userRegistration?.invitation?.tokenTtl;
    return ttl && Math.max(0, durationMs(ttl));
  }),
  row("is.user_registration.contact_info_validation.required", "is.user-registration.contact-info-validation.required", (c) => c.is?.userRegistration?.contactInfoValidation?.required),
  row("is.user_registration.admin_approval.required", "is.user-registration.admin-approval.required", (c) => c.is?.userRegistration?.adminApproval?.required),
  row("is.user_registration.password_requirements.min_length", "is.user-registration.password-requirements.min-length", (c) => c.is?.userRegistration?.passwordRequirements?.minLength),
  row("is.user_registration.password_requirements.max_length", "is.user-registration.password-requirements.max-length", (c) => c.is?.userRegistration?.passwordRequirements?.maxLength),
  row("is.user_registration.password_requirements.min_uppercase", "is.user-registration.password-requirements.min-uppercase", (c) => c.is?.userRegistration?.passwordRequirements?.minUppercase),
  row("is.user_registration.password_requirements.min_digits", "is.user-registration.password-requirements.min-digits", (c) => c.is?.userRegistration?.passwordRequirements?.minDigits),
  row("is.user_registration.password_requirements.min_special", "is.user-registration.password-requirements.min-special", (c) => c.is?.userRegistration?.passwordRequirements?.minSpecial),
  row("is.profile_picture.disable_upload", "is.profile-picture.disable-upload", (c) => c.is?.profilePicture?.disableUpload),
  row("is.profile_picture.use_gravatar", "is.profile-picture.use-gravatar", (c) => c.is?.profilePicture?.useGravatar),
  row("is.end_device_picture.disable_upload", "is.end-device-picture.disable-upload", (c) => c.is?.endDevicePicture?.disableUpload),
  row("is.user_rights.create_applications", "is.user-rights.create-applications", (c) => c.is?.userRights?.createApplications),
  row("is.user_rights.create_clients", "is.user-rights.create-clients", (c) => c.is?.userRights?.createClients),
  row("is.user_rights.create_gateways", "is.user-rights.create-gateways", (c) => c.is?.userRights?.createGateways),
  row("is.user_rights.create_organizations", "is.user-rights.create-organizations", (c) => c.is?.userRights?.createOrganizations),
  row("is.admin_rights.all", "is.admin-rights.all", (c) => c.is?.adminRights?.all),
  row("is.user_login.disable_credentials_login", "is.user-login.disable-credentials-login", (c) => c.is?.userLogin?.disableCredentialsLogin),
  row("is.email.network.branding_base_url", "is.email.network.branding-base-url", (c) => text(c.is?.email?.network?.brandingBaseUrl)),
  row("is.application_limits.end_devices", "is.application-limits.end-devices", (c) => limit(c.is?.applicationLimits?.endDevices)),
  row("is.organization_limits.applications", "is.organization-limits.applications", (c) => limit(c.is?.organizationLimits?.applications)),
  row("is.organization_limits.clients", "is.organization-limits.clients", (c) => limit(c.is?.organizationLimits?.clients)),
  row("is.organization_limits.gateways", "is.organization-limits.gateways", (c) => limit(c.is?.organizationLimits?.gateways)),
  row("is.user_limits.applications", "is.user-limits.applications", (c) => limit(c.is?.userLimits?.applications)),
  row("is.user_limits.clients", "is.user-limits.clients", (c) => limit(c.is?.userLimits?.clients)),
  row("is.user_limits.gateways", "is.user-limits.gateways", (c) => limit(c.is?.userLimits?.gateways)),
  row("is.user_limits.organizations", "is.user-limits.organizations", (c) => limit(c.is?.userLimits?.organizations)),
  // The web interfaces' branding: here, the account (OAuth) pages.
  row("ui.branding_base_url", "is.oauth.ui.branding-base-url", (c) => text(c.ui?.brandingBaseUrl)),
];

export function effectiveConfig(base: Config, tenant: Tenant | undefined): Config {
  const cluster = tenant?.configuration?.defaultCluster;
  if (!cluster) return base;
  const set = overrides.map((o) => [o.option, o.value(cluster)] as const).filter(([, v]) => v !== undefined);
  if (set.length === 0) return base;
  // Plain data (strings, numbers, booleans, string lists): a structured clone is a full copy.
  const config = structuredClone(base);
  for (const [option, value] of set) {
    const path = optionPath(option);
    let node = config as unknown as Record<string, unknown>;
    for (const seg of path.slice(0, -1)) node = node[seg] as Record<string, unknown>;
    node[path.at(-1)!] = value;
  }
  return config;
}
