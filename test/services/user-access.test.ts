// UserAccess: a user's rights and API keys. Permission-denied cases first,
// then the API key lifecycle, over gRPC and (a subset) HTTP and Connect.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { UserAccess } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { api, connectClient, grpcClient, type HttpResult } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";

let clockOffset = 0;
const server = await startTestServer({}, { now: () => new Date(Date.now() + clockOffset) });
const pop = server.population;
const HOUR = 3600_000;

// ---- helpers ---------------------------------------------------------------

/**
 * `test`, but an unexpected ConnectError fails just this test: uvu's reporter
 * calls `err.details.split()`, and a ConnectError's `details` is an array, so
 * reporting one aborts the whole suite.
 */
function it(name: string, fn: () => Promise<void>): void {
  test(name, async () => {
    try {
      await fn();
    } catch (e) {
      if (e instanceof ConnectError) throw new Error(`unexpected error ${e.message}`);
      throw e;
    }
  });
}


const httpStatus: Partial<Record<Code, number>> = {
  [Code.InvalidArgument]: 400, [Code.FailedPrecondition]: 400, [Code.Unauthenticated]: 401, [Code.PermissionDenied]: 403,
  [Code.NotFound]: 404, [Code.AlreadyExists]: 409,
};

/** Awaits `call`, which must fail with gRPC `code` and error `name`; returns the error's public attributes. */
async function fails(call: Promise<unknown>, code: Code, name: string, namespace?: string): Promise<Record<string, unknown>> {
  let err: ConnectError | undefined;
  try {
    await call;
  } catch (e) {
    err = ConnectError.from(e);
  }
  if (!err) throw new Error(`expected ${name}, the call succeeded`);
  const details = err.findDetails(ErrorDetailsSchema)[0];
  assert.is(details?.name, name, err.message);
  if (namespace) assert.is(details?.namespace, namespace, err.message);
  assert.is(err.code, code, `${err.message}: code ${Code[err.code]}, want ${Code[code]}`);
  return (details?.attributes ?? {}) as Record<string, unknown>;
}

function httpFails(res: HttpResult, code: Code, name: string): Record<string, unknown> {
  const details = res.body?.details?.[0];
  assert.is(details?.name, name, JSON.stringify(res.body));
  assert.is(res.body?.code, code, JSON.stringify(res.body));
  assert.is(res.status, httpStatus[code], JSON.stringify(res.body));
  return details?.attributes ?? {};
}

const names = (rights: readonly Right[]) => rights.map((r) => `RIGHT_${Right[r]}`).sort();
const userIds = (userId: string) => ({ userId });
const keyIdOf = (token: string) => token.split(".")[1]!;
const userAccess = (key?: string) => grpcClient(server, UserAccess, key);

async function works(key: string): Promise<boolean> {
  try {
    await grpcClient(server, EntityAccess, key).authInfo({});
    return true;
  } catch {
    return false;
  }
}

// ---- permission denied -----------------------------------------------------------

const owner = await pop.user({ id: "ua-owner" });
const stranger = await pop.user({ id: "ua-stranger" });
const ownerKeyId = keyIdOf(owner.apiKey);

it("without credentials every method is unauthenticated, on gRPC, Connect and HTTP", async () => {
  const anon = userAccess();
  // Thunks: a rejected promise nobody awaits yet would be an unhandled rejection.
  const calls: (() => Promise<unknown>)[] = [
    () => anon.listRights(userIds(owner.id)),
    () => anon.createAPIKey({ userIds: userIds(owner.id), rights: [Right.USER_INFO] }),
    () => anon.listAPIKeys({ userIds: userIds(owner.id) }),
    () => anon.getAPIKey({ userIds: userIds(owner.id), keyId: ownerKeyId }),
    () => anon.updateAPIKey({ userIds: userIds(owner.id), apiKey: { id: ownerKeyId, name: "x" }, fieldMask: { paths: ["name"] } }),
    () => anon.deleteAPIKey({ userIds: userIds(owner.id), keyId: ownerKeyId }),
  ];
  for (const call of calls) await fails(call(), Code.Unauthenticated, "unauthenticated", "pkg/identityserver");
  await fails(connectClient(server, UserAccess).listAPIKeys({ userIds: userIds(owner.id) }), Code.Unauthenticated, "unauthenticated");
  httpFails(await api(server, "GET", `/users/${owner.id}/api-keys`), Code.Unauthenticated, "unauthenticated");
  httpFails(await api(server, "POST", `/users/${owner.id}/api-keys`, { body: { rights: ["RIGHT_USER_INFO"] } }), Code.Unauthenticated, "unauthenticated");
  assert.ok(await works(owner.apiKey), "nothing was deleted");
});

