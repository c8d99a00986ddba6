// Request IDs and the request log, over the real protocols: each request is
// one line (gRPC, Connect, /api/v3 through its in-process call, OAuth, health)
// with its method, protocol, codes, caller, tenant and peer; the request ID
// sent comes back on the response (a gRPC error: in its trailers) and is on
// the request's lines, the error's included; a missing or unusable one is
// replaced by a new one; and no secret the requests carried is in the log.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { ConnectError } from "@connectrpc/connect";
import { errorFromJsonBytes } from "@connectrpc/connect/protocol-connect";
import { GrantType } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { createLogger } from "../../src/log.js";
import { acceptRequestId } from "../../src/telemetry/request-log/index.js";
import { api } from "../helpers/clients.js";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { oauthClient } from "../oauth/core-helpers.js";

type Line = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const output: string[] = [];
const server = await startTestServer({}, { log: createLogger({ level: "debug", format: "json", write: (l) => output.push(l) }) });
const owner = await server.population.user({ id: "log-owner" });
const app = await server.population.application({ kind: "user", id: owner.id }, { id: "log-app" });
const keyId = owner.apiKey.split(".")[1]!;
const client = await oauthClient(server, { id: "log-cli", rights: [R("RIGHT_USER_INFO")], grants: [GrantType.GRANT_PASSWORD] });

/** Every secret the requests below send; none may reach the log. */
const secrets = new Set<string>([owner.apiKey, owner.apiKey.split(".")[2]!, server.adminAPIKey, server.adminAPIKey.split(".")[2]!, owner.password, client.secret]);

const ulid = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const lines = (): Line[] => output.map((l) => JSON.parse(l) as Line);

/** The request lines of a request ID, once its line is written (after the answer: when the response closes). */
async function requestLines(requestId: string): Promise<Line[]> {
  const of = () => lines().filter((l) => l.msg === "request finished" && l.request_id === requestId);
  for (let i = 0; i < 200 && of().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 30)); // a second line would come by now
  return of();
}

async function theLine(requestId: string): Promise<Line> {
  const found = await requestLines(requestId);
  assert.is(found.length, 1, `request lines of ${requestId}: ${JSON.stringify(found)}`);
  return found[0]!;
}

// A plain grpc-js client, as another stack component calls.
const definition = protoLoader.loadSync(["ttn/lorawan/v3/application_services.proto", "ttn/lorawan/v3/identityserver.proto"], {
  includeDirs: ["proto", "node_modules/google-proto-files"],
  keepCase: true,
  enums: String,
  longs: String,
  defaults: false,
});
const pkg = grpc.loadPackageDefinition(definition) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
const apps = new pkg.ttn.lorawan.v3.ApplicationRegistry(server.grpcAddress, grpc.credentials.createInsecure());

interface GrpcResult {
  err?: grpc.ServiceError;
  header: grpc.Metadata;
}

function grpcGet(applicationId: string, key: string, requestId?: string): Promise<GrpcResult> {
  const md = new grpc.Metadata();
  md.set("authorization", `Bearer ${key}`);
  if (requestId !== undefined) md.set("x-request-id", requestId);
  return new Promise((resolve) => {
    let header = new grpc.Metadata();
    const call = apps.Get({ application_ids: { application_id: applicationId }, field_mask: { paths: ["name"] } }, md, (err: grpc.ServiceError | null) =>
      resolve({ err: err ?? undefined, header }),
    );
    call.on("metadata", (m: grpc.Metadata) => (header = m));
  });
}

