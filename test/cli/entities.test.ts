// is-cli for the entity kinds beyond users and applications, end to end
// against a real server over gRPC: organizations (members), gateways, OAuth
// clients, end devices, `applications issue-dev-eui`, `search` and
// `users bookmarks`. Each invocation goes through runCli (src/cli/run.ts), the
// same code bin/is-cli.js runs, in process: exit status, stdout JSON, the
// `total: N` line and error JSON on stderr. cli.test.ts covers the process.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer } from "../helpers/harness.js";
import { cliRunner, failed, ok, usage, type CliResult } from "../helpers/cli.js";

const server = await startTestServer({
  "is.dev-eui-block.enabled": true,
  "is.dev-eui-block.prefix": "70B3D57ED0000000/36",
});
test.after(() => server.close());

const owner = await server.population.user({ id: "cli-owner" });
const other = await server.population.user({ id: "cli-other" });
await server.population.user({ id: "cli-member" });
const admin = server.adminAPIKey;

const totalOf = (r: CliResult) => Number(/^total: (\d+)$/m.exec(r.stderr)?.[1]);

const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

// ---- organizations -------------------------------------------------------------

const cli = cliRunner(server, owner.apiKey);

test("organizations: permission denied", async () => {
  ok(await cli(["organizations", "create", "cli-org", "--user-id", "cli-owner", "--name", "CLI Org"]), "create");
  failed(await cli(["organizations", "get", "cli-org"], null), "get without key", UNAUTHENTICATED, "unauthenticated");
  failed(await cli(["organizations", "get", "cli-org"], other.apiKey), "get with another user's key", PERMISSION_DENIED, "no_organization_rights");
  failed(await cli(["organizations", "create", "cli-org-2", "--user-id", "cli-owner"], other.apiKey), "create for another user", PERMISSION_DENIED, "no_user_rights");
  const key = ok(await cli(["organizations", "api-keys", "create", "cli-org", "--rights", "organization_info"]), "read-only key").key;
  failed(await cli(["organizations", "update", "cli-org", "--name", "x"], key), "update with a read-only key", PERMISSION_DENIED, "insufficient_organization_rights");
});

test("organizations: create / get / list / update / rights", async () => {
  const org = ok(await cli(["organizations", "get", "cli-org", "--all"]), "get --all");
  assert.is(org.ids.organization_id, "cli-org");
  assert.is(org.name, "CLI Org");
  assert.equal(org.administrative_contact, { user_ids: { user_id: "cli-owner" } });
  const r = await cli(["organizations", "list"]);
  assert.equal(ok(r, "list").organizations.map((o: any) => o.ids.organization_id), ["cli-org"]);
  assert.is(totalOf(r), 1, r.stderr);
  assert.is(ok(await cli(["organizations", "list", "--user-id", "cli-owner"]), "list --user-id").organizations.length, 1);
  const updated = ok(await cli(["organizations", "update", "cli-org", "--description", "by is-cli", "--attributes", "team=lora,site=ams"]), "update");
  assert.is(updated.description, "by is-cli");
  const got = ok(await cli(["organizations", "get", "cli-org", "--field-mask", "description,attributes"]), "get");
  assert.equal(got.attributes, { team: "lora", site: "ams" });
  assert.is(got.name, undefined, "only the masked fields");
  assert.ok(ok(await cli(["organizations", "rights", "cli-org"]), "rights").rights.includes("RIGHT_ORGANIZATION_DELETE"));
  usage(await cli(["organizations", "create", "no-owner"]), /missing required flag --user-id/);
  usage(await cli(["organizations", "update", "cli-org"]), /nothing to do/);
});