it("another user's key: no_user_rights on every key method; ListRights answers no rights", async () => {
  const other = userAccess(stranger.apiKey);
  const calls: (() => Promise<unknown>)[] = [
    () => other.createAPIKey({ userIds: userIds(owner.id), rights: [Right.USER_INFO] }),
    () => other.listAPIKeys({ userIds: userIds(owner.id) }),
    () => other.getAPIKey({ userIds: userIds(owner.id), keyId: ownerKeyId }),
    () => other.updateAPIKey({ userIds: userIds(owner.id), apiKey: { id: ownerKeyId, name: "x" }, fieldMask: { paths: ["name"] } }),
    () => other.deleteAPIKey({ userIds: userIds(owner.id), keyId: ownerKeyId }),
  ];
  for (const call of calls) await fails(call(), Code.PermissionDenied, "no_user_rights", "pkg/auth/rights");
  assert.equal((await other.listRights(userIds(owner.id))).rights, []);
  // All three protocols agree.
  await fails(connectClient(server, UserAccess, stranger.apiKey).getAPIKey({ userIds: userIds(owner.id), keyId: ownerKeyId }), Code.PermissionDenied, "no_user_rights");
  httpFails(await api(server, "GET", `/users/${owner.id}/api-keys/${ownerKeyId}`, { key: stranger.apiKey }), Code.PermissionDenied, "no_user_rights");
  const rights = await api(server, "GET", `/users/${owner.id}/rights`, { key: stranger.apiKey });
  assert.is(rights.status, 200);
  assert.equal(rights.body, {});
  assert.ok(await works(owner.apiKey), "the owner's key survived");
});

it("a key of a user that does not exist: no_user_rights (non-admins do not learn what exists)", async () => {
  await fails(userAccess(stranger.apiKey).listAPIKeys({ userIds: userIds("ua-nobody") }), Code.PermissionDenied, "no_user_rights");
});

it("own key without USER_SETTINGS_API_KEYS: insufficient_user_rights naming it", async () => {
  const infoOnly = await pop.apiKey({ kind: "user", id: owner.id }, Right.USER_INFO);
  const c = userAccess(infoOnly);
  for (const call of [
    () => c.createAPIKey({ userIds: userIds(owner.id), rights: [Right.USER_INFO] }),
    () => c.listAPIKeys({ userIds: userIds(owner.id) }),
    () => c.getAPIKey({ userIds: userIds(owner.id), keyId: ownerKeyId }),
    () => c.updateAPIKey({ userIds: userIds(owner.id), apiKey: { id: ownerKeyId, name: "x" }, fieldMask: { paths: ["name"] } }),
    () => c.deleteAPIKey({ userIds: userIds(owner.id), keyId: ownerKeyId }),
  ]) {
    const attrs = await fails(call(), Code.PermissionDenied, "insufficient_user_rights", "pkg/auth/rights");
    assert.equal(attrs.missing, ["RIGHT_USER_SETTINGS_API_KEYS"]);
  }
  const res = await api(server, "GET", `/users/${owner.id}/api-keys`, { key: infoOnly });
  assert.equal(httpFails(res, Code.PermissionDenied, "insufficient_user_rights").missing, ["RIGHT_USER_SETTINGS_API_KEYS"]);
});

