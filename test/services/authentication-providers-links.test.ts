// ExternalUserRegistry against a real server (gRPC and /api/v3): who may
// link, validation, the links' CRUD, their conflicts (one user per subject and
// one subject per user at a provider) and their removal with the provider.
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { api } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { httpError, it, links, provider, providers, rejects } from "./authentication-providers-helpers.js";

const server = await startTestServer();
test.after(() => server.close());
const p = server.population;
const admin = server.adminAPIKey;
const alice = await p.user({ id: "alice" });
await p.user({ id: "bob" });
await p.user({ id: "gone" });
await p.store.users.delete("gone");
const adminRef = { kind: "user" as const, id: "admin" };
const adminInfoOnly = await p.apiKey(adminRef, R("RIGHT_EXTERNAL_USER_INFO"));
const adminProvidersOnly = await p.apiKey(adminRef, R("RIGHT_AUTHENTICATION_PROVIDER_CREATE"), R("RIGHT_AUTHENTICATION_PROVIDER_DELETE"));
await providers(server, admin).create({ provider: provider("corp-sso") });
await providers(server, admin).create({ provider: provider("other-sso") });

const link = (userId: string, externalId: string, providerId = "corp-sso") => ({ externalUser: { userIds: { userId }, providerIds: { providerId }, externalId } });

it("no credentials, a non-admin, an admin key without the rights: refused (gRPC and HTTP)", async () => {
  await rejects(links(server).create(link("alice", "sub-a")), Code.Unauthenticated, "unauthenticated");
  await rejects(links(server, alice.apiKey).create(link("alice", "sub-a")), Code.PermissionDenied, "permission_denied");
  await rejects(links(server, alice.apiKey).getByUserID({ providerIds: { providerId: "corp-sso" }, userIds: { userId: "alice" } }), Code.PermissionDenied, "permission_denied");
  await rejects(links(server, alice.apiKey).getByExternalID({ providerIds: { providerId: "corp-sso" }, externalId: "sub-a" }), Code.PermissionDenied, "permission_denied");
  await rejects(links(server, alice.apiKey).delete({ providerIds: { providerId: "corp-sso" }, externalId: "sub-a" }), Code.PermissionDenied, "permission_denied");
  httpError(await api(server, "GET", "/authentication_providers/corp-sso/users/alice", { key: alice.apiKey }), 403, "permission_denied");
  httpError(await api(server, "GET", "/authentication_providers/corp-sso/users/alice"), 401, "unauthenticated");
  const f = await rejects(links(server, adminProvidersOnly).create(link("alice", "sub-a")), Code.PermissionDenied, "insufficient_universal_rights");
  assert.equal(f.attributes.missing, ["RIGHT_EXTERNAL_USER_CREATE"]);
  await rejects(links(server, adminInfoOnly).create(link("alice", "sub-a")), Code.PermissionDenied, "insufficient_universal_rights");
  await rejects(links(server, adminInfoOnly).delete({ providerIds: { providerId: "corp-sso" }, externalId: "sub-a" }), Code.PermissionDenied, "insufficient_universal_rights");
});

it("validation: IDs and external_id of 1 to 250 characters", async () => {
  const cases: [ReturnType<typeof link>, string][] = [
    [link("alice", ""), "external_user.external_id"],
    [link("alice", "x".repeat(251)), "external_user.external_id"],
    [link("", "sub-a"), "external_user.user_ids.user_id"],
    [link("Alice", "sub-a"), "external_user.user_ids.user_id"],
    [link("alice", "sub-a", ""), "external_user.provider_ids.provider_id"],
    [link("alice", "sub-a", "Corp"), "external_user.provider_ids.provider_id"],
  ];
  for (const [req, field] of cases) {
    const f = await rejects(links(server, admin).create(req), Code.InvalidArgument, "validation");
    assert.is(f.attributes.field, field);
  }
  const f = await rejects(links(server, admin).getByExternalID({ providerIds: { providerId: "corp-sso" }, externalId: "" }), Code.InvalidArgument, "validation");
  assert.is(f.attributes.field, "external_id");
  // 250 characters (not bytes) are fine.
  const long = "é".repeat(250);
  const made = await links(server, admin).create(link("bob", long, "other-sso"));
  assert.is(made.externalId, long);
  await links(server, admin).delete({ providerIds: { providerId: "other-sso" }, externalId: long });
});