test("organizations members (users only, also as collaborators) and api-keys", async () => {
  ok(await cli(["organizations", "members", "set", "cli-org", "--user-id", "cli-member", "--rights", "organization_info"]), "set");
  assert.equal(ok(await cli(["organizations", "members", "get", "cli-org", "--user-id", "cli-member"]), "get").rights, ["RIGHT_ORGANIZATION_INFO"]);
  const r = await cli(["organizations", "collaborators", "list", "cli-org"]);
  assert.equal(ok(r, "list").collaborators.map((c: any) => c.ids.user_ids.user_id), ["cli-member", "cli-owner"]);
  assert.is(totalOf(r), 2);
  failed(await cli(["organizations", "members", "set", "cli-org", "--user-id", "cli-member", "--rights", "organization_all"], other.apiKey), "set by a non-member", PERMISSION_DENIED, "no_organization_rights");
  // --organization-id names the organization itself (as in The Things Stack's CLI): it must agree with the positional.
  usage(await cli(["organizations", "members", "set", "cli-org", "--organization-id", "x", "--rights", "organization_info"]), /<organization-id> "cli-org" and --organization-id "x" differ/);
  ok(await cli(["organizations", "members", "delete", "cli-org", "--user-id", "cli-member"]), "delete");
  failed(await cli(["organizations", "members", "get", "cli-org", "--user-id", "cli-member"]), "get removed", NOT_FOUND, "membership_not_found");

  const key = ok(await cli(["organizations", "api-keys", "create", "cli-org", "--name", "k", "--rights", "organization_info"]), "create key");
  assert.match(key.key, /^NNSXS\./);
  assert.is(ok(await cli(["organizations", "get", "cli-org"], key.key), "get with the org key").name, "CLI Org");
  const keys = ok(await cli(["organizations", "api-keys", "list", "cli-org"]), "list keys");
  assert.ok(keys.api_keys.some((k: any) => k.id === key.id));
  assert.equal(ok(await cli(["organizations", "api-keys", "delete", "cli-org", key.id]), "delete key"), {});
  failed(await cli(["organizations", "api-keys", "get", "cli-org", key.id]), "get deleted key", NOT_FOUND, "api_key_not_found");
});

// ---- gateways --------------------------------------------------------------------

test("gateways: create with an EUI (hex in, upper-case hex out), get, get-by-eui", async () => {
  failed(await cli(["gateways", "create", "cli-gw", "--user-id", "cli-owner"], null), "create without key", UNAUTHENTICATED, "unauthenticated");
  const gw = ok(
    await cli([
      "gateways", "create", "cli-gw", "--user-id", "cli-owner", "--eui", "70b3d57ed0000001", "--name", "CLI Gateway",
      "--frequency-plan-id", "EU_863_870", "--status-public", "--downlink-path-constraint", "prefer_other", "--brand-id", "the-things-industries",
    ]),
    "create",
  );
  assert.equal(gw.ids, { gateway_id: "cli-gw", eui: "70B3D57ED0000001" });
  assert.is(gw.name, "CLI Gateway");
  const all = ok(await cli(["gateways", "get", "cli-gw", "--all"]), "get --all");
  assert.equal(all.frequency_plan_ids, ["EU_863_870"]);
  assert.is(all.status_public, true);
  assert.is(all.location_public, undefined);
  assert.is(all.downlink_path_constraint, "DOWNLINK_PATH_CONSTRAINT_PREFER_OTHER");
  assert.equal(all.version_ids, { brand_id: "the-things-industries" });
  const ids = ok(await cli(["gateways", "get-by-eui", "70-B3-D5-7E-D0-00-00-01"]), "get-by-eui");
  assert.equal(ids, { gateway_id: "cli-gw", eui: "70B3D57ED0000001" });
  failed(await cli(["gateways", "update", "cli-gw", "--name", "x"], other.apiKey), "update with another user's key (public status)", PERMISSION_DENIED, "insufficient_gateway_rights");
  failed(
    await cli(["gateways", "create", "cli-gw-2", "--user-id", "cli-owner", "--eui", "70B3D57ED0000001"]),
    "create with a taken EUI",
    ALREADY_EXISTS,
    "gateway_eui_taken",
  );
});

