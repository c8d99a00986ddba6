// Command lines of The Things Stack's CLI reference (ttn-lw-cli), unchanged
// but for the program name, against a real server: the stack's command names
// and aliases (`set`, `ls`, `info`, `add`, `rm`, `apps`, `gtw`, ...), IDs as
// positionals or --<entity>-id flags, one flag per settable field, select flags
// on get/list/search (`--name`), --right-* flags, `rights`, `search` under
// each group, and the user subcommands (forgot-password, email-validations,
// invitations create, oauth access-tokens, bookmarks batch-delete). In process
// through runCli; the settings come from TTN_LW_* variables only.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { failed, ok, runIn, usage, type CliResult } from "../helpers/cli.js";
import { startTestServer } from "../helpers/harness.js";

const server = await startTestServer();
test.after(() => server.close());

const bob = await server.population.user({ id: "bob" });
const env = { TTN_LW_IDENTITY_SERVER_GRPC_ADDRESS: server.grpcAddress, TTN_LW_INSECURE: "true" };

/** `ttn-lw-cli <line>` with the admin's API key (or `key`). */
const cli = (line: string[], key: string | null = server.adminAPIKey, stdin = "") =>
  runIn(key === null ? line : [...line, "--api-key", key], env, { readStdin: async () => stdin });
const totalOf = (r: CliResult) => Number(/^total: (\d+)$/m.exec(r.stderr)?.[1]);

test("users: create (self-registration), get with field flags, set, rights, search, forgot-password", async () => {
  const created = ok(await cli(["users", "create", "carol", "--primary-email-address", "carol@example.com", "--password", "Horse-Battery-77", "--name", "Carol"], null), "create");
  assert.is(created.ids.user_id, "carol");
  const got = ok(await cli(["users", "get", "carol", "--name", "--primary-email-address"]), "get --name --primary-email-address");
  assert.is(got.name, "Carol");
  assert.is(got.primary_email_address, "carol@example.com");
  assert.is(got.state, undefined, "only the selected fields");
  const set = ok(await cli(["users", "set", "carol", "--state", "STATE_APPROVED", "--description", "set by ttn-lw-cli"]), "set");
  assert.is(set.state, "STATE_APPROVED");
  assert.is(ok(await cli(["user", "info", "--user-id", "carol", "--description"]), "user info --user-id").description, "set by ttn-lw-cli");
  ok(await cli(["users", "set", "carol", "--unset", "description"]), "set --unset");
  assert.is(ok(await cli(["u", "get", "carol", "--description"]), "u get").description, undefined);
  assert.ok(ok(await cli(["users", "rights", "bob"]), "users rights").rights.includes("RIGHT_USER_INFO"));
  const found = ok(await cli(["users", "search", "--id-contains", "caro", "--name"]), "users search");
  assert.equal(found.users.map((u: any) => [u.ids.user_id, u.name]), [["carol", "Carol"]]);
  assert.equal(ok(await cli(["users", "forgot-password", "carol"], null), "forgot-password"), {});
  usage(await cli(["users", "get"]), /missing argument <user-id> \(or --user-id\)/);
});

test("applications: create / set / get / ls / info / rights / search / delete", async () => {
  const app = ok(await cli(["applications", "create", "app1", "--user-id", "admin", "--name", "App One", "--attributes", "site=ams"]), "create");
  assert.is(app.ids.application_id, "app1");
  ok(await cli(["app", "add", "--application-id", "app2", "--user-id", "admin"]), "app add --application-id");
  const set = ok(await cli(["applications", "set", "app1", "--description", "first", "--network-server-address", "ns.example.com"]), "set");
  assert.is(set.description, "first");
  const got = ok(await cli(["applications", "get", "app1", "--name", "--description", "--attributes"]), "get with field flags");
  assert.equal([got.name, got.description, got.attributes, got.network_server_address], ["App One", "first", { site: "ams" }, undefined]);
  assert.is(ok(await cli(["a", "info", "--application-id", "app1", "--network-server-address"]), "a info").network_server_address, "ns.example.com");
  const all = ok(await cli(["applications", "get", "app1", "--all"]), "get --all");
  assert.is(all.network_server_address, "ns.example.com");
  const r = await cli(["apps", "ls", "--name"]);
  assert.equal(ok(r, "apps ls").applications.map((x: any) => [x.ids.application_id, x.name ?? ""]), [["app1", "App One"], ["app2", ""]]);
  assert.is(totalOf(r), 2);
  assert.ok(ok(await cli(["applications", "rights", "app1"]), "rights").rights.includes("RIGHT_APPLICATION_ALL"));
  const found = ok(await cli(["applications", "search", "--name-contains", "One", "--name"]), "search");
  assert.equal(found.applications.map((x: any) => x.ids.application_id), ["app1"]);
  ok(await cli(["applications", "rm", "app2"]), "rm");
  assert.equal(ok(await cli(["applications", "list", "--deleted"]), "list --deleted").applications.map((x: any) => x.ids.application_id), ["app2"]);
  ok(await cli(["applications", "restore", "app2"]), "restore");
  ok(await cli(["applications", "delete", "--application-id", "app2"]), "delete --application-id");
  ok(await cli(["applications", "purge", "app2"]), "purge");
  usage(await cli(["applications", "get", "app1", "--application-id", "other"]), /<application-id> "app1" and --application-id "other" differ/);
});

