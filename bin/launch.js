// Runs an entry point of src/ for the launchers beside it: the JavaScript in
// dist/ when `make build` (scripts/build.mjs) made it from the sources as they
// are now, else the TypeScript sources through tsx, so an edit never runs stale
// code, only a slower start (tsx costs ~1.5 CPU-seconds and ~90 MiB per process).
import { isCurrent, outDir } from "../scripts/build.mjs";

/** `entry`: the source file relative to the package root, e.g. "src/main.ts". */
export async function launch(entry) {
  const root = new URL("..", import.meta.url);
  if (isCurrent()) return import(new URL(`${outDir}/${entry.replace(/\.ts$/, ".js")}`, root).href);
  const { register } = await import("tsx/esm/api");
  register();
  return import(new URL(entry, root).href);
}
