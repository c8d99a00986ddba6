// Issue 4 §8: the `url` and `blob` sources of e-mail template overrides are
// accepted as documented and marked deprecated in `identity-server --help`;
// the directory source is not.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

const bin = join(process.cwd(), "bin/identity-server.js");
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TTN_LW_")));

const help = await new Promise<string>((resolve, reject) =>
  execFile(process.execPath, [bin, "--help"], { env: clean }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
);
const line = (option: string) => help.split("\n").find((l) => l.trim().startsWith(`--${option} `)) ?? "";

test("the url and blob template sources are marked deprecated", () => {
  for (const option of ["is.email.templates.url", "is.email.templates.blob.bucket", "is.email.templates.blob.path"]) {
    assert.match(line(option), /\(deprecated\)/, option);
  }
  assert.match(line("is.email.templates.source"), /directory\|url\|blob/);
  assert.match(line("is.email.templates.source"), /\(deprecated\) url or blob/);
});

test("the directory source and its includes are not", () => {
  for (const option of ["is.email.templates.directory", "is.email.templates.includes"]) {
    assert.ok(line(option), `${option} is listed`);
    assert.not.match(line(option), /deprecated/, option);
  }
});

test.run();
