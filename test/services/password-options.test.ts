// is.user-registration.password-requirements.* with their other values, through
// a running server (user-registry.test.ts covers the defaults and stricter
// lengths): reject-user-id=false, min-uppercase=0, min-digits=0 and a small
// max-length change what registration and UpdatePassword accept, over gRPC and HTTP.
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { api, grpcClient } from "../helpers/clients.js";
import { httpError, rejects } from "../helpers/expect.js";
import { startTestServer } from "../helpers/harness.js";

const relaxed = await startTestServer({
  "is.user-registration.password-requirements.reject-user-id": false,
  "is.user-registration.password-requirements.min-uppercase": 0,
  "is.user-registration.password-requirements.min-digits": 0,
  "is.user-registration.password-requirements.max-length": 16,
});
const defaults = await startTestServer();
test.after(async () => {
  await relaxed.close();
  await defaults.close();
});

const newUser = (id: string, password: string) => ({ user: { ids: { userId: id }, primaryEmailAddress: `${id}@example.org`, password } });

test("a password with the user ID, no uppercase letter and no digit: refused by default, each rule named", async () => {
  const d = await rejects(grpcClient(defaults, UserRegistry).create(newUser("pwo-user", "pwo-user-pass")), Code.InvalidArgument, "password_strength");
  assert.equal(d.attributes.rules, ["at least 1 uppercase letter(s)", "at least 1 digit(s)", "must not contain the user ID"]);
});

test("the same password is accepted with reject-user-id=false, min-uppercase=0, min-digits=0 (gRPC and HTTP)", async () => {
  const created = await grpcClient(relaxed, UserRegistry).create(newUser("pwo-user", "pwo-user-pass"));
  assert.is(created.ids?.userId, "pwo-user");
  const res = await api(relaxed, "POST", "/users", { body: { user: { ids: { user_id: "pwo-http" }, primary_email_address: "pwo-http@example.org", password: "my-pwo-http" } } });
  assert.is(res.status, 200, JSON.stringify(res.body));
});

test("max-length=16: a longer password is refused naming the limit; UpdatePassword follows the same options", async () => {
  const res = await api(relaxed, "POST", "/users", { body: { user: { ids: { user_id: "pwo-long" }, primary_email_address: "pwo-long@example.org", password: "seventeen-chars-x" } } });
  assert.equal(httpError(res, 400, "password_strength").attributes.rules, ["at most 16 characters"]);
  const c = grpcClient(relaxed, UserRegistry);
  const d = await rejects(c.updatePassword({ userIds: { userId: "pwo-user" }, old: "pwo-user-pass", new: "x".repeat(17) }), Code.InvalidArgument, "password_strength");
  assert.equal(d.attributes.rules, ["at most 16 characters"]);
  await c.updatePassword({ userIds: { userId: "pwo-user" }, old: "pwo-user-pass", new: "pwo-user-new" });
});

test.run();
