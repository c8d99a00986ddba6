// ApplicationRegistry.IssueDevEUI (spec §7.1): rights, the enabled switch, the
// block arithmetic, the per-application limit, exhaustion, and one address per
// request under concurrency, also from two stores on the same tenant (as two
// server replicas would be).
import { Code } from "@connectrpc/connect";
import * as assert from "uvu/assert";
import { test } from "uvu";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { ConfigError, validateConfig } from "../../src/config/index.js";
import { euiFromBigInt, parseEUIPrefix, prefixEndCounter } from "../../src/messages/eui.js";
import { createPgStore } from "../../src/store/pg/store.js";
import { api, grpcClient } from "../helpers/clients.js";
import { testDatabase } from "../helpers/database.js";
import { startTestServer, testConfig, type TestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { appIds, appRef, hex, httpError, it, orgRef, rejects, userRef } from "./end-device-helpers.js";

const PREFIX = "70B3D57ED0000000/36";
const enabled = { "is.dev-eui-block.enabled": true, "is.dev-eui-block.prefix": PREFIX };

const server = await startTestServer(enabled);
const limited = await startTestServer({ ...enabled, "is.dev-eui-block.application-limit": 3 });
const tiny = await startTestServer({ "is.dev-eui-block.enabled": true, "is.dev-eui-block.prefix": "70B3D57ED0000000/62", "is.dev-eui-block.init-counter": 1 });
const disabled = await startTestServer();
const servers: TestServer[] = [server, limited, tiny, disabled];

const p = server.population;
const alice = await p.user({ id: "alice" });
const bob = await p.user({ id: "bob" });
const carol = await p.user({ id: "carol" });
const aliceApp = await p.application(userRef("alice"), { id: "alice-app" });
await p.application(userRef("bob"), { id: "bob-app" });
// Carol belongs to an organization that has nothing to do with Alice's application.
const carolOrg = await p.organization(userRef("carol"), { id: "carol-org" });
await p.application(orgRef(carolOrg), { id: "carol-org-app" });

const reg = (key?: string, s: TestServer = server) => grpcClient(s, ApplicationRegistry, key);
const issue = (app: string, key: string, s: TestServer = server) => reg(key, s).issueDevEUI(appIds(app)).then((r) => hex(r.devEui));

// ---- permission denied ---------------------------------------------------

it("no credentials: unauthenticated (gRPC and HTTP)", async () => {
  await rejects(reg().issueDevEUI(appIds(aliceApp)), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "POST", `/applications/${aliceApp}/dev-eui`), 401, "unauthenticated");
});

it("another user's key: no_application_rights", async () => {
  await rejects(reg(bob.apiKey).issueDevEUI(appIds(aliceApp)), Code.PermissionDenied, "no_application_rights");
  httpError(await api(server, "POST", `/applications/${aliceApp}/dev-eui`, { key: bob.apiKey }), 403, "no_application_rights");
});

