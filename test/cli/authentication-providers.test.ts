// is-cli `authentication-providers` (alias `ap`) end to end against a real
// server over gRPC, through runCli (the code bin/is-cli.js runs): create
// (printing the callback URL and the providers), get and list with field
// selection, update of exactly the flags given, delete, `ap external-users`,
// and flags that are wrong stopping before any call.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer } from "../helpers/harness.js";
import { cliRunner, failed, ok, usage, type CliResult } from "../helpers/cli.js";

const server = await startTestServer();
test.after(() => server.close());
const admin = server.adminAPIKey;
const alice = await server.population.user({ id: "alice" });
await server.population.user({ id: "bob" });

const OIDC = "--configuration.provider.oidc";
const create = (id: string, ...extra: string[]) => [
  "ap", "create", id, "--name", `Provider ${id}`,
  `${OIDC}.client-id`, `client-of-${id}`, `${OIDC}.client-secret`, `secret-of-${id}`, `${OIDC}.provider-url`, "https://accounts.example.com",
  ...extra,
];
const callbackOf = (r: CliResult) => /^callback URL \(register it at the provider\): (\S+)$/m.exec(r.stderr)?.[1];
const listed = async () => ok(await cli(["ap", "list", "--field-mask", "name"]), "list").providers?.map((p: { ids: { provider_id: string } }) => p.ids.provider_id) ?? [];
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const PERMISSION_DENIED = 7;
const UNAUTHENTICATED = 16;

const cli = cliRunner(server, admin);

test("create prints the provider (without its secret), the callback URL and the providers", async () => {
  const r = await cli(create("corp-sso", "--allow-registrations", "--allowed-email-domains", "Example.com,example.org", `${OIDC}.preferred-response-type`, "code id_token"));
  const created = ok(r, "create");
  assert.is(created.ids.provider_id, "corp-sso");
  assert.is(created.name, "Provider corp-sso");
  assert.is(created.allow_registrations, true);
  assert.equal(created.allowed_email_domains, ["example.com", "example.org"]);
  assert.equal(created.configuration.oidc, { client_id: "client-of-corp-sso", provider_url: "https://accounts.example.com", preferred_response_type: "code id_token" });
  // Without --oauth-server-address: the server's default canonical URL, which callbacks are built from.
  assert.is(callbackOf(r), "http://localhost:1885/oauth/login/corp-sso/callback");
  assert.match(r.stderr, /^authentication providers \(1\):$/m);
  assert.match(r.stderr, /^ {2}corp-sso\tProvider corp-sso\thttps:\/\/accounts\.example\.com$/m);

  // The full name of the group works as well as the alias; the list grows.
  const second = await cli(["authentication-providers", ...create("other-sso").slice(1)]);
  ok(second, "create via the full name");
  assert.match(second.stderr, /^authentication providers \(2\):$/m);
  assert.match(second.stderr, /^ {2}other-sso\t/m);
  failed(await cli(create("corp-sso")), "create twice", ALREADY_EXISTS, "id_taken");
});

test("the callback URL follows --oauth-server-address (or its environment variable)", async () => {
  const flag = await cli(["ap", "get", "corp-sso", "--oauth-server-address", "https://lns.example.com/oauth/"]);
  ok(flag, "get");
  assert.is(callbackOf(flag), "https://lns.example.com/oauth/login/corp-sso/callback");
  const env = await cli(["ap", "get", "corp-sso"], admin, { IS_CLI_OAUTH_SERVER_ADDRESS: "https://env.example.com/o" });
  assert.is(callbackOf(env), "https://env.example.com/o/login/corp-sso/callback");
  usage(await cli(["ap", "get", "corp-sso", "--oauth-server-address", "lns.example.com/oauth"]), /invalid OAuth server address/);
});

