// EntityAccess.AuthInfo: who a credential belongs to and what it may do, the
// credential errors of every request, user-state restrictions (with the
// `warning` header), admins' universal rights and cluster keys.
import { create, type DescService } from "@bufbuild/protobuf";
import { createClient, type Client, Code, ConnectError } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { EntityAccess, type AuthInfoResponse } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { generateToken, TokenType } from "../../src/auth/tokens.js";
import { api, connectClient, grpcClient, type HttpResult } from "../helpers/clients.js";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";

const CLUSTER_KEY = "11111111111111111111111111111111";
const server = await startTestServer({ "cluster.keys": [CLUSTER_KEY] });
const allRightsServer = await startTestServer({ "is.admin-rights.all": true });
const pop = server.population;

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

/** Awaits `call`, which must fail with gRPC `code` and error `name` (and `namespace`, when given). */
async function fails(call: Promise<unknown>, code: Code, name: string, namespace?: string): Promise<ConnectError> {
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
  return err;
}

function httpFails(res: HttpResult, code: Code, name: string, namespace?: string): void {
  const details = res.body?.details?.[0];
  assert.is(details?.name, name, JSON.stringify(res.body));
  if (namespace) assert.is(details?.namespace, namespace);
  assert.is(res.body?.code, code, JSON.stringify(res.body));
  assert.is(res.status, httpStatus[code], JSON.stringify(res.body));
}

/** A client that sends `authorization` exactly as given. */
function rawClient<S extends DescService>(s: TestServer, service: S, authorization: string, proto: "grpc" | "connect" = "grpc"): Client<S> {
  const interceptors = [(next: any) => (req: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    req.header.set("authorization", authorization);
    return next(req);
  }];
  const transport = proto === "grpc"
    ? createGrpcTransport({ baseUrl: `http://${s.grpcAddress}`, interceptors })
    : createConnectTransport({ baseUrl: s.httpURL, httpVersion: "1.1", interceptors });
  return createClient(service, transport);
}

/** AuthInfo over gRPC with the response's `warning` header. */
async function authInfo(s: TestServer, key?: string): Promise<{ info: AuthInfoResponse; warning: string | null }> {
  let warning: string | null = null;
  const info = await grpcClient(s, EntityAccess, key).authInfo({}, { onHeader: (h) => (warning = h.get("warning")) });
  return { info, warning };
}

/** Asserts the same failure over gRPC, Connect and HTTP for a raw authorization header. */
async function authFailsEverywhere(authorization: string, code: Code, name: string, namespace?: string): Promise<void> {
  await fails(rawClient(server, EntityAccess, authorization).authInfo({}), code, name, namespace);
  await fails(rawClient(server, EntityAccess, authorization, "connect").authInfo({}), code, name, namespace);
  httpFails(await api(server, "GET", "/auth_info", { headers: { authorization } }), code, name, namespace);
}

const names = (rights: readonly Right[]) => rights.map((r) => Right[r]).sort();
const apiKeyOf = (info: AuthInfoResponse) => (info.accessMethod.case === "apiKey" ? info.accessMethod.value : undefined);

// ---- bad credentials ---------------------------------------------------------

it("a bearer value that is not a token: pkg/auth:token (InvalidArgument) on every protocol", async () => {
  await authFailsEverywhere("Bearer garbage", Code.InvalidArgument, "token", "pkg/auth");
  await authFailsEverywhere("Bearer NNSXS.only-two", Code.InvalidArgument, "token", "pkg/auth");
  await authFailsEverywhere("Bearer XXXXX.ABC.DEF", Code.InvalidArgument, "token", "pkg/auth");
});

it("a scheme other than Bearer/ClusterKey: unsupported_authorization on every protocol", async () => {
  await authFailsEverywhere("Basic x", Code.Unauthenticated, "unsupported_authorization", "pkg/identityserver");
  await authFailsEverywhere("Token abc", Code.Unauthenticated, "unsupported_authorization");
});

it("a well-formed token of a type that is not an API key: unsupported_authorization", async () => {
  // Refresh tokens and authorization codes are never accepted as request credentials.
  const refresh = generateToken(TokenType.RefreshToken).value;
  await fails(rawClient(server, EntityAccess, `Bearer ${refresh}`).authInfo({}), Code.Unauthenticated, "unsupported_authorization");
});

it("an unknown API key ID: api_key_not_found (Unauthenticated) on every protocol", async () => {
  await authFailsEverywhere(`Bearer ${generateToken(TokenType.APIKey).value}`, Code.Unauthenticated, "api_key_not_found", "pkg/identityserver");
});

