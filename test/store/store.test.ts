// Contract suite of the Store interface (src/store/interfaces.ts) through the
// PostgreSQL implementation, on PGlite by default or on the database named by
// DATABASE_URL. Every run uses tenants of its own.
import { randomBytes } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationSchema, type Application } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { OrganizationSchema } from "../../gen/ttn/lorawan/v3/organization_pb.js";
import { APIKeySchema, type Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { ConsoleTheme, DashboardLayout, UserSchema, type User } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { accountIdentifiers } from "../../src/auth/identifiers.js";
import { IsError } from "../../src/errors/index.js";
import type { AccountRef, EntityRef } from "../../src/store/interfaces.js";
import { createPgStore } from "../../src/store/pg/store.js";
import { testDatabase } from "../helpers/database.js";
import { R } from "../helpers/population.js";

// ---- helpers ---------------------------------------------------------------

/** Awaits a store call that must fail with this catalogue error; returns it. */
async function rejects(call: Promise<unknown>, code: Code, name: string): Promise<IsError> {
  let caught: unknown;
  let failed = false;
  try {
    await call;
  } catch (e) {
    caught = e;
    failed = true;
  }
  if (!failed) assert.unreachable(`expected ${Code[code]} ${name}, the call succeeded`);
  if (!(caught instanceof IsError)) throw new Error(`expected an IsError ${name}, got ${String(caught)}`);
  assert.is(`${Code[caught.code]} ${caught.definition.name}`, `${Code[code]} ${name}`, caught.message);
  return caught;
}

const tenant = () => `s${randomBytes(6).toString("hex")}`;
const db = await testDatabase();
const tenantA = tenant();
const tenantB = tenant();
const a = createPgStore({ primary: db.db, tenantId: tenantA });
const b = createPgStore({ primary: db.db, tenantId: tenantB });

const userRef = (id: string): AccountRef => ({ kind: "user", id });
const appRef = (id: string): EntityRef => ({ kind: "application", id });
const orgRef = (id: string) => ({ kind: "organization" as const, id });
const page = (limit = 100, p = 1, order?: string) => ({ limit, page: p, order });

type Init<T> = { [K in keyof T]?: unknown };

function newUser(id: string, fields: Init<User> = {}): User {
  return create(UserSchema, {
    ids: { userId: id },
    name: `User ${id}`,
    primaryEmailAddress: `${id}@example.com`,
    password: "PBKDF2$sha256$10$salt$hash",
    state: State.APPROVED,
    ...(fields as object),
  });
}

function newApp(id: string, fields: Init<Application> = {}): Application {
  return create(ApplicationSchema, { ids: { applicationId: id }, name: `App ${id}`, ...(fields as object) });
}

let keyCounter = 0;
function newKey(name = "key", rights: Right[] = [R("RIGHT_APPLICATION_INFO")], id = `KEY${Date.now()}${++keyCounter}${randomBytes(4).toString("hex").toUpperCase()}`) {
  return create(APIKeySchema, { id, name, rights });
}

/** An organization through the tenant's store (it reserves the account ID). */
async function organizationAccount(tenantId: string, id: string): Promise<void> {
  await createPgStore({ primary: db.db, tenantId }).organizations.create(create(OrganizationSchema, { ids: { organizationId: id }, name: id }));
}

// ---- users -----------------------------------------------------------------

test("users: create and get", async () => {
  const created = await a.users.create(newUser("ann", { description: "first", admin: true, attributes: { "k-1": "v" } }));
  assert.is(created.ids?.userId, "ann");
  assert.is(created.name, "User ann");
  assert.is(created.description, "first");
  assert.is(created.admin, true);
  assert.equal(created.attributes, { "k-1": "v" });
  assert.ok(created.createdAt && created.updatedAt);
  assert.is(created.deletedAt, undefined);
  const got = await a.users.get("ann");
  assert.is(got.primaryEmailAddress, "ann@example.com");
  assert.is(got.password, "PBKDF2$sha256$10$salt$hash");
  assert.is(got.state, State.APPROVED);
  assert.equal(timestampDate(got.createdAt!), timestampDate(created.createdAt!));
  const e = await rejects(a.users.get("nobody"), Code.NotFound, "user_not_found");
  assert.is(e.definition.namespace, "pkg/identityserver/store");
  assert.is(await a.users.countAdmins(), 1);
});

test("users: unique violations are id_taken and already_exists", async () => {
  const e = await rejects(a.users.create(newUser("ann", { primaryEmailAddress: "other@example.com" })), Code.AlreadyExists, "id_taken");
  assert.is(e.definition.namespace, "pkg/util/store");
  // Primary e-mail addresses are unique case-insensitively among live users.
  const dup = await rejects(a.users.create(newUser("ann2", { primaryEmailAddress: "ANN@example.com" })), Code.AlreadyExists, "already_exists");
  assert.equal(dup.publicAttributes, { email: "ANN@example.com" });
  await rejects(a.users.get("ann2"), Code.NotFound, "user_not_found");
  await a.users.create(newUser("bea"));
  await rejects(a.users.update("bea", newUser("bea", { primaryEmailAddress: "Ann@Example.com" }), ["primary_email_address"]), Code.AlreadyExists, "already_exists");
  assert.is((await a.users.get("bea")).primaryEmailAddress, "bea@example.com");
});

test("users: update writes the masked fields only; nested paths leave siblings intact", async () => {
  const before = await a.users.create(
    newUser("cid", {
      description: "keep",
      consolePreferences: {
        consoleTheme: ConsoleTheme.LIGHT,
        sortBy: { application: "name", gateway: "-name" },
        dashboardLayouts: { application: DashboardLayout.LIST },
      },
    }),
  );
  const updated = await a.users.update(
    "cid",
    newUser("cid", { name: "New name", description: "ignored", consolePreferences: { sortBy: { application: "-created_at" } } }),
    ["name", "console_preferences.sort_by.application"],
  );
  assert.is(updated.name, "New name");
  assert.is(updated.description, "keep");
  assert.is(updated.consolePreferences?.consoleTheme, ConsoleTheme.LIGHT);
  assert.is(updated.consolePreferences?.sortBy?.application, "-created_at");
  assert.is(updated.consolePreferences?.sortBy?.gateway, "-name");
  assert.is(updated.consolePreferences?.dashboardLayouts?.application, DashboardLayout.LIST);
  assert.ok(timestampDate(updated.updatedAt!) >= timestampDate(before.updatedAt!));
  assert.equal(timestampDate(updated.createdAt!), timestampDate(before.createdAt!));
  const stored = await a.users.get("cid");
  assert.equal(stored.consolePreferences, updated.consolePreferences);
  assert.is(stored.description, "keep");

  // A message path clears the whole sub-message when unset in the update.
  const cleared = await a.users.update("cid", newUser("cid"), ["console_preferences.sort_by"]);
  assert.is(cleared.consolePreferences?.sortBy, undefined);
  assert.is(cleared.consolePreferences?.consoleTheme, ConsoleTheme.LIGHT);
  // An empty mask touches only updated_at.
  const same = await a.users.update("cid", newUser("cid", { name: "nope" }), []);
  assert.is(same.name, "New name");
  await rejects(a.users.update("nobody", newUser("nobody"), ["name"]), Code.NotFound, "user_not_found");
});

test("users: find with pagination, order and totals", async () => {
  const s = createPgStore({ primary: db.db, tenantId: tenant() });
  for (const [id, name] of [["uc", "bb"], ["ua", "cc"], ["ub", "aa"]]) await s.users.create(newUser(id!, { name }));
  const all = await s.users.find(page());
  assert.equal(all.items.map((u) => u.ids?.userId), ["ua", "ub", "uc"]);
  assert.is(all.total, 3);
  const p1 = await s.users.find(page(2, 1, "-name"));
  assert.equal(p1.items.map((u) => u.name), ["cc", "bb"]);
  assert.is(p1.total, 3);
  const p2 = await s.users.find(page(2, 2, "-name"));
  assert.equal(p2.items.map((u) => u.name), ["aa"]);
  assert.equal((await s.users.find(page(10, 1, "created_at"))).items.map((u) => u.ids?.userId), ["uc", "ua", "ub"]);
  assert.equal((await s.users.find(page(10, 1, "-user_id"))).items.map((u) => u.ids?.userId), ["uc", "ub", "ua"]);
  const past = await s.users.find(page(10, 3));
  assert.equal(past.items, []);
  assert.is(past.total, 3);
});

test("users: delete, restore, purge", async () => {
  const s = createPgStore({ primary: db.db, tenantId: tenant() });
  await s.users.create(newUser("dan", { admin: true }));
  await s.users.create(newUser("eve"));
  await s.apiKeys.create(userRef("dan"), newKey("dan's key", [R("RIGHT_ALL")]), "hash");
  await s.applications.create(newApp("dan-app"));
  await s.memberships.set(appRef("dan-app"), userRef("dan"), [R("RIGHT_APPLICATION_ALL")]);
  await s.memberships.set(appRef("dan-app"), userRef("eve"), [R("RIGHT_APPLICATION_INFO")]);
  assert.is(await s.users.countAdmins(), 1);

  await s.users.delete("dan");
  await rejects(s.users.get("dan"), Code.NotFound, "user_not_found");
  const deleted = await s.users.get("dan", { includeDeleted: true });
  assert.ok(deleted.deletedAt);
  assert.equal((await s.users.find(page())).items.map((u) => u.ids?.userId), ["eve"]);
  assert.equal((await s.users.find({ ...page(), deleted: true })).items.map((u) => u.ids?.userId), ["dan"]);
  assert.is(await s.users.countAdmins(), 0);
  await rejects(s.users.delete("dan"), Code.NotFound, "user_not_found");
  await rejects(s.users.update("dan", newUser("dan", { name: "x" }), ["name"]), Code.NotFound, "user_not_found");
  // The ID stays taken; the e-mail address is released.
  await rejects(s.users.create(newUser("dan", { primaryEmailAddress: "new-dan@example.com" })), Code.AlreadyExists, "id_taken");
  await s.users.create(newUser("dan-two", { primaryEmailAddress: "dan@example.com" }));
  // A deleted user's key is still found, marked deleted.
  const keys = await s.apiKeys.find(userRef("dan"), page());
  const lookedUp = await s.apiKeys.lookup(keys.items[0]!.id);
  assert.is(lookedUp?.user?.deleted, true);

  // Restoring cannot take the address back while another live user has it.
  const taken = await rejects(s.users.restore("dan"), Code.AlreadyExists, "already_exists");
  assert.equal(taken.publicAttributes, { email: "dan@example.com" });
  assert.ok((await s.users.get("dan", { includeDeleted: true })).deletedAt, "still deleted");
  await s.users.update("dan-two", newUser("dan-two", { primaryEmailAddress: "dan2@example.com" }), ["primary_email_address"]);
  await s.users.restore("dan");
  assert.is((await s.users.get("dan")).deletedAt, undefined);
  await rejects(s.users.restore("dan"), Code.NotFound, "user_not_found");
  await rejects(s.users.restore("nobody"), Code.NotFound, "user_not_found");

  await s.users.purge("dan");
  await rejects(s.users.get("dan", { includeDeleted: true }), Code.NotFound, "user_not_found");
  // Memberships the user held and its API keys are gone; others stay.
  await rejects(s.memberships.get(appRef("dan-app"), userRef("dan")), Code.NotFound, "membership_not_found");
  assert.equal((await s.memberships.all(appRef("dan-app"))).map((m) => m.account.id), ["eve"]);
  assert.is((await s.apiKeys.find(userRef("dan"), page())).total, 0);
  assert.is(await s.apiKeys.lookup(keys.items[0]!.id), undefined);
  await rejects(s.users.purge("dan"), Code.NotFound, "user_not_found");
  // The ID is free again.
  await s.users.create(newUser("dan", { primaryEmailAddress: "dan3@example.com" }));
});

// ---- applications ------------------------------------------------------------

test("applications: create, get, unique IDs", async () => {
  const created = await a.applications.create(
    newApp("app-one", { description: "d", attributes: { "a-b": "c" }, administrativeContact: accountIdentifiers(userRef("ann")), networkServerAddress: "ns.example.com" }),
  );
  assert.is(created.ids?.applicationId, "app-one");
  assert.ok(created.createdAt && created.updatedAt);
  const got = await a.applications.get("app-one");
  assert.is(got.name, "App app-one");
  assert.is(got.description, "d");
  assert.equal(got.attributes, { "a-b": "c" });
  assert.equal(got.administrativeContact, accountIdentifiers(userRef("ann")));
  assert.is(got.technicalContact, undefined);
  assert.is(got.networkServerAddress, "ns.example.com");
  assert.is(got.devEuiCounter, 0);
  const e = await rejects(a.applications.create(newApp("app-one")), Code.AlreadyExists, "id_taken");
  assert.is(e.definition.namespace, "pkg/util/store");
  await rejects(a.applications.get("app-none"), Code.NotFound, "application_not_found");
});

test("applications: update writes the masked fields only; nested paths leave siblings intact", async () => {
  await a.applications.create(
    newApp("app-upd", {
      description: "keep",
      administrativeContact: accountIdentifiers(userRef("ann")),
      technicalContact: accountIdentifiers(userRef("ann")),
    }),
  );
  const updated = await a.applications.update(
    "app-upd",
    newApp("app-upd", { name: "Renamed", description: "ignored", technicalContact: accountIdentifiers(userRef("bea")) }),
    ["name", "technical_contact.user_ids.user_id"],
  );
  assert.is(updated.name, "Renamed");
  assert.is(updated.description, "keep");
  assert.equal(updated.technicalContact, accountIdentifiers(userRef("bea")));
  assert.equal(updated.administrativeContact, accountIdentifiers(userRef("ann")));
  const cleared = await a.applications.update("app-upd", newApp("app-upd"), ["description", "attributes"]);
  assert.is(cleared.description, "");
  assert.is(cleared.name, "Renamed");
  // Identifiers never change through update.
  const same = await a.applications.update("app-upd", newApp("other-id", { name: "x" }), ["name"]);
  assert.is(same.ids?.applicationId, "app-upd");
  await rejects(a.applications.get("other-id"), Code.NotFound, "application_not_found");
  await rejects(a.applications.update("app-none", newApp("app-none"), ["name"]), Code.NotFound, "application_not_found");
});

test("applications: find with pagination, order, deleted and memberOf (direct and via an organization)", async () => {
  const tid = tenant();
  const s = createPgStore({ primary: db.db, tenantId: tid });
  await s.users.create(newUser("fay"));
  await s.users.create(newUser("gus"));
  for (const [id, name] of [["app-c", "x1"], ["app-a", "x3"], ["app-b", "x2"], ["app-d", "x0"]]) {
    await s.applications.create(newApp(id!, { name }));
    await new Promise((resolve) => setTimeout(resolve, 3)); // distinct milliseconds: decoded timestamps have no finer precision
  }
  await s.memberships.set(appRef("app-a"), userRef("fay"), [R("RIGHT_APPLICATION_ALL")]);
  await s.memberships.set(appRef("app-b"), userRef("gus"), [R("RIGHT_APPLICATION_ALL")]);
  // gus is a member of an organization that collaborates on app-c.
  await organizationAccount(tid, "org-one");
  await s.memberships.set(orgRef("org-one"), userRef("gus"), [R("RIGHT_ORGANIZATION_INFO")]);
  await s.memberships.set(appRef("app-c"), orgRef("org-one"), [R("RIGHT_APPLICATION_INFO")]);

  const all = await s.applications.find(page());
  assert.equal(all.items.map((x) => x.ids?.applicationId), ["app-a", "app-b", "app-c", "app-d"]);
  assert.is(all.total, 4);
  assert.equal((await s.applications.find(page(2, 1, "name"))).items.map((x) => x.name), ["x0", "x1"]);
  assert.equal((await s.applications.find(page(2, 2, "-name"))).items.map((x) => x.name), ["x1", "x0"]);
  // Ordered by the stored created_at, ties by ID (the clock may not advance between two inserts).
  const byCreation = [...all.items]
    .sort((x, y) => Number(x.createdAt!.seconds - y.createdAt!.seconds) || x.createdAt!.nanos - y.createdAt!.nanos || x.ids!.applicationId.localeCompare(y.ids!.applicationId))
    .map((x) => x.ids?.applicationId);
  assert.equal((await s.applications.find(page(10, 1, "created_at"))).items.map((x) => x.ids?.applicationId), byCreation);
  assert.equal((await s.applications.find(page(10, 1, "-created_at"))).items.map((x) => x.ids?.applicationId), [...byCreation].reverse());
  assert.equal((await s.applications.find(page(10, 1, "-application_id"))).items.map((x) => x.ids?.applicationId), ["app-d", "app-c", "app-b", "app-a"]);

  const fay = await s.applications.find({ ...page(), memberOf: userRef("fay") });
  assert.equal(fay.items.map((x) => x.ids?.applicationId), ["app-a"]);
  assert.is(fay.total, 1);
  const gus = await s.applications.find({ ...page(), memberOf: userRef("gus") });
  assert.equal(gus.items.map((x) => x.ids?.applicationId), ["app-b", "app-c"]);
  assert.is(gus.total, 2);
  const viaOrg = await s.applications.find({ ...page(), memberOf: orgRef("org-one") });
  assert.equal(viaOrg.items.map((x) => x.ids?.applicationId), ["app-c"]);
  // A membership of the same ID on another entity kind does not count.
  await s.memberships.set({ kind: "gateway", id: "app-d" }, userRef("fay"), [R("RIGHT_GATEWAY_ALL")]);
  assert.equal((await s.applications.find({ ...page(), memberOf: userRef("fay") })).items.map((x) => x.ids?.applicationId), ["app-a"]);

  // A deleted organization lists nothing for its members.
  await s.organizations.delete("org-one");
  assert.equal((await s.applications.find({ ...page(), memberOf: userRef("gus") })).items.map((x) => x.ids?.applicationId), ["app-b"]);
  await s.organizations.restore("org-one");

  await s.applications.delete("app-c");
  assert.equal((await s.applications.find({ ...page(), memberOf: userRef("gus") })).items.map((x) => x.ids?.applicationId), ["app-b"]);
  const deleted = await s.applications.find({ ...page(), deleted: true, memberOf: userRef("gus") });
  assert.equal(deleted.items.map((x) => x.ids?.applicationId), ["app-c"]);
  assert.ok(deleted.items[0]!.deletedAt);
  assert.is((await s.applications.find({ ...page(), deleted: true })).total, 1);
  assert.is((await s.applications.find(page())).total, 3);
});

test("applications: delete, restore, purge", async () => {
  const s = createPgStore({ primary: db.db, tenantId: tenant() });
  await s.users.create(newUser("hal"));
  await s.applications.create(newApp("app-life"));
  await s.memberships.set(appRef("app-life"), userRef("hal"), [R("RIGHT_APPLICATION_ALL")]);
  const key = await s.apiKeys.create(appRef("app-life"), newKey("app key"), "hash");

  await s.applications.delete("app-life");
  await rejects(s.applications.get("app-life"), Code.NotFound, "application_not_found");
  assert.ok((await s.applications.get("app-life", { includeDeleted: true })).deletedAt);
  await rejects(s.applications.delete("app-life"), Code.NotFound, "application_not_found");
  await rejects(s.applications.update("app-life", newApp("app-life", { name: "x" }), ["name"]), Code.NotFound, "application_not_found");
  await rejects(s.applications.create(newApp("app-life")), Code.AlreadyExists, "id_taken");
  // Memberships and keys are kept while deleted.
  assert.is((await s.memberships.all(appRef("app-life"))).length, 1);
  assert.ok(await s.apiKeys.lookup(key.id));

  await s.applications.restore("app-life");
  assert.is((await s.applications.get("app-life")).deletedAt, undefined);
  await rejects(s.applications.restore("app-life"), Code.NotFound, "application_not_found");

  await s.applications.purge("app-life");
  await rejects(s.applications.get("app-life", { includeDeleted: true }), Code.NotFound, "application_not_found");
  assert.equal(await s.memberships.all(appRef("app-life")), []);
  assert.is(await s.apiKeys.lookup(key.id), undefined);
  assert.is((await s.apiKeys.find(appRef("app-life"), page())).total, 0);
  await rejects(s.applications.purge("app-life"), Code.NotFound, "application_not_found");
  // The user is untouched and the ID is free.
  await s.users.get("hal");
  const again = await s.applications.create(newApp("app-life", { name: "Second life" }));
  assert.is(again.name, "Second life");
  assert.equal(await s.memberships.all(appRef("app-life")), []);
  // Purge works on a deleted application too.
  await s.applications.delete("app-life");
  await s.applications.purge("app-life");
  await rejects(s.applications.get("app-life", { includeDeleted: true }), Code.NotFound, "application_not_found");
});

// ---- memberships -------------------------------------------------------------

test("memberships: set, get, find, all, delete", async () => {
  const tid = tenant();
  const s = createPgStore({ primary: db.db, tenantId: tid });
  for (const id of ["mia", "ned", "ola"]) await s.users.create(newUser(id));
  await s.applications.create(newApp("app-m"));
  await s.memberships.set(appRef("app-m"), userRef("ola"), [R("RIGHT_APPLICATION_ALL")]);
  await s.memberships.set(appRef("app-m"), userRef("mia"), [R("RIGHT_APPLICATION_INFO")]);
  await s.memberships.set(appRef("app-m"), userRef("ned"), [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_TRAFFIC_READ")]);
  assert.equal(await s.memberships.get(appRef("app-m"), userRef("mia")), { account: userRef("mia"), rights: [R("RIGHT_APPLICATION_INFO")] });
  // set replaces the rights.
  await s.memberships.set(appRef("app-m"), userRef("mia"), [R("RIGHT_APPLICATION_DELETE"), R("RIGHT_APPLICATION_INFO")]);
  assert.equal((await s.memberships.get(appRef("app-m"), userRef("mia"))).rights, [R("RIGHT_APPLICATION_DELETE"), R("RIGHT_APPLICATION_INFO")]);
  // The account kind is part of the identity.
  await rejects(s.memberships.get(appRef("app-m"), orgRef("mia")), Code.NotFound, "membership_not_found");

  const p1 = await s.memberships.find(appRef("app-m"), page(2, 1));
  assert.equal(p1.items.map((m) => m.account.id), ["mia", "ned"]);
  assert.is(p1.total, 3);
  assert.equal((await s.memberships.find(appRef("app-m"), page(2, 2))).items.map((m) => m.account.id), ["ola"]);
  assert.equal((await s.memberships.find(appRef("app-m"), page(10, 1, "-id"))).items.map((m) => m.account.id), ["ola", "ned", "mia"]);
  assert.equal((await s.memberships.all(appRef("app-m"))).map((m) => m.account.id), ["mia", "ned", "ola"]);

  // An empty rights list removes the membership.
  await s.memberships.set(appRef("app-m"), userRef("ned"), []);
  await rejects(s.memberships.get(appRef("app-m"), userRef("ned")), Code.NotFound, "membership_not_found");
  await s.memberships.delete(appRef("app-m"), userRef("mia"));
  await rejects(s.memberships.delete(appRef("app-m"), userRef("mia")), Code.NotFound, "membership_not_found");
  assert.equal((await s.memberships.all(appRef("app-m"))).map((m) => m.account.id), ["ola"]);
  // Memberships of another entity kind with the same ID are separate.
  await s.memberships.set({ kind: "gateway", id: "app-m" }, userRef("mia"), [R("RIGHT_GATEWAY_INFO")]);
  assert.equal((await s.memberships.all(appRef("app-m"))).map((m) => m.account.id), ["ola"]);
  // A membership needs an existing account.
  let failed = false;
  await s.memberships.set(appRef("app-m"), userRef("ghost"), [R("RIGHT_APPLICATION_INFO")]).catch(() => (failed = true));
  assert.ok(failed, "membership of an unknown account is refused");
});

test("memberships: chains, direct and through organizations", async () => {
  const tid = tenant();
  const s = createPgStore({ primary: db.db, tenantId: tid });
  for (const id of ["pam", "quin"]) await s.users.create(newUser(id));
  await s.applications.create(newApp("app-ch"));
  await organizationAccount(tid, "org-ch");
  await s.memberships.set(appRef("app-ch"), userRef("pam"), [R("RIGHT_APPLICATION_INFO")]);
  await s.memberships.set(orgRef("org-ch"), userRef("pam"), [R("RIGHT_ALL")]);
  await s.memberships.set(appRef("app-ch"), orgRef("org-ch"), [R("RIGHT_APPLICATION_TRAFFIC_READ")]);

  const pam = await s.memberships.chains(userRef("pam"), appRef("app-ch"));
  assert.is(pam.exists, true);
  assert.equal(pam.direct, [R("RIGHT_APPLICATION_INFO")]);
  assert.equal(pam.viaOrganizations, [{ organizationRights: [R("RIGHT_ALL")], entityRights: [R("RIGHT_APPLICATION_TRAFFIC_READ")] }]);
  const quin = await s.memberships.chains(userRef("quin"), appRef("app-ch"));
  assert.equal(quin, { exists: true, viaOrganizations: [] });
  // The organization itself: direct only.
  const org = await s.memberships.chains(orgRef("org-ch"), appRef("app-ch"));
  assert.equal(org.direct, [R("RIGHT_APPLICATION_TRAFFIC_READ")]);
  assert.equal(org.viaOrganizations, []);
  // A deleted organization passes nothing on, to its members or through its own keys.
  await s.organizations.delete("org-ch");
  assert.equal((await s.memberships.chains(userRef("pam"), appRef("app-ch"))).viaOrganizations, []);
  assert.is((await s.memberships.chains(orgRef("org-ch"), appRef("app-ch"))).direct, undefined);
  await s.organizations.restore("org-ch");
  assert.is((await s.memberships.chains(userRef("pam"), appRef("app-ch"))).viaOrganizations.length, 1);

  assert.is((await s.memberships.chains(userRef("pam"), appRef("app-none"))).exists, false);
  await s.applications.delete("app-ch");
  assert.is((await s.memberships.chains(userRef("pam"), appRef("app-ch"))).exists, false);
  const incl = await s.memberships.chains(userRef("pam"), appRef("app-ch"), { includeDeleted: true });
  assert.is(incl.exists, true);
  assert.equal(incl.direct, [R("RIGHT_APPLICATION_INFO")]);
});

// ---- API keys ----------------------------------------------------------------

test("apiKeys: create, lookup, get, find, update, delete", async () => {
  const s = createPgStore({ primary: db.db, tenantId: tenant() });
  await s.users.create(newUser("rex", { admin: true, stateDescription: "ok" }));
  await s.applications.create(newApp("app-k"));
  const expires = new Date(Date.now() + 3600_000);
  const userKey = await s.apiKeys.create(userRef("rex"), create(APIKeySchema, { ...newKey("user key", [R("RIGHT_ALL")]), expiresAt: timestampFromDate(expires) }), "secret-hash");
  assert.is(userKey.name, "user key");
  assert.equal(userKey.rights, [R("RIGHT_ALL")]);
  assert.ok(userKey.createdAt && userKey.updatedAt);
  assert.is(Math.floor(timestampDate(userKey.expiresAt!).getTime() / 1000), Math.floor(expires.getTime() / 1000));
  assert.is(userKey.key, "");

  const looked = await s.apiKeys.lookup(userKey.id);
  assert.ok(looked);
  assert.equal(looked!.entity, userRef("rex"));
  assert.is(looked!.secretHash, "secret-hash");
  assert.is(looked!.key.id, userKey.id);
  assert.equal(looked!.user && { admin: looked!.user.admin, state: looked!.user.state, deleted: looked!.user.deleted, d: looked!.user.stateDescription }, { admin: true, state: State.APPROVED, deleted: false, d: "ok" });
  assert.is(await s.apiKeys.lookup("UNKNOWN"), undefined);

  const k1 = await s.apiKeys.create(appRef("app-k"), newKey("bravo"), "h1");
  const k2 = await s.apiKeys.create(appRef("app-k"), newKey("alpha", [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_LINK")]), "h2");
  const appLooked = await s.apiKeys.lookup(k1.id);
  assert.equal(appLooked?.entity, appRef("app-k"));
  assert.is(appLooked?.user, undefined);
  assert.is((await s.apiKeys.get(appRef("app-k"), k2.id)).name, "alpha");
  await rejects(s.apiKeys.get(appRef("app-other"), k2.id), Code.NotFound, "api_key_not_found");
  await rejects(s.apiKeys.get(userRef("rex"), k2.id), Code.NotFound, "api_key_not_found");

  const found = await s.apiKeys.find(appRef("app-k"), page(10, 1, "name"));
  assert.equal(found.items.map((k) => k.name), ["alpha", "bravo"]);
  assert.is(found.total, 2);
  assert.equal((await s.apiKeys.find(appRef("app-k"), page(1, 1, "-name"))).items.map((k) => k.name), ["bravo"]);
  assert.equal((await s.apiKeys.find(appRef("app-k"), page(10, 1, "created_at"))).items.map((k) => k.name), ["bravo", "alpha"]);

  const renamed = await s.apiKeys.update(appRef("app-k"), create(APIKeySchema, { id: k2.id, name: "charlie", rights: [] }), ["name"]);
  assert.is(renamed.name, "charlie");
  assert.equal(renamed.rights, [R("RIGHT_APPLICATION_INFO"), R("RIGHT_APPLICATION_LINK")]);
  const rerighted = await s.apiKeys.update(appRef("app-k"), create(APIKeySchema, { id: k2.id, name: "ignored", rights: [R("RIGHT_APPLICATION_DELETE")] }), ["rights"]);
  assert.equal(rerighted.rights, [R("RIGHT_APPLICATION_DELETE")]);
  assert.is(rerighted.name, "charlie");
  assert.is((await s.apiKeys.lookup(k2.id))?.secretHash, "h2");
  await rejects(s.apiKeys.update(userRef("rex"), create(APIKeySchema, { id: k2.id, name: "x" }), ["name"]), Code.NotFound, "api_key_not_found");

  await s.apiKeys.delete(appRef("app-k"), k1.id);
  assert.is(await s.apiKeys.lookup(k1.id), undefined);
  await rejects(s.apiKeys.delete(appRef("app-k"), k1.id), Code.NotFound, "api_key_not_found");
  await rejects(s.apiKeys.delete(userRef("rex"), k2.id), Code.NotFound, "api_key_not_found");
  assert.ok(await s.apiKeys.lookup(k2.id));
});

test("apiKeys: a duplicate key ID is id_taken", async () => {
  const s = createPgStore({ primary: db.db, tenantId: tenant() });
  await s.applications.create(newApp("app-dk"));
  const k = await s.apiKeys.create(appRef("app-dk"), newKey("first"), "h");
  await rejects(s.apiKeys.create(appRef("app-dk"), newKey("second", undefined, k.id), "h"), Code.AlreadyExists, "id_taken");
  assert.is((await s.apiKeys.get(appRef("app-dk"), k.id)).name, "first");
});

// ---- exists / transact ----------------------------------------------------------

test("exists: live, deleted, included, unknown kinds", async () => {
  const s = createPgStore({ primary: db.db, tenantId: tenant() });
  await s.users.create(newUser("sam"));
  await s.applications.create(newApp("app-ex"));
  assert.is(await s.exists(userRef("sam")), true);
  assert.is(await s.exists(appRef("app-ex")), true);
  assert.is(await s.exists(appRef("app-no")), false);
  await s.applications.delete("app-ex");
  assert.is(await s.exists(appRef("app-ex")), false);
  assert.is(await s.exists(appRef("app-ex"), { includeDeleted: true }), true);
  // Kinds without a table yet.
  assert.is(await s.exists(orgRef("sam")), false);
  assert.is(await s.exists({ kind: "gateway", id: "app-ex" }), false);
});

test("transact: reads see the transaction's writes; a failure rolls everything back", async () => {
  const s = createPgStore({ primary: db.db, tenantId: tenant() });
  await s.users.create(newUser("tom"));
  const seen = await s.transact(async (tx) => {
    await tx.applications.create(newApp("app-tx"));
    await tx.memberships.set(appRef("app-tx"), userRef("tom"), [R("RIGHT_APPLICATION_ALL")]);
    return (await tx.memberships.all(appRef("app-tx"))).length;
  });
  assert.is(seen, 1);
  assert.ok(await s.applications.get("app-tx"));

  let failed = false;
  try {
    await s.transact(async (tx) => {
      await tx.applications.create(newApp("app-rollback"));
      await tx.memberships.set(appRef("app-rollback"), userRef("tom"), [R("RIGHT_APPLICATION_ALL")]);
      await tx.applications.create(newApp("app-tx")); // id_taken
    });
  } catch (e) {
    failed = true;
    assert.ok(e instanceof IsError && e.definition.name === "id_taken", String(e));
  }
  assert.ok(failed);
  await rejects(s.applications.get("app-rollback", { includeDeleted: true }), Code.NotFound, "application_not_found");
  assert.equal(await s.memberships.all(appRef("app-rollback")), []);
  assert.is(s.tenantId.length > 0, true);
});

test("transact: the hot reads (built once per store) run on the transaction, seeing its writes", async () => {
  const s = createPgStore({ primary: db.db, tenantId: tenant() });
  await s.users.create(newUser("una"));
  const key = newKey("hot key");
  // The store's own reads first, so that each is built on the database...
  await rejects(s.applications.get("app-hot"), Code.NotFound, "application_not_found");
  assert.is(await s.exists(appRef("app-hot")), false);
  assert.is((await s.memberships.chains(userRef("una"), appRef("app-hot"))).exists, false);
  assert.is(await s.apiKeys.lookup(key.id), undefined);
  // ...then the same reads inside a transaction must see its uncommitted writes
  // (on PostgreSQL, the database's handle is another connection that cannot).
  const inside = await s.transact(async (tx) => {
    await tx.applications.create(newApp("app-hot"));
    await tx.memberships.set(appRef("app-hot"), userRef("una"), [R("RIGHT_APPLICATION_ALL")]);
    await tx.apiKeys.create(appRef("app-hot"), key, "hash");
    await tx.users.update("una", newUser("una", { name: "Una in tx" }), ["name"]);
    return {
      app: (await tx.applications.get("app-hot")).ids?.applicationId,
      exists: await tx.exists(appRef("app-hot")),
      chains: await tx.memberships.chains(userRef("una"), appRef("app-hot")),
      key: (await tx.apiKeys.lookup(key.id))?.key.id,
      name: (await tx.users.get("una")).name,
    };
  });
  assert.equal(inside, {
    app: "app-hot",
    exists: true,
    chains: { exists: true, direct: [R("RIGHT_APPLICATION_ALL")], viaOrganizations: [] },
    key: key.id,
    name: "Una in tx",
  });
  // And the store's own, built before, see the commit.
  assert.is((await s.applications.get("app-hot")).ids?.applicationId, "app-hot");
  assert.is(await s.exists(appRef("app-hot")), true);
  assert.equal((await s.memberships.chains(userRef("una"), appRef("app-hot"))).direct, [R("RIGHT_APPLICATION_ALL")]);
  assert.is((await s.apiKeys.lookup(key.id))?.key.id, key.id);
  assert.is((await s.users.get("una")).name, "Una in tx");
});

// ---- tenant isolation -------------------------------------------------------------

test("tenants: the same IDs and e-mail addresses live side by side", async () => {
  await b.users.create(newUser("ann")); // same ID and e-mail as in tenant A
  await b.applications.create(newApp("app-one", { name: "B's app-one" }));
  assert.is((await a.applications.get("app-one")).name, "App app-one");
  assert.is((await b.applications.get("app-one")).name, "B's app-one");
  assert.is((await b.users.get("ann")).admin, false);
  assert.is((await a.users.get("ann")).admin, true);
  assert.is(await b.users.countAdmins(), 0);
});

test("tenants: rows of one tenant are invisible and untouchable from another", async () => {
  await a.applications.create(newApp("only-in-a"));
  await a.memberships.set(appRef("only-in-a"), userRef("ann"), [R("RIGHT_APPLICATION_ALL")]);
  await rejects(b.applications.get("only-in-a"), Code.NotFound, "application_not_found");
  await rejects(b.applications.get("only-in-a", { includeDeleted: true }), Code.NotFound, "application_not_found");
  await rejects(b.applications.update("only-in-a", newApp("only-in-a", { name: "hijack" }), ["name"]), Code.NotFound, "application_not_found");
  await rejects(b.applications.delete("only-in-a"), Code.NotFound, "application_not_found");
  await rejects(b.applications.purge("only-in-a"), Code.NotFound, "application_not_found");
  await rejects(b.users.get("bea"), Code.NotFound, "user_not_found");
  await rejects(b.users.delete("bea"), Code.NotFound, "user_not_found");
  assert.is(await b.exists(appRef("only-in-a")), false);
  assert.ok(!(await b.applications.find(page(1000))).items.some((x) => x.ids?.applicationId === "only-in-a"));
  assert.ok(!(await b.users.find(page(1000))).items.some((x) => x.ids?.userId === "bea"));
  // Memberships: b's "ann" is another person.
  await rejects(b.memberships.get(appRef("only-in-a"), userRef("ann")), Code.NotFound, "membership_not_found");
  assert.equal(await b.memberships.all(appRef("only-in-a")), []);
  assert.is((await b.memberships.find(appRef("only-in-a"), page())).total, 0);
  assert.is((await b.applications.find({ ...page(), memberOf: userRef("ann") })).total, 0);
  assert.is((await b.memberships.chains(userRef("ann"), appRef("only-in-a"))).exists, false);
  await rejects(b.memberships.delete(appRef("only-in-a"), userRef("ann")), Code.NotFound, "membership_not_found");
  // A's rows are intact.
  assert.is((await a.applications.get("only-in-a")).name, "App only-in-a");
  assert.equal((await a.memberships.all(appRef("only-in-a"))).map((m) => m.account.id), ["ann"]);
  assert.is((await a.applications.find({ ...page(), memberOf: userRef("ann") })).items.some((x) => x.ids?.applicationId === "only-in-a"), true);
});

test("tenants: API keys are isolated", async () => {
  const key = await a.apiKeys.create(userRef("ann"), newKey("a's key", [R("RIGHT_ALL")]), "hash-a");
  assert.ok(await a.apiKeys.lookup(key.id));
  assert.is(await b.apiKeys.lookup(key.id), undefined, "another tenant cannot authenticate with it");
  await rejects(b.apiKeys.get(userRef("ann"), key.id), Code.NotFound, "api_key_not_found");
  assert.is((await b.apiKeys.find(userRef("ann"), page())).total, 0);
  await rejects(b.apiKeys.update(userRef("ann"), create(APIKeySchema, { id: key.id, name: "stolen" }), ["name"]), Code.NotFound, "api_key_not_found");
  await rejects(b.apiKeys.delete(userRef("ann"), key.id), Code.NotFound, "api_key_not_found");
  assert.is((await a.apiKeys.get(userRef("ann"), key.id)).name, "a's key");
  // Purging B's "ann" leaves A's keys and memberships alone.
  await b.apiKeys.create(userRef("ann"), newKey("b's key", [R("RIGHT_ALL")]), "hash-b");
  await b.users.purge("ann");
  assert.ok(await a.apiKeys.lookup(key.id));
  assert.is((await a.users.get("ann")).ids?.userId, "ann");
  assert.equal((await a.memberships.all(appRef("only-in-a"))).map((m) => m.account.id), ["ann"]);
  // And purging A's application leaves B's application of the same ID.
  await a.applications.purge("app-one");
  assert.is((await b.applications.get("app-one")).name, "B's app-one");
});

test.run();
