// A new embedded database folder starts as a copy of a template instead of
// running initdb: PGlite's initdb costs ~4 CPU-seconds in WASM, the copy of the
// ~40 MB it makes a fraction of that, and a cleanly closed cluster's folder is a
// valid cluster wherever it is copied. `make build` makes the template
// (dist/pglite-template/<PGlite version>/, through this module); without one,
// or for another PGlite version, PGlite runs initdb as before.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The installed PGlite's version: a template is only valid for the version that made it. */
function pgliteVersion(): string {
  const main = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  return (JSON.parse(readFileSync(join(dirname(main), "..", "package.json"), "utf8")) as { version: string }).version;
}

/** The package root (the first folder up with a package.json): the same from src/ and from dist/src/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export function templateFolder(root = packageRoot()): string {
  return join(root, "dist", "pglite-template", pgliteVersion());
}

/** The folder of a `pglite://` URI that names one (not memory). */
function folderOf(uri: string): string | undefined {
  if (!uri.startsWith("pglite://")) return undefined;
  const location = uri.slice("pglite://".length);
  return location === "" || location === "memory" ? undefined : location;
}

/**
 * Copies the template into the folder of `uri` when that folder is missing or
 * empty and a template exists; true when it did. The copy is made beside the
 * folder and renamed into place, so a process starting at the same moment finds
 * either nothing or a whole cluster (and the loser of the rename drops its copy).
 */
export function seedFromTemplate(uri: string, template = templateFolder()): boolean {
  const folder = folderOf(uri);
  if (!folder || !existsSync(join(template, "PG_VERSION"))) return false;
  if (existsSync(folder) && readdirSync(folder).length > 0) return false;
  const copy = `${resolve(folder)}.template-${process.pid}`;
  try {
    mkdirSync(dirname(resolve(folder)), { recursive: true });
    cpSync(template, copy, { recursive: true });
    renameSync(copy, folder); // replaces an empty folder; fails on one that meanwhile has content
    return true;
  } catch {
    rmSync(copy, { recursive: true, force: true });
    return false;
  }
}

/** Makes the template with PGlite's initdb unless it exists (and drops those of other versions); true when it made one. */
export async function makeTemplate(template = templateFolder()): Promise<boolean> {
  if (existsSync(join(template, "PG_VERSION"))) return false;
  const { PGlite } = await import("@electric-sql/pglite");
  const made = `${template}.tmp-${process.pid}`;
  rmSync(made, { recursive: true, force: true });
  mkdirSync(dirname(template), { recursive: true });
  try {
    const db = new PGlite({ dataDir: made });
    await db.waitReady;
    await db.close();
    renameSync(made, template);
    for (const other of readdirSync(dirname(template))) {
      if (other !== basename(template) && !other.includes(".tmp-")) rmSync(join(dirname(template), other), { recursive: true, force: true });
    }
  } catch (err) {
    rmSync(made, { recursive: true, force: true });
    if (existsSync(join(template, "PG_VERSION"))) return false; // another build made it meanwhile
    throw err;
  }
  return true;
}
