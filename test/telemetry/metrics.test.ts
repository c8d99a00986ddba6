// Prometheus metrics on /metrics: a known sequence of calls over gRPC,
// gRPC-Web, Connect, /api/v3 and the OAuth token endpoint, then the exact
// counts of requests, authentications and token requests in the scrape (parsed
// from the text format here); one registry per server; HTTP Basic with user
// `metrics` when http.metrics.password is set; http.metrics.enable off: 404.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { GrantType } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { sql } from "drizzle-orm";
import { api, connectClient, grpcClient } from "../helpers/clients.js";
import { testDatabase } from "../helpers/database.js";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { oauthClient, tokenRequest } from "../oauth/core-helpers.js";

// ---- the text format, just enough of it --------------------------------------

type Samples = Map<string, number>;

/** `name{a="1",b="2"}` with the labels sorted: the key of a sample. */
const key = (name: string, labels: Record<string, string> = {}) => {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return parts.length ? `${name}{${parts.join(",")}}` : name;
};

/** Every sample of a scrape by key; comments (# HELP, # TYPE) skipped, label values unescaped. */
function parse(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    samples.set(key(m[1]!, labels), Number(m[3]));
  }
  return samples;
}

async function scrape(ts: TestServer, headers: Record<string, string> = {}): Promise<Samples> {
  const res = await fetch(`${ts.httpURL}/metrics`, { headers });
  const text = await res.text();
  assert.is(res.status, 200, text);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return parse(text);
}

/** A sample's value, 0 when absent (a counter whose labels never occurred). */
const value = (s: Samples, name: string, labels: Record<string, string> = {}) => s.get(key(name, labels)) ?? 0;

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });

// ---- a server with metrics on (the default), and what is called on it ------------

const ts = await startTestServer();
const registry = "ttn.lorawan.v3.ApplicationRegistry";
const access = "ttn.lorawan.v3.EntityAccess";
const owner = await ts.population.user({ id: "owner" });
await ts.population.application({ kind: "user", id: owner.id }, { id: "app-1" });
const appKey = await ts.population.apiKey({ kind: "user", id: owner.id }, R("RIGHT_APPLICATION_INFO"));
// Well formed, but no such key: refused as api_key_not_found.
const unknownKey = `NNSXS.${"A".repeat(39)}.${"B".repeat(52)}`;
const cli = await oauthClient(ts, { id: "metrics-cli", rights: [R("RIGHT_USER_INFO")], grants: [GrantType.GRANT_PASSWORD] });

const get = { applicationIds: { applicationId: "app-1" }, fieldMask: { paths: ["name"] } };