it("a known API key ID with a wrong secret: invalid_authorization on every protocol", async () => {
  const key = await pop.apiKey({ kind: "user", id: "admin" }, R("RIGHT_USER_INFO"));
  const [type, id] = key.split(".");
  const wrong = `${type}.${id}.${generateToken(TokenType.APIKey).secret}`;
  await authFailsEverywhere(`Bearer ${wrong}`, Code.Unauthenticated, "invalid_authorization", "pkg/identityserver");
});

it("an expired API key: api_key_expired", async () => {
  const key = await pop.apiKey({ kind: "user", id: "admin" }, R("RIGHT_USER_INFO"), { expiresAt: new Date(Date.now() - 1000) });
  await fails(grpcClient(server, EntityAccess, key).authInfo({}), Code.Unauthenticated, "api_key_expired");
  httpFails(await api(server, "GET", "/auth_info", { key }), Code.Unauthenticated, "api_key_expired");
});

it("an API key of another tenant is unknown here: api_key_not_found", async () => {
  // allRightsServer shares the database but is another tenant.
  await fails(grpcClient(server, EntityAccess, allRightsServer.adminAPIKey).authInfo({}), Code.Unauthenticated, "api_key_not_found");
  await fails(grpcClient(allRightsServer, EntityAccess, server.adminAPIKey).authInfo({}), Code.Unauthenticated, "api_key_not_found");
});

it("bad credentials fail every method, public ones included (UserRegistry.Create)", async () => {
  const user = { ids: { userId: "never-created" }, primaryEmailAddress: "never@example.com", password: "Secret-Passw0rd" };
  await fails(rawClient(server, UserRegistry, "Bearer garbage").create({ user }), Code.InvalidArgument, "token");
  await fails(rawClient(server, UserRegistry, "Basic x").create({ user }), Code.Unauthenticated, "unsupported_authorization");
});

// ---- AuthInfo --------------------------------------------------------------------

it("without credentials: an empty answer ({} over HTTP) on every protocol", async () => {
  const viaGrpc = await grpcClient(server, EntityAccess).authInfo({});
  assert.is(viaGrpc.accessMethod.case, undefined);
  assert.is(viaGrpc.isAdmin, false);
  assert.is(viaGrpc.universalRights, undefined);
  const viaConnect = await connectClient(server, EntityAccess).authInfo({});
  assert.is(viaConnect.accessMethod.case, undefined);
  assert.is(viaConnect.universalRights, undefined);
  const res = await api(server, "GET", "/auth_info");
  assert.is(res.status, 200);
  assert.equal(res.body, {});
});

it("a user's API key: the key (without secret) with implied rights and the user as entity", async () => {
  const u = await pop.user({ id: "ea-plain" });
  const key = await pop.apiKey({ kind: "user", id: u.id }, R("RIGHT_USER_INFO"), R("RIGHT_APPLICATION_ALL"));
  const { info, warning } = await authInfo(server, key);
  const access = apiKeyOf(info);
  assert.ok(access, "api_key access method");
  assert.is(access.apiKey?.id, key.split(".")[1]);
  assert.is(access.apiKey?.key, "");
  assert.is(access.entityIds?.ids.case === "userIds" && access.entityIds.ids.value.userId, u.id);
  // APPLICATION_ALL implies every application right.
  const rights = names(access.apiKey!.rights);
  assert.ok(rights.includes("USER_INFO") && rights.includes("APPLICATION_ALL") && rights.includes("APPLICATION_INFO") && rights.includes("APPLICATION_DELETE"), rights.join());
  assert.not.ok(rights.includes("USER_DELETE"));
  assert.is(info.isAdmin, false);
  assert.is(info.universalRights, undefined);
  assert.is(warning, null);

  const res = await api(server, "GET", "/auth_info", { key });
  assert.is(res.status, 200);
  assert.is(res.body.api_key.api_key.id, key.split(".")[1]);
  assert.is(res.body.api_key.api_key.key, undefined);
  assert.equal(res.body.api_key.entity_ids, { user_ids: { user_id: u.id } });
  assert.ok(res.body.api_key.api_key.rights.includes("RIGHT_USER_INFO"));
  assert.is(res.body.is_admin, undefined);
  assert.is(res.body.universal_rights, undefined);
});

