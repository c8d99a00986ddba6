// New embedded database folders start as a copy of the template (made once by
// `make build`) instead of PGlite's initdb: the copy is a working database that
// migrates and serves, and a folder that already holds something is never touched.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openDatabase } from "../../src/store/pg/database.js";
import { makeTemplate, seedFromTemplate } from "../../src/store/pglite-template.js";

const dir = mkdtempSync(join(tmpdir(), "is-pglite-template-"));
const template = join(dir, "template", "0.0.0");

test.after(() => rmSync(dir, { recursive: true, force: true }));

test("no template: nothing is copied and PGlite makes the folder as before", () => {
  assert.is(seedFromTemplate(`pglite://${join(dir, "a")}`, template), false);
  assert.is(existsSync(join(dir, "a")), false);
});

test("the template is made once; a new folder is a copy that migrates and answers", async () => {
  assert.is(await makeTemplate(template), true);
  assert.is(await makeTemplate(template), false, "already there");
  const folder = join(dir, "nested", "data");
  assert.is(seedFromTemplate(`pglite://${folder}`, template), true);
  assert.ok(existsSync(join(folder, "PG_VERSION")));
  const database = await openDatabase(`pglite://${folder}`, { maxOpenConns: 1 });
  try {
    await database.migrate();
    const result = await database.db.execute(sql`SELECT count(*)::int AS n FROM users`);
    assert.equal((result as unknown as { rows: unknown[] }).rows, [{ n: 0 }]);
  } finally {
    await database.close();
  }
  assert.equal(readdirSync(join(dir, "nested")), ["data"], "no copy left beside the folder");
});

test("an empty folder is filled; one with anything in it, memory and PostgreSQL are left alone", () => {
  const empty = join(dir, "empty");
  mkdirSync(empty);
  assert.is(seedFromTemplate(`pglite://${empty}`, template), true);
  const used = join(dir, "used");
  mkdirSync(used);
  writeFileSync(join(used, "notes.txt"), "mine");
  assert.is(seedFromTemplate(`pglite://${used}`, template), false);
  assert.equal(readdirSync(used), ["notes.txt"]);
  assert.is(seedFromTemplate("pglite://memory", template), false);
  assert.is(seedFromTemplate("pglite://", template), false);
  assert.is(seedFromTemplate("postgres://postgres@127.0.0.1:5432/x", template), false);
});

test.run();
