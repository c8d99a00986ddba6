// A tenant's configuration (Tenant.configuration.default_cluster): every
// setting with a matching `is.*` option replaces the global value for that
// tenant's requests only, unset settings fall back to the global option, the
// global config is never changed; and the request path reads the tenant's
// effective options (registration, password rules, admin rights in the
// authentication settings, GetConfiguration), over gRPC and /api/v3, while
// the default tenant keeps the global ones.
import { fromJson, type DescMessage } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { sql } from "drizzle-orm";
import * as assert from "uvu/assert";
import { test } from "uvu";
import { ConfigurationSchema, Configuration_Cluster_IdentityServerSchema } from "../../gen/tti/lorawan/v3/configuration_pb.js";
import { TenantSchema } from "../../gen/tti/lorawan/v3/tenant_pb.js";
import { ApplicationAccess } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { defaultConfig, optionPath, type Config } from "../../src/config/index.js";
import { effectiveConfig, overrides } from "../../src/tenancy/configuration.js";
import { api } from "../helpers/clients.js";
import { httpError, it, rejects, userRef } from "../helpers/expect.js";
import { db, insertTenant, newTenantId, populationOf, startTenantServer, tenantApi, tenantClient } from "./config-helpers.js";

const optionAt = (config: Config, option: string): unknown => optionPath(option).reduce<any>((node, seg) => node[seg], config); // eslint-disable-line @typescript-eslint/no-explicit-any
const tenantOf = (configuration: unknown) => fromJson(TenantSchema, { ids: { tenant_id: "acme" }, configuration } as never);

// ---- effectiveConfig: the mapping --------------------------------------------

/** Every setting set, none to the global default (proto JSON). */
const everything = {
  default_cluster: {
    ui: { branding_base_url: "https://brand.example.com/ui" },
    is: {
      user_registration: {
        enabled: false,
        invitation: { required: true, token_ttl: "3600s" },
        contact_info_validation: { required: true },
        admin_approval: { required: true },
        password_requirements: { min_length: 20, max_length: 64, min_uppercase: 3, min_digits: 4, min_special: 2 },
      },
      profile_picture: { disable_upload: true, use_gravatar: false },
      end_device_picture: { disable_upload: true },
      user_rights: { create_applications: false, create_clients: false, create_gateways: false, create_organizations: false },
      admin_rights: { all: true },
      user_login: { disable_credentials_login: true },
      email: { network: { branding_base_url: "https://brand.example.com/mail" } },
      application_limits: { end_devices: "11" },
      organization_limits: { applications: "12", clients: "13", gateways: "14" },
      user_limits: { applications: "15", clients: "16", gateways: "17", organizations: "18" },
    },
  },
};
const expected: Record<string, unknown> = {
  "is.user-registration.enabled": false,
  "is.user-registration.invitation.required": true,
  "is.user-registration.invitation.token-ttl": 3_600_000,
  "is.user-registration.contact-info-validation.required": true,
  "is.user-registration.admin-approval.required": true,
  "is.user-registration.password-requirements.min-length": 20,
  "is.user-registration.password-requirements.max-length": 64,
  "is.user-registration.password-requirements.min-uppercase": 3,
  "is.user-registration.password-requirements.min-digits": 4,
  "is.user-registration.password-requirements.min-special": 2,
  "is.profile-picture.disable-upload": true,
  "is.profile-picture.use-gravatar": false,
  "is.end-device-picture.disable-upload": true,
  "is.user-rights.create-applications": false,
  "is.user-rights.create-clients": false,
  "is.user-rights.create-gateways": false,
  "is.user-rights.create-organizations": false,
  "is.admin-rights.all": true,
  "is.user-login.disable-credentials-login": true,
  "is.email.network.branding-base-url": "https://brand.example.com/mail",
  "is.application-limits.end-devices": 11,
  "is.organization-limits.applications": 12,
  "is.organization-limits.clients": 13,
  "is.organization-limits.gateways": 14,
  "is.user-limits.applications": 15,
  "is.user-limits.clients": 16,
  "is.user-limits.gateways": 17,
  "is.user-limits.organizations": 18,
  "is.oauth.ui.branding-base-url": "https://brand.example.com/ui",
};