test("gateways: update, list, rights, api-keys, collaborators", async () => {
  const updated = ok(await cli(["gateways", "update", "cli-gw", "--location-public", "--status-public=false", "--description", "roof"]), "update");
  assert.is(updated.description, "roof");
  const got = ok(await cli(["gateways", "get", "cli-gw", "--field-mask", "status_public,location_public,name"]), "get");
  assert.equal(got.location_public, true);
  assert.is(got.status_public, undefined, "false is the zero value");
  assert.is(got.name, "CLI Gateway", "fields outside the update mask are kept");
  const eui = ok(await cli(["gateways", "update", "cli-gw", "--eui", "70B3D57ED0000002"]), "update EUI");
  assert.is(eui.ids.eui, "70B3D57ED0000002");

  const r = await cli(["gateways", "list", "--user-id", "cli-owner"]);
  assert.equal(ok(r, "list").gateways.map((g: any) => g.ids.gateway_id), ["cli-gw"]);
  assert.is(totalOf(r), 1);
  assert.ok(ok(await cli(["gateways", "rights", "cli-gw"]), "rights").rights.includes("RIGHT_GATEWAY_INFO"));

  const key = ok(await cli(["gateways", "api-keys", "create", "cli-gw", "--name", "gw-key", "--rights", "gateway_info"]), "api key");
  assert.is(ok(await cli(["gateways", "get", "cli-gw"], key.key), "get with the gateway key").name, "CLI Gateway");
  failed(await cli(["gateways", "update", "cli-gw", "--name", "x"], key.key), "update with a read-only key", PERMISSION_DENIED, "insufficient_gateway_rights");

  ok(await cli(["gateways", "collaborators", "set", "cli-gw", "--organization-id", "cli-org", "--rights", "gateway_info"]), "set org collaborator");
  const collaborators = ok(await cli(["gateways", "collaborators", "list", "cli-gw"]), "list collaborators").collaborators;
  assert.equal(collaborators.map((c: any) => c.ids.organization_ids?.organization_id ?? c.ids.user_ids.user_id).sort(), ["cli-org", "cli-owner"]);
  assert.equal(ok(await cli(["gateways", "collaborators", "get", "cli-gw", "--organization-id", "cli-org"]), "get").rights, ["RIGHT_GATEWAY_INFO"]);
  ok(await cli(["gateways", "collaborators", "delete", "cli-gw", "--organization-id", "cli-org"]), "delete collaborator");
});

test("gateways: bad EUIs, enums and flags are usage errors", async () => {
  usage(await cli(["gateways", "create", "g", "--user-id", "u", "--eui", "70B3D57ED00000"]), /invalid value for --eui: .* is not an EUI/);
  usage(await cli(["gateways", "create", "g", "--user-id", "u", "--eui", "70B3D57ED000000G"]), /--eui/);
  usage(await cli(["gateways", "get-by-eui", "nothex"]), /invalid <eui>/);
  usage(await cli(["gateways", "create", "g", "--user-id", "u", "--downlink-path-constraint", "sometimes"]), /unknown value "sometimes"/);
  usage(await cli(["gateways", "update", "g", "--status-public=maybe"]), /invalid value for --status-public/);
  usage(await cli(["gateways", "create", "g", "--user-id", "u", "--antenna-height", "3"]), /unknown flag --antenna-height/);
  usage(await cli(["gateways", "create", "g"]), /one of --user-id or --organization-id is required/);
  usage(await cli(["gateways", "update", "g"]), /nothing to do/);
});

test("gateways: delete / list --deleted / restore / purge", async () => {
  ok(await cli(["gateways", "delete", "cli-gw"]), "delete");
  failed(await cli(["gateways", "get", "cli-gw"]), "get deleted", PERMISSION_DENIED, "no_gateway_rights");
  assert.equal(ok(await cli(["gateways", "list", "--deleted"], admin), "list --deleted").gateways.map((g: any) => g.ids.gateway_id), ["cli-gw"]);
  ok(await cli(["gateways", "restore", "cli-gw"]), "restore");
  failed(await cli(["gateways", "purge", "cli-gw"]), "purge as owner", PERMISSION_DENIED, "admins_purge_gateways");
  ok(await cli(["gateways", "purge", "cli-gw"], admin), "purge as admin");
  failed(await cli(["gateways", "get-by-eui", "70B3D57ED0000002"], admin), "EUI of a purged gateway", NOT_FOUND, "gateway_not_found_by_eui");
});

// ---- OAuth clients -----------------------------------------------------------------