it("create, read both ways (gRPC and HTTP), delete", async () => {
  const made = await links(server, admin).create(link("alice", "auth0|123"));
  assert.is(made.userIds?.userId, "alice");
  assert.is(made.providerIds?.providerId, "corp-sso");
  assert.is(made.externalId, "auth0|123");
  assert.ok(made.createdAt && made.updatedAt);

  const byUser = await links(server, admin).getByUserID({ providerIds: { providerId: "corp-sso" }, userIds: { userId: "alice" } });
  assert.is(byUser.externalId, "auth0|123");
  const bySubject = await links(server, admin).getByExternalID({ providerIds: { providerId: "corp-sso" }, externalId: "auth0|123" });
  assert.is(bySubject.userIds?.userId, "alice");

  const http = await api(server, "GET", `/authentication_providers/corp-sso/external_users/${encodeURIComponent("auth0|123")}`, { key: admin });
  assert.is(http.status, 200, JSON.stringify(http.body));
  assert.is(http.body.user_ids.user_id, "alice");
  assert.is(http.body.provider_ids.provider_id, "corp-sso");
  const httpUser = await api(server, "GET", "/authentication_providers/corp-sso/users/alice", { key: admin });
  assert.is(httpUser.body.external_id, "auth0|123");
  // The same user may be linked at another provider, under any subject.
  await links(server, admin).create(link("alice", "auth0|123", "other-sso"));
  // Subjects are opaque: a `/` or `?` in one travels percent-encoded in the path.
  await links(server, admin).create(link("bob", "tenant/42?x", "other-sso"));
  const odd = await api(server, "GET", `/authentication_providers/other-sso/external_users/${encodeURIComponent("tenant/42?x")}`, { key: admin });
  assert.is(odd.status, 200, JSON.stringify(odd.body));
  assert.is(odd.body.user_ids.user_id, "bob");
  assert.is((await api(server, "DELETE", `/authentication_providers/other-sso/external_users/${encodeURIComponent("tenant/42?x")}`, { key: admin })).status, 200);

  const del = await api(server, "DELETE", `/authentication_providers/corp-sso/external_users/${encodeURIComponent("auth0|123")}`, { key: admin });
  assert.is(del.status, 200, JSON.stringify(del.body));
  await rejects(links(server, admin).getByExternalID({ providerIds: { providerId: "corp-sso" }, externalId: "auth0|123" }), Code.NotFound, "external_user_not_found");
  await rejects(links(server, admin).getByUserID({ providerIds: { providerId: "corp-sso" }, userIds: { userId: "alice" } }), Code.NotFound, "user_not_linked");
  await rejects(links(server, admin).delete({ providerIds: { providerId: "corp-sso" }, externalId: "auth0|123" }), Code.NotFound, "external_user_not_found");
  httpError(await api(server, "GET", "/authentication_providers/corp-sso/users/alice", { key: admin }), 404, "user_not_linked");
  // The link at the other provider is untouched.
  assert.is((await links(server, admin).getByUserID({ providerIds: { providerId: "other-sso" }, userIds: { userId: "alice" } })).externalId, "auth0|123");
});

it("conflicts: a subject links one user, a user one subject per provider; user and provider must exist", async () => {
  await links(server, admin).create(link("alice", "sub-alice"));
  await rejects(links(server, admin).create(link("bob", "sub-alice")), Code.AlreadyExists, "external_user_taken");
  await rejects(links(server, admin).create(link("alice", "sub-other")), Code.AlreadyExists, "user_already_linked");
  const res = await api(server, "POST", "/authentication_providers/corp-sso/external_users", {
    key: admin,
    body: { external_user: { user_ids: { user_id: "bob" }, provider_ids: { provider_id: "corp-sso" }, external_id: "sub-alice" } },
  });
  httpError(res, 409, "external_user_taken");
  await rejects(links(server, admin).create(link("nobody", "sub-n")), Code.NotFound, "user_not_found");
  await rejects(links(server, admin).create(link("gone", "sub-g")), Code.NotFound, "user_not_found");
  await rejects(links(server, admin).create(link("bob", "sub-b", "no-such-sso")), Code.NotFound, "authentication_provider_not_found");
  // bob is still free at corp-sso.
  const ok = await api(server, "POST", "/authentication_providers/corp-sso/external_users", {
    key: admin,
    body: { external_user: { user_ids: { user_id: "bob" }, provider_ids: { provider_id: "corp-sso" }, external_id: "sub-bob" } },
  });
  assert.is(ok.status, 200, JSON.stringify(ok.body));
  assert.is(ok.body.external_id, "sub-bob");
});

it("deleting a provider removes its links; a new provider of the same ID starts without any", async () => {
  await providers(server, admin).delete({ providerId: "corp-sso" });
  await rejects(links(server, admin).getByUserID({ providerIds: { providerId: "corp-sso" }, userIds: { userId: "alice" } }), Code.NotFound, "user_not_linked");
  await providers(server, admin).create({ provider: provider("corp-sso") });
  await rejects(links(server, admin).getByExternalID({ providerIds: { providerId: "corp-sso" }, externalId: "sub-alice" }), Code.NotFound, "external_user_not_found");
  await rejects(links(server, admin).getByUserID({ providerIds: { providerId: "corp-sso" }, userIds: { userId: "bob" } }), Code.NotFound, "user_not_linked");
  // Links at other providers stay.
  assert.is((await links(server, admin).getByUserID({ providerIds: { providerId: "other-sso" }, userIds: { userId: "alice" } })).externalId, "auth0|123");
  // The subject is free again.
  await links(server, admin).create(link("bob", "sub-alice"));
});

test.run();