it("an admin's key: is_admin and universal rights without the _KEYS and _ALL rights", async () => {
  const { info } = await authInfo(server, server.adminAPIKey);
  assert.is(info.isAdmin, true);
  const universal = names(info.universalRights?.rights ?? []);
  for (const r of ["USER_INFO", "USER_DELETE", "APPLICATION_INFO", "APPLICATION_DELETE", "GATEWAY_INFO", "SEND_INVITES"]) {
    assert.ok(universal.includes(r), `universal rights include ${r}`);
  }
  for (const r of universal) assert.not.ok(/_(KEYS|ALL)$/.test(r) || r === "ALL", `universal rights must not include ${r}`);
  assert.not.ok(universal.includes("USER_SETTINGS_API_KEYS"));
  assert.not.ok(universal.includes("APPLICATION_SETTINGS_API_KEYS"));

  const res = await api(server, "GET", "/auth_info", { key: server.adminAPIKey });
  assert.is(res.body.is_admin, true);
  assert.equal([...res.body.universal_rights.rights].sort(), universal.map((r) => `RIGHT_${r}`).sort());
});

it("with is.admin-rights.all an admin's universal rights include _KEYS and _ALL", async () => {
  const { info } = await authInfo(allRightsServer, allRightsServer.adminAPIKey);
  assert.is(info.isAdmin, true);
  const universal = names(info.universalRights?.rights ?? []);
  for (const r of ["ALL", "USER_ALL", "APPLICATION_ALL", "USER_SETTINGS_API_KEYS", "APPLICATION_SETTINGS_API_KEYS"]) {
    assert.ok(universal.includes(r), `universal rights include ${r}`);
  }
});

it("an admin's universal rights never exceed the key's own rights", async () => {
  const key = await pop.apiKey({ kind: "user", id: "admin" }, R("RIGHT_USER_INFO"), R("RIGHT_APPLICATION_INFO"));
  const { info } = await authInfo(server, key);
  assert.is(info.isAdmin, true);
  assert.equal(names(info.universalRights?.rights ?? []), ["APPLICATION_INFO", "USER_INFO"]);
});

// ---- user states ------------------------------------------------------------------

async function userInState(id: string, state: State, description = "", admin = false) {
  const u = await pop.user({ id, state, admin });
  if (description) await pop.store.users.update(id, create(UserSchema, { stateDescription: description }), ["state_description"]);
  return u;
}

it("REQUESTED: rights restricted to USER_INFO, USER_SETTINGS_BASIC, USER_DELETE, with a warning; not admin", async () => {
  const u = await userInState("ea-requested", State.REQUESTED, "", true);
  const { info, warning } = await authInfo(server, u.apiKey);
  assert.equal(names(apiKeyOf(info)!.apiKey!.rights), ["USER_DELETE", "USER_INFO", "USER_SETTINGS_BASIC"]);
  assert.is(info.isAdmin, false);
  assert.is(info.universalRights, undefined);
  assert.is(warning, "Restricted rights while account pending");
  const res = await api(server, "GET", "/auth_info", { key: u.apiKey });
  assert.is(res.headers.get("x-warning"), "Restricted rights while account pending");
  assert.equal([...res.body.api_key.api_key.rights].sort(), ["RIGHT_USER_DELETE", "RIGHT_USER_INFO", "RIGHT_USER_SETTINGS_BASIC"]);
});

it("REJECTED: rights restricted to USER_INFO, USER_DELETE; the warning carries the description", async () => {
  const u = await userInState("ea-rejected", State.REJECTED, "spam");
  const { info, warning } = await authInfo(server, u.apiKey);
  assert.equal(names(apiKeyOf(info)!.apiKey!.rights), ["USER_DELETE", "USER_INFO"]);
  assert.is(warning, "Restricted rights after account rejection: spam");
  const res = await api(server, "GET", "/auth_info", { key: u.apiKey });
  assert.is(res.headers.get("x-warning"), "Restricted rights after account rejection: spam");
  const plain = await userInState("ea-rejected-plain", State.REJECTED);
  assert.is((await authInfo(server, plain.apiKey)).warning, "Restricted rights after account rejection");
});

it("SUSPENDED: rights restricted to USER_INFO, with a warning; an admin loses admin", async () => {
  const u = await userInState("ea-suspended", State.SUSPENDED, "abuse", true);
  const { info, warning } = await authInfo(server, u.apiKey);
  assert.equal(names(apiKeyOf(info)!.apiKey!.rights), ["USER_INFO"]);
  assert.is(info.isAdmin, false);
  assert.is(info.universalRights, undefined);
  assert.is(warning, "Restricted rights after account suspension: abuse");
  const connectWarning = await new Promise<string | null>((resolve, reject) => {
    connectClient(server, EntityAccess, u.apiKey).authInfo({}, { onHeader: (h) => resolve(h.get("warning")) }).catch(reject);
  });
  assert.is(connectWarning, "Restricted rights after account suspension: abuse");
});

