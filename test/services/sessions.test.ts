// UserSessionRegistry (list and end a user's login sessions, RIGHT_USER_ALL),
// the session store the OAuth login will use (create, constant-time verify,
// expiry), and what ends sessions: UpdatePassword with revoke_all_access, user
// delete and purge. Sessions are created through the store, as the OAuth login
// will create them.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { UserRegistry, UserSessionRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { api, connectClient, grpcClient } from "../helpers/clients.js";
import { httpError, it, rejects } from "../helpers/expect.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";

const HOUR = 3600_000;
const server = await startTestServer();
/** Admins with every right, _ALL included. */
const allRights = await startTestServer({ "is.admin-rights.all": true });
test.after(async () => {
  await server.close();
  await allRights.close();
});

const store = server.server.store;
const sessions = (key?: string) => grpcClient(server, UserSessionRegistry, key);
const users = (key?: string) => grpcClient(server, UserRegistry, key);
const ids = (userId: string) => ({ userId });

/** `n` sessions of the user, one minute apart (oldest first). */
async function sessionsOf(userId: string, n: number, start = Date.now() - HOUR) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await store.sessions.create(userId, { now: new Date(start + i * 60_000) }));
  return out;
}

// ---- permission denied ---------------------------------------------------------

it("List and Delete without credentials: unauthenticated (401)", async () => {
  const u = await server.population.user();
  const [s] = await sessionsOf(u.id, 1);
  await rejects(sessions().list({ userIds: ids(u.id) }), Code.Unauthenticated, "unauthenticated");
  await rejects(sessions().delete({ userIds: ids(u.id), sessionId: s!.session.sessionId }), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "GET", `/users/${u.id}/sessions`), 401, "unauthenticated");
  httpError(await api(server, "DELETE", `/users/${u.id}/sessions/${s!.session.sessionId}`), 401, "unauthenticated");
});

it("another user's key: no_user_rights (403), and the session survives", async () => {
  const u = await server.population.user();
  const other = await server.population.user();
  const [s] = await sessionsOf(u.id, 1);
  await rejects(sessions(other.apiKey).list({ userIds: ids(u.id) }), Code.PermissionDenied, "no_user_rights");
  await rejects(sessions(other.apiKey).delete({ userIds: ids(u.id), sessionId: s!.session.sessionId }), Code.PermissionDenied, "no_user_rights");
  httpError(await api(server, "GET", `/users/${u.id}/sessions`, { key: other.apiKey }), 403, "no_user_rights");
  assert.ok(await store.sessions.get(u.id, s!.session.sessionId));
});

it("the user's own key without RIGHT_USER_ALL: insufficient_user_rights naming it", async () => {
  const u = await server.population.user();
  const [s] = await sessionsOf(u.id, 1);
  const key = await server.population.apiKey({ kind: "user", id: u.id }, R("RIGHT_USER_INFO"), R("RIGHT_USER_SETTINGS_BASIC"), R("RIGHT_USER_DELETE"));
  const failure = await rejects(sessions(key).list({ userIds: ids(u.id) }), Code.PermissionDenied, "insufficient_user_rights");
  assert.equal(failure.attributes.missing, ["RIGHT_USER_ALL"]);
  await rejects(sessions(key).delete({ userIds: ids(u.id), sessionId: s!.session.sessionId }), Code.PermissionDenied, "insufficient_user_rights");
  httpError(await api(server, "DELETE", `/users/${u.id}/sessions/${s!.session.sessionId}`, { key }), 403, "insufficient_user_rights");
});

it("admins need is.admin-rights.all (RIGHT_USER_ALL is an _ALL right)", async () => {
  const u = await server.population.user();
  await rejects(sessions(server.adminAPIKey).list({ userIds: ids(u.id) }), Code.PermissionDenied, "insufficient_user_rights");
  const v = await allRights.population.user();
  await allRights.server.store.sessions.create(v.id, { now: new Date() });
  const res = await grpcClient(allRights, UserSessionRegistry, allRights.adminAPIKey).list({ userIds: ids(v.id) });
  assert.is(res.sessions.length, 1);
});

// ---- list ------------------------------------------------------------------------