test("every setting replaces its option; everything else stays; the base is not changed", () => {
  const base = defaultConfig();
  const before = structuredClone(base);
  const config = effectiveConfig(base, tenantOf(everything));
  assert.equal(base, before, "the global config is untouched");
  assert.is.not(config, base);
  for (const [option, value] of Object.entries(expected)) {
    assert.is(optionAt(config, option), value, option);
    assert.is.not(optionAt(base, option), value, `${option}: the test sets a value other than the default`);
  }
  assert.equal(overrides.map((o) => o.option).sort(), Object.keys(expected).sort(), "one expectation per mapped option");
  // Options without a tenant setting keep the global value.
  for (const option of ["is.user-registration.password-requirements.reject-common", "is.email.network.name", "is.oauth.access-token-ttl", "is.delete.restore"]) {
    assert.equal(optionAt(config, option), optionAt(base, option), option);
  }
  // Deep enough: a copy's nested objects and lists are its own.
  (config.is.userRegistration.passwordRequirements as { minLength: number }).minLength = 99;
  config.cluster.keys.push("00");
  assert.equal(base, before);
});

test("unset settings fall back to the global options; false and 0 are settings, not unset", () => {
  const base = defaultConfig();
  const only = effectiveConfig(base, tenantOf({ default_cluster: { is: { user_registration: { enabled: false, password_requirements: { min_digits: 0 } }, profile_picture: {} } } }));
  assert.is(only.is.userRegistration.enabled, false);
  assert.is(only.is.userRegistration.passwordRequirements.minDigits, 0);
  const rest = structuredClone(only);
  rest.is.userRegistration.enabled = base.is.userRegistration.enabled;
  rest.is.userRegistration.passwordRequirements.minDigits = base.is.userRegistration.passwordRequirements.minDigits;
  assert.equal(rest, base, "nothing else changed");
  // Nothing set at all: the global config itself.
  for (const tenant of [undefined, fromJson(TenantSchema, {}), tenantOf({}), tenantOf({ default_cluster: {} }), tenantOf({ default_cluster: { is: { user_rights: {} }, ui: {} } })]) {
    assert.is(effectiveConfig(base, tenant), base);
  }
  // Settings of single clusters: this server has no cluster ID, so none apply.
  assert.is(effectiveConfig(base, tenantOf({ clusters: { eu1: { is: { admin_rights: { all: true } } } } })), base);
});

test("every Identity Server setting of the proto is mapped, except the two without an option", () => {
  const wrappers = /^google\.protobuf\.(BoolValue|UInt32Value|UInt64Value|Duration)$/;
  const leaves = (desc: DescMessage, prefix: string): string[] =>
    desc.fields.flatMap((f) =>
      f.fieldKind === "message" && !wrappers.test(f.message.typeName) ? leaves(f.message, `${prefix}${f.name}.`) : [`${prefix}${f.name}`],
    );
  const settings = leaves(Configuration_Cluster_IdentityServerSchema, "is.");
  const unmapped = ["is.user_rights.update_primary_email_address", "is.user_rights.update_name"];
  assert.equal(
    settings.filter((s) => !unmapped.includes(s)).sort(),
    overrides.map((o) => o.setting).filter((s) => s.startsWith("is.")).sort(),
  );
  assert.ok(fromJson(ConfigurationSchema, everything), "the fixture is valid proto JSON");
});

// ---- the request path ---------------------------------------------------------

const server = await startTenantServer();
const tenant = newTenantId("cfg");
await insertTenant(tenant, {
  configuration: { default_cluster: { is: { user_registration: { enabled: false, password_requirements: { min_length: 20 } }, admin_rights: { all: true } } } },
});
const tenantAdmin = await populationOf(tenant).user({ id: "admin", admin: true });