it("FLAGGED: rights kept, no warning, but not admin", async () => {
  const u = await userInState("ea-flagged", State.FLAGGED, "", true);
  const { info, warning } = await authInfo(server, u.apiKey);
  assert.ok(names(apiKeyOf(info)!.apiKey!.rights).includes("ALL"));
  assert.ok(names(apiKeyOf(info)!.apiKey!.rights).includes("USER_SETTINGS_API_KEYS"));
  assert.is(info.isAdmin, false);
  assert.is(info.universalRights, undefined);
  assert.is(warning, null);
});

it("restricted rights are enforced: a SUSPENDED user cannot update their profile, a REQUESTED one can", async () => {
  const suspended = await userInState("ea-susp-upd", State.SUSPENDED);
  await fails(
    grpcClient(server, UserRegistry, suspended.apiKey).update({ user: { ids: { userId: suspended.id }, name: "x" }, fieldMask: { paths: ["name"] } }),
    Code.PermissionDenied, "insufficient_user_rights",
  );
  const requested = await userInState("ea-req-upd", State.REQUESTED);
  const updated = await grpcClient(server, UserRegistry, requested.apiKey).update({ user: { ids: { userId: requested.id }, name: "Pending" }, fieldMask: { paths: ["name"] } });
  assert.is(updated.name, "Pending");
});

it("non-approved users may read themselves but fail RequireAuthenticated elsewhere (user_requested/rejected/suspended)", async () => {
  const other = await pop.user({ id: "ea-other" });
  for (const [id, state, name] of [["ea-ra-req", State.REQUESTED, "user_requested"], ["ea-ra-rej", State.REJECTED, "user_rejected"], ["ea-ra-sus", State.SUSPENDED, "user_suspended"]] as const) {
    const u = await userInState(id, state);
    const own = await grpcClient(server, UserRegistry, u.apiKey).get({ userIds: { userId: u.id }, fieldMask: { paths: ["name"] } });
    assert.is(own.name, `User ${id}`);
    // Public fields of another user need RequireAuthenticated, which refuses non-approved users.
    await fails(grpcClient(server, UserRegistry, u.apiKey).get({ userIds: { userId: other.id }, fieldMask: { paths: ["name"] } }), Code.PermissionDenied, name, "pkg/identityserver");
  }
  const flagged = await userInState("ea-ra-flag", State.FLAGGED);
  const viaFlagged = await grpcClient(server, UserRegistry, flagged.apiKey).get({ userIds: { userId: other.id }, fieldMask: { paths: ["name"] } });
  assert.is(viaFlagged.name, "User ea-other");
});

// ---- cluster keys ---------------------------------------------------------------

it("a cluster key: universal read/info rights, no access method, not admin", async () => {
  for (const proto of ["grpc", "connect"] as const) {
    const info = await rawClient(server, EntityAccess, `ClusterKey ${CLUSTER_KEY}`, proto).authInfo({});
    assert.is(info.accessMethod.case, undefined);
    assert.is(info.isAdmin, false);
    const universal = names(info.universalRights?.rights ?? []);
    assert.ok(universal.length > 0);
    for (const r of ["USER_INFO", "APPLICATION_INFO", "GATEWAY_INFO", "APPLICATION_TRAFFIC_READ"]) assert.ok(universal.includes(r), `cluster rights include ${r}`);
    for (const r of universal) assert.ok(/_(READ|INFO)$/.test(r), `cluster rights only read/info rights, got ${r}`);
  }
  const res = await api(server, "GET", "/auth_info", { headers: { authorization: `ClusterKey ${CLUSTER_KEY}` } });
  assert.is(res.status, 200);
  assert.equal(Object.keys(res.body), ["universal_rights"]);
});

it("a cluster key reads users (USER_INFO) but is no admin (List: permission_denied)", async () => {
  const got = await rawClient(server, UserRegistry, `ClusterKey ${CLUSTER_KEY}`).get({ userIds: { userId: "admin" }, fieldMask: { paths: ["name", "primary_email_address"] } });
  assert.is(got.primaryEmailAddress, "admin@example.com");
  await fails(rawClient(server, UserRegistry, `ClusterKey ${CLUSTER_KEY}`).list({}), Code.PermissionDenied, "permission_denied");
});

it("a wrong cluster key, or one on a server without cluster keys, is refused", async () => {
  await authFailsEverywhere("ClusterKey 22222222222222222222222222222222", Code.Unauthenticated, "invalid_cluster_key");
  await authFailsEverywhere("ClusterKey not-hex", Code.Unauthenticated, "invalid_cluster_key");
  await authFailsEverywhere("ClusterKey", Code.Unauthenticated, "invalid_cluster_key");
  await fails(rawClient(allRightsServer, EntityAccess, `ClusterKey ${CLUSTER_KEY}`).authInfo({}), Code.Unauthenticated, "invalid_cluster_key");
});

test.after(async () => {
  await server.close();
  await allRightsServer.close();
});
test.run();