test("RPCs by service, method, protocol and code; authentications by method and result", async () => {
  const before = await scrape(ts);
  assert.is(value(before, "is_rpc_requests_total", { service: registry, method: "Get", protocol: "grpc", code: "OK" }), 0, "nothing counted before the calls");

  // gRPC: two Gets with a key, one with an unknown key.
  await grpcClient(ts, ApplicationRegistry, appKey).get(get);
  await grpcClient(ts, ApplicationRegistry, appKey).get(get);
  const refused = await grpcClient(ts, ApplicationRegistry, unknownKey)
    .get(get)
    .then(
      () => {
        throw new Error("the unknown key was accepted");
      },
      (err: unknown) => ConnectError.from(err),
    );
  const refusedCode = Code[refused.code];
  // gRPC-Web and Connect: one Get each.
  await createClient(ApplicationRegistry, createGrpcWebTransport({ baseUrl: ts.httpURL, httpVersion: "1.1", interceptors: [(next) => (req) => (req.header.set("authorization", `Bearer ${appKey}`), next(req))] })).get(get);
  await connectClient(ts, ApplicationRegistry, appKey).get(get);
  // /api/v3: three Gets (the gateway calls the service in-process: protocol "api"), one without credentials.
  for (let i = 0; i < 3; i++) assert.is((await api(ts, "GET", "/applications/app-1?field_mask=name", { key: appKey })).status, 200);
  const anonymous = await api(ts, "GET", "/applications/app-1?field_mask=name");
  assert.is(anonymous.status, 401, JSON.stringify(anonymous.body));
  // OAuth: a password grant, then AuthInfo with its access token over Connect.
  const token = await tokenRequest(ts, { grant_type: "password", username: owner.id, password: owner.password }, { basic: [cli.id, cli.secret] });
  assert.is(token.status, 200, JSON.stringify(token.body));
  await connectClient(ts, EntityAccess, token.body.access_token).authInfo({});

  const after = await scrape(ts);
  const requests = (protocol: string, code: string, service = registry, method = "Get") => value(after, "is_rpc_requests_total", { service, method, protocol, code });
  assert.is(requests("grpc", "OK"), 2);
  assert.is(requests("grpc", refusedCode), 1, `refused with ${refusedCode}`);
  assert.is(requests("grpc-web", "OK"), 1);
  assert.is(requests("connect", "OK"), 1);
  assert.is(requests("api", "OK"), 3);
  assert.is(requests("api", "Unauthenticated"), 1);
  assert.is(requests("connect", "OK", access, "AuthInfo"), 1);
  const latency = (protocol: string) => value(after, "is_rpc_request_duration_seconds_count", { service: registry, method: "Get", protocol });
  assert.equal([latency("grpc"), latency("grpc-web"), latency("connect"), latency("api")], [3, 1, 1, 4], "one latency observation per call");
  assert.ok(value(after, "is_rpc_request_duration_seconds_sum", { service: registry, method: "Get", protocol: "grpc" }) > 0);

  const auth = (method: string, result: string) => value(after, "is_auth_attempts_total", { method, result });
  // 2 gRPC + 1 gRPC-Web + 1 Connect + 3 /api/v3 with the key; the anonymous call presents none.
  assert.is(auth("api_key", "ok"), 7);
  assert.is(auth("api_key", "api_key_not_found"), 1);
  assert.is(auth("oauth_access_token", "ok"), 1);
  const authTotal = [...after].filter(([k]) => k.startsWith("is_auth_attempts_total{")).reduce((n, [, v]) => n + v, 0);
  assert.is(authTotal, 9, "nothing else counted");

  // The HTTP fallback: the /api/v3 calls and the token request, by route and status.
  assert.is(value(after, "is_http_requests_total", { route: "api", code: "200" }), 3);
  assert.is(value(after, "is_http_requests_total", { route: "api", code: "401" }), 1);
  assert.is(value(after, "is_http_requests_total", { route: "oauth", code: "200" }), 1);
  assert.not.ok(after.has(key("is_http_requests_total", { route: "other", code: "200" })), "scrapes are not counted");
});

test("OAuth token requests by grant type and outcome; logins refused by the throttle", async () => {
  const statuses: number[] = [];
  // Five wrong passwords fill the throttle (5 per user and minute); the sixth attempt is refused before the check.
  for (let i = 0; i < 6; i++) {
    const res = await tokenRequest(ts, { grant_type: "password", username: owner.id, password: "wrong" }, { basic: [cli.id, cli.secret] });
    assert.is(res.body.error, "invalid_grant", JSON.stringify(res.body));
    statuses.push(res.status);
  }
  const unsupported = await tokenRequest(ts, { grant_type: "client_credentials" }, { basic: [cli.id, cli.secret] });
  assert.is(unsupported.body.error, "unsupported_grant_type");
  const s = await scrape(ts);
  const grants = (grant_type: string, outcome: string) => value(s, "is_oauth_token_requests_total", { grant_type, outcome });
  assert.is(grants("password", "ok"), 1, "the first test's grant");
  assert.is(grants("password", "invalid_grant"), 6);
  assert.is(grants("unsupported", "unsupported_grant_type"), 1);
  assert.is(value(s, "is_oauth_login_throttled_total"), 1);
  const byStatus = (code: number) => statuses.filter((c) => c === code).length + (unsupported.status === code ? 1 : 0);
  for (const code of new Set([...statuses, unsupported.status])) {
    assert.is(value(s, "is_http_requests_total", { route: "oauth", code: String(code) }), byStatus(code), `oauth ${code}`);
  }
});

