// OpenTelemetry tracing (tracing.*), exported over OTLP/HTTP to a receiver in
// this process: a gRPC call (grpc-js) and an /api/v3 call are one trace each,
// a SERVER span named after the method with the database spans inside (none
// for a lookup the auth cache answers); the client's traceparent is followed
// (also when sampling would say no, and its "not sampled" too); errors mark
// the span; hashing at the token endpoint; off by default (nothing sent, no
// trace_id in the request log); sample-probability 0 sends nothing; bad
// options stop the start; the writer exporter's lines.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { create } from "@bufbuild/protobuf";
import { GrantType } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { APIKeySchema } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { makePBKDF2 } from "../../src/auth/secrets.js";
import { generateToken, TokenType } from "../../src/auth/tokens.js";
import { ConfigError, loadConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/log.js";
import { collectorUrl } from "../../src/telemetry/tracing/settings.js";
import { LightTracer } from "../../src/telemetry/tracing/spans.js";
import { writerExporter } from "../../src/telemetry/tracing/writer-exporter.js";
import { api } from "../helpers/clients.js";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { startOtlpReceiver, Kind, Status, type OtlpReceiver, type ReceivedSpan } from "../helpers/otlp-receiver.js";
import { R } from "../helpers/population.js";
import { oauthClient, tokenRequest } from "../oauth/core-helpers.js";

type Line = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A server with tracing on, exporting to a receiver of its own; its log lines kept. */
async function tracedServer(options: Record<string, unknown> = {}): Promise<{ ts: TestServer; receiver: OtlpReceiver; lines: () => Line[] }> {
  const receiver = await startOtlpReceiver();
  const output: string[] = [];
  const ts = await startTestServer(
    { "tracing.enable": true, "tracing.collector-config.endpoint-url": receiver.url, ...options },
    { log: createLogger({ level: "debug", format: "json", write: (l) => output.push(l) }) },
  );
  return { ts, receiver, lines: () => output.map((l) => JSON.parse(l) as Line) };
}

/** Flushes the server's spans until `pick` finds what it wants (spans end when their response closes, just after the client has it). */
async function spansUntil<T>(ts: TestServer, receiver: OtlpReceiver, pick: (spans: ReceivedSpan[]) => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    await ts.server.flushTraces!();
    const found = pick(receiver.spans);
    if (found !== undefined) return found;
    await sleep(20);
  }
  throw new Error(`no ${what} among ${JSON.stringify(receiver.spans.map((s) => s.name))}`);
}

/** The SERVER span of the request with this x-request-id, once exported. */
const requestSpan = (ts: TestServer, receiver: OtlpReceiver, requestId: string) =>
  spansUntil(ts, receiver, (spans) => spans.find((s) => s.kind === Kind.SERVER && s.attributes["is.request_id"] === requestId), `span of request ${requestId}`);

const childrenOf = (receiver: OtlpReceiver, span: ReceivedSpan) => receiver.spans.filter((s) => s.parentSpanId === span.spanId);
const names = (spans: ReceivedSpan[]) => spans.map((s) => s.name).sort();

let sequence = 0;
const requestId = () => `trace-test-${++sequence}-${Date.now()}`;

// A plain grpc-js client, as another stack component calls.
const definition = protoLoader.loadSync(["ttn/lorawan/v3/application_services.proto"], {
  includeDirs: ["proto", "node_modules/google-proto-files"],
  keepCase: true,
  enums: String,
  longs: String,
  defaults: false,
});
const pkg = grpc.loadPackageDefinition(definition) as any; // eslint-disable-line @typescript-eslint/no-explicit-any

