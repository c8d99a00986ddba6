// make bench: device search by ID substring at 1,000 and 100,000 devices (target:
// 100k within 2x of 1k) and ApplicationRegistry.List at 2,000 applications (target:
// PGlite within 2x of PostgreSQL). Each database runs in a child process
// (bench/lib/search-and-list-run.ts); PostgreSQL only when DATABASE_URL is set.
// Sequential gRPC calls; medians, and CPU per call of the process (server + client,
// and the database itself on PGlite).
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
interface Timing { p50: number; cpu: number }
interface Result { database: string; smallDevices: number; largeDevices: number; applications: number; calls: number; searchSmall: Timing; searchLarge: Timing; list: Timing }

async function side(databaseUrl: string | undefined): Promise<Result> {
  const env = { ...process.env };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  const worker = new URL("./lib/search-and-list-run.ts", import.meta.url).pathname;
  const { stdout } = await run(process.execPath, ["--import", "tsx", worker], { env, maxBuffer: 1 << 20, timeout: 1_800_000 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as Result;
}

const ms = (t: Timing) => `p50 ${t.p50.toFixed(2).padStart(7)} ms   CPU ${t.cpu.toFixed(2).padStart(6)} ms/call`;
const sides = [await side(undefined), ...(process.env.DATABASE_URL ? [await side(process.env.DATABASE_URL)] : [])];
console.log(`Search by ID substring and List, sequential gRPC calls, ${sides[0]!.calls} per figure, medians`);
for (const r of sides) {
  console.log(`${r.database}:`);
  console.log(`  SearchEndDevices id_contains, ${r.smallDevices} devices      ${ms(r.searchSmall)}`);
  console.log(`  SearchEndDevices id_contains, ${r.largeDevices} devices    ${ms(r.searchLarge)}`);
  console.log(`  ratio ${r.largeDevices}/${r.smallDevices}: ${(r.searchLarge.p50 / r.searchSmall.p50).toFixed(2)}x   (target <= 2x)`);
  console.log(`  ApplicationRegistry.List, 30 of ${r.applications} applications   ${ms(r.list)}`);
}
if (sides.length === 2) {
  const [lite, pg] = sides as [Result, Result];
  console.log(`List PGlite/PostgreSQL: ${(lite.list.p50 / pg.list.p50).toFixed(2)}x   (target <= 2x)`);
} else console.log("List PGlite/PostgreSQL: set DATABASE_URL to compare with PostgreSQL");
