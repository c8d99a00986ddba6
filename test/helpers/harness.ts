// Starts the real server in-process on port 0 (HTTP and gRPC listeners), on
// the process's shared test database, in a tenant of its own. Options are the
// documented dotted names. The user "admin" exists with an API key of all
// rights, as `is-db create-admin-user --api-key` would make it.
import { randomBytes } from "node:crypto";
import { defaultConfig, optionPath, type Config } from "../../src/config/index.js";
import { silentLogger, type Logger } from "../../src/log.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { Population } from "./population.js";
import { testDatabase } from "./database.js";
import type { Database } from "../../src/store/pg/database.js";

export interface TestServer {
  /** http://127.0.0.1:port — HTTP/1.1 and h2c: /api/v3, Connect, gRPC-Web, gRPC. */
  httpURL: string;
  /** "127.0.0.1:port": gRPC over h2c. */
  grpcAddress: string;
  /** API key of user "admin" with all rights. */
  adminAPIKey: string;
  config: Config;
  tenantId: string;
  population: Population;
  server: RunningServer;
  close(): Promise<void>;
}

/** A config with cheap password hashing and the given dotted-name overrides. */
export function testConfig(options: Record<string, unknown> = {}): Config {
  const config = defaultConfig();
  const all: Record<string, unknown> = {
    "http.listen": "127.0.0.1:0",
    "grpc.listen": "127.0.0.1:0",
    // Off unless a test asks for it (the default :8886 would collide between servers).
    "interop.listen": "",
    "is.password-hashing.memory-cost": 64,
    "is.password-hashing.time-cost": 1,
    ...options,
  };
  for (const [name, value] of Object.entries(all)) {
    const path = optionPath(name);
    let node = config as unknown as Record<string, unknown>;
    for (const seg of path.slice(0, -1)) {
      if (typeof node[seg] !== "object") throw new Error(`unknown option ${name}`);
      node = node[seg] as Record<string, unknown>;
    }
    if (!(path.at(-1)! in node)) throw new Error(`unknown option ${name}`);
    node[path.at(-1)!] = value;
  }
  return config;
}

/**
 * `extra.tenantId` starts the server on an existing tenant (a restart with a
 * new configuration); the admin is then not created again and `adminAPIKey` is "".
 */
export async function startTestServer(options: Record<string, unknown> = {}, extra: { log?: Logger; now?: () => Date; tenantId?: string; database?: Database } = {}): Promise<TestServer> {
  const config = testConfig(options);
  const tenantId = extra.tenantId ?? `t${randomBytes(6).toString("hex")}`;
  const server = await startServer({ config, log: extra.log ?? silentLogger, now: extra.now, database: extra.database ?? (await testDatabase()), tenantId });
  const population = new Population(server.store);
  const admin = extra.tenantId ? { apiKey: "" } : await population.user({ id: "admin", admin: true });
  return {
    httpURL: `http://${server.httpAddress}`,
    grpcAddress: server.grpcAddress!,
    adminAPIKey: admin.apiKey,
    config,
    tenantId,
    population,
    server,
    close: () => server.close(),
  };
}
