// The `warning` header of restricted callers (spec §1: gRPC header `warning`,
// HTTP `X-Warning`) on refused calls: the stack sets it before the rights
// check fails, and gRPC and grpc-gateway send headers with errors too, so a
// pending or unvalidated user learns why a call was refused.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { api, connectClient, grpcClient } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { user } from "../helpers/expect.js";

const server = await startTestServer({ "is.user-registration.contact-info-validation.required": true });
const pop = server.population;

const pending = await pop.user({ id: "warn-pending", state: State.REQUESTED });
const approved = await pop.user({ id: "warn-approved" });
const unvalidated = await pop.user({ id: "warn-unvalidated" });
// Fixtures are validated; clearing the field makes the address unvalidated.
await pop.store.users.update("warn-unvalidated", create(UserSchema, {}), ["primary_email_address_validated_at"]);

const createApp = (id: string, owner: string) => ({ application: { ids: { applicationId: id } }, collaborator: user(owner) });

/** The error of a refused call, with the `warning` the client saw. */
async function refusal(call: Promise<unknown>): Promise<{ name?: string; code: Code; warning: string | null }> {
  try {
    await call;
  } catch (e) {
    const err = ConnectError.from(e);
    return { name: err.findDetails(ErrorDetailsSchema)[0]?.name, code: err.code, warning: err.metadata.get("warning") };
  }
  throw new Error("the call succeeded");
}

test("a pending user's refused call carries the warning (gRPC, Connect and HTTP)", async () => {
  for (const client of [grpcClient(server, ApplicationRegistry, pending.apiKey), connectClient(server, ApplicationRegistry, pending.apiKey)]) {
    const r = await refusal(client.create(createApp("warn-app-1", pending.id)));
    assert.is(r.code, Code.PermissionDenied);
    assert.is(r.warning, "Restricted rights while account pending");
  }
  const res = await api(server, "POST", `/users/${pending.id}/applications`, { key: pending.apiKey, body: { application: { ids: { application_id: "warn-app-2" } } } });
  assert.is(res.status, 403);
  assert.is(res.headers.get("x-warning"), "Restricted rights while account pending");
});

test("an unvalidated user's refused call carries the validation warning, naming the missing right", async () => {
  const r = await refusal(grpcClient(server, ApplicationRegistry, unvalidated.apiKey).create(createApp("warn-app-3", unvalidated.id)));
  assert.is(r.name, "insufficient_user_rights");
  assert.is(r.warning, "Restricted rights until email address validated");
  const res = await api(server, "POST", `/users/${unvalidated.id}/applications`, { key: unvalidated.apiKey, body: { application: { ids: { application_id: "warn-app-4" } } } });
  assert.is(res.status, 403);
  assert.is(res.body.details[0].name, "insufficient_user_rights");
  assert.is(res.headers.get("x-warning"), "Restricted rights until email address validated");
});

test("an unrestricted caller's refusal has no warning", async () => {
  const r = await refusal(grpcClient(server, ApplicationRegistry, approved.apiKey).create(createApp("warn-app-5", pending.id)));
  assert.is(r.name, "no_user_rights");
  assert.is(r.warning, null);
  const res = await api(server, "POST", `/users/${pending.id}/applications`, { key: approved.apiKey, body: { application: { ids: { application_id: "warn-app-6" } } } });
  assert.is(res.status, 403);
  assert.is(res.headers.get("x-warning"), null);
});

test("a restricted caller's successful call still carries it", async () => {
  const res = await api(server, "GET", `/users/${unvalidated.id}/rights`, { key: unvalidated.apiKey });
  assert.is(res.status, 200);
  assert.is(res.headers.get("x-warning"), "Restricted rights until email address validated");
});

test.after(() => server.close());
test.run();