it("List: the user's sessions without secrets, X-Total-Count, pages, order", async () => {
  const u = await server.population.user();
  const made = await sessionsOf(u.id, 5);
  await sessionsOf((await server.population.user()).id, 2); // someone else's
  let total = "";
  const all = await sessions(u.apiKey).list({ userIds: ids(u.id), order: "created_at" }, { onHeader: (h) => void (total = h.get("x-total-count") ?? "") });
  assert.is(total, "5");
  assert.equal(all.sessions.map((s) => s.sessionId), made.map((m) => m.session.sessionId));
  for (const s of all.sessions) {
    assert.is(s.sessionSecret, "");
    assert.is(s.userIds?.userId, u.id);
  }
  assert.is(timestampDate(all.sessions[0]!.createdAt!).getTime(), timestampDate(made[0]!.session.createdAt!).getTime());
  const newest = await sessions(u.apiKey).list({ userIds: ids(u.id), order: "-created_at", limit: 2, page: 1 });
  assert.equal(newest.sessions.map((s) => s.sessionId), [made[4]!.session.sessionId, made[3]!.session.sessionId]);
  const last = await sessions(u.apiKey).list({ userIds: ids(u.id), order: "-created_at", limit: 2, page: 3 });
  assert.equal(last.sessions.map((s) => s.sessionId), [made[0]!.session.sessionId]);
  // Without an order: by session ID.
  const byId = await sessions(u.apiKey).list({ userIds: ids(u.id) });
  assert.equal(byId.sessions.map((s) => s.sessionId), made.map((m) => m.session.sessionId).sort());
});

it("List: a bad order or limit is a validation error", async () => {
  const u = await server.population.user();
  await rejects(sessions(u.apiKey).list({ userIds: ids(u.id), order: "session_secret" }), Code.InvalidArgument, "validation");
  await rejects(sessions(u.apiKey).list({ userIds: ids(u.id), limit: 1001 }), Code.InvalidArgument, "validation");
  await rejects(sessions(u.apiKey).list({ userIds: ids("Bad_ID") }), Code.InvalidArgument, "validation");
});

