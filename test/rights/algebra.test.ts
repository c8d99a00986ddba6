import { test } from "uvu";
import * as assert from "uvu/assert";
import { adminRights, allRightOf, clusterRights, implied, intersect, missing, potentialRights, rightName, rightsOfKind, RIGHT_ALL } from "../../src/rights/algebra.js";
import { R } from "../helpers/population.js";

const names = (s: Iterable<number>) => [...s].map((r) => rightName(r as never)).sort();

test("groups follow the name prefixes", () => {
  assert.ok(rightsOfKind.application.has(R("RIGHT_APPLICATION_INFO")));
  assert.ok(rightsOfKind.application.has(R("RIGHT_APPLICATION_SETTINGS_PACKAGES")));
  assert.not.ok(rightsOfKind.application.has(R("RIGHT_GATEWAY_INFO")));
  assert.equal(names(rightsOfKind.client), ["RIGHT_CLIENT_ALL", "RIGHT_CLIENT_DELETE", "RIGHT_CLIENT_INFO", "RIGHT_CLIENT_SETTINGS_BASIC", "RIGHT_CLIENT_SETTINGS_COLLABORATORS"]);
  assert.not.ok(rightsOfKind.user.has(R("RIGHT_SEND_INVITES")));
});

const implications: [string, string[]][] = [
  ["RIGHT_APPLICATION_LINK", ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_LINK", "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE", "RIGHT_APPLICATION_TRAFFIC_READ"]],
  ["RIGHT_GATEWAY_LINK", ["RIGHT_GATEWAY_INFO", "RIGHT_GATEWAY_LINK"]],
  ["RIGHT_CLIENT_ALL", ["RIGHT_CLIENT_ALL", "RIGHT_CLIENT_DELETE", "RIGHT_CLIENT_INFO", "RIGHT_CLIENT_SETTINGS_BASIC", "RIGHT_CLIENT_SETTINGS_COLLABORATORS"]],
  ["RIGHT_USER_INFO", ["RIGHT_USER_INFO"]],
];
for (const [right, expected] of implications) {
  test(`${right} implies ${expected.length} rights`, () => assert.equal(names(implied([R(right)])), expected));
}

test("RIGHT_ALL implies every right; <KIND>_ALL implies its kind", () => {
  // 63 rights of the open-source enum and the 8 single sign-on rights (79-86).
  assert.is(implied([RIGHT_ALL]).size, 71);
  assert.ok(implied([RIGHT_ALL]).has(R("RIGHT_AUTHENTICATION_PROVIDER_CREATE")));
  const app = implied([allRightOf("application")]);
  assert.ok([...rightsOfKind.application].every((r) => app.has(r)));
  assert.not.ok(app.has(R("RIGHT_GATEWAY_INFO")));
});

test("admin rights leave out _KEYS, _ALL and _SECRETS unless all is set", () => {
  const admin = adminRights(false);
  assert.not.ok(admin.has(R("RIGHT_APPLICATION_SETTINGS_API_KEYS")));
  assert.not.ok(admin.has(R("RIGHT_APPLICATION_DEVICES_READ_KEYS")));
  assert.not.ok(admin.has(RIGHT_ALL));
  assert.not.ok(admin.has(R("RIGHT_GATEWAY_READ_SECRETS")));
  assert.not.ok(admin.has(R("RIGHT_GATEWAY_WRITE_SECRETS")));
  assert.ok(admin.has(R("RIGHT_GATEWAY_SETTINGS_BASIC")));
  assert.ok(adminRights(true).has(R("RIGHT_APPLICATION_SETTINGS_API_KEYS")));
  assert.ok(adminRights(true).has(R("RIGHT_GATEWAY_READ_SECRETS")));
});

test("cluster rights are the _READ and _INFO rights", () => {
  assert.ok(clusterRights.has(R("RIGHT_APPLICATION_DEVICES_READ")));
  assert.ok(clusterRights.has(R("RIGHT_USER_INFO")));
  assert.not.ok(clusterRights.has(R("RIGHT_APPLICATION_DEVICES_WRITE")));
});

test("potential rights: users carry everything but invites, applications only theirs", () => {
  assert.ok(potentialRights.user.has(R("RIGHT_APPLICATION_INFO")));
  assert.ok(potentialRights.organization.has(R("RIGHT_GATEWAY_INFO")));
  assert.not.ok(potentialRights.organization.has(R("RIGHT_USER_INFO")));
  assert.not.ok(potentialRights.application.has(R("RIGHT_GATEWAY_INFO")));
});

test("intersect and missing", () => {
  const have = new Set([R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_DELETE")]);
  assert.equal(names(intersect(have, new Set([R("RIGHT_APPLICATION_INFO")]))), ["RIGHT_APPLICATION_INFO"]);
  assert.equal(missing([R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_LINK"), R("RIGHT_APPLICATION_LINK")], have).map(rightName), ["RIGHT_APPLICATION_LINK"]);
});

test.run();