test("get: every field but the secret by default; selection flags, --field-mask and --all", async () => {
  const plain = ok(await cli(["ap", "get", "corp-sso"]), "get");
  assert.is(plain.name, "Provider corp-sso");
  assert.is(plain.allow_registrations, true);
  assert.is(plain.configuration.oidc.client_id, "client-of-corp-sso");
  assert.is(plain.configuration.oidc.client_secret, undefined);

  const one = ok(await cli(["ap", "get", "corp-sso", `${OIDC}.client-id`]), "get client id");
  assert.equal(one.configuration, { oidc: { client_id: "client-of-corp-sso" } });
  assert.is(one.name, undefined);

  const secret = ok(await cli(["ap", "get", "corp-sso", `${OIDC}.client-secret`, "--name"]), "get secret");
  assert.equal(secret.configuration, { oidc: { client_secret: "secret-of-corp-sso" } });
  assert.is(secret.name, "Provider corp-sso");

  const all = ok(await cli(["ap", "get", "corp-sso", "--all"]), "get --all");
  assert.is(all.configuration.oidc.client_secret, undefined, "--all leaves the secret out");
  assert.is(all.configuration.oidc.provider_url, "https://accounts.example.com");
  const allAndSecret = ok(await cli(["ap", "get", "corp-sso", "--all", `${OIDC}.client-secret`]), "get --all with the secret");
  assert.is(allAndSecret.configuration.oidc.client_secret, "secret-of-corp-sso");

  const masked = ok(await cli(["ap", "get", "corp-sso", "--field-mask", "allowed_email_domains"]), "get --field-mask");
  assert.equal(masked.allowed_email_domains, ["example.com", "example.org"]);
  assert.is(masked.name, undefined);
  usage(await cli(["ap", "get", "corp-sso", "--all", "--field-mask", "name"]), /cannot be used together/);
  failed(await cli(["ap", "get", "no-such-sso"]), "get missing", NOT_FOUND, "authentication_provider_not_found");
});

test("list: selection, order, pages and the total", async () => {
  const r = await cli(["ap", "list", "--order", "-provider_id", "--name"]);
  const body = ok(r, "list");
  assert.equal(body.providers.map((p: { ids: { provider_id: string }; name: string }) => [p.ids.provider_id, p.name]), [
    ["other-sso", "Provider other-sso"],
    ["corp-sso", "Provider corp-sso"],
  ]);
  assert.is(body.providers[0].configuration, undefined);
  assert.match(r.stderr, /^total: 2$/m);
  const page = ok(await cli(["ap", "list", "--limit", "1", "--page", "2", "--order", "provider_id"]), "page 2");
  assert.equal(page.providers.map((p: { ids: { provider_id: string } }) => p.ids.provider_id), ["other-sso"]);
  assert.is(page.providers[0].configuration.oidc.client_secret, undefined);
  const secrets = ok(await cli(["ap", "list", `${OIDC}.client-secret`]), "list secrets");
  assert.equal(secrets.providers.map((p: { configuration: { oidc: { client_secret: string } } }) => p.configuration.oidc.client_secret), ["secret-of-corp-sso", "secret-of-other-sso"]);
  failed(await cli(["ap", "list", "--order", "secret"]), "bad order", 3, "validation");
});

test("update changes exactly the flags given", async () => {
  const r = ok(await cli(["ap", "update", "corp-sso", "--name", "Corporate", "--allow-registrations=false", `${OIDC}.client-secret`, "rotated"]), "update");
  assert.is(r.name, "Corporate");
  const got = ok(await cli(["ap", "get", "corp-sso", "--all", `${OIDC}.client-secret`]), "get");
  assert.is(got.name, "Corporate");
  assert.is(got.allow_registrations, undefined, "false: not in the JSON");
  assert.equal(got.allowed_email_domains, ["example.com", "example.org"]);
  assert.is(got.configuration.oidc.client_id, "client-of-corp-sso");
  assert.is(got.configuration.oidc.client_secret, "rotated");
  assert.is(got.configuration.oidc.preferred_response_type, "code id_token");
  ok(await cli(["ap", "update", "corp-sso", `${OIDC}.provider-url`, "http://127.0.0.1:9000/realms/lns"]), "update the URL");
  assert.is(ok(await cli(["ap", "get", "corp-sso", `${OIDC}.provider-url`]), "get").configuration.oidc.provider_url, "http://127.0.0.1:9000/realms/lns");
  // The server refuses what only it can judge: http on a public host.
  failed(await cli(["ap", "update", "corp-sso", `${OIDC}.provider-url`, "http://accounts.example.com"]), "http URL", 3, "validation");
  usage(await cli(["ap", "update", "corp-sso"]), /nothing to do/);
});