it("List over HTTP: proto field names, X-Total-Count, no session_secret", async () => {
  const u = await server.population.user();
  const [s] = await sessionsOf(u.id, 2);
  const res = await api(server, "GET", `/users/${u.id}/sessions?order=created_at&limit=1`, { key: u.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.headers.get("x-total-count"), "2");
  assert.is(res.body.sessions.length, 1);
  const [first] = res.body.sessions;
  assert.equal(Object.keys(first).sort(), ["created_at", "session_id", "updated_at", "user_ids"]);
  assert.is(first.session_id, s!.session.sessionId);
  assert.equal(first.user_ids, { user_id: u.id });
  assert.not.ok(JSON.stringify(res.body).includes(s!.secret));
});

// ---- delete ----------------------------------------------------------------------

it("Delete ends one session; a session of another user or an unknown one is user_session_not_found", async () => {
  const u = await server.population.user();
  const other = await server.population.user();
  const [a, b] = await sessionsOf(u.id, 2);
  const [theirs] = await sessionsOf(other.id, 1);
  await sessions(u.apiKey).delete({ userIds: ids(u.id), sessionId: a!.session.sessionId });
  await rejects(store.sessions.verify(a!.session.sessionId, a!.secret, new Date()), Code.NotFound, "user_session_not_found");
  assert.equal((await sessions(u.apiKey).list({ userIds: ids(u.id) })).sessions.map((s) => s.sessionId), [b!.session.sessionId]);
  await rejects(sessions(u.apiKey).delete({ userIds: ids(u.id), sessionId: theirs!.session.sessionId }), Code.NotFound, "user_session_not_found");
  assert.ok(await store.sessions.get(other.id, theirs!.session.sessionId), "the other user's session survives");
  await rejects(sessions(u.apiKey).delete({ userIds: ids(u.id), sessionId: a!.session.sessionId }), Code.NotFound, "user_session_not_found");
  await rejects(sessions(u.apiKey).delete({ userIds: ids(u.id), sessionId: "" }), Code.InvalidArgument, "validation");
  await rejects(sessions(u.apiKey).delete({ userIds: ids(u.id), sessionId: "x".repeat(65) }), Code.InvalidArgument, "validation");
});

it("Delete over HTTP and Connect", async () => {
  const u = await server.population.user();
  const [a, b] = await sessionsOf(u.id, 2);
  const res = await api(server, "DELETE", `/users/${u.id}/sessions/${a!.session.sessionId}`, { key: u.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  httpError(await api(server, "DELETE", `/users/${u.id}/sessions/${a!.session.sessionId}`, { key: u.apiKey }), 404, "user_session_not_found");
  await connectClient(server, UserSessionRegistry, u.apiKey).delete({ userIds: ids(u.id), sessionId: b!.session.sessionId });
  assert.is((await store.sessions.find(u.id, { limit: 10, page: 1 })).total, 0);
});

// ---- the store: verify -------------------------------------------------------------

it("store: verify needs the right secret; the secret is stored hashed; expiry counts", async () => {
  const u = await server.population.user();
  const { session, secret } = await store.sessions.create(u.id, { now: new Date() });
  assert.match(secret, /^[A-Z2-7]{52}$/);
  assert.match(session.sessionId, /^[A-Z2-7]{39}$/);
  assert.is(session.sessionSecret, "");
  assert.is((await store.sessions.verify(session.sessionId, secret, new Date())).userIds?.userId, u.id);
  await rejects(store.sessions.verify(session.sessionId, secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A"), new Date()), Code.NotFound, "user_session_not_found");
  await rejects(store.sessions.verify("NOSUCHSESSION", secret, new Date()), Code.NotFound, "user_session_not_found");
  const expiring = await store.sessions.create(u.id, { now: new Date(), expiresAt: new Date(Date.now() + HOUR) });
  assert.ok(await store.sessions.verify(expiring.session.sessionId, expiring.secret, new Date()));
  await rejects(store.sessions.verify(expiring.session.sessionId, expiring.secret, new Date(Date.now() + 2 * HOUR)), Code.Unauthenticated, "session_expired");
});

// ---- what ends sessions ----------------------------------------------------------------

it("UpdatePassword with revoke_all_access ends every session of the user (and only theirs); without it they stay", async () => {
  const u = await server.population.user();
  const other = await server.population.user();
  await sessionsOf(u.id, 3);
  await sessionsOf(other.id, 1);
  await users().updatePassword({ userIds: ids(u.id), old: u.password, new: "Fresh-Passw0rd-1" });
  assert.is((await store.sessions.find(u.id, { limit: 10, page: 1 })).total, 3);
  await users().updatePassword({ userIds: ids(u.id), old: "Fresh-Passw0rd-1", new: "Fresh-Passw0rd-2", revokeAllAccess: true });
  assert.is((await store.sessions.find(u.id, { limit: 10, page: 1 })).total, 0);
  assert.is((await store.sessions.find(other.id, { limit: 10, page: 1 })).total, 1);
});

it("a failed UpdatePassword with revoke_all_access ends nothing", async () => {
  const u = await server.population.user();
  await sessionsOf(u.id, 2);
  await rejects(users().updatePassword({ userIds: ids(u.id), old: "Wrong-Passw0rd", new: "Fresh-Passw0rd-1", revokeAllAccess: true }), Code.Unauthenticated, "old_password");
  await rejects(users().updatePassword({ userIds: ids(u.id), old: u.password, new: "weak", revokeAllAccess: true }), Code.InvalidArgument, "password_strength");
  assert.is((await store.sessions.find(u.id, { limit: 10, page: 1 })).total, 2);
});

it("over HTTP: PUT /users/{id}/password with revoke_all_access", async () => {
  const u = await server.population.user();
  await sessionsOf(u.id, 2);
  const res = await api(server, "PUT", `/users/${u.id}/password`, { body: { old: u.password, new: "Fresh-Passw0rd-1", revoke_all_access: true } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is((await store.sessions.find(u.id, { limit: 10, page: 1 })).total, 0);
});

it("deleting a user ends their sessions; a restore does not bring them back", async () => {
  const u = await server.population.user();
  const [s] = await sessionsOf(u.id, 2);
  await users(u.apiKey).delete(ids(u.id));
  assert.is((await store.sessions.find(u.id, { limit: 10, page: 1 })).total, 0);
  await users(server.adminAPIKey).restore(ids(u.id));
  await rejects(store.sessions.verify(s!.session.sessionId, s!.secret, new Date()), Code.NotFound, "user_session_not_found");
});

it("purging a user ends their sessions", async () => {
  const u = await server.population.user();
  await sessionsOf(u.id, 2);
  await users(server.adminAPIKey).purge(ids(u.id));
  assert.is((await store.sessions.find(u.id, { limit: 10, page: 1 })).total, 0);
});

it("a refused delete (the last admin) ends no session", async () => {
  const solo = await startTestServer();
  try {
    await solo.server.store.sessions.create("admin", { now: new Date() });
    await rejects(grpcClient(solo, UserRegistry, solo.adminAPIKey).delete(ids("admin")), Code.FailedPrecondition, "last_admin");
    assert.is((await solo.server.store.sessions.find("admin", { limit: 10, page: 1 })).total, 1);
  } finally {
    await solo.close();
  }
});

test.run();