it("CreateAPIKey cannot grant a right the creator's key lacks: insufficient_user_rights naming it", async () => {
  // As in the stack (rights.RequireUser with the requested rights): insufficient_user_rights, `missing` names them.
  const limited = await pop.apiKey({ kind: "user", id: owner.id }, Right.USER_SETTINGS_API_KEYS, Right.USER_INFO);
  const attrs = await fails(
    userAccess(limited).createAPIKey({ userIds: userIds(owner.id), name: "escalate", rights: [Right.USER_INFO, Right.USER_DELETE] }),
    Code.PermissionDenied, "insufficient_user_rights",
  );
  assert.equal(attrs.missing, ["RIGHT_USER_DELETE"]);
  // USER_ALL stands for every user right: all those the key lacks are named.
  const all = await fails(userAccess(limited).createAPIKey({ userIds: userIds(owner.id), rights: [Right.USER_ALL] }), Code.PermissionDenied, "insufficient_user_rights");
  assert.ok((all.missing as string[]).includes("RIGHT_USER_ALL") && (all.missing as string[]).includes("RIGHT_USER_DELETE"), String(all.missing));
  assert.not.ok((all.missing as string[]).includes("RIGHT_USER_INFO"));
  const viaHttp = await api(server, "POST", `/users/${owner.id}/api-keys`, { key: limited, body: { name: "escalate", rights: ["RIGHT_USER_DELETE"] } });
  assert.equal(httpFails(viaHttp, Code.PermissionDenied, "insufficient_user_rights").missing, ["RIGHT_USER_DELETE"]);
  await fails(
    connectClient(server, UserAccess, limited).createAPIKey({ userIds: userIds(owner.id), rights: [Right.USER_DELETE] }),
    Code.PermissionDenied, "insufficient_user_rights",
  );
  // Nothing was created by the refused calls.
  const keys = await userAccess(owner.apiKey).listAPIKeys({ userIds: userIds(owner.id), limit: 1000 });
  assert.not.ok(keys.apiKeys.some((k) => k.name === "escalate"));
});

it("UpdateAPIKey cannot add, nor take away, rights the caller lacks: insufficient_user_rights", async () => {
  const limited = await pop.apiKey({ kind: "user", id: owner.id }, Right.USER_SETTINGS_API_KEYS, Right.USER_INFO);
  const target = await pop.apiKey({ kind: "user", id: owner.id }, Right.USER_INFO);
  const add = await fails(
    userAccess(limited).updateAPIKey({ userIds: userIds(owner.id), apiKey: { id: keyIdOf(target), rights: [Right.USER_INFO, Right.USER_DELETE] }, fieldMask: { paths: ["rights"] } }),
    Code.PermissionDenied, "insufficient_user_rights",
  );
  assert.equal(add.missing, ["RIGHT_USER_DELETE"]);
  const strong = await pop.apiKey({ kind: "user", id: owner.id }, Right.USER_INFO, Right.USER_DELETE);
  const remove = await fails(
    userAccess(limited).updateAPIKey({ userIds: userIds(owner.id), apiKey: { id: keyIdOf(strong), rights: [Right.USER_INFO] }, fieldMask: { paths: ["rights"] } }),
    Code.PermissionDenied, "insufficient_user_rights",
  );
  assert.equal(remove.missing, ["RIGHT_USER_DELETE"]);
  const stored = await userAccess(owner.apiKey).getAPIKey({ userIds: userIds(owner.id), keyId: keyIdOf(strong) });
  assert.equal(names(stored.rights), ["RIGHT_USER_DELETE", "RIGHT_USER_INFO"]);
});

it("admins do not manage other users' API keys without is.admin-rights.all", async () => {
  const attrs = await fails(userAccess(server.adminAPIKey).listAPIKeys({ userIds: userIds(owner.id) }), Code.PermissionDenied, "insufficient_user_rights");
  assert.equal(attrs.missing, ["RIGHT_USER_SETTINGS_API_KEYS"]);
  // A user that does not exist: admins learn that it does not.
  await fails(userAccess(server.adminAPIKey).listAPIKeys({ userIds: userIds("ua-nobody") }), Code.NotFound, "user_not_found");
});

