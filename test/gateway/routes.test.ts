// The route table built from descriptors: real generated services for the
// shape of the table and matching; small synthetic files for startup errors.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { create, createFileRegistry, setExtension, type DescService } from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
  MethodOptionsSchema,
} from "@bufbuild/protobuf/wkt";
import { http } from "../../gen/google/api/annotations_pb.js";
import { HttpRuleSchema } from "../../gen/google/api/http_pb.js";
import { fromJson, type JsonObject } from "@bufbuild/protobuf";
import { ApplicationAccess, ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { UserAccess, UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { EntityAccess, Is } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { buildRoutes, matchRoute } from "../../src/gateway/routes.js";

const services = [ApplicationRegistry, ApplicationAccess, UserRegistry, UserAccess, Is, EntityAccess];
const routes = buildRoutes(services);

function routeName(m: ReturnType<typeof matchRoute>): string {
  if (m.kind === "found") return `${m.route.service.name}.${m.route.method.name}`;
  if (m.kind === "method_not_allowed") return `405 ${[...m.allow].sort().join(",")}`;
  return "404";
}

test("every rule and additional binding becomes a route", () => {
  const create = routes.filter((r) => r.method === ApplicationRegistry.method.create);
  assert.equal(create.map((r) => `${r.httpMethod} ${r.template.source} body=${r.body}`).sort(), [
    "POST /organizations/{collaborator.organization_ids.organization_id}/applications body=*",
    "POST /users/{collaborator.user_ids.user_id}/applications body=*",
  ]);
  const list = routes.filter((r) => r.method === ApplicationRegistry.method.list);
  assert.is(list.length, 3);
  // GetCollaborator has only additional bindings: the empty primary rule is skipped.
  const getCollaborator = routes.filter((r) => r.method === ApplicationAccess.method.getCollaborator);
  assert.equal(getCollaborator.map((r) => r.template.source).sort(), [
    "/applications/{application_ids.application_id}/collaborator/organization/{collaborator.organization_ids.organization_id}",
    "/applications/{application_ids.application_id}/collaborator/user/{collaborator.user_ids.user_id}",
  ]);
  // Every unary method with an http option has at least one route.
  for (const s of services) for (const m of s.methods) {
    assert.ok(routes.some((r) => r.method === m), `${s.typeName}.${m.name} has no route`);
  }
});

test("path variables are resolved to the fields of the request message", () => {
  const r = routes.find((x) => x.method === ApplicationRegistry.method.create && x.template.source.startsWith("/users"))!;
  assert.equal(r.variables.map((v) => v.fields.map((f) => f.name)), [["collaborator", "user_ids", "user_id"]]);
  assert.is(r.bodyField, undefined);
});

const table: Array<[string, string, string]> = [
  ["GET", "/applications", "ApplicationRegistry.List"],
  ["GET", "/applications/app1", "ApplicationRegistry.Get"],
  ["PUT", "/applications/app1", "ApplicationRegistry.Update"],
  ["DELETE", "/applications/app1", "ApplicationRegistry.Delete"],
  ["POST", "/applications/app1/restore", "ApplicationRegistry.Restore"],
  ["DELETE", "/applications/app1/purge", "ApplicationRegistry.Purge"],
  ["GET", "/applications/app1/rights", "ApplicationAccess.ListRights"],
  ["GET", "/applications/app1/api-keys", "ApplicationAccess.ListAPIKeys"],
  ["POST", "/applications/app1/api-keys", "ApplicationAccess.CreateAPIKey"],
  ["GET", "/applications/app1/api-keys/KEY", "ApplicationAccess.GetAPIKey"],
  ["PUT", "/applications/app1/api-keys/KEY", "ApplicationAccess.UpdateAPIKey"],
  ["DELETE", "/applications/app1/api-keys/KEY", "ApplicationAccess.DeleteAPIKey"],
  ["GET", "/applications/app1/collaborator/user/u1", "ApplicationAccess.GetCollaborator"],
  ["GET", "/applications/app1/collaborator/organization/o1", "ApplicationAccess.GetCollaborator"],
  ["DELETE", "/applications/app1/collaborator/user/u1", "ApplicationAccess.DeleteCollaborator"],
  ["PUT", "/applications/app1/collaborators", "ApplicationAccess.SetCollaborator"],
  ["GET", "/applications/app1/collaborators", "ApplicationAccess.ListCollaborators"],
  ["GET", "/users/u1/applications", "ApplicationRegistry.List"],
  ["POST", "/users/u1/applications", "ApplicationRegistry.Create"],
  ["POST", "/organizations/o1/applications", "ApplicationRegistry.Create"],
  ["GET", "/users/u1", "UserRegistry.Get"],
  ["POST", "/users", "UserRegistry.Create"],
  ["GET", "/users/u1/rights", "UserAccess.ListRights"],
  ["POST", "/users/u1/restore", "UserRegistry.Restore"],
  ["GET", "/is/configuration", "Is.GetConfiguration"],
  ["GET", "/auth_info", "EntityAccess.AuthInfo"],
  // Known paths, wrong method: 405 with the methods the path has.
  ["PATCH", "/applications/app1", "405 DELETE,GET,PUT"],
  ["PUT", "/users/u1/applications", "405 GET,POST"],
  ["DELETE", "/applications", "405 GET"],
  ["GET", "/applications/app1/restore", "405 POST"],
  // Unknown paths.
  ["GET", "/applications/app1/nope", "404"],
  ["GET", "/applications/app1/collaborator/gateway/g1", "404"],
  ["GET", "/nope", "404"],
  ["GET", "/", "404"],
  ["GET", "", "404"],
  ["GET", "/applications/", "404"],
];

for (const [method, path, want] of table) {
  test(`route ${method} ${path} -> ${want}`, () => {
    assert.is(routeName(matchRoute(routes, method, path)), want);
  });
}

test("matching percent-decodes variables", () => {
  const m = matchRoute(routes, "GET", "/applications/a%2Fb%20c");
  assert.is(m.kind, "found");
  if (m.kind === "found") assert.equal(m.params, { "application_ids.application_id": "a/b c" });
});

// --- synthetic services -----------------------------------------------------

/** google.api.HttpRule in proto3 JSON. */
type RuleJson = JsonObject;

/**
 * A file with messages Req {string id; Sub sub; repeated string tags; Sub subs
 * (repeated); int32 n} and Sub {string name}, and a service whose methods
 * carry the given http rules.
 */
function serviceWith(rules: Record<string, RuleJson>, streaming: string[] = []): DescService {
  const T = FieldDescriptorProto_Type;
  const L = FieldDescriptorProto_Label;
  const proto = create(FileDescriptorProtoSchema, {
    name: "gwtest.proto",
    package: "gwtest",
    syntax: "proto3",
    messageType: [
      {
        name: "Req",
        field: [
          { name: "id", number: 1, type: T.STRING, label: L.OPTIONAL, jsonName: "id" },
          { name: "sub", number: 2, type: T.MESSAGE, typeName: ".gwtest.Sub", label: L.OPTIONAL, jsonName: "sub" },
          { name: "tags", number: 3, type: T.STRING, label: L.REPEATED, jsonName: "tags" },
          { name: "subs", number: 4, type: T.MESSAGE, typeName: ".gwtest.Sub", label: L.REPEATED, jsonName: "subs" },
          { name: "n", number: 5, type: T.INT32, label: L.OPTIONAL, jsonName: "n" },
        ],
      },
      { name: "Sub", field: [{ name: "name", number: 1, type: T.STRING, label: L.OPTIONAL, jsonName: "name" }] },
    ],
    service: [
      {
        name: "Svc",
        method: Object.entries(rules).map(([name, rule]) => {
          const options = create(MethodOptionsSchema);
          setExtension(options, http, fromJson(HttpRuleSchema, rule));
          return {
            name,
            inputType: ".gwtest.Req",
            outputType: ".gwtest.Sub",
            options,
            serverStreaming: streaming.includes(name),
          };
        }),
      },
    ],
  });
  return createFileRegistry(proto, () => undefined).getService("gwtest.Svc")!;
}

test("synthetic: literal segments outrank variables regardless of proto order", () => {
  const svc = serviceWith({
    ById: { get: "/things/{id}" },
    Search: { get: "/things/search" },
    Deep: { get: "/things/{id}/**" },
    Sub: { get: "/things/{id}/sub" },
  });
  const rs = buildRoutes([svc]);
  const name = (p: string) => {
    const m = matchRoute(rs, "GET", p);
    return m.kind === "found" ? m.route.method.name : m.kind;
  };
  assert.is(name("/things/search"), "Search");
  assert.is(name("/things/x"), "ById");
  assert.is(name("/things/x/sub"), "Sub");
  assert.is(name("/things/x/a/b"), "Deep");
});

test("synthetic: body field, custom verb, streaming methods skipped", () => {
  const svc = serviceWith(
    {
      WithBody: { post: "/things/{id}", body: "sub" },
      Custom: { custom: { kind: "search", path: "/things" } },
      Stream: { get: "/stream" },
      NoRule: {},
    },
    ["Stream"],
  );
  const rs = buildRoutes([svc]);
  assert.equal(rs.map((r) => `${r.httpMethod} ${r.template.source} ${r.body}`).sort(), ["POST /things/{id} sub", "SEARCH /things "]);
  assert.is(rs.find((r) => r.body === "sub")!.bodyField!.name, "sub");
});

const startupErrors: Array<[string, RuleJson, RegExp]> = [
  ["malformed template", { get: "/things/{id" }, /gwtest\.Svc\.M: http rule GET "\/things\/\{id": invalid path template .* column 12/],
  ["unknown field", { get: "/things/{nope}" }, /field `nope` not found in gwtest\.Req/],
  ["unknown nested field", { get: "/things/{sub.nope}" }, /field `sub\.nope` not found in gwtest\.Req/],
  ["variable is a message", { get: "/things/{sub}" }, /must be a scalar or enum, not a message/],
  ["through a scalar", { get: "/things/{id.x}" }, /`id` is not a message/],
  ["repeated variable", { get: "/things/{tags}" }, /goes through repeated field `tags`/],
  ["through a repeated message", { get: "/things/{subs.name}" }, /goes through repeated field `subs`/],
  ["unknown body field", { post: "/things", body: "nope" }, /body field `nope` not found in gwtest\.Req/],
  ["response_body", { get: "/things", responseBody: "sub" }, /response_body is not supported/],
  [
    "nested additional_bindings",
    { get: "/a", additionalBindings: [{ get: "/b", additionalBindings: [{ get: "/c" }] }] },
    /gwtest\.Svc\.M: an additional binding must not have additional_bindings/,
  ],
  ["malformed template in an additional binding", { get: "/a", additionalBindings: [{ get: "/b/**/c" }] }, /http rule GET "\/b\/\*\*\/c": .*"\*\*" must be the last segment/],
];

for (const [what, rule, error] of startupErrors) {
  test(`synthetic startup error: ${what}`, () => {
    assert.throws(() => buildRoutes([serviceWith({ M: rule })]), error);
  });
}

test.run();