test("applications api-keys and collaborators with --right-* flags", async () => {
  const key = ok(await cli(["applications", "api-keys", "create", "--application-id", "app1", "--name", "uplink", "--right-application-info", "--right-application-traffic-read"]), "api-keys create");
  assert.equal(key.rights, ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ"]);
  const updated = ok(await cli(["applications", "api-keys", "set", "--application-id", "app1", "--api-key-id", key.id, "--right-application-all", "--api-key-expiry", "2040-01-02T03:04:05Z"]), "api-keys set");
  assert.equal(updated.rights, ["RIGHT_APPLICATION_ALL"]);
  const got = ok(await cli(["applications", "api-keys", "get", "app1", key.id]), "api-keys get");
  assert.is(got.expires_at, "2040-01-02T03:04:05Z");
  assert.is(ok(await cli(["applications", "api-key", "ls", "app1"]), "api-key ls").api_keys.length, 1);
  // The group's flag before the subcommand, as cobra's persistent flags allow.
  assert.is(ok(await cli(["applications", "api-keys", "--application-id", "app1", "list"]), "--application-id before list").api_keys.length, 1);
  ok(await cli(["applications", "api-keys", "delete", "--application-id", "app1", "--api-key-id", key.id]), "api-keys delete");
  usage(await cli(["applications", "api-keys", "create", "--application-id", "app1"]), /missing required flag --rights/);

  ok(await cli(["applications", "collaborators", "set", "--application-id", "app1", "--user-id", "bob", "--right-application-info", "--right-application-devices-read"]), "collaborators set");
  const collaborator = ok(await cli(["applications", "collaborators", "get", "--application-id", "app1", "--user-id", "bob"]), "collaborators get");
  assert.equal(collaborator.rights, ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_DEVICES_READ"]);
  assert.is(ok(await cli(["applications", "members", "ls", "app1"]), "members ls").collaborators.length, 2);
  assert.ok(ok(await cli(["applications", "rights", "app1"], bob.apiKey), "bob's rights").rights.includes("RIGHT_APPLICATION_DEVICES_READ"));
  ok(await cli(["applications", "collaborators", "delete", "--application-id", "app1", "--user-id", "bob"]), "collaborators delete");
  failed(await cli(["applications", "get", "app1"], bob.apiKey), "bob is gone", 7, "no_application_rights");
});

test("gateways: create with --gateway-eui, --frequency-plan-id and --antenna.*, get with field flags, set, search", async () => {
  const gtw = ok(await cli([
    "gateways", "create", "gtw1", "--user-id", "admin", "--gateway-eui", "70B3D57ED0000001", "--frequency-plan-id", "EU_863_870",
    "--antenna.gain", "3", "--antenna.location.latitude", "52.37", "--antenna.location.longitude", "4.89", "--status-public",
  ]), "create");
  assert.is(gtw.ids.eui, "70B3D57ED0000001");
  const got = ok(await cli(["gtw", "get", "gtw1", "--frequency-plan-ids", "--antennas", "--status-public"]), "gtw get");
  assert.equal(got.frequency_plan_ids, ["EU_863_870"]);
  assert.is(got.antennas[0].gain, 3);
  assert.is(got.antennas[0].location.latitude, 52.37);
  assert.is(got.status_public, true);
  ok(await cli(["gateways", "set", "--gateway-id", "gtw1", "--name", "Roof", "--version-ids.brand-id", "acme", "--location-public=false"]), "set");
  const after = ok(await cli(["g", "info", "gtw1", "--name", "--version-ids"]), "g info");
  assert.is(after.name, "Roof");
  assert.equal(after.version_ids, { brand_id: "acme" });
  assert.is(ok(await cli(["gateways", "get", "--gateway-eui", "70B3D57ED0000001", "--name"]), "get --gateway-eui").name, "Roof");
  usage(await cli(["gateways", "get"]), /missing argument <gateway-id> \(or --gateway-id or --gateway-eui\)/);
  assert.equal(ok(await cli(["gateways", "search", "--eui-contains", "ED0000001"]), "search").gateways.map((g: any) => g.ids.gateway_id), ["gtw1"]);
  assert.ok(ok(await cli(["gateways", "rights", "gtw1"]), "rights").rights.includes("RIGHT_GATEWAY_ALL"));
  const key = ok(await cli(["gateways", "api-keys", "create", "gtw1", "--right-gateway-link"]), "gateway api key");
  assert.equal(key.rights, ["RIGHT_GATEWAY_LINK"]);
});

test("organizations, end devices and clients by the stack's names", async () => {
  ok(await cli(["organizations", "create", "org1", "--user-id", "admin", "--name", "Org"]), "org create");
  ok(await cli(["org", "collaborators", "set", "--organization-id", "org1", "--user-id", "bob", "--right-organization-info"]), "org collaborators set");
  assert.equal(ok(await cli(["orgs", "members", "list", "org1"]), "org members").collaborators.length, 2);
  assert.equal(ok(await cli(["o", "search", "--query", "org"]), "org search").organizations.map((o: any) => o.ids.organization_id), ["org1"]);

  ok(await cli(["end-devices", "create", "app1", "dev1", "--dev-eui", "0004A30B001C0530", "--join-eui", "70B3D57ED0000000", "--name", "Sensor"]), "device create");
  ok(await cli(["end-devices", "set", "--application-id", "app1", "--device-id", "dev1", "--version-ids.brand-id", "acme", "--version-ids.model-id", "model-one"]), "device set");
  const dev = ok(await cli(["dev", "get", "app1", "dev1", "--name", "--version-ids"]), "dev get");
  assert.is(dev.name, "Sensor");
  assert.equal(dev.version_ids, { brand_id: "acme", model_id: "model-one" });
  assert.equal(ok(await cli(["d", "ls", "app1", "--name"]), "d ls").end_devices.map((d: any) => d.name), ["Sensor"]);

  const client = ok(await cli(["clients", "create", "console2", "--user-id", "admin", "--redirect-uris", "https://console.example.com/cb", "--grants", "GRANT_AUTHORIZATION_CODE,GRANT_REFRESH_TOKEN", "--name", "C2"]), "client create");
  assert.is(client.ids.client_id, "console2");
  const got = ok(await cli(["c", "get", "console2", "--redirect-uris", "--grants"]), "c get");
  assert.equal(got.redirect_uris, ["https://console.example.com/cb"]);
  assert.equal(got.grants, ["GRANT_AUTHORIZATION_CODE", "GRANT_REFRESH_TOKEN"]);
  assert.is(ok(await cli(["clients", "search", "--id-contains", "console", "--name"]), "clients search").clients[0].name, "C2");
});

test("user subcommands: invitations create, email-validations, oauth access-tokens, sessions, bookmarks batch-delete, notifications", async () => {
  ok(await cli(["users", "invitations", "create", "dave@example.com"]), "invitations create");
  assert.equal(ok(await cli(["users", "invitations", "ls"]), "invitations ls").invitations.map((i: any) => i.email), ["dave@example.com"]);
  ok(await cli(["users", "invitations", "delete", "--email", "dave@example.com"]), "invitations delete --email");
  failed(await cli(["users", "email-validations", "validate", "NOSUCHREF", "NOSUCHTOKEN"], null), "validate unknown", 5, "validation_token_not_found");
  assert.equal(ok(await cli(["users", "oauth", "access-tokens", "list", "bob", "console2"]), "access-tokens list"), {});
  assert.equal(ok(await cli(["users", "oauth", "authorizations", "ls", "--user-id", "bob"]), "authorizations ls"), {});
  assert.equal(ok(await cli(["users", "sessions", "ls", "bob"], bob.apiKey), "sessions ls"), {});

  ok(await cli(["users", "bookmarks", "create", "--user-id", "admin", "--entity-ids.application-id", "app1"]), "bookmark an application");
  ok(await cli(["users", "bookmarks", "create", "--user-id", "admin", "--entity-ids.gateway-id", "gtw1"]), "bookmark a gateway");
  ok(await cli(["users", "bookmarks", "create", "--user-id", "admin", "--entity-ids.application-id", "app1", "--entity-ids.device-id", "dev1"]), "bookmark a device");
  assert.is(ok(await cli(["users", "bookmarks", "list", "--user-id", "admin"]), "bookmarks list").bookmarks.length, 3);
  const batch = JSON.stringify({ user_ids: { user_id: "admin" }, entity_ids: [{ application_ids: { application_id: "app1" } }, { gateway_ids: { gateway_id: "gtw1" } }] });
  ok(await cli(["users", "bookmarks", "batch-delete"], server.adminAPIKey, batch), "batch-delete");
  const left = ok(await cli(["users", "bm", "list", "admin"]), "bm list").bookmarks;
  assert.equal(left.map((b: any) => Object.keys(b.entity_ids)), [["device_ids"]]);
  usage(await cli(["users", "bookmarks", "batch-delete"]), /reads a JSON request on standard input/);

  const n = await cli(["notifications", "list"]);
  assert.is(n.code, 0, n.stderr);
  usage(await cli(["notifications", "set-status", "--status", "archived"]), /missing required flag --ids/);
});

test("today's is-cli names still work", async () => {
  assert.is(ok(await cli(["applications", "update", "app1", "--name", "App 1"]), "update").name, "App 1");
  assert.is(ok(await cli(["applications", "get", "app1", "--field-mask", "name"]), "--field-mask").name, "App 1");
  ok(await cli(["users", "temporary-password", "bob"], null), "temporary-password");
  assert.is(ok(await cli(["search", "applications", "--id-contains", "app1"]), "top-level search").applications.length, 1);
  assert.equal(ok(await cli(["users", "oauth", "tokens", "list", "bob", "console2"]), "oauth tokens"), {});
  failed(await cli(["users", "email-validation", "request", "bob"]), "email-validation request", 9, "no_validation_needed");
});

test.run();
