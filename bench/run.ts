// make bench: the benchmarks in turn (all, or those named as arguments), each in
// a process of its own, on PGlite or on the PostgreSQL database of DATABASE_URL;
// then every target they measured, one line each: target / measured / met?.
// Exits non-zero when a benchmark failed to run, not when a target is not met.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatTarget, type Target } from "./lib/report.js";
import { databaseName, settings } from "./lib/settings.js";

const all = ["application-get", "json-get", "oauth", "search-and-list", "startup", "end-device-list", "tenants", "metrics", "tracing"];
const names = process.argv.slice(2).length ? process.argv.slice(2) : all;
const unknown = names.filter((n) => !all.includes(n));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(", ")}; they are: ${all.join(", ")}`);
  process.exit(2);
}
if (spawnSync("h2load", ["--version"]).error) {
  console.error("h2load is missing: install Debian's nghttp2-client (make bench does it where apt-get is available)");
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), "bench-"));
const summary = join(dir, "targets.jsonl");
const failed: string[] = [];
const began = performance.now();
console.log(`make bench on ${databaseName}: ${names.join(", ")}; BENCH_SECONDS=${settings.seconds} BENCH_ROUNDS=${settings.rounds} BENCH_IN_FLIGHT=${settings.inFlight}`);
for (const name of names) {
  const start = performance.now();
  console.log(`\n=== bench/${name}.ts`);
  const run = spawnSync(process.execPath, ["--import", "tsx", new URL(`./${name}.ts`, import.meta.url).pathname], { stdio: "inherit", env: { ...process.env, BENCH_SUMMARY: summary } });
  if (run.status !== 0) failed.push(name);
  console.log(`=== bench/${name}.ts: ${run.status === 0 ? "done" : `FAILED (${run.status ?? run.signal})`} in ${((performance.now() - start) / 1000).toFixed(0)} s`);
}

const targets = existsSync(summary) ? readFileSync(summary, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Target & { database: string }) : [];
rmSync(dir, { recursive: true, force: true });
console.log(`\nTargets of issue 11 measured (${((performance.now() - began) / 60000).toFixed(1)} min in all):`);
for (const t of targets) console.log(`  ${t.database.padEnd(20)} ${formatTarget(t)}`);
if (failed.length) {
  console.log(`\nfailed to run: ${failed.join(", ")}`);
  process.exit(1);
}
