// AuthenticationProviderRegistry against a real server, over gRPC, a plain
// @grpc/grpc-js client and /api/v3 JSON (spec §8.2): permission denied first
// (no credentials, a non-admin, an admin key without the rights), then CRUD,
// field masks (the client secret only when named), validation, list order and
// pages. Sealing at rest: authentication-providers-secrets.test.ts; links:
// authentication-providers-links.test.ts.
import { Code } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { api } from "../helpers/clients.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { httpError, it, provider, providerJson, providers, rejects, secretPath } from "./authentication-providers-helpers.js";

const server = await startTestServer();
const listed = await startTestServer({ "is.pagination.default-limit": 2 });
test.after(async () => {
  await server.close();
  await listed.close();
});
const p = server.population;
const alice = await p.user({ id: "alice" });
const admin = server.adminAPIKey;
const adminRef = { kind: "user" as const, id: "admin" };
// Admin keys: without any provider right, and with the read rights only.
const adminNoRights = await p.apiKey(adminRef, R("RIGHT_USER_INFO"));
const adminReadOnly = await p.apiKey(adminRef, R("RIGHT_AUTHENTICATION_PROVIDER_INFO"), R("RIGHT_AUTHENTICATION_PROVIDER_LIST"));

const reg = (key?: string) => providers(server, key);
await reg(admin).create({ provider: provider("existing", { allowRegistrations: true, allowedEmailDomains: ["example.com"] }) });

// ---- permission denied ------------------------------------------------------

