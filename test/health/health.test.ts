// Readiness follows the database, liveness does not. `/healthz` (and
// `/healthz/ready`, grpc.health.v1 Check/Watch for "" and each service) turn
// NOT_SERVING/503 when PostgreSQL cannot be reached or the database is gone,
// and back once it answers; `/healthz/live` stays 200 throughout.
import { randomBytes } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { sql } from "drizzle-orm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { silentLogger } from "../../src/log.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { testDatabase } from "../helpers/database.js";
import { startTestServer, testConfig } from "../helpers/harness.js";
import { tcpProxy } from "../helpers/tcp-proxy.js";

const definition = protoLoader.loadSync(["grpc/health/v1/health.proto"], { includeDirs: ["proto", "node_modules/google-proto-files"], keepCase: true, enums: String, defaults: true });
const Health = (grpc.loadPackageDefinition(definition) as any).grpc.health.v1.Health; // eslint-disable-line @typescript-eslint/no-explicit-any
const registry = "ttn.lorawan.v3.ApplicationRegistry";

const status = async (base: string, path: string) => (await fetch(base + path)).status;

function check(client: any, service: string): Promise<string> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => client.Check({ service }, (err: Error | null, res: { status: string }) => (err ? reject(err) : resolve(res.status))));
}

async function eventually(what: string, fn: () => Promise<boolean>, ms = 5000): Promise<number> {
  const started = Date.now();
  while (!(await fn())) {
    if (Date.now() - started > ms) assert.unreachable(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - started;
}

test("a server whose database answers is live and ready", async () => {
  const server = await startTestServer();
  try {
    for (const path of ["/healthz", "/healthz/ready", "/healthz/live"]) assert.is(await status(server.httpURL, path), 200, path);
    assert.is((await fetch(`${server.httpURL}/healthz/live`, { method: "HEAD" })).status, 200);
    const client = new Health(server.grpcAddress, grpc.credentials.createInsecure());
    assert.is(await check(client, ""), "SERVING");
    assert.is(await check(client, registry), "SERVING");
    client.close();
  } finally {
    await server.close();
  }
});

const url = process.env.DATABASE_URL;
if (url) {
  const admin = await testDatabase();
  const start = (uri: string) => startServer({ config: testConfig({ "is.database-uri": uri }), log: silentLogger, tenantId: "health" });

  test("the database dropped under a running server: not ready, still live, over HTTP and gRPC", async () => {
    const name = `${new URL(url).pathname.slice(1)}_health_${randomBytes(4).toString("hex")}`;
    await admin.db.execute(sql.raw(`CREATE DATABASE ${name}`));
    const u = new URL(url);
    u.pathname = `/${name}`;
    let server: RunningServer | undefined;
    const client = { current: undefined as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      server = await start(u.toString());
      const base = `http://${server.httpAddress}`;
      assert.is(await status(base, "/healthz"), 200);
      client.current = new Health(server.grpcAddress, grpc.credentials.createInsecure());
      const watched: string[] = [];
      const watch = client.current.Watch({ service: registry });
      watch.on("data", (m: { status: string }) => watched.push(m.status));
      watch.on("error", () => {});
      await eventually("the first Watch status", async () => watched.length > 0);
      assert.equal(watched, ["SERVING"]);

      await admin.db.execute(sql.raw(`DROP DATABASE ${name} WITH (FORCE)`));
      await eventually("/healthz 503", async () => (await status(base, "/healthz")) === 503);
      assert.is(await status(base, "/healthz/ready"), 503);
      assert.is(await status(base, "/healthz/live"), 200);
      assert.is(await check(client.current, ""), "NOT_SERVING");
      assert.is(await check(client.current, registry), "NOT_SERVING");
      await eventually("Watch NOT_SERVING", async () => watched.at(-1) === "NOT_SERVING");
      // Requests answer 503 database_unavailable in the stack's format, not 500.
      const res = await fetch(`${base}/api/v3/applications/some-app`, { headers: { authorization: "Bearer NNSXS.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOP.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ23" } });
      assert.is(res.status, 503);
      const body = (await res.json()) as { code: number; details: Array<{ name: string; namespace: string }> };
      assert.is(body.code, 14);
      assert.is(body.details[0]!.name, "database_unavailable");
      watch.cancel();
    } finally {
      client.current?.close();
      await server?.close();
      await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  });

  test("PostgreSQL unreachable (its port closed), then back: readiness follows, liveness stays", async () => {
    const target = new URL(url);
    const proxy = await tcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const server = await start(proxy.via(url));
    const base = `http://${server.httpAddress}`;
    const client = new Health(server.grpcAddress, grpc.credentials.createInsecure());
    try {
      assert.is(await status(base, "/healthz"), 200);
      await proxy.cut();
      await eventually("/healthz 503", async () => (await status(base, "/healthz")) === 503);
      assert.is(await status(base, "/healthz/live"), 200);
      assert.is(await check(client, ""), "NOT_SERVING");
      await proxy.restore();
      const back = await eventually("/healthz 200 again", async () => (await status(base, "/healthz")) === 200);
      assert.ok(back < 2500, `ready again after ${back} ms`);
      assert.is(await check(client, ""), "SERVING");
    } finally {
      client.close();
      await server.close();
      await proxy.close();
    }
  });
}

test.run();
