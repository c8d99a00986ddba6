// EndDeviceRegistry.List over gRPC on an application with 10,000 end devices
// (PGlite, or PostgreSQL with DATABASE_URL): the first page and a deep page,
// 100 devices each with a few fields. Sequential calls; prints medians.
// Run: node --import tsx bench/end-device-list.ts
import { EndDeviceRegistry } from "../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { endDevices } from "../src/store/pg/schema/index.js";
import { grpcClient } from "../test/helpers/clients.js";
import { closeTestDatabase, testDatabase } from "../test/helpers/database.js";
import { startTestServer } from "../test/helpers/harness.js";

const devices = Number(process.env.BENCH_DEVICES ?? 10_000);
const calls = Number(process.env.BENCH_CALLS ?? 200);
const limit = 100;

const server = await startTestServer();
const owner = await server.population.user({ id: "bench-owner" });
const appId = await server.population.application({ kind: "user", id: owner.id }, { id: "bench-app" });
const db = (await testDatabase()).db;
for (let start = 0; start < devices; start += 1000) {
  const rows = Array.from({ length: Math.min(1000, devices - start) }, (_, k) => {
    const i = start + k;
    const eui = Buffer.alloc(8);
    eui.writeBigUInt64BE(BigInt(i));
    return {
      tenant_id: server.tenantId,
      application_id: appId,
      device_id: `dev-${String(i).padStart(6, "0")}`,
      dev_eui: eui,
      join_eui: Buffer.from("70B3D57ED0000000", "hex"),
      name: `Device ${i}`,
      description: "A device of the benchmark",
      attributes: { batch: String(i % 10) },
    };
  });
  await db.insert(endDevices).values(rows);
}

const client = grpcClient(server, EndDeviceRegistry, owner.apiKey);
const fieldMask = { paths: ["name", "description", "attributes", "version_ids"] };

async function measure(page: number): Promise<{ p50: number; p99: number; rps: number }> {
  const times: number[] = [];
  for (let i = 0; i < 10; i++) await client.list({ applicationIds: { applicationId: appId }, limit, page, fieldMask }); // warm up
  const began = performance.now();
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    const res = await client.list({ applicationIds: { applicationId: appId }, limit, page, fieldMask });
    times.push(performance.now() - t);
    if (res.endDevices.length !== limit) throw new Error(`page ${page}: ${res.endDevices.length} devices`);
  }
  const elapsed = (performance.now() - began) / 1000;
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)]!, p99: times[Math.floor(times.length * 0.99)]!, rps: calls / elapsed };
}

const fmt = (r: { p50: number; p99: number; rps: number }) => `p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms   ${r.rps.toFixed(0).padStart(5)} req/s`;
const deep = Math.floor(devices / limit);
console.log(`EndDeviceRegistry.List over gRPC, ${devices} devices in one application, ${limit} per page, ${calls} sequential calls`);
console.log(`database: ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite (embedded)"}`);
console.log(`first page (page 1)      ${fmt(await measure(1))}`);
console.log(`deep page  (page ${deep})   ${fmt(await measure(deep))}`);
await server.close();
await closeTestDatabase();
