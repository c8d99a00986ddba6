// make bench: device search by ID substring at 1,000 and 100,000 devices (target:
// 100k within 2x of 1k, on each database) and ApplicationRegistry.List at 2,000
// applications (target: PGlite within 2x of PostgreSQL). Each database runs in a
// child process (bench/lib/search-and-list-run.ts): PGlite always, PostgreSQL
// too when DATABASE_URL is set. Sequential gRPC calls (BENCH_CALLS, 100), medians,
// and CPU per call.
import { runChild } from "./lib/child.js";
import { info, target } from "./lib/report.js";
import { postgresUrl } from "./lib/settings.js";

interface Timing { p50: number; cpu: number }
interface Result { database: string; smallDevices: number; largeDevices: number; applications: number; calls: number; searchSmall: Timing; searchLarge: Timing; list: Timing }

const worker = new URL("./lib/search-and-list-run.ts", import.meta.url);
/** The worker's result on PGlite, or on PostgreSQL with `url`: the child's DATABASE_URL picks. */
function side(url: string | undefined): Promise<Result> {
  const { DATABASE_URL: _, ...env } = process.env;
  return runChild<Result>(worker, {}, undefined, url ? { ...env, DATABASE_URL: url } : env);
}

const ms = (t: Timing) => `p50 ${t.p50.toFixed(2).padStart(7)} ms   CPU ${t.cpu.toFixed(2).padStart(6)} ms/call`;
const sides = [await side(undefined), ...(postgresUrl ? [await side(postgresUrl)] : [])];
console.log(`\nSearch by ID substring and List, sequential gRPC calls, ${sides[0]!.calls} per figure, medians`);
const line = (what: string, t: Timing) => console.log(`  ${what.padEnd(52)} ${ms(t)}`);
for (const r of sides) {
  console.log(`${r.database}:`);
  line(`SearchEndDevices id_contains, ${r.smallDevices} devices`, r.searchSmall);
  line(`SearchEndDevices id_contains, ${r.largeDevices} devices`, r.searchLarge);
  line(`ApplicationRegistry.List, 30 of ${r.applications} applications`, r.list);
  info(`search CPU per call ${r.largeDevices} / ${r.smallDevices}: ${(r.searchLarge.cpu / r.searchSmall.cpu).toFixed(2)}x`);
  target({ name: `search ${r.largeDevices} devices / ${r.smallDevices}, p50`, op: "<=", limit: 2, measured: r.searchLarge.p50 / r.searchSmall.p50, unit: "x", database: r.database });
}
const [lite, pg] = sides as [Result, Result | undefined];
if (pg) target({ name: `List at ${lite.applications} applications, PGlite / PostgreSQL p50`, op: "<=", limit: 2, measured: lite.list.p50 / pg.list.p50, unit: "x", database: "PGlite vs PostgreSQL" });
else info("List PGlite / PostgreSQL: set DATABASE_URL to compare with PostgreSQL");
