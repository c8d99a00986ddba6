// Boolean flags of is-cli followed by `true`/`false`, end to end against a
// real server: the seed script's own command (`ap create ... --allow-registrations
// true ...`) through the is-cli binary as a child process, and each boolean
// flag kind (switch, explicit bool, presence) through runCli.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer } from "../helpers/harness.js";
import { cliRunner, ok } from "../helpers/cli.js";

const server = await startTestServer();
test.after(() => server.close());
const cli = cliRunner(server, server.adminAPIKey);
await server.population.user({ id: "carol" });

const OIDC = "--configuration.provider.oidc";

function isCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, IS_CLI_GRPC_ADDRESS: server.grpcAddress, IS_CLI_API_KEY: server.adminAPIKey };
  return new Promise((resolve) => {
    execFile(process.execPath, [join(process.cwd(), "bin/is-cli.js"), ...args], { env }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test("the seed command works as written: ap create $ID --name $NAME --allow-registrations true ...", async () => {
  const ID = "seed-sso";
  const NAME = "Seed SSO";
  const r = await isCli(["ap", "create", ID, "--name", NAME, "--allow-registrations", "true", `${OIDC}.client-id`, "identity-server", `${OIDC}.client-secret`, "change-this-secret", `${OIDC}.provider-url`, "https://op.example.com"]);
  assert.is(r.code, 0, r.stderr);
  const created = JSON.parse(r.stdout);
  assert.is(created.ids.provider_id, ID);
  assert.is(created.name, NAME);
  assert.is(created.allow_registrations, true);
  assert.is(created.configuration.oidc.client_id, "identity-server");
});

test("switch flags: --x false / --x true / --x=false / --x", async () => {
  const get = async () => ok(await cli(["ap", "get", "seed-sso", "--all", "true"]), "get --all true").allow_registrations ?? false;
  ok(await cli(["ap", "update", "seed-sso", "--allow-registrations", "false"]), "update false");
  assert.is(await get(), false);
  ok(await cli(["ap", "update", "seed-sso", "--allow-registrations", "true"]), "update true");
  assert.is(await get(), true);
  ok(await cli(["ap", "update", "seed-sso", "--allow-registrations=false"]), "update =false");
  assert.is(await get(), false);
  ok(await cli(["ap", "update", "seed-sso", "--allow-registrations"]), "update bare");
  assert.is(await get(), true);
});

test("explicit bool and presence flags: users update --admin true|false, users get --all false", async () => {
  assert.is(ok(await cli(["users", "update", "carol", "--admin", "true"]), "admin true").admin, true);
  assert.is(ok(await cli(["users", "get", "carol", "--field-mask", "admin"]), "get").admin, true);
  assert.is(ok(await cli(["users", "update", "carol", "--admin", "false"]), "admin false").admin ?? false, false);
  assert.is(ok(await cli(["users", "get", "carol", "--field-mask", "admin"]), "get").admin ?? false, false);
  // --all false is no --all: the default field mask, so --field-mask may be given with it.
  const notAll = ok(await cli(["users", "get", "carol", "--all", "false", "--field-mask", "name"]), "get --all false");
  assert.is(notAll.primary_email_address, undefined);
});

test.run();