test("missing or malformed flags stop before any call", async () => {
  const before = await listed();
  usage(await cli(["ap", "create"]), /missing argument <provider-id>/);
  usage(await cli(["ap", "create", "new-sso", `${OIDC}.provider-url`, "https://a.example.com"]), /missing required flag --configuration\.provider\.oidc\.client-id/);
  usage(await cli(["ap", "create", "new-sso", `${OIDC}.client-id`, "c"]), /missing required flag --configuration\.provider\.oidc\.provider-url/);
  usage(await cli(create("new-sso").map((x) => (x === "https://accounts.example.com" ? "accounts.example.com" : x))), /--configuration\.provider\.oidc\.provider-url: "accounts\.example\.com" is not an absolute http\(s\) URL/);
  usage(await cli(create("new-sso").map((x) => (x === "https://accounts.example.com" ? "https://a.example.com/?x=1" : x))), /must not have a query or fragment/);
  usage(await cli(create("new-sso", `${OIDC}.preferred-response-type`, "implicit")), /"implicit" is not one of "code", "token"/);
  usage(await cli(create("new-sso", "--allow-registrations=maybe")), /invalid value for --allow-registrations/);
  usage(await cli(create("new-sso", "--client-id", "x")), /unknown flag --client-id/);
  usage(await cli(["ap", "update", "corp-sso", `${OIDC}.preferred-response-type`, "codes"]), /is not one of/);
  usage(await cli(["ap", "delete"]), /missing argument <provider-id>/);
  // Without credentials, too: nothing was sent.
  usage(await cli(create("new-sso", `${OIDC}.preferred-response-type`, "implicit"), null), /is not one of/);
  assert.equal(await listed(), before);
});

test("non-admins and calls without credentials are refused", async () => {
  failed(await cli(create("alice-sso"), alice.apiKey), "create as alice", PERMISSION_DENIED, "permission_denied");
  failed(await cli(["ap", "list"], alice.apiKey), "list as alice", PERMISSION_DENIED, "permission_denied");
  failed(await cli(["ap", "get", "corp-sso"], null), "get without a key", UNAUTHENTICATED, "unauthenticated");
});

test("external-users: create, get both ways, conflicts, delete", async () => {
  const made = ok(await cli(["ap", "external-users", "create", "corp-sso", "--user-id", "alice", "--external-id", "auth0|alice"]), "link");
  assert.equal([made.user_ids.user_id, made.provider_ids.provider_id, made.external_id], ["alice", "corp-sso", "auth0|alice"]);
  assert.is(ok(await cli(["ap", "external-users", "get", "corp-sso", "--user-id", "alice"]), "get").external_id, "auth0|alice");
  assert.is(ok(await cli(["ap", "external-users", "get-by-external-id", "corp-sso", "--external-id", "auth0|alice"]), "get by subject").user_ids.user_id, "alice");
  failed(await cli(["ap", "external-users", "create", "corp-sso", "--user-id", "bob", "--external-id", "auth0|alice"]), "subject taken", ALREADY_EXISTS, "external_user_taken");
  failed(await cli(["ap", "external-users", "create", "corp-sso", "--user-id", "alice", "--external-id", "other"]), "user linked", ALREADY_EXISTS, "user_already_linked");
  usage(await cli(["ap", "external-users", "create", "corp-sso", "--user-id", "alice"]), /missing required flag --external-id/);
  ok(await cli(["ap", "external-users", "delete", "corp-sso", "--external-id", "auth0|alice"]), "unlink");
  failed(await cli(["ap", "external-users", "get", "corp-sso", "--user-id", "alice"]), "gone", NOT_FOUND, "user_not_linked");
});

test("delete removes the provider", async () => {
  ok(await cli(["ap", "delete", "other-sso"]), "delete");
  failed(await cli(["ap", "get", "other-sso"]), "get deleted", NOT_FOUND, "authentication_provider_not_found");
  failed(await cli(["ap", "delete", "other-sso"]), "delete twice", NOT_FOUND, "authentication_provider_not_found");
  assert.equal(await listed(), ["corp-sso"]);
});

test.run();