it("a key without APPLICATION_DEVICES_WRITE: insufficient_application_rights naming it", async () => {
  const readOnly = await p.apiKey(userRef("alice"), R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_DEVICES_READ"));
  const d = await rejects(reg(readOnly).issueDevEUI(appIds(aliceApp)), Code.PermissionDenied, "insufficient_application_rights");
  assert.equal(d.attributes.missing, ["RIGHT_APPLICATION_DEVICES_WRITE"]);
  const appKey = await p.apiKey(appRef(aliceApp), R("RIGHT_APPLICATION_INFO"));
  await rejects(reg(appKey).issueDevEUI(appIds(aliceApp)), Code.PermissionDenied, "insufficient_application_rights");
});

it("a member of another organization: no_application_rights", async () => {
  await rejects(reg(carol.apiKey).issueDevEUI(appIds(aliceApp)), Code.PermissionDenied, "no_application_rights");
});

it("an unknown application: no rights for users, not found for admins", async () => {
  await rejects(reg(alice.apiKey).issueDevEUI(appIds("no-such-app")), Code.PermissionDenied, "no_application_rights");
  await rejects(reg(server.adminAPIKey).issueDevEUI(appIds("no-such-app")), Code.NotFound, "application_not_found");
});

it("disabled (the default): dev_eui_issuing_not_enabled, 400 over HTTP", async () => {
  const dp = disabled.population;
  const owner = await dp.user({ id: "dave" });
  const app = await dp.application(userRef("dave"), { id: "dave-app" });
  await rejects(reg(owner.apiKey, disabled).issueDevEUI(appIds(app)), Code.InvalidArgument, "dev_eui_issuing_not_enabled");
  httpError(await api(disabled, "POST", `/applications/${app}/dev-eui`, { key: owner.apiKey }), 400, "dev_eui_issuing_not_enabled");
});

// ---- issuing -------------------------------------------------------------

it("addresses come from the block in order: prefix | counter, over gRPC and HTTP", async () => {
  assert.is(await issue(aliceApp, alice.apiKey), "70B3D57ED0000000");
  const res = await api(server, "POST", `/applications/${aliceApp}/dev-eui`, { key: alice.apiKey });
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body, { dev_eui: "70B3D57ED0000001" });
  // Another application draws from the same block; each application counts its own.
  assert.is(await issue("bob-app", bob.apiKey), "70B3D57ED0000002");
  assert.is((await p.store.applications.get(aliceApp)).devEuiCounter, 2);
  assert.is((await p.store.applications.get("bob-app")).devEuiCounter, 1);
  // A collaborator through an organization with the right may issue too.
  assert.is(await issue("carol-org-app", carol.apiKey), "70B3D57ED0000003");
});

it("20 concurrent requests: 20 distinct addresses", async () => {
  const results = await Promise.allSettled(Array.from({ length: 20 }, () => issue(aliceApp, alice.apiKey)));
  const issued = results.map((r) => (r.status === "fulfilled" ? r.value : `failed: ${String(r.reason)}`));
  assert.is(new Set(issued).size, 20, issued.join(" "));
  for (const eui of issued) assert.match(eui, /^70B3D57ED[0-9A-F]{7}$/);
});

it("two stores on the same tenant (two replicas): every address issued once", async () => {
  const db = (await testDatabase()).db;
  const replicas = [createPgStore({ primary: db, tenantId: server.tenantId }), createPgStore({ primary: db, tenantId: server.tenantId })];
  const prefix = parseEUIPrefix(PREFIX);
  const block = { startEui: euiFromBigInt(prefix.start), endCounter: prefixEndCounter(prefix), initCounter: 0n };
  const calls = Array.from({ length: 30 }, (_, i) => () => replicas[i % 2]!.euiBlocks.issueDevEUI("bob-app", block, 0));
  const results = await Promise.allSettled(calls.map((call) => call()));
  const issued = results.map((r) => (r.status === "fulfilled" ? hex(r.value) : `failed: ${String(r.reason)}`));
  assert.is(new Set(issued).size, 30, issued.join(" "));
  // And none of them was handed out before (through the API).
  const viaAPI = await issue(aliceApp, alice.apiKey);
  assert.not.ok(issued.includes(viaAPI));
  assert.is((await p.store.applications.get("bob-app")).devEuiCounter, 31);
});

it("the per-application limit holds, also under concurrency, and names the limit", async () => {
  const lp = limited.population;
  const owner = await lp.user({ id: "erin" });
  const app = await lp.application(userRef("erin"), { id: "erin-app" });
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => issue(app, owner.apiKey, limited)));
  const ok = results.filter((r) => r.status === "fulfilled");
  assert.is(ok.length, 3);
  const d = await rejects(reg(owner.apiKey, limited).issueDevEUI(appIds(app)), Code.FailedPrecondition, "application_dev_eui_limit_reached");
  assert.is(d.attributes.dev_eui_limit, 3);
  assert.is((await lp.store.applications.get(app)).devEuiCounter, 3);
  // Another application still gets addresses.
  const other = await lp.application(userRef("erin"), { id: "erin-other" });
  assert.match(await issue(other, owner.apiKey, limited), /^70B3D57ED0000003$/);
});