test("clients: create (requested until approved), get, update --state by an admin", async () => {
  failed(await cli(["clients", "get", "cli-client"], null), "get without key", UNAUTHENTICATED, "unauthenticated");
  const created = ok(
    await cli([
      "clients", "create", "cli-client", "--user-id", "cli-owner", "--name", "CLI Client", "--redirect-uri", "https://app.example.com/oauth/callback",
      "--grants", "authorization_code,refresh_token", "--rights", "user_info,application_info",
    ]),
    "create",
  );
  assert.is(created.ids.client_id, "cli-client");
  assert.type(created.secret, "string", "the secret is shown once");
  const got = ok(await cli(["clients", "get", "cli-client", "--all"]), "get --all");
  assert.is(got.state, undefined, "STATE_REQUESTED, the zero value: waits for an admin");
  assert.equal(got.grants, ["GRANT_AUTHORIZATION_CODE", "GRANT_REFRESH_TOKEN"]);
  assert.equal(got.redirect_uris, ["https://app.example.com/oauth/callback"]);
  assert.equal(got.rights, ["RIGHT_USER_INFO", "RIGHT_APPLICATION_INFO"]);
  assert.is(got.secret, undefined, "no secret after creation");
  failed(await cli(["clients", "update", "cli-client", "--name", "x"], other.apiKey), "update with another user's key", PERMISSION_DENIED, "no_client_rights");

  failed(await cli(["clients", "update", "cli-client", "--state", "approved"]), "approve as owner", PERMISSION_DENIED, "update_admin_field");
  ok(await cli(["clients", "update", "cli-client", "--state", "approved", "--endorsed"], admin), "approve as admin");
  const approved = ok(await cli(["clients", "get", "cli-client", "--field-mask", "state,endorsed"]), "get approved");
  assert.is(approved.state, "STATE_APPROVED");
  assert.is(approved.endorsed, true);
  assert.is(approved.name, undefined, "only the masked fields");
  ok(await cli(["clients", "update", "cli-client", "--logout-redirect-uri", "https://app.example.com/bye,https://app.example.com/bye2"]), "update URIs");
  assert.equal(
    ok(await cli(["clients", "get", "cli-client", "--field-mask", "logout_redirect_uris"]), "get URIs").logout_redirect_uris,
    ["https://app.example.com/bye", "https://app.example.com/bye2"],
  );
  usage(await cli(["clients", "create", "c", "--user-id", "u", "--grants", "implicit"]), /invalid value for --grants: unknown value "implicit"/);
  usage(await cli(["clients", "update", "c", "--state", "happy"]), /--state/);
});

test("clients: list, rights, collaborators, delete / restore / purge", async () => {
  const r = await cli(["clients", "list", "--user-id", "cli-owner"]);
  assert.equal(ok(r, "list").clients.map((c: any) => c.ids.client_id), ["cli-client"]);
  assert.is(totalOf(r), 1);
  assert.ok(ok(await cli(["clients", "rights", "cli-client"]), "rights").rights.includes("RIGHT_CLIENT_ALL"));
  ok(await cli(["clients", "collaborators", "set", "cli-client", "--user-id", "cli-member", "--rights", "client_info"]), "set collaborator");
  assert.equal(ok(await cli(["clients", "collaborators", "get", "cli-client", "--user-id", "cli-member"]), "get").rights, ["RIGHT_CLIENT_INFO"]);
  ok(await cli(["clients", "collaborators", "delete", "cli-client", "--user-id", "cli-member"]), "delete collaborator");
  ok(await cli(["clients", "delete", "cli-client"]), "delete");
  failed(await cli(["clients", "get", "cli-client"]), "get deleted", NOT_FOUND, "client_not_found");
  ok(await cli(["clients", "restore", "cli-client"]), "restore");
  ok(await cli(["clients", "purge", "cli-client"], admin), "purge");
  failed(await cli(["clients", "get", "cli-client"], admin), "get purged", NOT_FOUND, "client_not_found");
});

// ---- end devices and DevEUIs --------------------------------------------------------