it("no credentials: unauthenticated on every method (gRPC and HTTP)", async () => {
  const anon = reg();
  await rejects(anon.create({ provider: provider("anon") }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.get({ ids: { providerId: "existing" } }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.list({}), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.update({ provider: provider("existing"), fieldMask: { paths: ["name"] } }), Code.Unauthenticated, "unauthenticated");
  await rejects(anon.delete({ providerId: "existing" }), Code.Unauthenticated, "unauthenticated");
  httpError(await api(server, "GET", "/authentication_providers"), 401, "unauthenticated");
  httpError(await api(server, "POST", "/authentication_providers", { body: { provider: providerJson("anon") } }), 401, "unauthenticated");
});

it("a non-admin is refused with permission_denied, even with a RIGHT_ALL key (gRPC and HTTP)", async () => {
  const user = reg(alice.apiKey);
  await rejects(user.create({ provider: provider("by-alice") }), Code.PermissionDenied, "permission_denied");
  await rejects(user.get({ ids: { providerId: "existing" } }), Code.PermissionDenied, "permission_denied");
  await rejects(user.list({}), Code.PermissionDenied, "permission_denied");
  await rejects(user.update({ provider: provider("existing", { name: "x" }), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "permission_denied");
  await rejects(user.delete({ providerId: "existing" }), Code.PermissionDenied, "permission_denied");
  httpError(await api(server, "GET", "/authentication_providers", { key: alice.apiKey }), 403, "permission_denied");
  httpError(await api(server, "GET", "/authentication_providers/existing", { key: alice.apiKey }), 403, "permission_denied");
  httpError(await api(server, "POST", "/authentication_providers", { key: alice.apiKey, body: { provider: providerJson("by-alice") } }), 403, "permission_denied");
  httpError(await api(server, "DELETE", "/authentication_providers/existing", { key: alice.apiKey }), 403, "permission_denied");
  // Nothing changed.
  assert.is((await reg(admin).get({ ids: { providerId: "existing" }, fieldMask: { paths: ["name"] } })).name, "Provider existing");
});

it("an admin key without the provider rights: insufficient_universal_rights naming the missing right", async () => {
  const denied = await rejects(reg(adminNoRights).list({}), Code.PermissionDenied, "insufficient_universal_rights");
  assert.equal(denied.attributes.missing, ["RIGHT_AUTHENTICATION_PROVIDER_LIST"]);
  const res = httpError(await api(server, "POST", "/authentication_providers", { key: adminNoRights, body: { provider: providerJson("no-rights") } }), 403, "insufficient_universal_rights");
  assert.equal(res.attributes.missing, ["RIGHT_AUTHENTICATION_PROVIDER_CREATE"]);
  // Read rights read, and nothing more.
  const readOnly = reg(adminReadOnly);
  assert.is((await readOnly.get({ ids: { providerId: "existing" }, fieldMask: { paths: ["name"] } })).name, "Provider existing");
  assert.is((await readOnly.list({})).providers.length, 1);
  await rejects(readOnly.create({ provider: provider("read-only") }), Code.PermissionDenied, "insufficient_universal_rights");
  await rejects(readOnly.update({ provider: provider("existing", { name: "x" }), fieldMask: { paths: ["name"] } }), Code.PermissionDenied, "insufficient_universal_rights");
  await rejects(readOnly.delete({ providerId: "existing" }), Code.PermissionDenied, "insufficient_universal_rights");
});

// ---- CRUD -------------------------------------------------------------------

it("gRPC: create, get, update, delete", async () => {
  const created = await reg(admin).create({
    provider: provider("crud-oidc", { name: "CRUD", allowRegistrations: true, allowedEmailDomains: ["Example.COM", " things.example "], oidc: { preferredResponseType: "code id_token" } }),
  });
  assert.is(created.ids?.providerId, "crud-oidc");
  assert.is(created.name, "CRUD");
  assert.is(created.allowRegistrations, true);
  assert.equal(created.allowedEmailDomains, ["example.com", "things.example"], "domains are lower-cased");
  assert.ok(created.createdAt && created.updatedAt);
  const oidc = created.configuration?.provider.case === "oidc" ? created.configuration.provider.value : undefined;
  assert.is(oidc?.clientId, "client-of-crud-oidc");
  assert.is(oidc?.providerUrl, "https://accounts.example.com");
  assert.is(oidc?.preferredResponseType, "code id_token");
  assert.is(oidc?.clientSecret, "", "the secret is not echoed");

  await rejects(reg(admin).create({ provider: provider("crud-oidc") }), Code.AlreadyExists, "id_taken");

  const updated = await reg(admin).update({
    provider: provider("crud-oidc", { name: "Renamed", oidc: { providerUrl: "https://login.example.org/tenant/v2.0" } }),
    fieldMask: { paths: ["name", "configuration.provider.oidc.provider_url"] },
  });
  assert.is(updated.name, "Renamed");
  assert.is(updated.allowRegistrations, false, "only the named fields are returned");
  const got = await reg(admin).get({ ids: { providerId: "crud-oidc" }, fieldMask: { paths: ["name", "allow_registrations", "configuration", secretPath] } });
  assert.is(got.name, "Renamed");
  assert.is(got.allowRegistrations, true, "fields outside the mask are left alone");
  const gotOidc = got.configuration?.provider.case === "oidc" ? got.configuration.provider.value : undefined;
  assert.is(gotOidc?.providerUrl, "https://login.example.org/tenant/v2.0");
  assert.is(gotOidc?.clientId, "client-of-crud-oidc", "the client ID was not in the mask");
  assert.is(gotOidc?.clientSecret, "secret-of-crud-oidc", "nor the secret");
  assert.ok(got.updatedAt!.seconds * 1000n + BigInt(Math.floor(got.updatedAt!.nanos / 1e6)) >= got.createdAt!.seconds * 1000n);

  await reg(admin).delete({ providerId: "crud-oidc" });
  await rejects(reg(admin).get({ ids: { providerId: "crud-oidc" } }), Code.NotFound, "authentication_provider_not_found");
  await rejects(reg(admin).delete({ providerId: "crud-oidc" }), Code.NotFound, "authentication_provider_not_found");
  await rejects(
    reg(admin).update({ provider: provider("crud-oidc", { name: "x" }), fieldMask: { paths: ["name"] } }),
    Code.NotFound,
    "authentication_provider_not_found",
  );
});

it("/api/v3: POST, GET with field_mask, PUT, DELETE", async () => {
  const created = await api(server, "POST", "/authentication_providers", {
    key: admin,
    body: { provider: providerJson("http-oidc", { preferred_response_type: "code" }, { allow_registrations: true, allowed_email_domains: ["example.net"] }) },
  });
  assert.is(created.status, 200, JSON.stringify(created.body));
  assert.is(created.body.ids.provider_id, "http-oidc");
  assert.is(created.body.configuration.oidc.client_id, "client-of-http-oidc");
  assert.is(created.body.configuration.oidc.client_secret, undefined);

  const got = await api(server, "GET", `/authentication_providers/http-oidc?field_mask=name,${secretPath}`, { key: admin });
  assert.is(got.status, 200, JSON.stringify(got.body));
  assert.equal(got.body.configuration, { oidc: { client_secret: "secret-of-http-oidc" } });
  assert.is(got.body.name, "Provider http-oidc");
  assert.is(got.body.allow_registrations, undefined);

  const put = await api(server, "PUT", "/authentication_providers/http-oidc", {
    key: admin,
    body: { provider: { name: "Via HTTP", configuration: { oidc: { client_secret: "rotated-secret" } } }, field_mask: { paths: ["name", secretPath] } },
  });
  assert.is(put.status, 200, JSON.stringify(put.body));
  assert.is(put.body.name, "Via HTTP");
  assert.is(put.body.configuration.oidc.client_secret, "rotated-secret", "named in the mask: returned");
  const again = await reg(admin).get({ ids: { providerId: "http-oidc" }, fieldMask: { paths: [secretPath, "configuration.provider.oidc.client_id"] } });
  const oidc = again.configuration?.provider.case === "oidc" ? again.configuration.provider.value : undefined;
  assert.is(oidc?.clientSecret, "rotated-secret");
  assert.is(oidc?.clientId, "client-of-http-oidc");

  const listing = await api(server, "GET", "/authentication_providers?field_mask=name&order=-provider_id", { key: admin });
  assert.is(listing.status, 200);
  assert.equal(listing.body.providers.map((x: { ids: { provider_id: string } }) => x.ids.provider_id), ["http-oidc", "existing"]);
  assert.is(listing.headers.get("x-total-count"), "2");

  const deleted = await api(server, "DELETE", "/authentication_providers/http-oidc", { key: admin });
  assert.is(deleted.status, 200, JSON.stringify(deleted.body));
  httpError(await api(server, "GET", "/authentication_providers/http-oidc", { key: admin }), 404, "authentication_provider_not_found");
});

it("a plain @grpc/grpc-js client built from the .proto creates and reads a provider", async () => {
  const definition = protoLoader.loadSync(["ttn/lorawan/v3/authentication_provider.proto"], {
    includeDirs: ["proto", "node_modules/google-proto-files"], keepCase: true, enums: String, longs: String, defaults: false,
  });
  const pkg = grpc.loadPackageDefinition(definition) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const client = new pkg.ttn.lorawan.v3.AuthenticationProviderRegistry(server.grpcAddress, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  md.set("authorization", `Bearer ${admin}`);
  const unary = (method: string, req: object) =>
    new Promise<any>((resolve, reject) => client[method](req, md, (err: Error | null, res: unknown) => (err ? reject(err) : resolve(res)))); // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    await unary("Create", { provider: providerJson("wire-oidc") });
    const got = await unary("Get", { ids: { provider_id: "wire-oidc" }, field_mask: { paths: ["configuration"] } });
    assert.is(got.configuration.oidc.client_id, "client-of-wire-oidc");
    assert.is(got.configuration.oidc.client_secret, undefined);
    const bare = await unary("Get", { ids: { provider_id: "wire-oidc" } });
    assert.is(bare.ids.provider_id, "wire-oidc");
    assert.is(bare.configuration, undefined);
    await unary("Delete", { provider_id: "wire-oidc" });
  } finally {
    client.close();
  }
});

// ---- field masks --------------------------------------------------------------

it("field masks: ids and times always, the requested fields only, the secret only when named", async () => {
  const bare = await reg(admin).get({ ids: { providerId: "existing" } });
  assert.is(bare.ids?.providerId, "existing");
  assert.ok(bare.createdAt && bare.updatedAt);
  assert.is(bare.name, "");
  assert.is(bare.configuration, undefined);

  for (const parent of ["configuration", "configuration.provider", "configuration.provider.oidc"]) {
    const got = await reg(admin).get({ ids: { providerId: "existing" }, fieldMask: { paths: [parent] } });
    const oidc = got.configuration?.provider.case === "oidc" ? got.configuration.provider.value : undefined;
    assert.is(oidc?.clientId, "client-of-existing", parent);
    assert.is(oidc?.providerUrl, "https://accounts.example.com", parent);
    assert.is(oidc?.clientSecret, "", `${parent} does not reveal the secret`);
  }
  const only = await reg(admin).get({ ids: { providerId: "existing" }, fieldMask: { paths: ["allowed_email_domains", secretPath] } });
  assert.equal(only.allowedEmailDomains, ["example.com"]);
  assert.is(only.name, "");
  const oidc = only.configuration?.provider.case === "oidc" ? only.configuration.provider.value : undefined;
  assert.is(oidc?.clientSecret, "secret-of-existing");
  assert.is(oidc?.clientId, "");

  const listedSecrets = await reg(admin).list({ fieldMask: { paths: ["configuration"] } });
  for (const x of listedSecrets.providers) {
    assert.is(x.configuration?.provider.case === "oidc" ? x.configuration.provider.value.clientSecret : "?", "");
  }
  const http = await api(server, "GET", "/authentication_providers?field_mask=configuration", { key: admin });
  assert.is(http.body.providers[0].configuration.oidc.client_secret, undefined);
  const withSecret = await api(server, "GET", `/authentication_providers?field_mask=${secretPath}`, { key: admin });
  assert.is(withSecret.body.providers[0].configuration.oidc.client_secret, "secret-of-existing");

  for (const bad of ["configuration.oidc.client_id", "secret", "name.x", "configuration.provider.oidc.issuer"]) {
    const f = await rejects(reg(admin).get({ ids: { providerId: "existing" }, fieldMask: { paths: [bad] } }), Code.InvalidArgument, "field_mask_paths");
    assert.equal(f.attributes.forbidden_paths, [bad]);
  }
  httpError(await api(server, "GET", "/authentication_providers/existing?field_mask=nope", { key: admin }), 400, "field_mask_paths");
  await rejects(reg(admin).update({ provider: provider("existing"), fieldMask: { paths: ["nope"] } }), Code.InvalidArgument, "field_mask_paths");
});

it("update: a parent path sets every field below it, the secret included; ids and times in the mask are ignored", async () => {
  await reg(admin).create({ provider: provider("parent-upd", { oidc: { preferredResponseType: "code" } }) });
  const updated = await reg(admin).update({
    provider: provider("parent-upd", { oidc: { clientId: "new-client", clientSecret: "new-secret", providerUrl: "http://127.0.0.1:9/issuer" } }),
    fieldMask: { paths: ["configuration", "ids", "created_at"] },
  });
  const oidc = updated.configuration?.provider.case === "oidc" ? updated.configuration.provider.value : undefined;
  assert.is(oidc?.clientId, "new-client");
  assert.is(oidc?.preferredResponseType, "", "not given: cleared");
  assert.is(oidc?.clientSecret, "", "a parent path does not return the secret");
  const got = await reg(admin).get({ ids: { providerId: "parent-upd" }, fieldMask: { paths: [secretPath, "name"] } });
  assert.is(got.configuration?.provider.case === "oidc" ? got.configuration.provider.value.clientSecret : "", "new-secret");
  assert.is(got.name, "Provider parent-upd");
  // A parent path needs a whole, valid configuration.
  const f = await rejects(
    reg(admin).update({ provider: provider("parent-upd", { oidc: null }), fieldMask: { paths: ["configuration"] } }),
    Code.InvalidArgument,
    "validation",
  );
  assert.is(f.attributes.field, "provider.configuration.provider.oidc");
  // Clearing the secret alone is allowed.
  await reg(admin).update({ provider: provider("parent-upd", { oidc: null }), fieldMask: { paths: [secretPath] } });
  const cleared = await reg(admin).get({ ids: { providerId: "parent-upd" }, fieldMask: { paths: [secretPath] } });
  assert.is(cleared.configuration?.provider.case === "oidc" ? cleared.configuration.provider.value.clientSecret : "?", "");
});

// ---- validation ---------------------------------------------------------------

const invalid: [string, ReturnType<typeof provider>, string][] = [
  ["ID missing", provider(""), "provider.ids.provider_id"],
  ["ID too short", provider("ab"), "provider.ids.provider_id"],
  ["ID with capitals", provider("My-Provider"), "provider.ids.provider_id"],
  ["ID with a double dash", provider("my--provider"), "provider.ids.provider_id"],
  ["ID too long", provider("a".repeat(37)), "provider.ids.provider_id"],
  ["name over 50", provider("long-name", { name: "n".repeat(51) }), "provider.name"],
  ["11 e-mail domains", provider("many-domains", { allowedEmailDomains: Array.from({ length: 11 }, (_, i) => `d${i}.example.com`) }), "provider.allowed_email_domains"],
  ["duplicate domains (any case)", provider("dup-domains", { allowedEmailDomains: ["example.com", "EXAMPLE.com"] }), "provider.allowed_email_domains"],
  ["a domain with an underscore", provider("bad-domain", { allowedEmailDomains: ["exa_mple.com"] }), "provider.allowed_email_domains"],
  ["an e-mail address as domain", provider("bad-domain", { allowedEmailDomains: ["j@example.com"] }), "provider.allowed_email_domains"],
  ["a domain label starting with a dash", provider("bad-domain", { allowedEmailDomains: ["-x.example.com"] }), "provider.allowed_email_domains"],
  ["an empty domain", provider("bad-domain", { allowedEmailDomains: [""] }), "provider.allowed_email_domains"],
  ["no configuration", provider("no-config", { oidc: null }), "provider.configuration.provider.oidc"],
  ["empty client ID", provider("no-client", { oidc: { clientId: "" } }), "provider.configuration.provider.oidc.client_id"],
  ["no provider URL", provider("no-url", { oidc: { providerUrl: "" } }), "provider.configuration.provider.oidc.provider_url"],
  ["a relative URL", provider("rel-url", { oidc: { providerUrl: "/issuer" } }), "provider.configuration.provider.oidc.provider_url"],
  ["not a URL", provider("bad-url", { oidc: { providerUrl: "accounts.example.com" } }), "provider.configuration.provider.oidc.provider_url"],
  ["scheme without slashes", provider("bad-url", { oidc: { providerUrl: "https:accounts.example.com" } }), "provider.configuration.provider.oidc.provider_url"],
  ["ftp", provider("ftp-url", { oidc: { providerUrl: "ftp://accounts.example.com" } }), "provider.configuration.provider.oidc.provider_url"],
  ["http on a public host", provider("http-url", { oidc: { providerUrl: "http://accounts.example.com" } }), "provider.configuration.provider.oidc.provider_url"],
  ["http on a private address", provider("http-url", { oidc: { providerUrl: "http://10.0.0.1/issuer" } }), "provider.configuration.provider.oidc.provider_url"],
  ["a query", provider("query-url", { oidc: { providerUrl: "https://accounts.example.com/?tenant=1" } }), "provider.configuration.provider.oidc.provider_url"],
  ["an empty query", provider("query-url", { oidc: { providerUrl: "https://accounts.example.com/?" } }), "provider.configuration.provider.oidc.provider_url"],
  ["a fragment", provider("frag-url", { oidc: { providerUrl: "https://accounts.example.com/#x" } }), "provider.configuration.provider.oidc.provider_url"],
  ["credentials", provider("cred-url", { oidc: { providerUrl: "https://user:pw@accounts.example.com" } }), "provider.configuration.provider.oidc.provider_url"],
  ["an unknown response type", provider("bad-type", { oidc: { preferredResponseType: "id-token" } }), "provider.configuration.provider.oidc.preferred_response_type"],
  ["a response type with two spaces", provider("bad-type", { oidc: { preferredResponseType: "code  token" } }), "provider.configuration.provider.oidc.preferred_response_type"],
];

it("validation: each invalid provider is refused naming its field (gRPC)", async () => {
  for (const [what, bad, field] of invalid) {
    const f = await rejects(reg(admin).create({ provider: bad }), Code.InvalidArgument, "validation");
    assert.is(f.attributes.field, field, what);
  }
  // None was stored.
  assert.is((await reg(admin).list({})).providers.length, 2);
});

it("validation over /api/v3 answers 400 with the field; update checks only the named fields", async () => {
  const res = httpError(
    await api(server, "POST", "/authentication_providers", { key: admin, body: { provider: providerJson("http-bad", { provider_url: "http://example.com" }) } }),
    400,
    "validation",
  );
  assert.is(res.attributes.field, "provider.configuration.provider.oidc.provider_url");
  assert.match(res.attributes.reason, /https/);
  const upd = httpError(
    await api(server, "PUT", "/authentication_providers/existing", { key: admin, body: { provider: { name: "x".repeat(51) }, field_mask: { paths: ["name"] } } }),
    400,
    "validation",
  );
  assert.is(upd.attributes.field, "provider.name");
  // An update of the name alone does not need a configuration.
  const ok = await reg(admin).update({ provider: provider("existing", { name: "Still fine", oidc: null }), fieldMask: { paths: ["name"] } });
  assert.is(ok.name, "Still fine");
  const f = await rejects(
    reg(admin).update({ provider: provider("existing", { oidc: { clientId: "" } }), fieldMask: { paths: ["configuration.provider.oidc.client_id"] } }),
    Code.InvalidArgument,
    "validation",
  );
  assert.is(f.attributes.field, "provider.configuration.provider.oidc.client_id");
});

it("validation accepts loopback http, https with a path, every response type of the spec", async () => {
  const good: [string, Parameters<typeof provider>[1]][] = [
    ["loop-v4", { oidc: { providerUrl: "http://127.0.0.1:8080" } }],
    ["loop-v4b", { oidc: { providerUrl: "http://127.5.6.7/realms/x" } }],
    ["loop-name", { oidc: { providerUrl: "http://localhost:9000/" } }],
    ["loop-v6", { oidc: { providerUrl: "http://[::1]:9000" } }],
    ["https-path", { oidc: { providerUrl: "https://login.example.org/common/v2.0" } }],
    ["fifty-name", { name: "n".repeat(50), allowedEmailDomains: Array.from({ length: 10 }, (_, i) => `d${i}.example.com`) }],
  ];
  for (const t of ["", "code", "token", "id_token", "code token", "code id_token", "id_token code", "id_token token", "code id_token token"]) {
    good.push([`type-${good.length}`, { oidc: { preferredResponseType: t } }]);
  }
  for (const [id, extra] of good) {
    const created = await reg(admin).create({ provider: provider(id, extra) });
    assert.is(created.ids?.providerId, id);
    await reg(admin).delete({ providerId: id });
  }
});

// ---- list ---------------------------------------------------------------------

it("list: orders, pages, the configured default limit, x-total-count, invalid order and limit", async () => {
  const lreg = providers(listed, listed.adminAPIKey);
  const entries: [string, string][] = [["p-bravo", "Charlie"], ["p-alpha", "Bravo"], ["p-charlie", "Alpha"]];
  for (const [id, name] of entries) {
    await lreg.create({ provider: provider(id, { name }) });
    await new Promise((r) => setTimeout(r, 5)); // distinct creation times
  }
  const ids = async (order: string, limit = 10, page = 0) => {
    let total = "";
    const res = await lreg.list({ order, limit, page, fieldMask: { paths: ["name"] } }, { onHeader: (h) => (total = h.get("x-total-count") ?? "") });
    assert.is(total, "3", order);
    return res.providers.map((x) => x.ids!.providerId);
  };
  assert.equal(await ids(""), ["p-alpha", "p-bravo", "p-charlie"]);
  assert.equal(await ids("provider_id"), ["p-alpha", "p-bravo", "p-charlie"]);
  assert.equal(await ids("-provider_id"), ["p-charlie", "p-bravo", "p-alpha"]);
  assert.equal(await ids("name"), ["p-charlie", "p-alpha", "p-bravo"]);
  assert.equal(await ids("-name"), ["p-bravo", "p-alpha", "p-charlie"]);
  assert.equal(await ids("created_at"), ["p-bravo", "p-alpha", "p-charlie"]);
  assert.equal(await ids("-created_at"), ["p-charlie", "p-alpha", "p-bravo"]);
  assert.equal(await ids("provider_id", 2, 1), ["p-alpha", "p-bravo"]);
  assert.equal(await ids("provider_id", 2, 2), ["p-charlie"]);
  assert.equal(await ids("provider_id", 2, 3), []);
  assert.equal(await ids("provider_id", 0, 0), ["p-alpha", "p-bravo"], "limit 0: the configured default (2)");
  const page = await lreg.list({ fieldMask: { paths: ["name"] } });
  assert.equal(page.providers.map((x) => x.name), ["Bravo", "Charlie"]);
  assert.is(page.providers[0]!.configuration, undefined);

  for (const order of ["allowed_email_domains", "-updated_at", "--name", "Name"]) {
    const f = await rejects(lreg.list({ order }), Code.InvalidArgument, "validation");
    assert.is(f.attributes.field, "order");
  }
  const f = await rejects(lreg.list({ limit: 1001 }), Code.InvalidArgument, "validation");
  assert.is(f.attributes.field, "limit");
  assert.is((await lreg.list({ limit: 1000 })).providers.length, 3);

  const http = await api(listed, "GET", "/authentication_providers?order=-name&limit=2&page=2&field_mask=name", { key: listed.adminAPIKey });
  assert.is(http.status, 200, JSON.stringify(http.body));
  assert.equal(http.body.providers, [{ ids: { provider_id: "p-charlie" }, created_at: http.body.providers[0].created_at, updated_at: http.body.providers[0].updated_at, name: "Alpha" }]);
  assert.is(http.headers.get("x-total-count"), "3");
  httpError(await api(listed, "GET", "/authentication_providers?order=secret", { key: listed.adminAPIKey }), 400, "validation");
});

test.run();
