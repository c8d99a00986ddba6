// The one bounded hash pool: a full pool refuses at once with
// `pkg/auth:hashing_busy` and a Retry-After, over every protocol that hashes
// (/api/v3 JSON 429, gRPC RESOURCE_EXHAUSTED with retry-after metadata, the
// OAuth token endpoint's RFC 6749 `temporarily_unavailable`, the login API and
// page), and serves again once a slot is free. The pool is filled with tasks
// that wait on a gate, so nothing here depends on timing.
import { randomBytes } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ClientRegistry } from "../../gen/ttn/lorawan/v3/client_services_pb.js";
import { createHashPool, type HashPool } from "../../src/auth/hash-pool.js";
import { errHashingBusy } from "../../src/errors/index.js";
import { silentLogger } from "../../src/log.js";
import { startServer } from "../../src/server.js";
import { WebClient } from "../helpers/browser.js";
import { api, grpcClient } from "../helpers/clients.js";
import { testDatabase } from "../helpers/database.js";
import { testConfig, type TestServer } from "../helpers/harness.js";
import { Population } from "../helpers/population.js";

/** Occupies every slot and queue place of `pool` until the returned function is called. */
async function fill(pool: HashPool): Promise<() => Promise<void>> {
  await pool.run(async () => {}); // whatever the server queued at start is done
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const held = Array.from({ length: pool.slots + pool.queue }, () => pool.run(() => gate));
  return async () => {
    open();
    await Promise.all(held);
  };
}

test("a full pool refuses with hashing_busy and a retry time, and serves again when a slot frees", async () => {
  const pool = createHashPool({ slots: 1, queue: 1 });
  const release = await fill(pool);
  const err = await pool.run(async () => "ran").catch((e: unknown) => e);
  assert.ok(errHashingBusy.is(err), String(err));
  assert.ok(Number(errHashingBusy.is(err) && err.attributes.retry_after) >= 1);
  await release();
  assert.is(await pool.run(async () => "ran"), "ran");
});

const pool = createHashPool({ slots: 1, queue: 1 });
const config = testConfig();
const tenantId = `t${randomBytes(6).toString("hex")}`;
const server = await startServer({ config, log: silentLogger, database: await testDatabase(), tenantId, hashPool: pool });
const population = new Population(server.store);
const admin = await population.user({ id: "admin", admin: true });
const alice = await population.user({ id: "alice" });
const clientId = await population.oauthClient({ kind: "user", id: "admin" }, { id: "pool-client" });
const ts = { httpURL: `http://${server.httpAddress}`, grpcAddress: server.grpcAddress!, adminAPIKey: admin.apiKey, config, tenantId, population, server, close: () => server.close() } satisfies TestServer;
const basic = `Basic ${Buffer.from(`${clientId}:secret-of-${clientId}`).toString("base64")}`;
const refresh = () =>
  fetch(`${ts.httpURL}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: "not-a-token" }).toString(),
  });
const newClient = (id: string) => ({ client: { ids: { client_id: id }, secret: "a secret someone chose", redirect_uris: ["https://app.example.com/cb"] }, collaborator: { user_ids: { user_id: "admin" } } });

function assertRetryAfter(headers: Headers, what: string): void {
  const value = headers.get("retry-after");
  assert.ok(value !== null && Number(value) >= 1, `${what}: Retry-After ${value}`);
}

test("when the pool is full, every path that hashes answers 429 / RESOURCE_EXHAUSTED with Retry-After", async () => {
  const web = new WebClient(ts.httpURL);
  const csrf = await web.csrf();
  const release = await fill(pool);
  try {
    // /api/v3: ClientRegistry.Create with a chosen secret (argon2id).
    const json = await api(ts, "POST", "/users/admin/clients", { key: admin.apiKey, body: newClient("busy-json") });
    assert.is(json.status, 429, JSON.stringify(json.body));
    assert.is(json.body.code, Code.ResourceExhausted);
    assert.is(json.body.details[0].name, "hashing_busy");
    assertRetryAfter(json.headers, "/api/v3");

    // gRPC: the same call, RESOURCE_EXHAUSTED with the retry time in the metadata (as the stack's rate limiter sends it).
    const grpcErr = await grpcClient(ts, ClientRegistry, admin.apiKey)
      .create({ client: { ids: { clientId: "busy-grpc" }, secret: "a secret someone chose", redirectUris: ["https://app.example.com/cb"] }, collaborator: { ids: { case: "userIds", value: { userId: "admin" } } } })
      .then(() => undefined, (e: unknown) => ConnectError.from(e));
    assert.ok(grpcErr, "the call must fail");
    assert.is(grpcErr!.code, Code.ResourceExhausted);
    assert.ok(Number(grpcErr!.metadata.get("retry-after")) >= 1, `retry-after ${grpcErr!.metadata.get("retry-after")}`);
    assert.ok(Number(grpcErr!.metadata.get("x-rate-limit-retry")) >= 1);

    // OAuth token endpoint: the client secret check waits for the pool too; RFC 6749 shaped.
    const token = await refresh();
    assert.is(token.status, 429);
    assertRetryAfter(token.headers, "/oauth/token");
    const body = (await token.json()) as { error: string; details: { name: string }[] };
    assert.is(body.error, "temporarily_unavailable");
    assert.is(body.details[0].name, "hashing_busy");

    // Login: the JSON API and the page.
    const login = await web.request("POST", "/oauth/api/auth/login", { json: { user_id: alice.id, password: alice.password }, headers: { "x-csrf-token": csrf } });
    assert.is(login.status, 429, login.text);
    assertRetryAfter(login.headers, "login API");
    const page = await web.postForm("/oauth/login", { user_id: alice.id, password: alice.password });
    assert.is(page.status, 429);
    assertRetryAfter(page.headers, "login page");
    assert.match(page.text, /busy checking passwords; retry in \d+ seconds/);
  } finally {
    await release();
  }

  // A slot free again: the same requests go through.
  assert.is((await api(ts, "POST", "/users/admin/clients", { key: admin.apiKey, body: newClient("calm-json") })).status, 200);
  // The client is authenticated now; it lacks the refresh_token grant.
  assert.is(((await (await refresh()).json()) as { error: string }).error, "unauthorized_client");
  await new WebClient(ts.httpURL).login(alice.id, alice.password);
});

test.after(async () => {
  await ts.close();
});

test.run();
