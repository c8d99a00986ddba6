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

test.after(() => server.close());
test.run();
