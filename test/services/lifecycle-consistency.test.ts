// Issue 3 "bad input and consistency", for every soft-deletable entity kind
// through the public API (the per-kind suites cover parts of it): concurrent
// creates of one ID leave exactly one (the others ALREADY_EXISTS id_taken);
// a deleted entity is invisible (Get, List) and its ID stays reserved; an
// admin's Purge (HTTP) removes its memberships, API keys and the bookmarks
// pointing at it, and frees the ID.
import { ConnectError, Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationAccess, ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { ClientRegistry } from "../../gen/ttn/lorawan/v3/client_services_pb.js";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { GatewayAccess, GatewayRegistry } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { OrganizationAccess, OrganizationRegistry } from "../../gen/ttn/lorawan/v3/organization_services_pb.js";
import { UserBookmarkRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { api, grpcClient } from "../helpers/clients.js";
import { httpError, rejects, user, userRef } from "../helpers/expect.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";

const server = await startTestServer();
test.after(() => server.close());
const p = server.population;
const store = p.store;

const users = await Promise.all(["lc-ann", "lc-ben", "lc-cat"].map((id) => p.user({ id })));
const [ann, ben] = users as [(typeof users)[0], (typeof users)[0]];
const admin = server.adminAPIKey;

type Kind = "application" | "client" | "gateway" | "organization";

/** Per kind: create, get, list, delete and the API key of the entity (clients have none). */
const kinds: Record<Kind, {
  plural: string;
  create(key: string, id: string, owner: string): Promise<unknown>;
  get(key: string, id: string): Promise<{ name: string }>;
  list(key: string, deleted?: boolean): Promise<string[]>;
  delete(key: string, id: string): Promise<unknown>;
  apiKey?(key: string, id: string): Promise<string>;
  bookmark: (id: string) => { ids: { case: string; value: object } };
}> = {
  application: {
    plural: "applications",
    create: (key, id, owner) => grpcClient(server, ApplicationRegistry, key).create({ application: { ids: { applicationId: id }, name: owner }, collaborator: user(owner) }),
    get: (key, id) => grpcClient(server, ApplicationRegistry, key).get({ applicationIds: { applicationId: id }, fieldMask: { paths: ["name"] } }),
    list: async (key, deleted) => (await grpcClient(server, ApplicationRegistry, key).list({ deleted })).applications.map((e) => e.ids!.applicationId),
    delete: (key, id) => grpcClient(server, ApplicationRegistry, key).delete({ applicationId: id }),
    apiKey: async (key, id) => (await grpcClient(server, ApplicationAccess, key).createAPIKey({ applicationIds: { applicationId: id }, rights: [R("RIGHT_APPLICATION_INFO")] })).key,
    bookmark: (id) => ({ ids: { case: "applicationIds", value: { applicationId: id } } }),
  },
  client: {
    plural: "clients",
    create: (key, id, owner) => grpcClient(server, ClientRegistry, key).create({ client: { ids: { clientId: id }, name: owner }, collaborator: user(owner) }),
    get: (key, id) => grpcClient(server, ClientRegistry, key).get({ clientIds: { clientId: id }, fieldMask: { paths: ["name"] } }),
    list: async (key, deleted) => (await grpcClient(server, ClientRegistry, key).list({ deleted })).clients.map((e) => e.ids!.clientId),
    delete: (key, id) => grpcClient(server, ClientRegistry, key).delete({ clientId: id }),
    bookmark: (id) => ({ ids: { case: "clientIds", value: { clientId: id } } }),
  },
  gateway: {
    plural: "gateways",
    create: (key, id, owner) => grpcClient(server, GatewayRegistry, key).create({ gateway: { ids: { gatewayId: id }, name: owner }, collaborator: user(owner) }),
    get: (key, id) => grpcClient(server, GatewayRegistry, key).get({ gatewayIds: { gatewayId: id }, fieldMask: { paths: ["name"] } }),
    list: async (key, deleted) => (await grpcClient(server, GatewayRegistry, key).list({ deleted })).gateways.map((e) => e.ids!.gatewayId),
    delete: (key, id) => grpcClient(server, GatewayRegistry, key).delete({ gatewayId: id }),
    apiKey: async (key, id) => (await grpcClient(server, GatewayAccess, key).createAPIKey({ gatewayIds: { gatewayId: id }, rights: [R("RIGHT_GATEWAY_INFO")] })).key,
    bookmark: (id) => ({ ids: { case: "gatewayIds", value: { gatewayId: id } } }),
  },
  organization: {
    plural: "organizations",
    create: (key, id, owner) => grpcClient(server, OrganizationRegistry, key).create({ organization: { ids: { organizationId: id }, name: owner }, collaborator: user(owner) }),
    get: (key, id) => grpcClient(server, OrganizationRegistry, key).get({ organizationIds: { organizationId: id }, fieldMask: { paths: ["name"] } }),
    list: async (key, deleted) => (await grpcClient(server, OrganizationRegistry, key).list({ deleted })).organizations.map((e) => e.ids!.organizationId),
    delete: (key, id) => grpcClient(server, OrganizationRegistry, key).delete({ organizationId: id }),
    apiKey: async (key, id) => (await grpcClient(server, OrganizationAccess, key).createAPIKey({ organizationIds: { organizationId: id }, rights: [R("RIGHT_ORGANIZATION_INFO")] })).key,
    bookmark: (id) => ({ ids: { case: "organizationIds", value: { organizationId: id } } }),
  },
};

const bookmarks = (key: string) => grpcClient(server, UserBookmarkRegistry, key);
/** Whether `who` has a bookmark of entity `id` (of a deleted entity with `deleted`). */
const bookmarked = async (who: { id: string; apiKey: string }, id: string, deleted = false) =>
  (await bookmarks(who.apiKey).list({ userIds: { userId: who.id }, deleted })).bookmarks.some((b) => Object.values(b.entityIds?.ids.value ?? {}).includes(id));

for (const [kind, k] of Object.entries(kinds) as [Kind, (typeof kinds)[Kind]][]) {
  const id = `lc-${kind.slice(0, 3)}`;

  test(`${kind}: concurrent creates of one ID, exactly one succeeds, the others id_taken`, async () => {
    const callers = [...users, ...users];
    const results = await Promise.allSettled(callers.map((u) => k.create(u.apiKey, id, u.id)));
    const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [callers[i]!.id] : []));
    assert.is(won.length, 1, JSON.stringify(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))));
    for (const r of results) {
      if (r.status === "fulfilled") continue;
      const err = ConnectError.from(r.reason);
      assert.is(`${Code[err.code]} ${err.findDetails(ErrorDetailsSchema)[0]?.name}`, "AlreadyExists id_taken", err.message);
    }
    // The winner owns it alone, under its name.
    const owners = (await store.memberships.all({ kind, id })).map((m) => m.account.id);
    assert.equal(owners, won);
    assert.is((await k.get(admin, id)).name, won[0]);
  });

  test(`${kind}: deleted, it is invisible to non-admins and its ID stays reserved; Purge removes memberships, keys and bookmarks`, async () => {
    // The winner of the race above owns it.
    const ownerId = (await store.memberships.all({ kind, id }))[0]!.account.id;
    const o = users.find((u) => u.id === ownerId)!;
    // A second collaborator, an API key of the entity and a bookmark of it.
    await p.member({ kind, id }, userRef(o === ann ? ben.id : ann.id), R(`RIGHT_${kind.toUpperCase()}_INFO`));
    const entityKey = k.apiKey ? await k.apiKey(o.apiKey, id) : undefined;
    await bookmarks(o.apiKey).create({ userIds: { userId: o.id }, entityIds: k.bookmark(id) as never });

    await k.delete(o.apiKey, id);
    // Non-admins learn nothing (no rights; public fields alone: not found); admins get not found.
    httpError(await api(server, "GET", `/${k.plural}/${id}?field_mask=attributes`, { key: o.apiKey }), 403, `no_${kind}_rights`);
    httpError(await api(server, "GET", `/${k.plural}/${id}?field_mask=attributes`, { key: admin }), 404, `${kind}_not_found`);
    assert.not.ok((await k.list(o.apiKey)).includes(id));
    assert.ok((await k.list(admin, true)).includes(id), "admins list it with deleted=true");
    await rejects(k.create(o.apiKey, id, o.id), Code.AlreadyExists, "id_taken");
    // The entity's own key still authenticates (as upstream) but reaches nothing.
    if (entityKey) httpError(await api(server, "GET", `/${k.plural}/${id}?field_mask=attributes`, { key: entityKey }), 403, `no_${kind}_rights`);
    assert.not.ok(await bookmarked(o, id));
    assert.ok(await bookmarked(o, id, true), "the bookmark of a deleted entity lists with deleted=true");

    httpError(await api(server, "DELETE", `/${k.plural}/${id}/purge`, { key: o.apiKey }), 403, `admins_purge_${k.plural}`);
    const res = await api(server, "DELETE", `/${k.plural}/${id}/purge`, { key: admin });
    assert.is(res.status, 200, JSON.stringify(res.body));
    assert.equal(await store.memberships.all({ kind, id }), []);
    if (k.apiKey) assert.is((await store.apiKeys.find({ kind, id }, { limit: 10, page: 1 })).total, 0);
    if (entityKey) httpError(await api(server, "GET", "/auth_info", { key: entityKey }), 401, "api_key_not_found");
    assert.not.ok(await bookmarked(o, id, true));
    // The ID is free again: a new entity, with none of the old one's collaborators.
    await k.create(ben.apiKey, id, ben.id);
    assert.equal((await store.memberships.all({ kind, id })).map((m) => m.account.id), [ben.id]);
  });
}

test.run();
