// The build: compiles the TypeScript of src/ and gen/ into JavaScript under
// dist/, one file per source in the same layout (so relative imports, and
// `new URL("../../../drizzle", import.meta.url)` through the link dist/drizzle,
// resolve as they do in the sources). It applies the transform that tsx applies
// on the fly, with tsx's own esbuild, once instead of at every start: running
// the sources through tsx costs a start ~1.5 CPU-seconds and ~90 MiB of memory
// (a loader thread, a round trip per module, source maps). No type checking:
// that is `make typecheck`.
// dist/manifest.json holds the size and mtime of every input as the build saw
// them; `isCurrent` compares them with the files, so the launchers in bin/ never
// run JavaScript older than its source (they fall back to tsx instead).
// It also makes the template that new embedded database folders are copied from
// (src/store/pglite-template.ts), once per PGlite version.
// Usage: node scripts/build.mjs [root]   (compiles only when dist/ is not current)
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const sourceDirs = ["src", "gen"];
// Besides the sources: what changes the output.
const otherInputs = ["tsconfig.json", "scripts/build.mjs"];
export const outDir = "dist";
const manifestFile = "manifest.json";
const templateDir = "pglite-template";

const defaultRoot = fileURLToPath(new URL("..", import.meta.url));

/** Paths (relative to root) of every input, sources first, each with its size and mtime. */
function inputs(root) {
  const files = [];
  for (const dir of sourceDirs) {
    if (!existsSync(join(root, dir))) continue;
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(relative(root, join(entry.parentPath ?? entry.path, entry.name)));
    }
  }
  files.sort();
  for (const file of otherInputs) if (existsSync(join(root, file))) files.push(file);
  return files.map((file) => {
    const { size, mtimeMs } = statSync(join(root, file));
    return { file, size, mtimeMs };
  });
}

/** True when dist/ was built from exactly the files there are now (same names, sizes and mtimes). */
export function isCurrent(root = defaultRoot) {
  let built;
  try {
    built = JSON.parse(readFileSync(join(root, outDir, manifestFile), "utf8")).inputs;
  } catch {
    return false;
  }
  const now = inputs(root);
  return now.length === built.length && now.every((f, i) => f.file === built[i].file && f.size === built[i].size && f.mtimeMs === built[i].mtimeMs);
}

/** Compiles into a fresh folder and puts it in place of dist/. Returns the number of files compiled. */
export async function build(root = defaultRoot) {
  // Taken before compiling: a file saved during the build makes it stale at once.
  const seen = inputs(root);
  const sources = seen.filter((f) => f.file.endsWith(".ts")).map((f) => join(root, f.file));
  const tmp = join(root, `${outDir}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    const esbuild = tsxEsbuild();
    await esbuild.build({
      entryPoints: sources,
      outdir: tmp,
      outbase: root,
      absWorkingDir: root,
      bundle: false,
      format: "esm",
      platform: "node",
      target: `node${process.versions.node.split(".")[0]}`,
      // As tsx: function and class names stay what the source says.
      keepNames: true,
      // Not loaded unless node runs with --enable-source-maps (stack traces then name the .ts lines).
      sourcemap: "linked",
      logLevel: "warning",
    });
    if (existsSync(join(root, "drizzle"))) symlinkSync("../drizzle", join(tmp, "drizzle"));
    writeFileSync(join(tmp, manifestFile), `${JSON.stringify({ inputs: seen })}\n`);
    // The database template does not depend on the sources: it moves over.
    if (existsSync(join(root, outDir, templateDir))) renameSync(join(root, outDir, templateDir), join(tmp, templateDir));
    rmSync(join(root, outDir), { recursive: true, force: true });
    renameSync(tmp, join(root, outDir));
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return sources.length;
}

/** The esbuild that tsx runs the sources with (a dependency of tsx, so present wherever tsx is). */
function tsxEsbuild() {
  const require = createRequire(import.meta.url);
  return createRequire(require.resolve("tsx/package.json"))("esbuild");
}

/** The template of new embedded database folders, made by the module that copies it (just compiled). */
async function makeDatabaseTemplate(root) {
  const module = join(root, outDir, "src/store/pglite-template.js");
  if (!existsSync(module)) return;
  const started = performance.now();
  try {
    const { makeTemplate } = await import(pathToFileURL(module).href);
    if (await makeTemplate()) console.log(`made the embedded database template in ${Math.round(performance.now() - started)} ms`);
  } catch (err) {
    // Only a slower first start on a new folder (PGlite runs initdb then): no reason to fail the build.
    console.warn(`no embedded database template: ${err instanceof Error ? err.message : err}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = process.argv[2] ?? defaultRoot;
  if (isCurrent(root)) {
    console.log(`${outDir}/ is current`);
  } else {
    const started = performance.now();
    const count = await build(root);
    console.log(`compiled ${count} files into ${outDir}/ in ${Math.round(performance.now() - started)} ms`);
  }
  await makeDatabaseTemplate(root);
}
