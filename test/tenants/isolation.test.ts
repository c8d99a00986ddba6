// Two tenants with identical IDs inside (user "alice", application "app1"),
// addressed by host name (`<tenant>.localhost` with base domain localhost) and by
// the `tenant-id` header/metadata, over gRPC (grpc-js with its authority,
// connect-node's gRPC transport with metadata), Connect and /api/v3: each sees
// only its own entities, credentials of one are unknown to the other and to the
// default tenant, a host and a header that disagree are refused, and an
// unknown, suspended or deleted tenant is refused before anything is served.
import { randomBytes } from "node:crypto";
import http from "node:http";
import * as grpc from "@grpc/grpc-js";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { sql } from "drizzle-orm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationSchema, GetApplicationRequestSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { api as fetchApi, grpcClient, type HttpResult } from "../helpers/clients.js";
import { testDatabase } from "../helpers/database.js";
import { httpError, rejects, userRef } from "../helpers/expect.js";
import { startTestServer } from "../helpers/harness.js";
import { Population } from "../helpers/population.js";

const server = await startTestServer({ "tenancy.base-domains": ["localhost"] });
const db = (await testDatabase()).db;
const suffix = randomBytes(3).toString("hex");
const acme = `acme-${suffix}`;
const other = `other-${suffix}`;
await db.execute(sql`INSERT INTO tenants (tenant_id, name) VALUES (${acme}, 'Acme'), (${other}, 'Other')`);
const port = new URL(server.httpURL).port;
const hostOf = (tenant: string) => `${tenant}.localhost:${port}`;

async function populate(tenant: string, appName: string) {
  const p = new Population(server.server.tenants.store(tenant));
  const alice = await p.user({ id: "alice" });
  await p.application(userRef("alice"), { id: "app1", name: appName });
  return alice;
}
const aliceA = await populate(acme, "Acme's app");
const aliceB = await populate(other, "Other's app");

/**
 * /api/v3 over node:http: fetch sets Host from the URL whatever it is given,
 * and *.localhost does not resolve here, so the host header is sent as a
 * browser on acme.localhost would send it.
 */
function api(_: unknown, method: string, path: string, opts: { key?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  if (!opts.headers?.host) return fetchApi(server, method, path, opts);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.httpURL}/api/v3${path}`, { method, headers }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: new Headers(res.headers as Record<string, string>), body: text ? JSON.parse(text) : undefined }));
    });
    req.on("error", reject);
    req.end();
  });
}

const withHeaders = (headers: Record<string, string>): Interceptor[] => [
  (next) => (req) => {
    for (const [k, v] of Object.entries(headers)) req.header.set(k, v);
    return next(req);
  },
];
/** connect-node's gRPC transport, the tenant named by metadata. */
const byMetadata = (tenant: string, key: string) =>
  createClient(ApplicationRegistry, createGrpcTransport({ baseUrl: `http://${server.grpcAddress}`, interceptors: withHeaders({ "tenant-id": tenant, authorization: `Bearer ${key}` }) }));
const getApp1 = { applicationIds: { applicationId: "app1" }, fieldMask: { paths: ["name"] } };

/** grpc-js with the tenant's host as the channel's authority (what a client dialing acme.example.com sends). */
function grpcJsGet(authority: string, key: string): Promise<{ name?: string; code?: number; details?: string }> {
  const client = new grpc.Client(server.grpcAddress, grpc.credentials.createInsecure(), { "grpc.default_authority": authority });
  const metadata = new grpc.Metadata();
  metadata.set("authorization", `Bearer ${key}`);
  const request = Buffer.from(toBinary(GetApplicationRequestSchema, create(GetApplicationRequestSchema, getApp1)));
  return new Promise((resolve) => {
    client.makeUnaryRequest("/ttn.lorawan.v3.ApplicationRegistry/Get", (b: Buffer) => b, (b: Buffer) => b, request, metadata, (err, value) => {
      client.close();
      if (err) resolve({ code: err.code, details: err.details });
      else resolve({ name: fromBinary(ApplicationSchema, value!).name });
    });
  });
}

/**
 * Retries `check` for up to a second: changes made here by SQL reach the
 * server's cache of tenant records through PostgreSQL's notifications, a few
 * milliseconds after the commit (PGlite's arrive at once).
 */
async function soon(check: () => Promise<unknown>): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() - start > 1000) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

test("the same IDs in two tenants: each host and each tenant-id sees its own", async () => {
  assert.is((await grpcJsGet(hostOf(acme), aliceA.apiKey)).name, "Acme's app");
  assert.is((await grpcJsGet(hostOf(other), aliceB.apiKey)).name, "Other's app");
  assert.is((await byMetadata(acme, aliceA.apiKey).get(getApp1)).name, "Acme's app");
  assert.is((await byMetadata(other, aliceB.apiKey).get(getApp1)).name, "Other's app");
  const a = await api(server, "GET", "/applications/app1?field_mask=name", { key: aliceA.apiKey, headers: { host: hostOf(acme) } });
  assert.is(a.status, 200, JSON.stringify(a.body));
  assert.is(a.body.name, "Acme's app");
  const b = await api(server, "GET", "/applications/app1?field_mask=name", { key: aliceB.apiKey, headers: { "tenant-id": other } });
  assert.is(b.body.name, "Other's app");
});