function grpcGet(ts: TestServer, applicationId: string, key: string, extra: Record<string, string> = {}): Promise<grpc.ServiceError | null> {
  const apps = new pkg.ttn.lorawan.v3.ApplicationRegistry(ts.grpcAddress, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  md.set("authorization", `Bearer ${key}`);
  for (const [k, v] of Object.entries(extra)) md.set(k, v);
  return new Promise((resolve) =>
    apps.Get({ application_ids: { application_id: applicationId }, field_mask: { paths: ["name"] } }, md, (err: grpc.ServiceError | null) => {
      apps.close();
      resolve(err);
    }),
  );
}

const { ts, receiver, lines } = await tracedServer();
const owner = await ts.population.user({ id: "trace-owner" });
await ts.population.application({ kind: "user", id: owner.id }, { id: "trace-app" });
const appKey = await ts.population.apiKey({ kind: "user", id: owner.id }, R("RIGHT_APPLICATION_INFO"));

test("a gRPC call (grpc-js) is a trace: the SERVER span named after the method, the database spans inside it", async () => {
  const id = requestId();
  assert.is(await grpcGet(ts, "trace-app", appKey, { "x-request-id": id }), null);
  const root = await requestSpan(ts, receiver, id);
  assert.is(root.name, "ttn.lorawan.v3.ApplicationRegistry/Get");
  assert.is(root.parentSpanId, "", "a new trace: no parent");
  assert.is(root.service, "identity-server");
  assert.type(root.resource["service.version"], "string");
  assert.equal(
    { system: root.attributes["rpc.system"], service: root.attributes["rpc.service"], method: root.attributes["rpc.method"], code: root.attributes["rpc.grpc.status_code"] },
    { system: "grpc", service: "ttn.lorawan.v3.ApplicationRegistry", method: "Get", code: 0 },
  );
  assert.is(root.attributes["is.protocol"], "grpc");
  assert.is(root.attributes["is.tenant_id"], ts.tenantId);
  assert.is(root.status.code, Status.UNSET);

  const children = childrenOf(receiver, root);
  const get = children.find((s) => s.name === "store applications.get");
  assert.ok(get, `the application read is a span of the request: ${names(children)}`);
  assert.is(get!.kind, Kind.CLIENT);
  assert.is(get!.traceId, root.traceId);
  assert.equal([get!.attributes["db.system.name"], get!.attributes["db.operation.name"]], ["postgresql", "applications.get"]);
  // The key's secret is checked with an HMAC: microseconds, no span.
  assert.not.ok(children.some((s) => s.name.startsWith("verify ")), `${names(children)}`);

  // The request's log line names its trace.
  const line = lines().find((l) => l.msg === "request finished" && l.request_id === id);
  assert.is(line?.trace_id, root.traceId);
});

test("an imported API key (PBKDF2, milliseconds of CPU) is checked in a span of the call", async () => {
  const token = generateToken(TokenType.APIKey);
  await ts.server.store.apiKeys.create({ kind: "user", id: owner.id }, create(APIKeySchema, { id: token.id, name: "imported", rights: [R("RIGHT_APPLICATION_INFO")] }), makePBKDF2(token.secret, 10));
  const id = requestId();
  assert.is(await grpcGet(ts, "trace-app", token.value, { "x-request-id": id }), null);
  const root = await requestSpan(ts, receiver, id);
  const verify = await spansUntil(ts, receiver, () => childrenOf(receiver, root).find((s) => s.name === "verify pbkdf2"), "the key's check");
  assert.is(verify.attributes["is.hash.algorithm"], "pbkdf2");
  assert.is(verify.kind, Kind.INTERNAL);
});

test("a lookup the auth cache answers from memory is no database span; a miss is", async () => {
  // Calls until one finds the key in the cache (the first after a write reads the database).
  const lookups: boolean[] = [];
  for (let i = 0; i < 10 && !lookups.includes(false); i++) {
    const id = requestId();
    assert.is(await grpcGet(ts, "trace-app", appKey, { "x-request-id": id }), null);
    const root = await requestSpan(ts, receiver, id);
    const children = await spansUntil(ts, receiver, () => (childrenOf(receiver, root).some((s) => s.name === "store applications.get") ? childrenOf(receiver, root) : undefined), "children");
    lookups.push(children.some((s) => s.name === "store apiKeys.lookup"));
  }
  assert.ok(lookups.includes(false), `some call found the key in the cache: ${lookups}`);
  // The first call of the suite read the key from the database.
  const first = receiver.spans.find((s) => s.name === "store apiKeys.lookup");
  assert.ok(first, "a cache miss is a database span");
});

test("an /api/v3 call is a trace: the request's span named after the method it calls, the database span inside", async () => {
  const id = requestId();
  const res = await api(ts, "GET", "/applications/trace-app?field_mask=name", { key: appKey, headers: { "x-request-id": id } });
  assert.is(res.status, 200);
  const root = await requestSpan(ts, receiver, id);
  assert.is(root.name, "ttn.lorawan.v3.ApplicationRegistry/Get");
  assert.is(root.attributes["is.protocol"], "api");
  assert.is(root.attributes["http.request.method"], "GET");
  assert.is(root.attributes["url.path"], "/api/v3/applications/trace-app");
  assert.is(root.attributes["http.response.status_code"], 200);
  assert.is(root.attributes["rpc.grpc.status_code"], 0);
  const get = childrenOf(receiver, root).find((s) => s.name === "store applications.get");
  assert.ok(get, `${names(childrenOf(receiver, root))}`);
  assert.is(get!.traceId, root.traceId);
});

const remoteTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
const remoteSpan = "00f067aa0ba902b7";

test("the client's traceparent is followed: same trace, its span the parent (gRPC and /api/v3)", async () => {
  const viaGrpc = requestId();
  assert.is(await grpcGet(ts, "trace-app", appKey, { "x-request-id": viaGrpc, traceparent: `00-${remoteTrace}-${remoteSpan}-01` }), null);
  const g = await requestSpan(ts, receiver, viaGrpc);
  assert.equal([g.traceId, g.parentSpanId], [remoteTrace, remoteSpan]);

  const viaApi = requestId();
  const otherTrace = "0af7651916cd43dd8448eb211c80319c";
  await api(ts, "GET", "/applications/trace-app", { key: appKey, headers: { "x-request-id": viaApi, traceparent: `00-${otherTrace}-b7ad6b7169203331-01` } });
  const a = await requestSpan(ts, receiver, viaApi);
  assert.equal([a.traceId, a.parentSpanId], [otherTrace, "b7ad6b7169203331"]);
  assert.ok(childrenOf(receiver, a).every((s) => s.traceId === otherTrace));
});

test("a failed call: the span's status is an error with the error's name and correlation ID", async () => {
  const id = requestId();
  const err = await grpcGet(ts, "no-such-app", appKey, { "x-request-id": id });
  assert.is(err?.code, grpc.status.PERMISSION_DENIED);
  const root = await requestSpan(ts, receiver, id);
  assert.is(root.status.code, Status.ERROR);
  assert.is(root.status.message, "pkg/auth/rights:no_application_rights");
  assert.is(root.attributes["error.type"], "pkg/auth/rights:no_application_rights");
  assert.is(root.attributes["rpc.grpc.status_code"], grpc.status.PERMISSION_DENIED);
  assert.match(String(root.attributes["is.correlation_id"]), /^[0-9a-f]{32}$/);

  const viaApi = requestId();
  const res = await api(ts, "GET", "/applications/trace-app", { key: `NNSXS.${"A".repeat(39)}.${"B".repeat(52)}`, headers: { "x-request-id": viaApi } });
  assert.is(res.status, 401);
  const refused = await requestSpan(ts, receiver, viaApi);
  assert.is(refused.status.code, Status.ERROR);
  assert.is(refused.attributes["http.response.status_code"], 401);
  assert.match(String(refused.attributes["error.type"]), /^pkg\//);
});

test("the token endpoint: the client secret and the password checks are spans of the request", async () => {
  const user = await ts.population.user({ id: "trace-login" });
  const cli = await oauthClient(ts, { id: "trace-cli", rights: [R("RIGHT_USER_INFO")], grants: [GrantType.GRANT_PASSWORD] });
  const res = await tokenRequest(ts, { grant_type: "password", username: user.id, password: user.password, client_id: cli.id, client_secret: cli.secret });
  assert.is(res.status, 200, JSON.stringify(res.body));
  const root = await spansUntil(ts, receiver, (spans) => spans.find((s) => s.name === "POST /oauth/token"), "the token request");
  assert.is(root.kind, Kind.SERVER);
  assert.is(root.attributes["http.response.status_code"], 200);
  // Both hashes are PBKDF2 here (imported-style): the client's secret, then the user's password.
  const hashes = childrenOf(receiver, root).filter((s) => s.name.startsWith("verify "));
  assert.equal(hashes.map((s) => s.name), ["verify pbkdf2", "verify pbkdf2"]);
});

test("a LoRaWAN Backend Interfaces request (interop listener) is a span of its own: POST interop, its status", async () => {
  const { ts: server, receiver: own } = await tracedServer({ "interop.listen": "127.0.0.1:0" });
  try {
    const id = requestId();
    const res = await fetch(`http://${server.server.interopAddress}/`, { method: "POST", headers: { "content-type": "application/json", "x-request-id": id }, body: "not json" });
    assert.is(res.status, 400);
    const span = await requestSpan(server, own, id);
    assert.is(span.name, "POST interop");
    assert.is(span.kind, Kind.SERVER);
    assert.is(span.attributes["http.response.status_code"], 400);
  } finally {
    await server.close();
    await own.close();
  }
});

test("off by default: nothing is exported, a traceparent changes nothing, the request log has no trace_id", async () => {
  const quiet = await startOtlpReceiver();
  const output: string[] = [];
  const off = await startTestServer({ "tracing.collector-config.endpoint-url": quiet.url }, { log: createLogger({ level: "debug", format: "json", write: (l) => output.push(l) }) });
  try {
    assert.is(off.config.tracing.enable, false);
    assert.is(off.server.flushTraces, undefined);
    const id = requestId();
    const res = await api(off, "GET", "/applications", { key: off.adminAPIKey, headers: { "x-request-id": id, traceparent: `00-${remoteTrace}-${remoteSpan}-01` } });
    assert.is(res.status, 200);
    await sleep(200);
    const line = output.map((l) => JSON.parse(l) as Line).find((l) => l.msg === "request finished" && l.request_id === id);
    assert.ok(line, "the request was logged");
    assert.not.ok("trace_id" in line!, "no trace_id");
    assert.is(res.headers.get("traceparent"), null);
  } finally {
    await off.close();
  }
  assert.is(quiet.requests, 0, "nothing sent, not even at close");
  await quiet.close();
});

test("sample-probability 0: nothing exported, unless the client's traceparent says sampled; 'not sampled' is followed too", async () => {
  // (The endpoint given as the receiver's base URL: /v1/traces is added.)
  const receiver0 = await startOtlpReceiver();
  const zero = await startTestServer({ "tracing.enable": true, "tracing.sample-probability": 0, "tracing.collector-config.endpoint-url": receiver0.base });
  try {
    for (let i = 0; i < 3; i++) assert.is((await api(zero, "GET", "/applications", { key: zero.adminAPIKey })).status, 200);
    await sleep(100);
    await zero.server.flushTraces!();
    assert.is(receiver0.spans.length, 0, "no span of a request without traceparent");

    const id = requestId();
    await api(zero, "GET", "/applications", { key: zero.adminAPIKey, headers: { "x-request-id": id, traceparent: `00-${remoteTrace}-${remoteSpan}-01` } });
    const root = await requestSpan(zero, receiver0, id);
    assert.is(root.traceId, remoteTrace, "a sampled parent is honoured (sent to the base URL + /v1/traces)");
  } finally {
    await zero.close();
    await receiver0.close();
  }

  const unsampled = requestId();
  const notSampledTrace = "11111111111111111111111111111111";
  await api(ts, "GET", "/applications/trace-app", { key: appKey, headers: { "x-request-id": unsampled, traceparent: `00-${notSampledTrace}-${remoteSpan}-00` } });
  await sleep(100);
  await ts.server.flushTraces!();
  assert.not.ok(receiver.spans.some((s) => s.traceId === notSampledTrace || s.attributes["is.request_id"] === unsampled), "not sampled: no span at all");
});

test("bad tracing options stop the start with a ConfigError naming the option", async () => {
  const refused = async (options: Record<string, unknown>, option: string) => {
    const err = await startTestServer({ "tracing.enable": true, ...options }).then(
      (s) => s.close().then(() => undefined),
      (e: unknown) => e,
    );
    assert.instance(err, ConfigError, `${JSON.stringify(options)} refused`);
    assert.is((err as ConfigError).option, option);
  };
  await refused({ "tracing.collector-config.endpoint-url": "ftp://collector:4318" }, "tracing.collector-config.endpoint-url");
  await refused({ "tracing.collector-config.endpoint-url": "http://" }, "tracing.collector-config.endpoint-url");
  await refused({ "tracing.collector-config.endpoint-url": "" }, "tracing.collector-config.endpoint-url");
  await refused({ "tracing.exporter": "jaeger" }, "tracing.exporter");
  await refused({ "tracing.exporter": "writer", "tracing.writer-config.destination": "/tmp/spans" }, "tracing.writer-config.destination");
  await refused({ "tracing.sample-probability": Number.NaN }, "tracing.sample-probability");

  // From flags, the option parsers refuse them first.
  const load = (...argv: string[]) => loadConfig({ argv, env: {} });
  assert.throws(() => load("--tracing.exporter", "jaeger"), (e: unknown) => e instanceof ConfigError && e.option === "tracing.exporter");
  assert.throws(() => load("--tracing.sample-probability", "half"), (e: unknown) => e instanceof ConfigError && e.option === "tracing.sample-probability");
  assert.is(load("--tracing.sample-probability", "0.25").config.tracing.sampleProbability, 0.25);
  assert.is(load("--tracing.sample-probability", "-1").config.tracing.sampleProbability, -1, "taken (counts as 0)");
  assert.is(load().config.tracing.enable, false);
  // A typo under tracing is refused; the stack's options this server lacks are ignored with a warning.
  assert.throws(() => load("--tracing.enabel", "true"), (e: unknown) => e instanceof ConfigError && /did you mean tracing\.enable/.test(e.message));
  assert.match(load("--tracing.writer-config.pretty", "true").warnings.join(), "tracing.writer-config.pretty");
});

test("collector URLs: a path is kept, none gets /v1/traces, host:port is https unless insecure", () => {
  assert.is(collectorUrl("http://localhost:4318", false), "http://localhost:4318/v1/traces");
  assert.is(collectorUrl("https://otel.example.com/", false), "https://otel.example.com/v1/traces");
  assert.is(collectorUrl("http://c:4318/custom/traces", false), "http://c:4318/custom/traces");
  assert.is(collectorUrl("collector:4318", false), "https://collector:4318/v1/traces");
  assert.is(collectorUrl("collector:4318", true), "http://collector:4318/v1/traces");
});

test("the writer exporter: one JSON line per span, with or without timestamps", async () => {
  const written: string[] = [];
  for (const timestamps of [true, false]) {
    const write = writerExporter({ write: (t) => written.push(t), timestamps, service: "identity-server" });
    const ended: Promise<void>[] = [];
    const tracer = new LightTracer(1, (s) => ended.push(write([s])));
    const span = tracer.startSpan("store applications.get", { kind: SpanKind.CLIENT, attributes: { "db.system.name": "postgresql" } });
    span.setStatus({ code: SpanStatusCode.ERROR, message: "pkg/x:y" });
    span.end();
    await Promise.all(ended);
  }
  assert.is(written.length, 2);
  const [withTimes, without] = written.map((w) => {
    assert.ok(w.endsWith("\n") && w.indexOf("\n") === w.length - 1, "one line");
    return JSON.parse(w) as Line;
  });
  assert.equal([withTimes!.name, withTimes!.kind, withTimes!.attributes, withTimes!.status], ["store applications.get", "client", { "db.system.name": "postgresql" }, { code: "error", message: "pkg/x:y" }]);
  assert.match(withTimes!.trace_id, /^[0-9a-f]{32}$/);
  assert.match(withTimes!.start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.type(withTimes!.duration_ms, "number");
  assert.not.ok("start" in without! || "end" in without!, "no timestamps");
});

test.after(async () => {
  await ts.close();
  await receiver.close();
});

test.run();
