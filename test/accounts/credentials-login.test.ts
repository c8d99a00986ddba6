// is.user-login.disable-credentials-login: the check the OAuth login with user
// ID and password calls (assertCredentialsLoginAllowed).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { assertCredentialsLoginAllowed } from "../../src/accounts/credentials-login.js";
import { Code, IsError } from "../../src/errors/index.js";
import { testConfig } from "../helpers/harness.js";

test("allowed by default", () => {
  assertCredentialsLoginAllowed(testConfig());
  assertCredentialsLoginAllowed(testConfig({ "is.user-login.disable-credentials-login": false }));
});

test("disabled: pkg/identityserver:credentials_login_disabled, PermissionDenied", () => {
  let caught: unknown;
  try {
    assertCredentialsLoginAllowed(testConfig({ "is.user-login.disable-credentials-login": true }));
  } catch (err) {
    caught = err;
  }
  assert.instance(caught, IsError);
  const err = caught as IsError;
  assert.is(`${err.definition.namespace}:${err.definition.name}`, "pkg/identityserver:credentials_login_disabled");
  assert.is(err.code, Code.PermissionDenied);
});

test.run();