test("the auth cache, the database, the e-mail outbox and the process are reported", async () => {
  const s = await scrape(ts);
  const lookups = value(s, "is_auth_cache_lookups_total", { cache: "api_key", result: "hit" }) + value(s, "is_auth_cache_lookups_total", { cache: "api_key", result: "miss" });
  assert.ok(lookups >= 8, `every API key authentication looks the key up (${lookups})`);
  assert.ok(value(s, "is_auth_cache_lookups_total", { cache: "api_key", result: "hit" }) > 0, "repeated keys are answered from the cache");
  assert.ok(value(s, "is_db_query_duration_seconds_count", { database: "primary" }) > 0);
  assert.ok(s.has(key("is_db_queries_in_flight", { database: "primary" })));
  for (const name of ["is_email_outbox_queued", "is_email_outbox_oldest_queued_age_seconds", "is_email_sent_total", "is_email_retries_total"]) assert.ok(s.has(name), name);
  assert.ok(value(s, "is_process_cpu_user_seconds_total") > 0);
  assert.ok(s.has("is_nodejs_eventloop_lag_seconds"));
  assert.not.ok([...s.keys()].some((k) => k.includes("owner") || k.includes("app-1") || k.includes(appKey.split(".")[1]!)), "no identifiers in labels");
});

test("each server counts its own requests", async () => {
  const other = await startTestServer();
  try {
    await grpcClient(other, ApplicationRegistry, other.adminAPIKey)
      .get(get)
      .catch(() => {});
    const mine = await scrape(ts);
    const theirs = await scrape(other);
    assert.is(value(mine, "is_rpc_requests_total", { service: registry, method: "Get", protocol: "grpc", code: "OK" }), 2, "unchanged");
    assert.is([...theirs].filter(([k]) => k.startsWith("is_rpc_requests_total{")).reduce((n, [, v]) => n + v, 0), 1);
  } finally {
    await other.close();
  }
});

test("with http.metrics.password: HTTP Basic, user `metrics`", async () => {
  const locked = await startTestServer({ "http.metrics.password": "s3cret" });
  try {
    const none = await fetch(`${locked.httpURL}/metrics`);
    assert.is(none.status, 401);
    assert.match(none.headers.get("www-authenticate") ?? "", /^Basic realm="metrics"/);
    assert.is((await fetch(`${locked.httpURL}/metrics`, { headers: basic("metrics", "wrong") })).status, 401);
    assert.is((await fetch(`${locked.httpURL}/metrics`, { headers: basic("admin", "s3cret") })).status, 401, "another user name");
    assert.is((await fetch(`${locked.httpURL}/metrics`, { headers: { authorization: `Bearer ${locked.adminAPIKey}` } })).status, 401);
    const s = await scrape(locked, basic("metrics", "s3cret"));
    assert.ok(s.has("is_process_cpu_user_seconds_total"));
  } finally {
    await locked.close();
  }
});

test("with http.metrics.enable off, /metrics is not there", async () => {
  const off = await startTestServer({ "http.metrics.enable": false });
  try {
    const res = await fetch(`${off.httpURL}/metrics`);
    assert.is(res.status, 404);
    await res.arrayBuffer();
    // The RPCs work as before.
    const info = await connectClient(off, EntityAccess, off.adminAPIKey).authInfo({});
    assert.is(info.isAdmin, true);
  } finally {
    await off.close();
  }
});

test("the database pool: connections in use up to its size, the rest waiting, by open transactions", async () => {
  const database = await testDatabase();
  const size = value(await scrape(ts), "is_db_pool_max_connections", { database: "primary" });
  // The test database: is.database-max-open-conns 10 on PostgreSQL; PGlite's thread is a pool of one.
  assert.is(size, process.env.DATABASE_URL ? 10 : 1);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held = size + 2;
  const open = Array.from({ length: held }, () => database.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT 1`);
    await gate;
  }));
  // What the gauges report while the transactions are held, read where they read it: a scrape
  // would wait for a connection itself (the outbox gauges query the database).
  const pool = async () => database.queries!.pool();
  let busy = await pool();
  for (let i = 0; i < 50 && (busy.inUse < size || busy.waiting < 2); i++) {
    await new Promise((r) => setTimeout(r, 20));
    busy = await pool();
  }
  assert.is(busy.inUse, size);
  assert.ok(busy.waiting >= 2, "the transactions beyond the pool wait");
  release();
  await Promise.all(open);
  const idle = await scrape(ts);
  assert.is(value(idle, "is_db_pool_connections", { database: "primary", state: "waiting" }), 0);
  assert.ok(value(idle, "is_db_pool_connections", { database: "primary", state: "in_use" }) <= 1, "only the scrape's own statement, if any");
});

test.after(() => ts.close());
test.run();
