// What the tenant suites share: tenant records written straight to the
// tenants table (the TenantRegistry is not needed to have a tenant), a fixture
// builder bound to a tenant, and clients that name the tenant in the
// `tenant-id` header (gRPC metadata and /api/v3 alike).
import { randomBytes } from "node:crypto";
import type { DescService } from "@bufbuild/protobuf";
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../src/store/pg/handle.js";
import { createPgStore } from "../../src/store/pg/store.js";
import { api, type HttpResult } from "../helpers/clients.js";
import { testDatabase } from "../helpers/database.js";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { Population } from "../helpers/population.js";

export const db = (await testDatabase()).db;

/** A fresh tenant ID (suites share one database). */
export const newTenantId = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;

export type Limits = Partial<Record<"max_applications" | "max_clients" | "max_end_devices" | "max_gateways" | "max_organizations" | "max_users", number | null>>;

/** Inserts an approved tenant with these limits and configuration (proto JSON). */
export async function insertTenant(id: string, opts: { limits?: Limits; configuration?: unknown } = {}): Promise<void> {
  const l = opts.limits ?? {};
  const cfg = opts.configuration === undefined ? null : JSON.stringify(opts.configuration);
  await db.execute(sql`INSERT INTO tenants (tenant_id, name, max_applications, max_clients, max_end_devices, max_gateways, max_organizations, max_users, configuration)
    VALUES (${id}, ${`Tenant ${id}`}, ${l.max_applications ?? null}, ${l.max_clients ?? null}, ${l.max_end_devices ?? null}, ${l.max_gateways ?? null},
            ${l.max_organizations ?? null}, ${l.max_users ?? null}, ${cfg}::jsonb)`);
}

/** Sets one limit of a tenant (null: none). */
export async function setLimit(id: string, column: keyof Limits, value: number | null): Promise<void> {
  await db.execute(sql`UPDATE tenants SET ${sql.raw(column)} = ${value} WHERE tenant_id = ${id}`);
}

/** Live rows of a table in a tenant. */
export async function countRows(table: "users" | "applications" | "organizations" | "clients" | "gateways" | "end_devices", tenantId: string): Promise<number> {
  const live = table === "end_devices" ? sql`` : sql` AND deleted_at IS NULL`;
  const [row] = rowsOf<{ n: number | string }>(await db.execute(sql`SELECT count(*) AS n FROM ${sql.raw(table)} WHERE tenant_id = ${tenantId}${live}`));
  return Number(row?.n ?? 0);
}

/** Fixtures written straight to a tenant's tables (no limits, no rights checks). */
export const populationOf = (tenantId: string) => new Population(createPgStore({ primary: db, tenantId }));

/** A gRPC client of the tenant (`tenant-id` metadata), with an API key or anonymous. */
export function tenantClient<S extends DescService>(server: TestServer, service: S, tenantId: string | undefined, apiKey?: string): Client<S> {
  return createClient(
    service,
    createGrpcTransport({
      baseUrl: `http://${server.grpcAddress}`,
      interceptors: [
        (next) => (req) => {
          if (tenantId) req.header.set("tenant-id", tenantId);
          if (apiKey) req.header.set("authorization", `Bearer ${apiKey}`);
          return next(req);
        },
      ],
    }),
  );
}

/** A JSON call on /api/v3 for the tenant. */
export const tenantApi = (server: TestServer, tenantId: string, method: string, path: string, opts: { key?: string; body?: unknown } = {}): Promise<HttpResult> =>
  api(server, method, path, { ...opts, headers: { "tenant-id": tenantId } });

/** A test server with a default tenant of its own; "admin" of the default tenant has `adminAPIKey`. */
export function startTenantServer(options: Record<string, unknown> = {}): Promise<TestServer> {
  return startTestServer(options);
}
