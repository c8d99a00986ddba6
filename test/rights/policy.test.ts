// Every method the server serves has an entry in the policy table, and the
// table names no method that does not exist: a new rpc cannot slip in unguarded.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Health } from "../../gen/grpc/health/v1/health_pb.js";
import { methodPolicies, policyKey } from "../../src/rights/policy.js";
import { apiServices } from "../../src/server/routes.js";

const served = [...apiServices, Health].flatMap((s) => s.methods.map(policyKey));

test("every served method has a policy", () => {
  const missing = served.filter((m) => !(m in methodPolicies));
  assert.equal(missing, []);
});

test("the policy table names only served methods", () => {
  const stale = Object.keys(methodPolicies).filter((m) => !served.includes(m));
  assert.equal(stale, []);
});

test("only the documented methods are public", () => {
  const open = Object.entries(methodPolicies).filter(([, p]) => p === "public").map(([m]) => m).sort();
  assert.equal(open, [
    "grpc.health.v1.Health/Check",
    "grpc.health.v1.Health/Watch",
    "ttn.lorawan.v3.ContactInfoRegistry/Validate",
    "ttn.lorawan.v3.EmailValidationRegistry/Validate",
    "ttn.lorawan.v3.EntityAccess/AuthInfo",
    "ttn.lorawan.v3.Is/GetConfiguration",
    "ttn.lorawan.v3.UserAccess/CreateLoginToken",
    "ttn.lorawan.v3.UserRegistry/Create",
    "ttn.lorawan.v3.UserRegistry/CreateTemporaryPassword",
    "ttn.lorawan.v3.UserRegistry/UpdatePassword",
  ]);
});

test.run();