it("invalid user IDs: validation naming user_ids.user_id", async () => {
  const attrs = await fails(userAccess(owner.apiKey).listAPIKeys({ userIds: userIds("UPPER") }), Code.InvalidArgument, "validation", "pkg/errors");
  assert.is(attrs.field, "user_ids.user_id");
  await fails(userAccess(owner.apiKey).listRights(userIds("")), Code.InvalidArgument, "validation");
});

// ---- ListRights ----------------------------------------------------------------------

it("ListRights: own key answers the key's rights (implied), admins their universal user rights", async () => {
  const two = await pop.apiKey({ kind: "user", id: owner.id }, Right.USER_INFO, Right.USER_SETTINGS_BASIC);
  assert.equal(names((await userAccess(two).listRights(userIds(owner.id))).rights), ["RIGHT_USER_INFO", "RIGHT_USER_SETTINGS_BASIC"]);
  const userAll = await pop.apiKey({ kind: "user", id: owner.id }, Right.USER_ALL);
  const implied = names((await userAccess(userAll).listRights(userIds(owner.id))).rights);
  for (const r of ["RIGHT_USER_ALL", "RIGHT_USER_INFO", "RIGHT_USER_DELETE", "RIGHT_USER_SETTINGS_API_KEYS"]) assert.ok(implied.includes(r), r);
  assert.not.ok(implied.includes("RIGHT_APPLICATION_INFO"));
  const full = names((await userAccess(owner.apiKey).listRights(userIds(owner.id))).rights);
  assert.ok(full.includes("RIGHT_USER_ALL") && full.includes("RIGHT_APPLICATION_ALL"), "a RIGHT_ALL key holds user and entity rights");

  const admin = names((await userAccess(server.adminAPIKey).listRights(userIds(owner.id))).rights);
  assert.ok(admin.includes("RIGHT_USER_INFO") && admin.includes("RIGHT_USER_DELETE"));
  assert.not.ok(admin.includes("RIGHT_USER_SETTINGS_API_KEYS") || admin.includes("RIGHT_USER_ALL"), admin.join());

  const res = await api(server, "GET", `/users/${owner.id}/rights`, { key: two });
  assert.is(res.status, 200);
  assert.equal([...res.body.rights].sort(), ["RIGHT_USER_INFO", "RIGHT_USER_SETTINGS_BASIC"]);
  const viaConnect = await connectClient(server, UserAccess, two).listRights(userIds(owner.id));
  assert.equal(names(viaConnect.rights), ["RIGHT_USER_INFO", "RIGHT_USER_SETTINGS_BASIC"]);
});

// ---- CreateAPIKey ----------------------------------------------------------------------

const TOKEN = /^NNSXS\.([A-Z2-7]{39})\.([A-Z2-7]{52})$/;

it("CreateAPIKey returns the token once (NNSXS.<39>.<52>); it works for AuthInfo with exactly its rights", async () => {
  const created = await userAccess(owner.apiKey).createAPIKey({ userIds: userIds(owner.id), name: "cli", rights: [Right.USER_INFO, Right.APPLICATION_INFO] });
  const m = TOKEN.exec(created.key);
  assert.ok(m, created.key);
  assert.is(created.id, m[1]);
  assert.is(created.name, "cli");
  assert.equal(names(created.rights), ["RIGHT_APPLICATION_INFO", "RIGHT_USER_INFO"]);
  assert.ok(created.createdAt);
  const info = await grpcClient(server, EntityAccess, created.key).authInfo({});
  assert.is(info.accessMethod.case, "apiKey");
  const access = info.accessMethod.value as { apiKey?: { id: string; rights: Right[] }; entityIds?: { ids: { case?: string; value?: { userId?: string } } } };
  assert.is(access.apiKey?.id, created.id);
  assert.equal(names(access.apiKey!.rights), ["RIGHT_APPLICATION_INFO", "RIGHT_USER_INFO"]);
  assert.is(access.entityIds?.ids.value?.userId, owner.id);
  // The new key may read the user, not change it.
  assert.equal(names((await userAccess(created.key).listRights(userIds(owner.id))).rights), ["RIGHT_APPLICATION_INFO", "RIGHT_USER_INFO"]);
  // The secret is not stored in the clear.
  const stored = await pop.store.apiKeys.lookup(created.id);
  assert.ok(stored?.secretHash.startsWith("HS256$"), stored?.secretHash);
  assert.not.ok(stored!.secretHash.includes(m[2]!));
});

