// The identity-server binary refusing a bad start: every case is exactly one
// line on stderr (no stack trace) naming the option, the value, where it came
// from and what is expected, with a non-zero exit. Also: `config -c file`
// reads the file, and other components' options only cause one warning.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

const bin = join(process.cwd(), "bin/identity-server.js");
const dir = mkdtempSync(join(tmpdir(), "is-start-errors-"));
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TTN_LW_")));

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = execFile(process.execPath, [bin, ...args], { env: { ...clean, ...env } });
  child.stdin!.end();
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c) => (stdout += c));
  child.stderr!.on("data", (c) => (stderr += c));
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
  return { code, stdout, stderr };
}

/** Runs a start that must fail, and checks the one line it prints for every fragment. */
async function refused(args: string[], fragments: string[], env: Record<string, string> = {}): Promise<string> {
  const { code, stderr } = await run(args, env);
  const lines = stderr.split("\n").filter((l) => l !== "");
  assert.is.not(code, 0, `exit code of ${args.join(" ")}`);
  assert.is(lines.length, 1, `exactly one line on stderr for ${args.join(" ")}:\n${stderr}`);
  assert.not.match(stderr, /^\s+at /m, "no stack trace");
  for (const f of fragments) assert.ok(lines[0]!.includes(f), `${JSON.stringify(lines[0])} lacks ${JSON.stringify(f)}`);
  return lines[0]!;
}

test("bad listen addresses, bool words, URLs, hex keys and enum values: one line naming option, value, source, expectation", async () => {
  await refused(["start", "--http.listen", "notaport"], ["http.listen", '"notaport"', "flag --http.listen", "[host]:port"]);
  await refused(["start", "--grpc.listen=:70000"], ["grpc.listen", '":70000"', "flag --grpc.listen", "port from 0 to 65535"]);
  await refused(["start", "--is.admin-rights.all", "maybe"], ["is.admin-rights.all", '"maybe"', "flag --is.admin-rights.all", "true or false"]);
  await refused(["start", "--is.oauth.ui.canonical-url", "notaurl"], ["is.oauth.ui.canonical-url", '"notaurl"', "flag --is.oauth.ui.canonical-url", "absolute http(s) URL"]);
  await refused(["start", "--http.cookie.hash-key", "zz"], ["http.cookie.hash-key", "(2 characters, not shown)", "flag --http.cookie.hash-key", "32 or 64 bytes"]);
  const enumLine = await refused(["start", "--is.email.provider", "pigeon"], ["is.email.provider", '"pigeon"', "one of smtp, sendgrid, dir, or empty"]);
  assert.not.match(enumLine, /one of ,/);
  await refused(["start"], ["http.listen", '"nope"', "env TTN_LW_HTTP_LISTEN"], { TTN_LW_HTTP_LISTEN: "nope" });
  const file = join(dir, "bad.yml");
  writeFileSync(file, "is:\n  oauth:\n    ui:\n      canonical-url: notaurl\n");
  await refused(["start", "-c", file], ["is.oauth.ui.canonical-url", '"notaurl"', `file ${file}`]);
});

test("values refused by later checks name the value and its source too: one line, before any warning", async () => {
  await refused(["config", "--is.dev-eui-block.prefix", "zz/3"], ["is.dev-eui-block.prefix", '"zz/3"', "flag --is.dev-eui-block.prefix", "16 hex digits"]);
  await refused(["config", "--is.oauth.mount", "noslash"], ["is.oauth.mount", '"noslash"', "flag --is.oauth.mount", 'starting with "/"']);
  // The e-mail settings are checked by the e-mail module: still one line, with value and source, before the start's warnings.
  await refused(["start", "--is.database-uri", "pglite://memory", "--is.email.provider", "smtp", "--is.email.smtp.address", "notahost:xx"], ["is.email.smtp.address", '"notahost:xx"', "flag --is.email.smtp.address"]);
  await refused(["start", "--is.database-uri", "pglite://memory"], ["is.email.sender-address", '"nobody"', "env TTN_LW_IS_EMAIL_SENDER_ADDRESS"], { TTN_LW_IS_EMAIL_PROVIDER: "dir", TTN_LW_IS_EMAIL_DIR: dir, TTN_LW_IS_EMAIL_SENDER_ADDRESS: "nobody" });
});

