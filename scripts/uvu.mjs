// Runs the uvu suites and ends with the line CI reads: `uvu: N passed, N failed, N skipped`.
// uvu itself prints no failed count and exits 0 when a before() hook throws, so
// this wrapper derives the verdict from the summary and fails when it is missing.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const uvuBin = join(dirname(require.resolve("uvu")), "..", "bin.js");
const [dir = "test", pattern = "\\.test\\.ts$"] = process.argv.slice(2);

const hooks = new URL("./uvu-register.mjs", import.meta.url).pathname;
const child = spawn(process.execPath, ["--import", "tsx", "--import", hooks, uvuBin, dir, pattern, "--no-color"], { stdio: ["ignore", "pipe", "inherit"] });
let output = "";
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  output += chunk.toString();
  // uvu does not exit by itself while a pool or socket is still open; once it
  // has printed its summary there is nothing left to wait for.
  if (/Duration:/.test(output)) setTimeout(() => child.kill("SIGTERM"), 1500).unref();
});
child.on("close", (code) => {
  const num = (label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(output)?.[1] ?? NaN);
  const total = num("Total");
  const passed = num("Passed");
  const skipped = num("Skipped") || 0;
  if (Number.isNaN(total) || Number.isNaN(passed)) {
    console.log(`uvu: 0 passed, 1 failed, 0 skipped`);
    console.error("no uvu summary: the test run crashed");
    process.exit(1);
  }
  // uvu's Total counts the tests that ran; skipped ones are not in it.
  const failed = total - passed;
  console.log(`uvu: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  const crashed = code !== 0 && code !== null && !/Duration:/.test(output);
  process.exit(failed > 0 || crashed || total === 0 ? 1 : 0);
});