it("CreateAPIKey over HTTP and Connect: same token format, rights by name", async () => {
  const res = await api(server, "POST", `/users/${owner.id}/api-keys`, { key: owner.apiKey, body: { name: "http", rights: ["RIGHT_USER_INFO"] } });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.ok(TOKEN.test(res.body.key), res.body.key);
  assert.equal(res.body.rights, ["RIGHT_USER_INFO"]);
  assert.is(res.body.name, "http");
  assert.ok(await works(res.body.key));
  const viaConnect = await connectClient(server, UserAccess, owner.apiKey).createAPIKey({ userIds: userIds(owner.id), rights: [Right.USER_INFO] });
  assert.ok(TOKEN.test(viaConnect.key));
  assert.ok(await works(viaConnect.key));
});

it("CreateAPIKey validation: empty rights, unknown or invalid right, past expiry, long name", async () => {
  const c = userAccess(owner.apiKey);
  const req = { userIds: userIds(owner.id), name: "bad" };
  assert.is((await fails(c.createAPIKey({ ...req, rights: [] }), Code.InvalidArgument, "validation", "pkg/errors")).field, "rights");
  assert.is((await fails(c.createAPIKey({ ...req, rights: [9999 as Right] }), Code.InvalidArgument, "validation")).field, "rights");
  assert.is((await fails(c.createAPIKey({ ...req, rights: [0 as Right] }), Code.InvalidArgument, "validation")).field, "rights");
  const past = timestampFromDate(new Date(Date.now() - 60_000));
  assert.is((await fails(c.createAPIKey({ ...req, rights: [Right.USER_INFO], expiresAt: past }), Code.InvalidArgument, "validation")).field, "expires_at");
  assert.is((await fails(c.createAPIKey({ ...req, name: "n".repeat(51), rights: [Right.USER_INFO] }), Code.InvalidArgument, "validation")).field, "name");
  httpFails(await api(server, "POST", `/users/${owner.id}/api-keys`, { key: owner.apiKey, body: { name: "bad", rights: [] } }), Code.InvalidArgument, "validation");
  await fails(connectClient(server, UserAccess, owner.apiKey).createAPIKey({ ...req, rights: [] }), Code.InvalidArgument, "validation");
  const keys = await c.listAPIKeys({ userIds: userIds(owner.id), limit: 1000 });
  assert.not.ok(keys.apiKeys.some((k) => k.name === "bad"), "no key was created");
});

it("a key past its expires_at is refused: api_key_expired", async () => {
  const created = await userAccess(owner.apiKey).createAPIKey({
    userIds: userIds(owner.id), name: "short-lived", rights: [Right.USER_INFO], expiresAt: timestampFromDate(new Date(Date.now() + HOUR)),
  });
  assert.ok(await works(created.key));
  clockOffset = 2 * HOUR;
  try {
    await fails(grpcClient(server, EntityAccess, created.key).authInfo({}), Code.Unauthenticated, "api_key_expired", "pkg/identityserver");
    await fails(userAccess(created.key).listRights(userIds(owner.id)), Code.Unauthenticated, "api_key_expired");
    httpFails(await api(server, "GET", `/users/${owner.id}/rights`, { key: created.key }), Code.Unauthenticated, "api_key_expired");
  } finally {
    clockOffset = 0;
  }
  assert.ok(await works(created.key));
});