test("end-devices: create with EUIs, get, list, update, search, delete", async () => {
  ok(await cli(["applications", "create", "cli-app", "--user-id", "cli-owner"]), "create application");
  failed(await cli(["end-devices", "list", "cli-app"], null), "list without key", UNAUTHENTICATED, "unauthenticated");
  failed(await cli(["end-devices", "list", "cli-app"], other.apiKey), "list with another user's key", PERMISSION_DENIED, "no_application_rights");

  const dev = ok(
    await cli(["end-devices", "create", "cli-app", "dev-1", "--dev-eui", "0004a30b001c0530", "--join-eui", "70B3D57ED0000000", "--name", "Dev One", "--band-id", "EU_863_870"]),
    "create",
  );
  assert.equal(dev.ids, { device_id: "dev-1", application_ids: { application_id: "cli-app" }, dev_eui: "0004A30B001C0530", join_eui: "70B3D57ED0000000" });
  ok(await cli(["end-devices", "create", "cli-app", "dev-2", "--name", "Dev Two"]), "create without EUIs");
  const all = ok(await cli(["end-devices", "get", "cli-app", "dev-1", "--all"]), "get --all");
  assert.is(all.name, "Dev One");
  assert.equal(all.version_ids, { band_id: "EU_863_870" });

  const r = await cli(["end-devices", "list", "cli-app", "--limit", "1"]);
  assert.is(ok(r, "list").end_devices.length, 1);
  assert.is(totalOf(r), 2);
  ok(await cli(["end-devices", "update", "cli-app", "dev-2", "--description", "second", "--attributes", "room=101"]), "update");
  assert.equal(ok(await cli(["end-devices", "get", "cli-app", "dev-2", "--field-mask", "attributes,name"]), "get").attributes, { room: "101" });

  const byName = ok(await cli(["end-devices", "search", "cli-app", "--name-contains", "two"]), "search by name");
  assert.equal(byName.end_devices.map((d: any) => d.ids.device_id), ["dev-2"]);
  const byEui = ok(await cli(["end-devices", "search", "cli-app", "--dev-eui-contains", "a30b"]), "search by DevEUI");
  assert.equal(byEui.end_devices.map((d: any) => d.ids.device_id), ["dev-1"]);
  usage(await cli(["end-devices", "search", "cli-app", "--dev-eui-contains", "xyz"]), /not hex digits/);
  usage(await cli(["end-devices", "create", "cli-app", "dev-3", "--dev-eui", "0004A30B"]), /--dev-eui/);
  usage(await cli(["end-devices", "update", "cli-app", "dev-1", "--dev-eui", "0004A30B001C0530"]), /unknown flag --dev-eui/);
  usage(await cli(["end-devices", "get", "cli-app"]), /missing argument <device-id>/);

  ok(await cli(["end-devices", "delete", "cli-app", "dev-2"]), "delete");
  failed(await cli(["end-devices", "get", "cli-app", "dev-2"]), "get deleted", NOT_FOUND, "end_device_not_found");
});

test("applications issue-dev-eui", async () => {
  failed(await cli(["applications", "issue-dev-eui", "cli-app"], other.apiKey), "issue with another user's key", PERMISSION_DENIED, "no_application_rights");
  const first = ok(await cli(["applications", "issue-dev-eui", "cli-app"]), "issue").dev_eui;
  const second = ok(await cli(["applications", "issue-dev-eui", "cli-app"]), "issue again").dev_eui;
  assert.match(first, /^70B3D57ED[0-9A-F]{7}$/);
  assert.match(second, /^70B3D57ED[0-9A-F]{7}$/);
  assert.is.not(first, second, "each address is issued once");
});

// ---- search and bookmarks ------------------------------------------------------------

