// make bench: EndDeviceRegistry.List over gRPC on an application with
// BENCH_DEVICES (10,000) end devices (PGlite, or PostgreSQL with DATABASE_URL):
// the first page and a deep page, 100 devices each with a few fields.
// BENCH_CALLS (200) sequential calls from a client in this process; p50/p99 and
// CPU per call (this process, server and client, and the PostgreSQL backends).
// No target: a figure for information.
import { EndDeviceRegistry } from "../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { endDevices } from "../src/store/pg/schema/index.js";
import { grpcClient } from "../test/helpers/clients.js";
import { testDatabase } from "../test/helpers/database.js";
import { heading } from "./lib/report.js";
import { startBenchServer } from "./lib/server.js";
import { percentile } from "./lib/stats.js";

const devices = Number(process.env.BENCH_DEVICES ?? 10_000);
const calls = Number(process.env.BENCH_CALLS ?? 200);
const limit = 100;

const server = await startBenchServer();
const db = (await testDatabase()).db;
for (let start = 0; start < devices; start += 1000) {
  const rows = Array.from({ length: Math.min(1000, devices - start) }, (_, k) => {
    const i = start + k;
    const eui = Buffer.alloc(8);
    eui.writeBigUInt64BE(BigInt(i));
    return {
      tenant_id: server.tenantId,
      application_id: server.appId,
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

const client = grpcClient(server, EndDeviceRegistry, server.ownerKey);
const fieldMask = { paths: ["name", "description", "attributes", "version_ids"] };

async function measure(page: number): Promise<string> {
  const list = () => client.list({ applicationIds: { applicationId: server.appId }, limit, page, fieldMask });
  for (let i = 0; i < 10; i++) await list(); // warm up
  const times: number[] = [];
  const since = server.meter();
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    const res = await list();
    times.push(performance.now() - t);
    if (res.endDevices.length !== limit) throw new Error(`page ${page}: ${res.endDevices.length} devices`);
  }
  const cpu = since();
  times.sort((a, b) => a - b);
  return `p50 ${percentile(times, 50).toFixed(2).padStart(6)} ms   p99 ${percentile(times, 99).toFixed(2).padStart(6)} ms   CPU ${((cpu.serverMs + cpu.postgresMs) / calls).toFixed(2)} ms/call`;
}

const deep = Math.floor(devices / limit);
heading(`EndDeviceRegistry.List over gRPC, ${devices} devices in one application, ${limit} per page`, `${calls} sequential calls`);
console.log(`  ${"first page (page 1)".padEnd(26)} ${await measure(1)}`);
console.log(`  ${`deep page (page ${deep})`.padEnd(26)} ${await measure(deep)}`);
await server.stop();
process.exit(0);
