// Is.GetConfiguration: the public part of the configuration, for anyone.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Is } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { api, grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";

const server = await startTestServer({
  "is.user-registration.enabled": false,
  "is.user-registration.password-requirements.min-length": 12,
  "is.user-rights.create-gateways": false,
  "is.user-rights.create-organizations": false,
  "is.admin-rights.all": true,
  "is.collaborator-rights.set-others-as-contacts": false,
});

test("answers without credentials and reflects the options", async () => {
  const { configuration } = await grpcClient(server, Is).getConfiguration({});
  assert.is(configuration?.userRegistration?.enabled, false);
  assert.is(configuration?.userRegistration?.passwordRequirements?.minLength, 12);
  assert.equal(configuration?.userRights, {
    $typeName: "ttn.lorawan.v3.IsConfiguration.UserRights",
    createApplications: true,
    createClients: true,
    createGateways: false,
    createOrganizations: false,
  });
  assert.is(configuration?.adminRights?.all, true);
  assert.is(configuration?.collaboratorRights?.setOthersAsContacts, false);
});

test("over HTTP, wrappers are bare JSON values", async () => {
  const res = await api(server, "GET", "/is/configuration");
  assert.is(res.status, 200);
  assert.equal(res.body.configuration.user_rights, { create_applications: true, create_clients: true, create_gateways: false, create_organizations: false });
  assert.is(res.body.configuration.user_registration.password_requirements.min_length, 12);
});

/** Every option GetConfiguration reports, away from its default. */
const tuned = await startTestServer({
  "is.user-registration.enabled": false,
  "is.user-registration.invitation.required": true,
  "is.user-registration.invitation.token-ttl": 2 * 3600_000,
  "is.user-registration.contact-info-validation.required": true,
  "is.user-registration.contact-info-validation.token-ttl": 90 * 60_000,
  "is.user-registration.contact-info-validation.retry-interval": 1500,
  "is.user-registration.admin-approval.required": true,
  "is.user-registration.password-requirements.min-length": 11,
  "is.user-registration.password-requirements.max-length": 99,
  "is.user-registration.password-requirements.min-uppercase": 2,
  "is.user-registration.password-requirements.min-digits": 3,
  "is.user-registration.password-requirements.min-special": 4,
  "is.profile-picture.disable-upload": true,
  "is.profile-picture.use-gravatar": false,
  "is.end-device-picture.disable-upload": true,
  "is.user-rights.create-applications": false,
  "is.user-rights.create-clients": false,
  "is.user-rights.create-gateways": false,
  "is.user-rights.create-organizations": false,
  "is.user-login.disable-credentials-login": true,
  "is.admin-rights.all": true,
  "is.collaborator-rights.set-others-as-contacts": false,
  "is.application-limits.end-devices": 1000,
  "is.organization-limits.applications": 11,
  "is.organization-limits.clients": 12,
  "is.organization-limits.gateways": 13,
  "is.user-limits.applications": 21,
  "is.user-limits.clients": 22,
  "is.user-limits.gateways": 23,
  "is.user-limits.organizations": 24,
});

test("over HTTP, every field reflects its option (non-default values)", async () => {
  const res = await api(tuned, "GET", "/is/configuration");
  assert.is(res.status, 200);
  assert.equal(res.body, {
    configuration: {
      // `enabled` is a plain bool: false is its zero value, left out of JSON as every zero value.
      user_registration: {
        invitation: { required: true, token_ttl: "7200s" },
        contact_info_validation: { required: true, token_ttl: "5400s", retry_interval: "1.500s" },
        admin_approval: { required: true },
        password_requirements: { min_length: 11, max_length: 99, min_uppercase: 2, min_digits: 3, min_special: 4 },
      },
      profile_picture: { disable_upload: true, use_gravatar: false },
      end_device_picture: { disable_upload: true },
      user_rights: { create_applications: false, create_clients: false, create_gateways: false, create_organizations: false },
      user_login: { disable_credentials_login: true },
      admin_rights: { all: true },
      collaborator_rights: { set_others_as_contacts: false },
      application_limits: { end_devices: "1000" },
      organization_limits: { applications: "11", clients: "12", gateways: "13" },
      user_limits: { applications: "21", clients: "22", gateways: "23", organizations: "24" },
    },
  });
});

test("defaults: durations of the stack, wrappers set to false are still sent, no limits leave the values unset", async () => {
  const res = await api(server, "GET", "/is/configuration");
  const c = res.body.configuration;
  assert.equal(c.user_registration.invitation, { required: false, token_ttl: "604800s" });
  assert.equal(c.user_registration.contact_info_validation, { required: false, token_ttl: "172800s", retry_interval: "3600s" });
  assert.equal(c.user_registration.admin_approval, { required: false });
  assert.equal(c.profile_picture, { disable_upload: false, use_gravatar: true });
  assert.equal(c.end_device_picture, { disable_upload: false });
  assert.equal(c.user_login, { disable_credentials_login: false });
  assert.equal(c.application_limits, {});
  assert.equal(c.organization_limits, {});
  assert.equal(c.user_limits, {});
});

test("over gRPC, limits are UInt64 values and unset means no limit", async () => {
  const { configuration: tunedConfig } = await grpcClient(tuned, Is).getConfiguration({});
  assert.is(tunedConfig?.userLimits?.organizations, 24n);
  assert.is(tunedConfig?.applicationLimits?.endDevices, 1000n);
  assert.is(tunedConfig?.userLogin?.disableCredentialsLogin, true);
  assert.is(tunedConfig?.userRegistration?.contactInfoValidation?.retryInterval?.nanos, 500_000_000);
  const { configuration } = await grpcClient(server, Is).getConfiguration({});
  assert.is(configuration?.userLimits?.organizations, undefined);
  assert.is(configuration?.organizationLimits?.gateways, undefined);
  assert.is(configuration?.userLogin?.disableCredentialsLogin, false);
});

test.after(async () => {
  await server.close();
  await tuned.close();
});
test.run();
