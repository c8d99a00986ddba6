// The auth cache (src/cache/) never serves a revoked right: after each kind of
// revocation (collaborator removed, organization membership removed, API key
// deleted or narrowed, user suspended, application deleted, OAuth token
// revoked or refreshed, OAuth client secret changed or suspended) the very next
// call is refused, over gRPC and /api/v3. Changes made
// on the database directly (an operator's SQL) and, on PostgreSQL, by another
// process on the same database reach the cache through the triggers'
// notifications; while the listener is down nothing is cached.
import { Code } from "@connectrpc/connect";
import { sql } from "drizzle-orm";
import * as assert from "uvu/assert";
import { test } from "uvu";
import { ApplicationAccess, ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { OrganizationAccess } from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import { UserAccess, UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { changeFeedApplicationName } from "../../src/store/pg/change-feed.js";
import { openDatabase } from "../../src/store/pg/database.js";
import { api, grpcClient } from "../helpers/clients.js";
import { httpError, it, org, orgRef, rejects, user, userRef } from "../helpers/expect.js";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { testDatabase } from "../helpers/database.js";
import { R } from "../helpers/population.js";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { OAuthAuthorizationRegistry } from "../../gen/ttn/lorawan/v3/oauth_services_pb.js";
import { ClientRegistry } from "../../gen/ttn/lorawan/v3/client_services_pb.js";
import { codeFor, coreDeps, defaultRedirect, oauthClient, tokenRequest } from "../oauth/core-helpers.js";

const server = await startTestServer();
const p = server.population;
const INFO = R("RIGHT_APPLICATION_INFO");
let n = 0;

/** A fresh owner, application and member "bob-<n>" with a key holding APPLICATION_INFO, the answers already cached. */
async function scene(via: "direct" | "organization" = "direct") {
  const i = ++n;
  const owner = await p.user({ id: `owner-${i}` });
  const bob = `bob-${i}`;
  await p.user({ id: bob });
  const app = await p.application(userRef(owner.id), { id: `app-${i}` });
  let orgId = "";
  if (via === "direct") await p.member({ kind: "application", id: app }, userRef(bob), INFO);
  else {
    orgId = await p.organization(userRef(owner.id), { id: `org-${i}` });
    await p.member({ kind: "organization", id: orgId }, userRef(bob), R("RIGHT_ALL"));
    await p.member({ kind: "application", id: app }, orgRef(orgId), INFO);
  }
  const key = await p.apiKey(userRef(bob), R("RIGHT_APPLICATION_ALL"), R("RIGHT_USER_INFO"));
  const ownerKey = await p.apiKey(userRef(owner.id), R("RIGHT_ALL"));
  const settingsKey = await p.apiKey(userRef(bob), R("RIGHT_ALL"));
  const apps = grpcClient(server, ApplicationRegistry, key);
  for (let k = 0; k < 3; k++) assert.is((await apps.get({ applicationIds: { applicationId: app }, fieldMask: { paths: ["name"] } })).ids?.applicationId, app);
  return { app, bob, orgId, key, ownerKey, settingsKey, apps, get: () => apps.get({ applicationIds: { applicationId: app }, fieldMask: { paths: ["name"] } }) };
}

it("a removed collaborator is refused at the next call, over gRPC and /api/v3", async () => {
  const s = await scene();
  await grpcClient(server, ApplicationAccess, s.ownerKey).deleteCollaborator({ applicationIds: { applicationId: s.app }, collaboratorIds: user(s.bob) });
  await rejects(s.get(), Code.PermissionDenied, "no_application_rights");
  httpError(await api(server, "GET", `/applications/${s.app}?field_mask=name`, { key: s.key }), 403, "no_application_rights");
});

it("narrowed collaborator rights apply at the next call", async () => {
  const s = await scene();
  await grpcClient(server, ApplicationAccess, s.ownerKey).setCollaborator({
    applicationIds: { applicationId: s.app },
    collaborator: { ids: user(s.bob), rights: [R("RIGHT_APPLICATION_DEVICES_READ")] },
  });
  await rejects(s.get(), Code.PermissionDenied, "insufficient_application_rights");
});

it("leaving the organization ends the rights it lent", async () => {
  const s = await scene("organization");
  await grpcClient(server, OrganizationAccess, s.ownerKey).deleteCollaborator({ organizationIds: { organizationId: s.orgId }, collaboratorIds: user(s.bob) });
  await rejects(s.get(), Code.PermissionDenied, "no_application_rights");
});

it("a deleted organization lends nothing", async () => {
  const s = await scene("organization");
  const admin = grpcClient(server, (await import("../../gen/ttn/lorawan/v3/organization_services_pb.js")).OrganizationRegistry, s.ownerKey);
  await admin.delete({ organizationId: s.orgId });
  await rejects(s.get(), Code.PermissionDenied, "no_application_rights");
});

it("a deleted API key is refused at the next call", async () => {
  const s = await scene();
  const id = s.key.split(".")[1]!;
  await grpcClient(server, UserAccess, s.settingsKey).deleteAPIKey({ userIds: { userId: s.bob }, keyId: id });
  await rejects(s.get(), Code.Unauthenticated, "api_key_not_found");
});

it("a narrowed API key is narrow at the next call", async () => {
  const s = await scene();
  const id = s.key.split(".")[1]!;
  await grpcClient(server, UserAccess, s.settingsKey).updateAPIKey({
    userIds: { userId: s.bob },
    apiKey: { id, rights: [R("RIGHT_USER_INFO")] },
    fieldMask: { paths: ["rights"] },
  });
  await rejects(s.get(), Code.PermissionDenied, "no_application_rights");
});

it("a suspended user keeps only restricted rights from the next call", async () => {
  const s = await scene();
  await grpcClient(server, UserRegistry, server.adminAPIKey).update({ user: { ids: { userId: s.bob }, state: State.SUSPENDED }, fieldMask: { paths: ["state"] } });
  await rejects(s.get(), Code.PermissionDenied, "user_suspended");
});

it("a deleted application is gone at the next call", async () => {
  const s = await scene();
  await grpcClient(server, ApplicationRegistry, s.ownerKey).delete({ applicationId: s.app });
  await rejects(s.get(), Code.PermissionDenied, "no_application_rights");
});

/** A client "web-<n>", and a token pair of a fresh user for it from the authorization code flow, already looked up (cached). */
async function oauthScene(on: TestServer = server) {
  const i = ++n;
  const alice = await p.user({ id: `alice-${i}` });
  const web = await oauthClient(server, { id: `web-${i}`, rights: [R("RIGHT_USER_INFO")] });
  const { code } = await codeFor(coreDeps(server), alice.id, { client_id: web.id });
  const pair = await tokenRequest(server, { grant_type: "authorization_code", code, redirect_uri: defaultRedirect }, { basic: [web.id, web.secret] });
  assert.is(pair.status, 200, JSON.stringify(pair.body));
  const authInfo = (token: string, via = on) => grpcClient(via, EntityAccess, token).authInfo({});
  for (let k = 0; k < 3; k++) await authInfo(pair.body.access_token);
  const refresh = (token: string, secret = web.secret) =>
    tokenRequest(server, { grant_type: "refresh_token", refresh_token: token }, { basic: [web.id, secret] });
  return { user: alice.id, web, pair: pair.body as { access_token: string; refresh_token: string }, authInfo, refresh };
}

it("a refreshed OAuth token's old access token is refused at the next call; a revoked one too", async () => {
  const o = await oauthScene();
  const next = await o.refresh(o.pair.refresh_token);
  assert.is(next.status, 200, JSON.stringify(next.body));
  await rejects(o.authInfo(o.pair.access_token), Code.Unauthenticated, "invalid_authorization");
  for (let k = 0; k < 3; k++) await o.authInfo(next.body.access_token);
  // Revoked as the user does it (OAuthAuthorizationRegistry.DeleteToken): by the token's ID.
  const tokenId = next.body.access_token.split(".")[1];
  await grpcClient(server, OAuthAuthorizationRegistry, server.adminAPIKey).deleteToken({ userIds: { userId: o.user }, clientIds: { clientId: o.web.id }, id: tokenId });
  await rejects(o.authInfo(next.body.access_token), Code.Unauthenticated, "token_not_found");
});

it("an OAuth client's new secret and its suspension apply to its next token request", async () => {
  const o = await oauthScene();
  const clients = grpcClient(server, ClientRegistry, server.adminAPIKey);
  let pair = o.pair;
  for (let k = 0; k < 3; k++) {
    const r = await o.refresh(pair.refresh_token);
    assert.is(r.status, 200, JSON.stringify(r.body));
    pair = r.body;
  }
  await clients.update({ client: { ids: { clientId: o.web.id }, secret: "a brand new secret of the client" }, fieldMask: { paths: ["secret"] } });
  const old = await o.refresh(pair.refresh_token);
  assert.is(old.body.error, "invalid_client", JSON.stringify(old.body));
  const fresh = await o.refresh(pair.refresh_token, "a brand new secret of the client");
  assert.is(fresh.status, 200, JSON.stringify(fresh.body));
  await clients.update({ client: { ids: { clientId: o.web.id }, state: State.SUSPENDED }, fieldMask: { paths: ["state"] } });
  const suspended = await o.refresh(fresh.body.refresh_token, "a brand new secret of the client");
  assert.is(suspended.status, 403, JSON.stringify(suspended.body));
  assert.is(suspended.body.details[0].name, "client_suspended");
});

/** Retries `check` for up to `ms` (notifications arrive asynchronously); fails with its last error. */
async function within(ms: number, check: () => Promise<void>): Promise<number> {
  const start = Date.now();
  for (;;) {
    try {
      await check();
      return Date.now() - start;
    } catch (err) {
      if (Date.now() - start > ms) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

it("a change made on the database directly (an operator's SQL) reaches the cache", async () => {
  const s = await scene();
  const db = (await testDatabase()).db;
  await db.execute(sql`DELETE FROM memberships WHERE tenant_id = ${server.tenantId} AND account_id = ${s.bob}`);
  await within(1000, () => rejects(s.get(), Code.PermissionDenied, "no_application_rights").then(() => {}));
});

if (process.env.DATABASE_URL) {
  // Another process: a second server on its own connection pool and feed, as a replica would be.
  const other = await openDatabase(process.env.DATABASE_URL, { maxOpenConns: 2 });
  let replica: TestServer | undefined;
  test("a revocation on one replica is seen by the other at once", async () => {
    replica = await startTestServer({}, { tenantId: server.tenantId, database: other });
    const s = await scene();
    const onReplica = grpcClient(replica, ApplicationRegistry, s.key);
    const get = () => onReplica.get({ applicationIds: { applicationId: s.app }, fieldMask: { paths: ["name"] } });
    for (let k = 0; k < 3; k++) await get();
    await grpcClient(server, ApplicationAccess, s.ownerKey).deleteCollaborator({ applicationIds: { applicationId: s.app }, collaboratorIds: user(s.bob) });
    const waited = await within(1000, () => rejects(get(), Code.PermissionDenied, "no_application_rights").then(() => {}));
    assert.ok(waited < 200, `the replica served the revoked right for ${waited} ms`);
  });

  test("a refresh on one replica refuses the old access token on the other at once", async () => {
    const o = await oauthScene(replica!);
    const next = await o.refresh(o.pair.refresh_token);
    assert.is(next.status, 200, JSON.stringify(next.body));
    const waited = await within(1000, () => rejects(o.authInfo(o.pair.access_token), Code.Unauthenticated, "invalid_authorization").then(() => {}));
    assert.ok(waited < 200, `the replica accepted the rotated token for ${waited} ms`);
    await o.authInfo(next.body.access_token);
  });

  test("a lost listener drops what the cache holds", async () => {
    const s = await scene();
    const onReplica = grpcClient(replica!, ApplicationRegistry, s.key);
    const get = () => onReplica.get({ applicationIds: { applicationId: s.app }, fieldMask: { paths: ["name"] } });
    for (let k = 0; k < 3; k++) await get();
    const db = (await testDatabase()).db;
    // A change nobody hears (its trigger off): both servers still answer from the cache...
    await db.execute(sql`ALTER TABLE memberships DISABLE TRIGGER rights_changed`);
    try {
      await db.execute(sql`DELETE FROM memberships WHERE tenant_id = ${server.tenantId} AND account_id = ${s.bob}`);
    } finally {
      await db.execute(sql`ALTER TABLE memberships ENABLE TRIGGER rights_changed`);
    }
    await get();
    await s.get();
    // ...until their listeners are cut: what they held may be stale, so it goes.
    // This database's listeners only: other test runs may share the server.
    await db.execute(sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${changeFeedApplicationName} AND datname = current_database()`);
    await within(1000, () => rejects(get(), Code.PermissionDenied, "no_application_rights").then(() => {}));
    await within(1000, () => rejects(s.get(), Code.PermissionDenied, "no_application_rights").then(() => {}));
  });

  test("the replica closes", async () => {
    await replica?.close();
    await other.close();
  });
}

test.run();