test("a credential of one tenant is unknown in the other and in the default tenant", async () => {
  const onOther = await grpcJsGet(hostOf(other), aliceA.apiKey);
  assert.is(onOther.code, grpc.status.UNAUTHENTICATED, JSON.stringify(onOther));
  await rejects(byMetadata(other, aliceA.apiKey).get(getApp1), Code.Unauthenticated, "api_key_not_found");
  httpError(await api(server, "GET", "/applications/app1", { key: aliceA.apiKey, headers: { host: hostOf(other) } }), 401, "api_key_not_found");
  // The default tenant (no tenant in the host, no header) has no such key either.
  await rejects(grpcClient(server, EntityAccess, aliceA.apiKey).authInfo({}), Code.Unauthenticated, "api_key_not_found");
  // And the default tenant's admin key is unknown to the tenants.
  await rejects(byMetadata(acme, server.adminAPIKey).get(getApp1), Code.Unauthenticated, "api_key_not_found");
});

test("a host and a tenant-id that disagree are refused; a bad tenant ID too", async () => {
  const res = await api(server, "GET", "/applications/app1", { key: aliceA.apiKey, headers: { host: hostOf(acme), "tenant-id": other } });
  httpError(res, 400, "tenant_mismatch");
  const agreeing = await api(server, "GET", "/applications/app1?field_mask=name", { key: aliceA.apiKey, headers: { host: hostOf(acme), "tenant-id": acme } });
  assert.is(agreeing.status, 200);
  httpError(await api(server, "GET", "/applications/app1", { key: aliceA.apiKey, headers: { "tenant-id": "Not_A_Tenant" } }), 400, "invalid_tenant_id");
  const badHost = await grpcJsGet(`Bad_Label.localhost:${port}`, aliceA.apiKey);
  assert.is(badHost.code, grpc.status.INVALID_ARGUMENT, JSON.stringify(badHost));
});

test("an unknown tenant is not found, by host and by header", async () => {
  httpError(await api(server, "GET", "/applications/app1", { key: aliceA.apiKey, headers: { host: hostOf(`nobody-${suffix}`) } }), 404, "tenant_not_found");
  await rejects(byMetadata(`nobody-${suffix}`, aliceA.apiKey).get(getApp1), Code.NotFound, "tenant_not_found");
  // Even public methods: nothing is served for a tenant that does not exist.
  const info = await api(server, "GET", "/auth_info", { headers: { host: hostOf(`nobody-${suffix}`) } });
  httpError(info, 404, "tenant_not_found");
});

test("a suspended tenant refuses its credentials until it is approved again; the other tenant goes on", async () => {
  const client = byMetadata(acme, aliceA.apiKey);
  await client.get(getApp1); // cached record and credentials
  await db.execute(sql`UPDATE tenants SET state = ${State.SUSPENDED}, state_description = 'unpaid invoices' WHERE tenant_id = ${acme}`);
  try {
    await soon(() => rejects(client.get(getApp1), Code.PermissionDenied, "tenant_suspended"));
    const res = await api(server, "GET", "/applications/app1", { key: aliceA.apiKey, headers: { "tenant-id": acme } });
    httpError(res, 403, "tenant_suspended");
    assert.match(res.body.message, /unpaid invoices/);
    httpError(await api(server, "GET", "/applications/app1", { key: aliceA.apiKey, headers: { host: hostOf(acme) } }), 403, "tenant_suspended");
    assert.is((await byMetadata(other, aliceB.apiKey).get(getApp1)).name, "Other's app");
  } finally {
    await db.execute(sql`UPDATE tenants SET state = ${State.APPROVED}, state_description = '' WHERE tenant_id = ${acme}`);
  }
  await soon(async () => assert.is((await client.get(getApp1)).name, "Acme's app"));
});

test("a deleted tenant is refused as deleted", async () => {
  await db.execute(sql`UPDATE tenants SET deleted_at = now() WHERE tenant_id = ${other}`);
  try {
    await soon(() => rejects(byMetadata(other, aliceB.apiKey).get(getApp1), Code.PermissionDenied, "tenant_deleted"));
  } finally {
    await db.execute(sql`UPDATE tenants SET deleted_at = NULL WHERE tenant_id = ${other}`);
  }
  await soon(async () => assert.is((await byMetadata(other, aliceB.apiKey).get(getApp1)).name, "Other's app"));
});

test("hosts that name no tenant (the base domain itself, an IP address, another domain) are the default tenant's", async () => {
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `example.net:${port}`, `deeper.${acme}.localhost:${port}`]) {
    const res = await api(server, "GET", "/auth_info", { key: server.adminAPIKey, headers: { host } });
    assert.is(res.status, 200, `${host}: ${JSON.stringify(res.body)}`);
    assert.is(res.body.api_key?.entity_ids?.user_ids?.user_id, "admin", host);
  }
});

test("close", async () => {
  await server.close();
  await db.execute(sql`DELETE FROM tenants WHERE tenant_id IN (${acme}, ${other})`);
});

test.run();
