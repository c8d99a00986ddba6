// is-cli's connection settings as The Things Stack's CLI takes them, against
// real servers (plain and TLS): config files (.ttn-lw-cli.yml in the working
// directory, $HOME and $HOME/.config, or -c/--config), TTN_LW_* variables and
// the flags --identity-server-grpc-address, --insecure and --ca, in that
// order of precedence; and the local commands `use`, `config`, `version` and
// `complete`.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ok, runIn } from "../helpers/cli.js";
import { startTestServer } from "../helpers/harness.js";

const server = await startTestServer();
const dir = mkdtempSync(join(tmpdir(), "is-cli-settings-"));
const pki = join(dir, "pki");
mkdirSync(pki);
execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost",
  "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", join(pki, "key.pem"), "-out", join(pki, "cert.pem")], { stdio: "ignore" });
const tlsServer = await startTestServer({
  "http.listen": "", "grpc.listen": "", "grpc.listen-tls": "127.0.0.1:0",
  "tls.certificate": join(pki, "cert.pem"), "tls.key": join(pki, "key.pem"),
});
test.after(async () => {
  await server.close();
  await tlsServer.close();
  rmSync(dir, { recursive: true, force: true });
});

const key = server.adminAPIKey;
/** A fresh working directory and $HOME for each test. */
function place(name: string): { cwd: string; home: string } {
  const cwd = join(dir, name, "work");
  const home = join(dir, name, "home");
  mkdirSync(cwd, { recursive: true });
  mkdirSync(join(home, ".config"), { recursive: true });
  return { cwd, home };
}
const unreachable = "127.0.0.1:9"; // discard port: nothing listens
const whoami = async (env: Record<string, string>, cwd: string, args: string[] = []) => runIn(["users", "get", "admin", "--api-key", key, ...args], env, { cwd });

test("a .ttn-lw-cli.yml in the working directory gives the address (insecure)", async () => {
  const { cwd, home } = place("cwd-file");
  writeFileSync(join(cwd, ".ttn-lw-cli.yml"), `identity-server-grpc-address: ${server.grpcAddress}\ninsecure: true\n`);
  assert.is(ok(await whoami({ HOME: home }, cwd), "from the file").ids.user_id, "admin");
  // Without insecure the stack's address means TLS, which a plain server does not speak.
  writeFileSync(join(cwd, ".ttn-lw-cli.yml"), `identity-server-grpc-address: ${server.grpcAddress}\n`);
  const r = await whoami({ HOME: home }, cwd);
  assert.is(r.code, 1, r.stderr);
  assert.match(JSON.parse(r.stderr).message, /wrong version number/, "a TLS handshake with a plain server");
});

test("$HOME and $HOME/.config files, merged in order: the later one wins", async () => {
  const { cwd, home } = place("home-files");
  writeFileSync(join(cwd, ".ttn-lw-cli.yml"), `identity-server-grpc-address: ${unreachable}\ninsecure: true\n`);
  writeFileSync(join(home, ".ttn-lw-cli.yml"), `identity-server-grpc-address: ${unreachable}\n`);
  writeFileSync(join(home, ".config", ".ttn-lw-cli.yml"), `identity-server-grpc-address: ${server.grpcAddress}\n`);
  assert.is(ok(await whoami({ HOME: home }, cwd), "merged").ids.user_id, "admin");
  const shown = await runIn(["config"], { HOME: home }, { cwd });
  assert.match(shown.stdout, new RegExp(`--identity-server-grpc-address="${server.grpcAddress}"`));
  assert.match(shown.stdout, /--insecure="true"/);
  assert.match(shown.stdout, new RegExp(`--config=".*${join(cwd, ".ttn-lw-cli.yml")},.*${join(home, ".ttn-lw-cli.yml")},.*${join(home, ".config", ".ttn-lw-cli.yml")}"`));
});

test("-c / --config / TTN_LW_CONFIG name the files; a missing one is an error", async () => {
  const { cwd, home } = place("explicit");
  writeFileSync(join(cwd, ".ttn-lw-cli.yml"), `identity-server-grpc-address: ${unreachable}\n`);
  writeFileSync(join(cwd, "prod.yml"), `identity-server-grpc-address: ${server.grpcAddress}\ninsecure: true\n`);
  assert.is(ok(await whoami({ HOME: home }, cwd, ["-c", "prod.yml"]), "-c").ids.user_id, "admin");
  assert.is(ok(await whoami({ HOME: home }, cwd, ["--config", join(cwd, "prod.yml")]), "--config").ids.user_id, "admin");
  assert.is(ok(await whoami({ HOME: home, TTN_LW_CONFIG: "prod.yml" }, cwd), "TTN_LW_CONFIG").ids.user_id, "admin");
  const missing = await whoami({ HOME: home }, cwd, ["-c", "nope.yml"]);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /cannot read config file .*nope\.yml/);
  writeFileSync(join(cwd, "bad.yml"), "identity-server-grpc-address: [unclosed\n");
  const bad = await whoami({ HOME: home }, cwd, ["-c", "bad.yml"]);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /is not YAML/);
});

