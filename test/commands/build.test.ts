// The build behind the launchers (scripts/build.mjs): dist/ mirrors the sources
// as runnable JavaScript, and it counts as current only while every source is
// the one it was built from, so bin/ never runs stale code.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
// @ts-expect-error: a plain JavaScript module without types
import { build, isCurrent } from "../../scripts/build.mjs";

const root = mkdtempSync(join(tmpdir(), "is-build-"));

function write(file: string, text: string) {
  mkdirSync(join(root, file, ".."), { recursive: true });
  writeFileSync(join(root, file), text);
}

test.after(() => rmSync(root, { recursive: true, force: true }));

test("compiles src/ and gen/ into dist/ in the same layout, runnable as they are", async () => {
  cpSync(join(process.cwd(), "tsconfig.json"), join(root, "tsconfig.json"));
  write("gen/answer_pb.ts", "export const answer: number = 42;\n");
  write("src/nested/thing.ts", "import { answer } from \"../../gen/answer_pb.js\";\nexport class Thing { readonly value = answer; }\nexport const migrations = new URL(\"../../drizzle\", import.meta.url);\n");
  write("drizzle/0000_init.sql", "SELECT 1;\n");
  assert.is(isCurrent(root), false, "nothing built yet");
  assert.is(await build(root), 2);
  assert.is(isCurrent(root), true);
  const mod = await import(pathToFileURL(join(root, "dist/src/nested/thing.js")).href);
  assert.is(new mod.Thing().value, 42);
  assert.is(mod.Thing.name, "Thing");
  // Paths relative to a module reach the same folders as from the sources (dist/drizzle links to drizzle/).
  assert.is(readFileSync(new URL("0000_init.sql", `${mod.migrations.href}/`), "utf8"), "SELECT 1;\n");
});

test("an edited, added or removed source makes dist/ stale until the next build", async () => {
  const later = new Date(Date.now() + 5_000);
  write("src/nested/thing.ts", "export class Thing { readonly value = 7; }\n");
  utimesSync(join(root, "src/nested/thing.ts"), later, later);
  assert.is(isCurrent(root), false, "edited");
  await build(root);
  assert.is(isCurrent(root), true);
  assert.match(readFileSync(join(root, "dist/src/nested/thing.js"), "utf8"), "value = 7");

  write("src/extra.ts", "export {};\n");
  assert.is(isCurrent(root), false, "added");
  await build(root);
  assert.is(isCurrent(root), true);

  rmSync(join(root, "src/extra.ts"));
  assert.is(isCurrent(root), false, "removed");
  await build(root);
  assert.is(isCurrent(root), true);

  utimesSync(join(root, "tsconfig.json"), later, later);
  assert.is(isCurrent(root), false, "compiler options changed");
});

test.run();