it("an exhausted block answers no_eui_or_block_available and counts nothing", async () => {
  const tp = tiny.population;
  const owner = await tp.user({ id: "frank" });
  const app = await tp.application(userRef("frank"), { id: "frank-app" });
  // /62 leaves counters 0..3; the init counter 1 skips the first.
  const issued: string[] = [];
  for (let i = 0; i < 3; i++) issued.push(await issue(app, owner.apiKey, tiny));
  assert.equal(issued, ["70B3D57ED0000001", "70B3D57ED0000002", "70B3D57ED0000003"]);
  await rejects(reg(owner.apiKey, tiny).issueDevEUI(appIds(app)), Code.FailedPrecondition, "no_eui_or_block_available");
  httpError(await api(tiny, "POST", `/applications/${app}/dev-eui`, { key: owner.apiKey }), 400, "no_eui_or_block_available");
  assert.is((await tp.store.applications.get(app)).devEuiCounter, 3);
});

it("deleting devices does not give addresses back; a deleted application gets none", async () => {
  const before = await issue(aliceApp, alice.apiKey);
  const after = await issue(aliceApp, alice.apiKey);
  assert.is.not(before, after);
  const gone = await p.application(userRef("alice"), { id: "gone-app" });
  await p.store.applications.delete(gone);
  await rejects(reg(alice.apiKey).issueDevEUI(appIds(gone)), Code.PermissionDenied, "no_application_rights");
});

// ---- configuration -------------------------------------------------------

test("the prefix is validated when the configuration is loaded", () => {
  const bad = (options: Record<string, unknown>, option: string) => {
    try {
      validateConfig(testConfig(options));
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.is((e as ConfigError).option, option);
      return;
    }
    assert.unreachable(`expected a ConfigError for ${option}`);
  };
  bad({ "is.dev-eui-block.enabled": true }, "is.dev-eui-block.prefix");
  bad({ "is.dev-eui-block.enabled": true, "is.dev-eui-block.prefix": "70B3D57ED0000000" }, "is.dev-eui-block.prefix");
  bad({ "is.dev-eui-block.enabled": true, "is.dev-eui-block.prefix": "70B3D57ED000/36" }, "is.dev-eui-block.prefix");
  bad({ "is.dev-eui-block.enabled": true, "is.dev-eui-block.prefix": "70B3D57ED0000000/65" }, "is.dev-eui-block.prefix");
  bad({ "is.dev-eui-block.enabled": true, "is.dev-eui-block.prefix": PREFIX, "is.dev-eui-block.init-counter": 2 ** 28 }, "is.dev-eui-block.init-counter");
  bad({ "is.dev-eui-block.application-limit": -1 }, "is.dev-eui-block.application-limit");
  validateConfig(testConfig({ "is.dev-eui-block.enabled": true, "is.dev-eui-block.prefix": "70b3d57ed0000000/36" }));
  validateConfig(testConfig());
});

test("prefix arithmetic: host bits cleared, end counter 2^(64-length)-1", () => {
  const p36 = parseEUIPrefix("70B3D57ED1234567/36");
  assert.is(hex(euiFromBigInt(p36.start)), "70B3D57ED0000000");
  assert.is(prefixEndCounter(p36), 2n ** 28n - 1n);
  assert.is(prefixEndCounter(parseEUIPrefix("0000000000000000/64")), 0n);
  assert.is(prefixEndCounter(parseEUIPrefix("8000000000000000/1")), 2n ** 63n - 1n);
});

test.after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
test.run();