test("booleans as the stack takes them: true/false, 1/0, t/f, yes/no, on/off (flags, env, YAML); other words refused", async () => {
  const file = join(dir, "bool.yml");
  writeFileSync(file, "is:\n  admin-rights:\n    all: 1\n");
  for (const [args, env] of [[["config", "--is.admin-rights.all", "t"], {}], [["config", "-c", file], {}], [["config"], { TTN_LW_IS_ADMIN_RIGHTS_ALL: "TRUE" }]] as const) {
    const { code, stdout, stderr } = await run([...args], env);
    assert.is(code, 0, stderr);
    assert.match(stdout, /admin-rights:\n\s+all: true/, args.join(" "));
  }
  for (const word of ["maybe", "y", "2", "enabled"]) {
    await refused(["config", `--is.admin-rights.all=${word}`], ["is.admin-rights.all", `"${word}"`, "true or false (also 1/0, t/f, yes/no, on/off)"]);
  }
});

test("options before the command, and --config with a list of files", async () => {
  const a = join(dir, "a.yml");
  const b = join(dir, "b.yml");
  writeFileSync(a, "is:\n  delete:\n    restore: 48h\n");
  writeFileSync(b, "log:\n  level: warn\n");
  for (const args of [["-c", a, "config"], ["--config", a, "config"], ["config", "--config", `${a},${b}`], ["--log.level", "warn", "config", "-c", a]]) {
    const { code, stdout, stderr } = await run(args);
    assert.is(code, 0, `${args.join(" ")}: ${stderr}`);
    assert.match(stdout, /restore: 48h/, args.join(" "));
  }
  const both = await run(["config", "--config", `${a},${b}`]);
  assert.match(both.stdout, /level: warn/, "the second file is read too");
  await refused(["config", "--config="], ["missing value for config", "flag --config", "YAML file path"]);
});

test("unknown options of our sections: all listed in one line", async () => {
  await refused(["start", "--is.nope=1", "--http.lissen", ":1"], ["unknown options", "is.nope (from flag --is.nope)", "http.lissen (from flag --http.lissen; did you mean http.listen?)"]);
});

test("a port in use names the option, its value and where it came from", async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    // --log.level error: only the failure itself reaches stderr.
    await refused(
      ["start", "--is.database-uri", "pglite://memory", "--log.level", "error", "--grpc.listen", "127.0.0.1:0"],
      ["cannot listen on http.listen", `"127.0.0.1:${port}"`, "env TTN_LW_HTTP_LISTEN", "address already in use"],
      { TTN_LW_HTTP_LISTEN: `127.0.0.1:${port}` },
    );
  } finally {
    blocker.close();
  }
});

test("config -c / --config read the file; extra arguments are refused", async () => {
  const file = join(dir, "config.yml");
  writeFileSync(file, "is:\n  delete:\n    restore: 48h\n  dev-eui-block:\n    prefix: 0000000000000000/0\n");
  for (const args of [["config", "-c", file], ["config", "--config", file], ["config", `--config=${file}`]]) {
    const { code, stdout, stderr } = await run(args);
    assert.is(code, 0, stderr);
    assert.match(stdout, /restore: 48h/, args.join(" "));
    assert.match(stdout, /prefix: 0000000000000000\/0/);
  }
  const extra = await run(["config", "file.yml"]);
  assert.is(extra.code, 2);
  assert.match(extra.stderr, /unexpected arguments file\.yml/);
});

test("one configuration file and environment for the whole stack: other components' options give one warning", async () => {
  const file = join(dir, "stack.yml");
  writeFileSync(file, "ns:\n  net-id: '000013'\ngs:\n  mqtt:\n    listen: ':1882'\nhttp:\n  pprof:\n    password: secret\nis:\n  delete:\n    restore: 72h\n");
  const { code, stdout, stderr } = await run(["config", "-c", file, "--as.mqtt.listen", ":1883"], { TTN_LW_NS_NET_ID: "000013", TTN_LW_OAUTH_SERVER_ADDRESS: "https://x/oauth" });
  assert.is(code, 0, stderr);
  assert.match(stdout, /restore: 72h/);
  const warnings = stderr.split("\n").filter((l) => l !== "");
  assert.is(warnings.length, 1, stderr);
  for (const name of ["ns (file", "gs (file", "http.pprof (file", "as.mqtt.listen (flag)", "TTN_LW_NS_NET_ID (env)", "TTN_LW_OAUTH_SERVER_ADDRESS (env)"]) {
    assert.ok(warnings[0]!.includes(name), `${warnings[0]} lacks ${name}`);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