const newUser = (id: string, password: string) => ({ user: { ids: { userId: id }, primaryEmailAddress: `${id}@example.com`, password } });
const shortPassword = "Twelve-Chars1"; // long enough globally (8), short for the tenant (20)

it("registration disabled for the tenant: anonymous sign-up refused there (gRPC and HTTP), open in the default tenant", async () => {
  await rejects(tenantClient(server, UserRegistry, tenant).create(newUser("walk-in", "A-long-enough-Passw0rd")), Code.InvalidArgument, "user_registration_disabled");
  const res = await tenantApi(server, tenant, "POST", "/users", { body: { user: { ids: { user_id: "walk-in" }, primary_email_address: "walk-in@example.com", password: "A-long-enough-Passw0rd" } } });
  httpError(res, 400, "user_registration_disabled");
  await tenantClient(server, UserRegistry, undefined).create(newUser("walk-in", "A-long-enough-Passw0rd"));
});

it("the tenant's password minimum applies to its users only", async () => {
  const users = tenantClient(server, UserRegistry, tenant, tenantAdmin.apiKey);
  const failure = await rejects(users.create(newUser("short", shortPassword)), Code.InvalidArgument, "password_strength");
  assert.match(String(failure.attributes.rules), "20");
  await users.create(newUser("long", "Twenty-Chars-Passw0rd!"));
  await tenantClient(server, UserRegistry, undefined).create(newUser("short", shortPassword));
});

it("GetConfiguration answers the tenant's effective options; the default tenant's are the global ones", async () => {
  const mine = await tenantApi(server, tenant, "GET", "/is/configuration");
  assert.is(mine.status, 200);
  const reg = mine.body.configuration.user_registration;
  // `enabled` is a plain bool: false is left out of the JSON.
  assert.equal([reg.enabled ?? false, reg.password_requirements.min_length, mine.body.configuration.admin_rights.all], [false, 20, true]);
  // Unset settings: the global values.
  assert.equal([reg.password_requirements.max_length, reg.password_requirements.min_uppercase, reg.invitation.required], [1000, 1, false]);
  const global = await api(server, "GET", "/is/configuration");
  const g = global.body.configuration;
  assert.equal([g.user_registration.enabled, g.user_registration.password_requirements.min_length, g.admin_rights.all], [true, 8, false]);
});

// An application another user owns; admins reach its API keys only with is.admin-rights.all.
const listKeys = (tenantId: string | undefined, key: string) => tenantClient(server, ApplicationAccess, tenantId, key).listAPIKeys({ applicationIds: { applicationId: "owned" } });
await populationOf(tenant).user({ id: "owner" });
await populationOf(tenant).application(userRef("owner"), { id: "owned" });
await server.population.user({ id: "owner" });
await server.population.application(userRef("owner"), { id: "owned" });

it("admin rights of the tenant: its admins get the _KEYS rights, the default tenant's do not", async () => {
  await listKeys(tenant, tenantAdmin.apiKey);
  await rejects(listKeys(undefined, server.adminAPIKey), Code.PermissionDenied, "insufficient_application_rights");
});

it("a changed configuration reaches the next requests, authentication settings included", async () => {
  const changed = { default_cluster: { is: { user_registration: { enabled: true } } } };
  await db.execute(sql`UPDATE tenants SET configuration = ${JSON.stringify(changed)}::jsonb WHERE tenant_id = ${tenant}`);
  // The tenants table's trigger drops the cached record (at once in this process).
  const deadline = Date.now() + 5000;
  for (;;) {
    const res = await tenantApi(server, tenant, "GET", "/is/configuration");
    if (res.body.configuration.user_registration.enabled === true) break;
    if (Date.now() > deadline) assert.unreachable("the new configuration never arrived");
    await new Promise((r) => setTimeout(r, 50));
  }
  await tenantClient(server, UserRegistry, tenant).create(newUser("walk-in", shortPassword));
  await rejects(listKeys(tenant, tenantAdmin.apiKey), Code.PermissionDenied, "insufficient_application_rights");
});

test.after(async () => {
  await server.close();
});

test.run();
