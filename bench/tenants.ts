// make bench: what 1,000 tenants cost one of them. ApplicationRegistry.Get and
// EntityAccess.AuthInfo over gRPC with an API key, h2load with BENCH_IN_FLIGHT
// (16) in flight on one h2c connection, addressed to one tenant (record
// `bench-tenant`, its owner, application and key made by the population
// helper) with the `tenant-id` header, on a server whose database holds that
// tenant alone, then 999 more of 10 users each (every user with an API key),
// interleaved round by round. Both sides are the same server process, database
// and tables: before each run (outside the measured part, before the warm-up)
// the other tenants are inserted with a few INSERT ... SELECT generate_series
// statements or deleted, then the tables vacuumed and analyzed. Targets: the
// 1,000-tenant throughput >= 0.9 of the 1-tenant one, and its p99 <= 1.1 of
// it (the same 10% margin).
import { create, toBinary, type DescMessage, type DescMethodUnary, type MessageInitShape } from "@bufbuild/protobuf";
import type { Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { count, like, sql } from "drizzle-orm";
import { GetApplicationRequestSchema } from "../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationRegistry } from "../gen/ttn/lorawan/v3/application_services_pb.js";
import { EntityAccess } from "../gen/ttn/lorawan/v3/identityserver_pb.js";
import { createPgStore } from "../src/store/pg/store.js";
import { tenants, users } from "../src/store/pg/schema/index.js";
import { closeTestDatabase, testDatabase } from "../test/helpers/database.js";
import { startTestServer } from "../test/helpers/harness.js";
import { Population } from "../test/helpers/population.js";
import { interleave, summarize } from "./lib/compare.js";
import { cpuMeter } from "./lib/cpu.js";
import { heading, info, ratioLine, sideLine, target } from "./lib/report.js";
import { loadGrpc, type GrpcCall } from "./lib/server.js";
import { postgresDatabase, settings } from "./lib/settings.js";

const TENANT = "bench-tenant";
/** The other tenants' IDs: `crowd-1` ... `crowd-999`. */
const CROWD = "crowd-";
const OTHERS = 999;
const USERS_EACH = 10;

const server = await startTestServer();
const database = await testDatabase();
const db = database.db;
const meter = cpuMeter(process.pid, postgresDatabase);

// The measured tenant: its record, then what the calls read, as every benchmark makes it.
await db.insert(tenants).values({ tenant_id: TENANT, name: "Measured" });
const population = new Population(createPgStore({ primary: db, tenantId: TENANT }));
const owner = await population.user({ id: "bench-owner" });
const appId = await population.application({ kind: "user", id: owner.id }, { id: "bench-app", name: "Bench" });
const key = await population.apiKey({ kind: "user", id: owner.id }, 15 /* RIGHT_APPLICATION_INFO */);
const headers = { authorization: `Bearer ${key}`, "tenant-id": TENANT };

// ---- the other tenants ------------------------------------------------------------

async function tidy(): Promise<void> {
  // VACUUM cannot run in a transaction; the store's database handle runs statements outside one.
  for (const table of ["tenants", "accounts", "users", "api_keys"]) {
    await db.execute(sql.raw(`VACUUM ANALYZE ${table}`)).catch(() => db.execute(sql.raw(`ANALYZE ${table}`)));
  }
}

let crowded = false;
async function crowd(on: boolean): Promise<void> {
  if (crowded === on) return;
  const tenantOf = sql.raw(`'${CROWD}' || i`);
  if (on) {
    const each = sql.raw(`generate_series(1, ${OTHERS}) AS i, generate_series(1, ${USERS_EACH}) AS u`);
    await db.execute(sql`INSERT INTO tenants (tenant_id, name) SELECT ${tenantOf}, 'Tenant ' || i FROM generate_series(1, ${sql.raw(String(OTHERS))}) AS i`);
    await db.execute(sql`INSERT INTO accounts (tenant_id, uid, kind) SELECT ${tenantOf}, 'user-' || u, 'user' FROM ${each}`);
    await db.execute(sql`
      INSERT INTO users (tenant_id, user_id, name, primary_email_address, primary_email_address_validated_at, password, state)
      SELECT ${tenantOf}, 'user-' || u, 'User ' || u, 'user-' || u || '@' || ${tenantOf} || '.example', now(), 'unused', 1 FROM ${each}`);
    await db.execute(sql`
      INSERT INTO api_keys (key_id, tenant_id, secret_hash, name, rights, entity_kind, entity_id)
      SELECT 'CROWD' || i || 'U' || u, ${tenantOf}, 'unused', 'key', ARRAY[1], 'user', 'user-' || u FROM ${each}`);
  } else {
    const pattern = `${CROWD}%`;
    await db.execute(sql`DELETE FROM api_keys WHERE tenant_id LIKE ${pattern}`);
    await db.execute(sql`DELETE FROM accounts WHERE tenant_id LIKE ${pattern}`); // its users go with it
    await db.execute(sql`DELETE FROM tenants WHERE tenant_id LIKE ${pattern}`);
  }
  await tidy();
  crowded = on;
}

// Once, to show what the 1,000-tenant side holds.
await crowd(true);
const [{ n: tenantRows }] = (await db.select({ n: count() }).from(tenants).where(like(tenants.tenant_id, `${CROWD}%`))) as [{ n: number }];
const [{ n: userRows }] = (await db.select({ n: count() }).from(users).where(like(users.tenant_id, `${CROWD}%`))) as [{ n: number }];
await crowd(false);

// ---- the calls ----------------------------------------------------------------------

const transport = createGrpcTransport({
  baseUrl: `http://${server.grpcAddress}`,
  interceptors: [
    ((next) => (req) => {
      for (const [k, v] of Object.entries(headers)) req.header.set(k, v);
      return next(req);
    }) satisfies Interceptor,
  ],
});

/** A call as h2load sends it, with the server's answer (which every measured request must get). */
async function call<I extends DescMessage, O extends DescMessage>(name: string, method: DescMethodUnary<I, O>, init: MessageInitShape<I>): Promise<GrpcCall> {
  const request = create(method.input, init);
  const answer = await transport.unary(method, undefined, undefined, undefined, request);
  return {
    name,
    path: `/${method.parent.typeName}/${method.name}`,
    message: toBinary(method.input, request),
    answer: toBinary(method.output, answer.message),
    headers,
  };
}

const calls = [
  await call("ApplicationRegistry.Get", ApplicationRegistry.method.get, {
    applicationIds: { applicationId: appId },
    fieldMask: { paths: ["name", "description"] },
  } satisfies MessageInitShape<typeof GetApplicationRequestSchema>),
  await call("EntityAccess.AuthInfo", EntityAccess.method.authInfo, {}),
];

try {
  info(`the 1,000-tenant side: ${TENANT} and ${tenantRows} other tenant records, ${userRows} users (each with an API key) in them`);
  for (const c of calls) {
    heading(`${c.name}, gRPC with an API key and the tenant-id header, ${settings.inFlight} in flight (h2load): 1 tenant vs 1,000`);
    const [one, thousand] = (
      await interleave(settings.rounds, [
        { name: "1 tenant", meter, run: async (onMeasure) => (await crowd(false), loadGrpc(server.grpcAddress, c, onMeasure)) },
        { name: "1,000 tenants", meter, run: async (onMeasure) => (await crowd(true), loadGrpc(server.grpcAddress, c, onMeasure)) },
      ])
    ).map(summarize) as [ReturnType<typeof summarize>, ReturnType<typeof summarize>];
    sideLine("1 tenant", one);
    sideLine("1,000 tenants", thousand);
    const ratio = ratioLine("1,000 / 1 tenant", thousand, one);
    target({ name: `${c.name} 1,000 tenants / 1, throughput`, op: ">=", limit: 0.9, measured: ratio });
    target({ name: `${c.name} 1,000 tenants / 1, p99`, op: "<=", limit: 1.1, measured: thousand.p99 / one.p99 });
  }
} finally {
  await crowd(false);
  await server.close();
  await closeTestDatabase();
}
process.exit(0);