test("search applications / organizations / users / accounts", async () => {
  failed(await cli(["search", "applications", "--id-contains", "cli"], null), "search without key", UNAUTHENTICATED, "unauthenticated");
  const apps = ok(await cli(["search", "applications", "--id-contains", "cli-a"]), "applications");
  assert.equal(apps.applications.map((a: any) => a.ids.application_id), ["cli-app"]);
  assert.equal(ok(await cli(["search", "applications", "--id-contains", "cli-a"], other.apiKey), "as another user"), {}, "only what the caller may see");
  const orgs = ok(await cli(["search", "organizations", "--query", "cli", "--field-mask", "name"]), "organizations");
  assert.equal(orgs.organizations.map((o: any) => [o.ids.organization_id, o.name]), [["cli-org", "CLI Org"]]);
  const users = ok(await cli(["search", "users", "--id-contains", "cli-", "--state", "approved", "--order", "user_id"], admin), "users (admin)");
  assert.equal(users.users.map((u: any) => u.ids.user_id), ["cli-member", "cli-other", "cli-owner"]);
  const accounts = ok(await cli(["search", "accounts", "--query", "cli-o"]), "accounts");
  const ids = accounts.account_ids.map((a: any) => a.user_ids?.user_id ?? a.organization_ids?.organization_id).sort();
  assert.ok(ids.includes("cli-org") && ids.includes("cli-owner"), JSON.stringify(ids));
  const users2 = ok(await cli(["search", "accounts", "--query", "cli-o", "--only-users"]), "accounts --only-users");
  assert.ok(users2.account_ids.every((a: any) => a.user_ids), JSON.stringify(users2));
  usage(await cli(["search", "users", "--state", "happy"]), /--state/);
  usage(await cli(["search", "gateways", "--eui-contains", "zz"]), /--eui-contains/);
  usage(await cli(["search", "accounts", "--application-id", "a", "--gateway-id", "g"]), /cannot be used together/);
  usage(await cli(["search", "devices"]), /unknown command "search devices"/);
});

test("search --deleted (administrators)", async () => {
  ok(await cli(["organizations", "create", "cli-gone", "--user-id", "cli-owner"]), "create");
  ok(await cli(["organizations", "delete", "cli-gone"]), "delete");
  const deleted = ok(await cli(["search", "organizations", "--id-contains", "cli-", "--deleted"], admin), "search --deleted");
  assert.equal(deleted.organizations.map((o: any) => o.ids.organization_id), ["cli-gone"]);
});

test("users bookmarks create / list / delete", async () => {
  failed(await cli(["users", "bookmarks", "list", "cli-owner"], other.apiKey), "list another user's bookmarks", PERMISSION_DENIED, "no_user_rights");
  const b = ok(await cli(["users", "bookmarks", "create", "cli-owner", "application", "cli-app"]), "bookmark an application");
  assert.equal(b.entity_ids, { application_ids: { application_id: "cli-app" } });
  ok(await cli(["users", "bookmarks", "create", "cli-owner", "organization", "cli-org"]), "bookmark an organization");
  const r = await cli(["users", "bookmarks", "list", "cli-owner"]);
  assert.is(ok(r, "list").bookmarks.length, 2);
  assert.is(totalOf(r), 2);
  const apps = ok(await cli(["users", "bookmarks", "list", "cli-owner", "--entity-types", "application"]), "list applications");
  assert.equal(apps.bookmarks.map((x: any) => x.entity_ids), [{ application_ids: { application_id: "cli-app" } }]);
  ok(await cli(["users", "bookmarks", "delete", "cli-owner", "application", "cli-app"]), "delete");
  assert.is(ok(await cli(["users", "bookmarks", "list", "cli-owner"]), "list after delete").bookmarks.length, 1);
  usage(await cli(["users", "bookmarks", "create", "cli-owner", "planet", "earth"]), /invalid <entity-kind>/);
  usage(await cli(["users", "bookmarks", "create", "cli-owner", "end-device", "no-slash"]), /invalid <entity-id>/);
});

// ---- organizations lifecycle (last: the organization is used above) --------------------

test("organizations: delete / list --deleted / restore / purge", async () => {
  ok(await cli(["organizations", "delete", "cli-org"]), "delete");
  failed(await cli(["organizations", "get", "cli-org"]), "get deleted", PERMISSION_DENIED, "no_organization_rights");
  const deleted = ok(await cli(["organizations", "list", "--deleted"], admin), "list --deleted");
  assert.ok(deleted.organizations.some((o: any) => o.ids.organization_id === "cli-org"), JSON.stringify(deleted));
  ok(await cli(["organizations", "restore", "cli-org"]), "restore");
  failed(await cli(["organizations", "purge", "cli-org"]), "purge as owner", PERMISSION_DENIED, "admins_purge_organizations");
  ok(await cli(["organizations", "purge", "cli-org"], admin), "purge as admin");
  failed(await cli(["organizations", "get", "cli-org"], admin), "get purged", NOT_FOUND, "organization_not_found");
});

test.run();