/** A Connect (JSON) call with fetch. */
async function connect(path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(`${server.httpURL}/${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

test("gRPC: one line with the call's fields; the request ID sent comes back in the header", async () => {
  const { err, header } = await grpcGet(app, owner.apiKey, "grpc-ok-1");
  assert.is(err, undefined);
  assert.equal(header.get("x-request-id"), ["grpc-ok-1"]);
  const line = await theLine("grpc-ok-1");
  assert.is(line.level, "debug");
  assert.is(line.protocol, "grpc");
  assert.is(line.method, "ttn.lorawan.v3.ApplicationRegistry/Get");
  assert.is(line.grpc_code, "OK");
  assert.is(line.http_status, 200);
  assert.type(line.duration_ms, "number");
  assert.ok(line.duration_ms >= 0);
  assert.is(line.caller_kind, "api_key");
  assert.is(line.caller_id, `user:${owner.id}`);
  assert.is(line.api_key_id, keyId);
  assert.is(line.tenant_id, server.tenantId);
  assert.match(line.peer_address, /^(127\.0\.0\.1|\[::1\]|\[::ffff:127\.0\.0\.1\]):\d+$/);
});

test("gRPC error: the request ID in the trailers grpc-js reports, on the request line and on the error's line", async () => {
  const { err } = await grpcGet("log-nope", server.adminAPIKey, "grpc-err-1");
  assert.is(err?.code, grpc.status.NOT_FOUND);
  assert.equal(err?.metadata.get("x-request-id"), ["grpc-err-1"]);
  const line = await theLine("grpc-err-1");
  assert.is(line.level, "info");
  assert.is(line.grpc_code, "NotFound");
  assert.is(line.error, "pkg/identityserver/store:application_not_found");
  assert.match(line.correlation_id, /^[0-9a-f]{32}$/);
  assert.is(line.caller_id, "user:admin");
  // The error interceptor's line: the same request, the same correlation ID.
  const refused = lines().find((l) => l.msg !== "request finished" && l.correlation_id === line.correlation_id);
  assert.ok(refused, "the error's own line");
  assert.is(refused.request_id, "grpc-err-1");
});

test("gRPC: an unknown method (answered before any interceptor) still has its ID in the trailers and one line", async () => {
  const raw = new grpc.Client(server.grpcAddress, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  md.set("x-request-id", "grpc-unknown-1");
  const err = await new Promise<grpc.ServiceError | null>((resolve) => {
    raw.makeUnaryRequest("/foo.Bar/Baz", (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), md, (e) => resolve(e));
  });
  raw.close();
  assert.is(err?.code, grpc.status.UNIMPLEMENTED);
  assert.equal(err?.metadata.get("x-request-id"), ["grpc-unknown-1"]);
  const line = await theLine("grpc-unknown-1");
  assert.is(line.method, "foo.Bar/Baz");
  assert.is(line.grpc_code, "Unimplemented");
  assert.is(line.caller_kind, "none");
});

test("Connect: one line; the request ID on the answer, also on an error's", async () => {
  const ok = await connect("ttn.lorawan.v3.EntityAccess/AuthInfo", {}, { authorization: `Bearer ${owner.apiKey}`, "x-request-id": "connect-ok-1" });
  assert.is(ok.status, 200);
  assert.is(ok.headers.get("x-request-id"), "connect-ok-1");
  const line = await theLine("connect-ok-1");
  assert.is(line.protocol, "connect");
  assert.is(line.method, "ttn.lorawan.v3.EntityAccess/AuthInfo");
  assert.is(line.grpc_code, "OK");
  assert.is(line.caller_kind, "api_key");
  assert.is(line.api_key_id, keyId);

  // A key that does not exist: the line names what the header claimed (its ID), never the secret.
  const forged = `NNSXS.${"A".repeat(39)}.${"B".repeat(52)}`;
  secrets.add(forged).add("B".repeat(52));
  const bad = await connect("ttn.lorawan.v3.EntityAccess/AuthInfo", {}, { authorization: `Bearer ${forged}`, "x-request-id": "connect-err-1" });
  assert.is(bad.status, 401);
  assert.is(bad.headers.get("x-request-id"), "connect-err-1");
  const failed = await theLine("connect-err-1");
  assert.is(failed.level, "info");
  assert.is(failed.grpc_code, "Unauthenticated");
  assert.is(failed.http_status, 401);
  assert.is(failed.error, "pkg/identityserver:api_key_not_found");
  const answered = errorFromJsonBytes(new Uint8Array(await bad.arrayBuffer()), undefined, new ConnectError("undecodable"));
  assert.is(failed.correlation_id, answered.findDetails(ErrorDetailsSchema)[0]?.correlationId);
  assert.is(failed.caller_kind, "api_key");
  assert.is(failed.api_key_id, "A".repeat(39));
});

test("/api/v3: one line (protocol api, the call's method), not one more for the in-process call", async () => {
  const res = await api(server, "GET", `/applications/${app}?field_mask=name`, { key: owner.apiKey, headers: { "x-request-id": "api-ok-1" } });
  assert.is(res.status, 200);
  assert.is(res.headers.get("x-request-id"), "api-ok-1");
  const line = await theLine("api-ok-1");
  assert.is(line.protocol, "api");
  assert.is(line.method, "ttn.lorawan.v3.ApplicationRegistry/Get");
  assert.is(line.http_method, "GET");
  assert.is(line.http_path, `/api/v3/applications/${app}`);
  assert.is(line.http_status, 200);
  assert.is(line.grpc_code, "OK");
  assert.is(line.caller_kind, "api_key");
  assert.is(line.caller_id, `user:${owner.id}`);
  assert.is(line.tenant_id, server.tenantId);

  const missing = await api(server, "GET", "/applications/log-nope", { key: server.adminAPIKey, headers: { "x-request-id": "api-err-1" } });
  assert.is(missing.status, 404);
  assert.is(missing.headers.get("x-request-id"), "api-err-1");
  const failed = await theLine("api-err-1");
  assert.is(failed.level, "info");
  assert.is(failed.http_status, 404);
  assert.is(failed.grpc_code, "NotFound");
  assert.is(failed.correlation_id, missing.body.details[0].correlation_id);
});

test("OAuth token request: one line (protocol http); a request without an ID gets a new one", async () => {
  const basic = Buffer.from(`${client.id}:${client.secret}`).toString("base64");
  secrets.add(basic);
  const res = await fetch(`${server.httpURL}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}` },
    body: new URLSearchParams({ grant_type: "password", username: owner.id, password: owner.password }).toString(),
  });
  const body = (await res.json()) as { access_token: string; refresh_token?: string };
  assert.is(res.status, 200, JSON.stringify(body));
  secrets.add(body.access_token).add(body.access_token.split(".")[2]!);
  if (body.refresh_token) secrets.add(body.refresh_token).add(body.refresh_token.split(".")[2]!);
  const id = res.headers.get("x-request-id") ?? "";
  assert.match(id, ulid);
  const line = await theLine(id);
  assert.is(line.protocol, "http");
  assert.is(line.method, "POST /oauth/token");
  assert.is(line.http_status, 200);
  assert.is(line.grpc_code, undefined);
  assert.is(line.caller_kind, "none");
  assert.is(line.tenant_id, server.tenantId);

  // The access token as a credential: its kind and ID, not the token.
  const info = await connect("ttn.lorawan.v3.EntityAccess/AuthInfo", {}, { authorization: `Bearer ${body.access_token}`, "x-request-id": "token-use-1" });
  assert.is(info.status, 200);
  const used = await theLine("token-use-1");
  assert.is(used.caller_kind, "oauth_access_token");
  assert.is(used.caller_id, `user:${owner.id}`);
  assert.is(used.access_token_id, body.access_token.split(".")[1]);
});

test("health and a 404 page: a request ID and a line too", async () => {
  const health = await fetch(`${server.httpURL}/healthz/live`);
  assert.match(health.headers.get("x-request-id") ?? "", ulid);
  assert.is((await theLine(health.headers.get("x-request-id")!)).protocol, "http");
  const nothing = await fetch(`${server.httpURL}/no/such/page`, { headers: { cookie: "_session=COOKIE-SECRET-VALUE-1" } });
  secrets.add("COOKIE-SECRET-VALUE-1");
  assert.is(nothing.status, 404);
  const line = await theLine(nothing.headers.get("x-request-id")!);
  assert.is(line.http_status, 404);
  assert.is(line.level, "info");
});

test("an unusable request ID (too long, not printable ASCII) is replaced by a new one, everywhere", async () => {
  for (const sent of ["x".repeat(129), "tab\there", "caf\u00e9"]) {
    const res = await api(server, "GET", `/applications/${app}`, { key: owner.apiKey, headers: { "x-request-id": sent } });
    const id = res.headers.get("x-request-id") ?? "";
    assert.match(id, ulid, JSON.stringify(sent));
    await theLine(id);
    assert.not.ok(lines().some((l) => l.request_id === sent));
  }
  const { header } = await grpcGet(app, owner.apiKey, "y".repeat(200));
  assert.match(String(header.get("x-request-id")[0]), ulid);
  // What no client library lets through, as the server would judge it.
  for (const hostile of ["line\nbreak", "carriage\rreturn", "nul\0", "", "with space", ["a", "b"]]) assert.match(acceptRequestId(hostile), ulid);
  assert.is(acceptRequestId("x".repeat(128)), "x".repeat(128));
  assert.is(acceptRequestId("0f1e-AZ_req:1/2+3=@"), "0f1e-AZ_req:1/2+3=@");
});

// (The default, debug, is what the tests above see: successes at debug, failures at info.)
test("log.request-level: successes at the level asked for, failures at info or that level when higher", async () => {
  const quiet: string[] = [];
  const other: TestServer = await startTestServer({ "log.request-level": "warn" }, { log: createLogger({ level: "info", format: "json", write: (l) => quiet.push(l) }) });
  try {
    const res = await api(other, "GET", "/applications/nope", { key: other.adminAPIKey, headers: { "x-request-id": "level-1" } });
    assert.is(res.status, 404);
    const ok = await api(other, "GET", "/users/admin", { key: other.adminAPIKey, headers: { "x-request-id": "level-2" } });
    assert.is(ok.status, 200);
    for (let i = 0; i < 100 && quiet.filter((l) => l.includes("request finished")).length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const levels = quiet.map((l) => JSON.parse(l) as Line).filter((l) => l.msg === "request finished").map((l) => `${l.request_id} ${l.level}`);
    assert.equal(levels.sort(), ["level-1 warn", "level-2 warn"]);
  } finally {
    await other.close();
  }
});

test("no secret reaches the log: API keys, passwords, client secrets, tokens, cookies, authorization headers", () => {
  const all = output.join("\n");
  assert.ok(output.length > 20, "the suite logged");
  for (const secret of secrets) assert.not.ok(all.includes(secret), `a secret in the log: ${secret.slice(0, 8)}...`);
  assert.not.ok(/"(authorization|cookie|set-cookie)"\s*:|Bearer |Basic /i.test(all), "no header of credentials");
});

test.after(() => server.close());
test.run();
