// One database's side of bench/search-and-list.ts (PGlite, or PostgreSQL with
// DATABASE_URL): prints one JSON line with the medians it measured.
// - EndDeviceRegistrySearch.SearchEndDevices by ID substring (one device matches)
//   in an application of 1,000 devices, then of 100,000 (BENCH_SEARCH_DEVICES).
// - ApplicationRegistry.List of a user who collaborates on 30 of 2,000 applications
//   (20 directly, 10 through an organization).
// Statistics are brought current the way the server's periodic check does it.
// Sequential calls from a client in this process: CPU per call is this process's
// (server and client, and PGlite) plus the PostgreSQL backends'.
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { EndDeviceRegistrySearch } from "../../gen/ttn/lorawan/v3/search_services_pb.js";
import { endDevices } from "../../src/store/pg/schema/index.js";
import { analyzeStale } from "../../src/store/pg/statistics.js";
import { grpcClient } from "../../test/helpers/clients.js";
import { closeTestDatabase, testDatabase } from "../../test/helpers/database.js";
import { startTestServer } from "../../test/helpers/harness.js";
import { cpuMeter } from "./cpu.js";
import { postgresDatabase } from "./settings.js";
import { median } from "./stats.js";

const smallDevices = 1_000;
const largeDevices = Number(process.env.BENCH_SEARCH_DEVICES ?? 100_000);
const applications = 2_000;
const calls = Number(process.env.BENCH_CALLS ?? 100);

const server = await startTestServer();
const db = (await testDatabase()).db;
const owner = await server.population.user({ id: "bench-owner" });
const appId = await server.population.application({ kind: "user", id: owner.id }, { id: "bench-app" });

async function addDevices(from: number, to: number) {
  for (let start = from; start < to; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, to - start) }, (_, k) => ({
      tenant_id: server.tenantId,
      application_id: appId,
      device_id: `dev-${String(start + k).padStart(6, "0")}`,
      name: `Device ${start + k}`,
      description: "A device of the benchmark",
    }));
    await db.insert(endDevices).values(rows);
  }
  await analyzeStale(db);
}

const meter = cpuMeter(process.pid, postgresDatabase);
async function timed(call: () => Promise<unknown>): Promise<{ p50: number; cpu: number }> {
  for (let i = 0; i < 10; i++) await call(); // warm up
  const times: number[] = [];
  const since = meter();
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
  }
  const used = since();
  return { p50: median(times), cpu: (used.serverMs + used.postgresMs) / calls };
}

const search = grpcClient(server, EndDeviceRegistrySearch, owner.apiKey);
const searchOnce = async () => {
  const res = await search.searchEndDevices({ applicationIds: { applicationId: appId }, idContains: "000777", limit: 20, fieldMask: { paths: ["name"] } });
  if (res.endDevices.length !== 1) throw new Error(`search found ${res.endDevices.length} devices`);
};
await addDevices(0, smallDevices);
const searchSmall = await timed(searchOnce);
await addDevices(smallDevices, largeDevices);
const searchLarge = await timed(searchOnce);

// 2,000 applications: 100 other users with 19 each, the lister with 20, and an organization with 10 more of them.
const lister = await server.population.user({ id: "bench-lister" });
const org = await server.population.organization({ kind: "user", id: lister.id }, { id: "bench-org" });
let made = 1;
for (let i = 0; i < 20; i++, made++) await server.population.application({ kind: "user", id: lister.id }, { id: `mine-${i}` });
for (let i = 0; i < 10; i++, made++) await server.population.application({ kind: "organization", id: org }, { id: `org-app-${i}` });
for (let u = 0; made < applications; u++) {
  const other = await server.population.user({ id: `other-${u}` });
  for (let i = 0; i < 19 && made < applications; i++, made++) await server.population.application({ kind: "user", id: other.id }, { id: `app-${u}-${i}` });
}
await analyzeStale(db);
const apps = grpcClient(server, ApplicationRegistry, lister.apiKey);
const list = await timed(async () => {
  const res = await apps.list({ collaborator: { ids: { case: "userIds", value: { userId: lister.id } } }, limit: 100, fieldMask: { paths: ["name"] } });
  if (res.applications.length !== 30) throw new Error(`list found ${res.applications.length} applications`);
});

console.log(JSON.stringify({ database: process.env.DATABASE_URL ? "PostgreSQL" : "PGlite", smallDevices, largeDevices, applications, calls, searchSmall, searchLarge, list }));
await server.close();
await closeTestDatabase();