test("TTN_LW_* variables beat the files; flags beat both", async () => {
  const { cwd, home } = place("precedence");
  writeFileSync(join(cwd, ".ttn-lw-cli.yml"), `identity-server-grpc-address: ${unreachable}\ninsecure: false\n`);
  const env = { HOME: home, TTN_LW_IDENTITY_SERVER_GRPC_ADDRESS: server.grpcAddress, TTN_LW_INSECURE: "true" };
  assert.is(ok(await whoami(env, cwd), "env over file").ids.user_id, "admin");
  const badEnv = { HOME: home, TTN_LW_IDENTITY_SERVER_GRPC_ADDRESS: unreachable };
  assert.is(ok(await whoami(badEnv, cwd, ["--identity-server-grpc-address", server.grpcAddress, "--insecure"]), "flags over env").ids.user_id, "admin");
  // The flags may come before the command words, as in the stack's CLI.
  const r = await runIn(["--identity-server-grpc-address", server.grpcAddress, "--insecure", "users", "get", "admin", "--api-key", key], badEnv, { cwd });
  assert.is(ok(r, "leading flags").ids.user_id, "admin");
  // is-cli's own names still work and win over the stack's variables.
  assert.is(ok(await whoami({ ...badEnv, IS_CLI_GRPC_ADDRESS: server.grpcAddress }, cwd), "IS_CLI_GRPC_ADDRESS").ids.user_id, "admin");
  const wrong = await whoami({ HOME: home, TTN_LW_INSECURE: "maybe" }, cwd);
  assert.is(wrong.code, 2);
  assert.match(wrong.stderr, /invalid insecure from env: "maybe"/);
  const yaml = await whoami({ HOME: home }, cwd, ["--output-format", "yaml"]);
  assert.is(yaml.code, 2);
  assert.match(yaml.stderr, /only json/);
});

test("TLS: --ca trusts the server's certificate; without it the call fails", async () => {
  const { cwd, home } = place("tls");
  const address = tlsServer.server.grpcsAddress!;
  const tlsKey = tlsServer.adminAPIKey;
  const args = ["users", "get", "admin", "--api-key", tlsKey, "--identity-server-grpc-address", address];
  assert.is(ok(await runIn([...args, "--ca", join(pki, "cert.pem")], { HOME: home }, { cwd }), "with --ca").ids.user_id, "admin");
  assert.is(ok(await runIn(args, { HOME: home, TTN_LW_CA: join(pki, "cert.pem") }, { cwd }), "with TTN_LW_CA").ids.user_id, "admin");
  const untrusted = await runIn(args, { HOME: home }, { cwd });
  assert.is(untrusted.code, 1);
  assert.match(JSON.parse(untrusted.stderr).message, /self-signed certificate/);
  const missing = await runIn([...args, "--ca", "nope.pem"], { HOME: home }, { cwd });
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /cannot read the CA file nope\.pem/);
});

test("use writes a config for a deployment that later commands pick up", async () => {
  const { cwd, home } = place("use");
  const [host, port] = server.grpcAddress.split(":");
  const w = await runIn(["use", host!, "--insecure", "--grpc-port", port!, "--oauth-server-address", `${server.httpURL}/oauth`], { HOME: home }, { cwd });
  assert.is(w.code, 0, w.stderr);
  assert.match(w.stderr, /Config file for 127\.0\.0\.1 written in .*\.ttn-lw-cli\.yml/);
  const written = readFileSync(join(cwd, ".ttn-lw-cli.yml"), "utf8");
  assert.match(written, new RegExp(`identity-server-grpc-address: ${server.grpcAddress}`));
  assert.match(written, /credentials-id: 127\.0\.0\.1/);
  assert.match(written, /insecure: true/);
  assert.is(ok(await whoami({ HOME: home }, cwd), "after use").ids.user_id, "admin");
  // An existing file is kept unless --overwrite; --user writes to the user's config folder.
  const again = await runIn(["use", "other.example.com"], { HOME: home }, { cwd });
  assert.is(again.code, 1);
  assert.match(again.stderr, /exists: use --overwrite/);
  assert.is((await runIn(["use", "thethings.example.com", "--user"], { HOME: home }, { cwd })).code, 0);
  const user = readFileSync(join(home, ".config", ".ttn-lw-cli.yml"), "utf8");
  assert.match(user, /identity-server-grpc-address: thethings\.example\.com:8884/);
  assert.match(user, /oauth-server-address: https:\/\/thethings\.example\.com:8885\/oauth/);
  assert.match(user, /insecure: false/);
});

test("config --env and --yml; version; complete", async () => {
  const { cwd, home } = place("config");
  const env = { HOME: home, TTN_LW_IDENTITY_SERVER_GRPC_ADDRESS: "is.example.com:8884", TTN_LW_CREDENTIALS_ID: "is.example.com" };
  const asEnv = await runIn(["config", "--env"], env, { cwd });
  assert.is(asEnv.code, 0, asEnv.stderr);
  assert.match(asEnv.stdout, /^TTN_LW_IDENTITY_SERVER_GRPC_ADDRESS="is\.example\.com:8884"$/m);
  assert.match(asEnv.stdout, /^TTN_LW_CREDENTIALS_ID="is\.example\.com"$/m);
  const asYml = await runIn(["config", "--yml"], env, { cwd });
  assert.match(asYml.stdout, /^identity-server-grpc-address: is\.example\.com:8884$/m);
  const version = await runIn(["version"], {}, { cwd });
  assert.is(version.code, 0);
  assert.match(version.stdout, /^Version:\s+\d+\.\d+\.\d+/m);
  const bash = await runIn(["completion", "--shell", "bash", "--executable", "ttn-lw-cli"], {}, { cwd });
  assert.is(bash.code, 0, bash.stderr);
  assert.match(bash.stdout, /complete -F __ttn_lw_cli_complete ttn-lw-cli/);
  assert.match(bash.stdout, /"applications api-keys"\) words="create add register generate list ls/);
  assert.match((await runIn(["complete", "fish"], {}, { cwd })).stdout, /complete -c is-cli -n __fish_use_subcommand -a applications/);
  assert.is((await runIn(["complete", "tcsh"], {}, { cwd })).code, 1);
});

test.run();
