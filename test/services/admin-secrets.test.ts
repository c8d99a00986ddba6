// Issue 3 §9: by default admins cannot read or write gateway secrets, nor hand
// out the `_SECRETS` rights (their universal rights leave out `_KEYS`, `_ALL`
// and `_SECRETS`); with is.admin-rights.all they can. Over gRPC and HTTP.
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { GatewayAccess, GatewayRegistry } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { api, grpcClient } from "../helpers/clients.js";
import { httpError, rejects, user } from "../helpers/expect.js";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";

const defaults = await startTestServer();
const allRights = await startTestServer({ "is.admin-rights.all": true });
test.after(async () => {
  await defaults.close();
  await allRights.close();
});

const text = (v?: Uint8Array) => Buffer.from(v ?? []).toString();

/** A gateway of user `owner` with an LNS secret, created by its owner. */
async function gatewayWithSecret(s: TestServer, id: string): Promise<void> {
  const owner = await s.population.user({ id: `${id}-owner` });
  await grpcClient(s, GatewayRegistry, owner.apiKey).create({
    gateway: { ids: { gatewayId: id }, name: "Secretive", lbsLnsSecret: { value: Buffer.from("lns-secret") } },
    collaborator: user(owner.id),
  });
}
await gatewayWithSecret(defaults, "as-gtw");
await gatewayWithSecret(allRights, "as-gtw");

const ids = { gatewayId: "as-gtw" };

test("by default an admin's universal rights have no _SECRETS right", async () => {
  const info = await grpcClient(defaults, EntityAccess, defaults.adminAPIKey).authInfo({});
  const universal = info.universalRights?.rights ?? [];
  assert.ok(universal.includes(R("RIGHT_GATEWAY_INFO")));
  assert.not.ok(universal.includes(R("RIGHT_GATEWAY_READ_SECRETS")));
  assert.not.ok(universal.includes(R("RIGHT_GATEWAY_WRITE_SECRETS")));
  const res = await api(defaults, "GET", "/gateways/as-gtw/rights", { key: defaults.adminAPIKey });
  assert.not.ok(res.body.rights.includes("RIGHT_GATEWAY_READ_SECRETS"), JSON.stringify(res.body));
});

test("by default an admin reads the gateway but not its secret (gRPC and HTTP)", async () => {
  const c = grpcClient(defaults, GatewayRegistry, defaults.adminAPIKey);
  assert.is((await c.get({ gatewayIds: ids, fieldMask: { paths: ["name"] } })).name, "Secretive");
  const d = await rejects(c.get({ gatewayIds: ids, fieldMask: { paths: ["lbs_lns_secret"] } }), Code.PermissionDenied, "insufficient_gateway_rights");
  assert.equal(d.attributes.missing, ["RIGHT_GATEWAY_READ_SECRETS"]);
  httpError(await api(defaults, "GET", "/gateways/as-gtw?field_mask=lbs_lns_secret", { key: defaults.adminAPIKey }), 403, "insufficient_gateway_rights");
});

test("by default an admin can neither write a secret nor hand out a _SECRETS right", async () => {
  const w = await rejects(
    grpcClient(defaults, GatewayRegistry, defaults.adminAPIKey).update({ gateway: { ids, lbsLnsSecret: { value: Buffer.from("x") } }, fieldMask: { paths: ["lbs_lns_secret"] } }),
    Code.PermissionDenied, "insufficient_gateway_rights",
  );
  assert.equal(w.attributes.missing, ["RIGHT_GATEWAY_WRITE_SECRETS"]);
  // Admins manage collaborators (not API keys) of others' gateways, within their own rights.
  const access = grpcClient(defaults, GatewayAccess, defaults.adminAPIKey);
  const k = await rejects(
    access.setCollaborator({ gatewayIds: ids, collaborator: { ids: user("admin"), rights: [Right.GATEWAY_INFO, Right.GATEWAY_READ_SECRETS] } }),
    Code.PermissionDenied, "insufficient_gateway_rights",
  );
  assert.equal(k.attributes.missing, ["RIGHT_GATEWAY_READ_SECRETS"]);
  await access.setCollaborator({ gatewayIds: ids, collaborator: { ids: user("admin"), rights: [Right.GATEWAY_INFO] } });
});

test("with is.admin-rights.all an admin reads the secret in plaintext", async () => {
  const got = await grpcClient(allRights, GatewayRegistry, allRights.adminAPIKey).get({ gatewayIds: ids, fieldMask: { paths: ["lbs_lns_secret"] } });
  assert.is(text(got.lbsLnsSecret?.value), "lns-secret");
  const res = await api(allRights, "GET", "/gateways/as-gtw?field_mask=lbs_lns_secret", { key: allRights.adminAPIKey });
  assert.is(Buffer.from(res.body.lbs_lns_secret.value, "base64").toString(), "lns-secret");
});

test.run();