// ---- ListAPIKeys, GetAPIKey ------------------------------------------------------------

it("ListAPIKeys: pagination, order, total in x-total-count (gRPC) / X-Total-Count (HTTP); `key` never returned", async () => {
  const u = await pop.user({ id: "ua-lister" }); // has one key: the population's
  const c = userAccess(u.apiKey);
  for (const name of ["x-c", "x-a", "x-b"]) await c.createAPIKey({ userIds: userIds(u.id), name, rights: [Right.USER_INFO] });
  const popKey = await c.getAPIKey({ userIds: userIds(u.id), keyId: keyIdOf(u.apiKey) });
  // "Key N" sorts before "x-…" both by byte and by any common collation.
  const sortedNames = [popKey.name, "x-a", "x-b", "x-c"];
  let total: string | null = null;
  const page1 = await c.listAPIKeys({ userIds: userIds(u.id), limit: 2, page: 1, order: "name" }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.is(total, "4");
  assert.equal(page1.apiKeys.map((k) => k.name), sortedNames.slice(0, 2));
  const all = await c.listAPIKeys({ userIds: userIds(u.id), order: "name" });
  assert.equal(all.apiKeys.map((k) => k.name), sortedNames);
  const page2 = await c.listAPIKeys({ userIds: userIds(u.id), limit: 2, page: 2, order: "name" });
  assert.equal(page2.apiKeys.map((k) => k.name), sortedNames.slice(2, 4));
  const desc = await c.listAPIKeys({ userIds: userIds(u.id), limit: 1, order: "-name" });
  assert.equal(desc.apiKeys.map((k) => k.name), [sortedNames[3]]);
  const past = await c.listAPIKeys({ userIds: userIds(u.id), limit: 2, page: 3 }, { onHeader: (h) => (total = h.get("x-total-count")) });
  assert.equal(past.apiKeys, []);
  assert.is(total, "4");
  for (const k of all.apiKeys) {
    assert.is(k.key, "", "key never returned");
    assert.ok(k.id.length === 39);
  }
  // Default order: by key ID.
  const byId = (await c.listAPIKeys({ userIds: userIds(u.id) })).apiKeys.map((k) => k.id);
  assert.equal(byId, [...byId].sort());
  await fails(c.listAPIKeys({ userIds: userIds(u.id), order: "secret" }), Code.InvalidArgument, "validation");
  await fails(c.listAPIKeys({ userIds: userIds(u.id), limit: 1001 }), Code.InvalidArgument, "validation");

  const res = await api(server, "GET", `/users/${u.id}/api-keys?limit=2&page=2&order=name`, { key: u.apiKey });
  assert.is(res.status, 200);
  assert.is(res.headers.get("x-total-count"), "4");
  assert.equal(res.body.api_keys.map((k: { name: string }) => k.name), sortedNames.slice(2, 4));
  for (const k of res.body.api_keys) assert.is(k.key, undefined);
  let connectTotal: string | null = null;
  await connectClient(server, UserAccess, u.apiKey).listAPIKeys({ userIds: userIds(u.id), limit: 1 }, { onHeader: (h) => (connectTotal = h.get("x-total-count")) });
  assert.is(connectTotal, "4");
});

it("GetAPIKey: the key without its secret; unknown IDs and other users' keys are NotFound", async () => {
  const created = await userAccess(owner.apiKey).createAPIKey({ userIds: userIds(owner.id), name: "get-me", rights: [Right.USER_INFO] });
  const got = await userAccess(owner.apiKey).getAPIKey({ userIds: userIds(owner.id), keyId: created.id });
  assert.is(got.id, created.id);
  assert.is(got.name, "get-me");
  assert.is(got.key, "");
  assert.equal(names(got.rights), ["RIGHT_USER_INFO"]);
  const res = await api(server, "GET", `/users/${owner.id}/api-keys/${created.id}`, { key: owner.apiKey });
  assert.is(res.status, 200);
  assert.is(res.body.name, "get-me");
  assert.is(res.body.key, undefined);
  await fails(userAccess(owner.apiKey).getAPIKey({ userIds: userIds(owner.id), keyId: "NOSUCHKEY" }), Code.NotFound, "api_key_not_found", "pkg/identityserver/store");
  // The stranger's key looked up under the owner: not found.
  await fails(userAccess(owner.apiKey).getAPIKey({ userIds: userIds(owner.id), keyId: keyIdOf(stranger.apiKey) }), Code.NotFound, "api_key_not_found");
  httpFails(await api(server, "GET", `/users/${owner.id}/api-keys/NOSUCHKEY`, { key: owner.apiKey }), Code.NotFound, "api_key_not_found");
});

// ---- UpdateAPIKey ----------------------------------------------------------------------

it("UpdateAPIKey: rename keeps rights; changing rights changes what the key may do", async () => {
  const c = userAccess(owner.apiKey);
  const created = await c.createAPIKey({ userIds: userIds(owner.id), name: "before", rights: [Right.USER_INFO, Right.USER_SETTINGS_BASIC] });
  const renamed = await c.updateAPIKey({ userIds: userIds(owner.id), apiKey: { id: created.id, name: "after", rights: [] }, fieldMask: { paths: ["name"] } });
  assert.is(renamed.name, "after");
  assert.is(renamed.key, "");
  assert.equal(names(renamed.rights), ["RIGHT_USER_INFO", "RIGHT_USER_SETTINGS_BASIC"]);

  const changed = await c.updateAPIKey({ userIds: userIds(owner.id), apiKey: { id: created.id, name: "ignored", rights: [Right.USER_INFO, Right.USER_DELETE] }, fieldMask: { paths: ["rights"] } });
  assert.is(changed.name, "after");
  assert.equal(names(changed.rights), ["RIGHT_USER_DELETE", "RIGHT_USER_INFO"]);
  assert.equal(names((await userAccess(created.key).listRights(userIds(owner.id))).rights), ["RIGHT_USER_DELETE", "RIGHT_USER_INFO"]);

  // An empty mask means name and rights.
  const both = await c.updateAPIKey({ userIds: userIds(owner.id), apiKey: { id: created.id, name: "both", rights: [Right.USER_INFO] } });
  assert.is(both.name, "both");
  assert.equal(names(both.rights), ["RIGHT_USER_INFO"]);

  const res = await api(server, "PUT", `/users/${owner.id}/api-keys/${created.id}`, {
    key: owner.apiKey, body: { api_key: { name: "via-http" }, field_mask: { paths: ["name"] } },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.name, "via-http");
  assert.equal(res.body.rights, ["RIGHT_USER_INFO"]);
  assert.is(res.body.key, undefined);
  assert.ok(await works(created.key));
});

it("UpdateAPIKey validation: unknown key NotFound, forbidden mask paths, past expiry, unknown right", async () => {
  const c = userAccess(owner.apiKey);
  const created = await c.createAPIKey({ userIds: userIds(owner.id), name: "val", rights: [Right.USER_INFO] });
  await fails(c.updateAPIKey({ userIds: userIds(owner.id), apiKey: { id: "NOSUCHKEY", name: "x" }, fieldMask: { paths: ["name"] } }), Code.NotFound, "api_key_not_found");
  await fails(c.updateAPIKey({ userIds: userIds(owner.id), apiKey: { id: created.id, key: "x" }, fieldMask: { paths: ["key"] } }), Code.InvalidArgument, "field_mask_paths");
  const past = timestampFromDate(new Date(Date.now() - 60_000));
  assert.is((await fails(c.updateAPIKey({ userIds: userIds(owner.id), apiKey: { id: created.id, expiresAt: past }, fieldMask: { paths: ["expires_at"] } }), Code.InvalidArgument, "validation")).field, "expires_at");
  const unchanged = await c.getAPIKey({ userIds: userIds(owner.id), keyId: created.id });
  assert.is(unchanged.name, "val");
  assert.equal(names(unchanged.rights), ["RIGHT_USER_INFO"]);
  assert.is(unchanged.expiresAt, undefined);
});

it("UpdateAPIKey with an unknown right number: validation (request validation comes before the rights check)", async () => {
  const c = userAccess(owner.apiKey);
  const created = await c.createAPIKey({ userIds: userIds(owner.id), name: "val-right", rights: [Right.USER_INFO] });
  const attrs = await fails(c.updateAPIKey({ userIds: userIds(owner.id), apiKey: { id: created.id, rights: [9999 as Right] }, fieldMask: { paths: ["rights"] } }), Code.InvalidArgument, "validation");
  assert.is(attrs.field, "api_key.rights");
});

it("UpdateAPIKey with `rights` in the mask and no rights deletes the key", async () => {
  const c = userAccess(owner.apiKey);
  const created = await c.createAPIKey({ userIds: userIds(owner.id), name: "doomed", rights: [Right.USER_INFO] });
  const res = await c.updateAPIKey({ userIds: userIds(owner.id), apiKey: { id: created.id, rights: [] }, fieldMask: { paths: ["rights"] } });
  assert.is(res.id, "");
  assert.is(res.name, "");
  await fails(c.getAPIKey({ userIds: userIds(owner.id), keyId: created.id }), Code.NotFound, "api_key_not_found");
  await fails(grpcClient(server, EntityAccess, created.key).authInfo({}), Code.Unauthenticated, "api_key_not_found");
  // Over HTTP the answer is {}.
  const other = await c.createAPIKey({ userIds: userIds(owner.id), name: "doomed-http", rights: [Right.USER_INFO] });
  const viaHttp = await api(server, "PUT", `/users/${owner.id}/api-keys/${other.id}`, { key: owner.apiKey, body: { api_key: { rights: [] }, field_mask: { paths: ["rights"] } } });
  assert.is(viaHttp.status, 200, JSON.stringify(viaHttp.body));
  assert.equal(viaHttp.body, {});
  assert.not.ok(await works(other.key));
});

// ---- DeleteAPIKey ----------------------------------------------------------------------

it("DeleteAPIKey: the key is refused afterwards; deleting again is NotFound", async () => {
  const c = userAccess(owner.apiKey);
  const created = await c.createAPIKey({ userIds: userIds(owner.id), name: "delete-me", rights: [Right.USER_INFO] });
  assert.ok(await works(created.key));
  await c.deleteAPIKey({ userIds: userIds(owner.id), keyId: created.id });
  await fails(grpcClient(server, EntityAccess, created.key).authInfo({}), Code.Unauthenticated, "api_key_not_found", "pkg/identityserver");
  httpFails(await api(server, "GET", "/auth_info", { key: created.key }), Code.Unauthenticated, "api_key_not_found");
  await fails(c.deleteAPIKey({ userIds: userIds(owner.id), keyId: created.id }), Code.NotFound, "api_key_not_found", "pkg/identityserver/store");

  const viaHttp = await c.createAPIKey({ userIds: userIds(owner.id), name: "delete-http", rights: [Right.USER_INFO] });
  const res = await api(server, "DELETE", `/users/${owner.id}/api-keys/${viaHttp.id}`, { key: owner.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body, {});
  assert.not.ok(await works(viaHttp.key));
  httpFails(await api(server, "DELETE", `/users/${owner.id}/api-keys/${viaHttp.id}`, { key: owner.apiKey }), Code.NotFound, "api_key_not_found");
});

it("a key may delete itself; the owner's other keys keep working", async () => {
  const self = await pop.apiKey({ kind: "user", id: owner.id }, Right.USER_SETTINGS_API_KEYS);
  await userAccess(self).deleteAPIKey({ userIds: userIds(owner.id), keyId: keyIdOf(self) });
  assert.not.ok(await works(self));
  assert.ok(await works(owner.apiKey));
});

test.after(() => server.close());
test.run();
