import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { api, connectClient, grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";

const server = await startTestServer();

test("admin creates an application over HTTP and reads it over gRPC and Connect", async () => {
  const res = await api(server, "POST", "/users/admin/applications", { key: server.adminAPIKey, body: { application: { ids: { application_id: "smoke-app" }, name: "Smoke" } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  const viaGrpc = await grpcClient(server, ApplicationRegistry, server.adminAPIKey).get({ applicationIds: { applicationId: "smoke-app" }, fieldMask: { paths: ["name"] } });
  assert.is(viaGrpc.name, "Smoke");
  const viaConnect = await connectClient(server, ApplicationRegistry, server.adminAPIKey).get({ applicationIds: { applicationId: "smoke-app" }, fieldMask: { paths: ["name"] } });
  assert.is(viaConnect.name, "Smoke");
});

test.after(() => server.close());
test.run();
