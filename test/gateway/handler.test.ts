// The gateway mechanism end to end: a real node:http server with the gateway
// in front of an in-process router transport, driven with fetch. The service
// implementation below only echoes what it received: this tests the gateway,
// not business logic.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as http from "node:http";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { createRouterTransport, type Interceptor, type Transport } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { ApplicationAccess, ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { errApplicationNotFound, toConnectError } from "../../src/errors/index.js";
import { createGateway } from "../../src/gateway/index.js";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";

const MAX_BODY = 1024;

// As in the server: catalogue errors become Connect errors with ErrorDetails.
const errorInterceptor: Interceptor = (next) => async (req) => {
  try {
    return await next(req);
  } catch (err) {
    throw toConnectError(err);
  }
};

const transport = createRouterTransport(
  (router) => {
    router.service(ApplicationRegistry, {
      create(req, ctx) {
        const app = req.application ?? create(ApplicationSchema);
        app.administrativeContact = req.collaborator;
        app.attributes = {
          authorization: ctx.requestHeader.get("authorization") ?? "",
          request_id: ctx.requestHeader.get("x-request-id") ?? "",
          cookie: ctx.requestHeader.get("cookie") ?? "",
        };
        return app;
      },
      get(req) {
        const id = req.applicationIds?.applicationId ?? "";
        if (id === "missing") throw errApplicationNotFound({ application_id: id });
        return { ids: req.applicationIds, name: req.fieldMask ? `mask:${req.fieldMask.paths.join(",")}` : "no mask" };
      },
      list(req, ctx) {
        ctx.responseHeader.set("x-total-count", "3");
        ctx.responseHeader.set("warning", "the order field is deprecated");
        const collaborator = req.collaborator?.ids;
        return {
          applications: [
            create(ApplicationSchema, {
              ids: { applicationId: "echo" },
              attributes: {
                collaborator: collaborator?.case === "userIds" ? `user:${collaborator.value.userId}` : String(collaborator?.case),
                mask: req.fieldMask?.paths.join(",") ?? "(none)",
                limit: String(req.limit),
                page: String(req.page),
                deleted: String(req.deleted),
                order: req.order,
              },
            }),
          ],
        };
      },
      update(req) {
        const app = req.application ?? create(ApplicationSchema);
        app.description = `mask:${req.fieldMask?.paths.join(",") ?? "(none)"}`;
        return app;
      },
      delete(req) {
        if (req.applicationId === "boom") throw new Error("secret internal detail");
        return {};
      },
      restore() {
        return {};
      },
    });
    router.service(ApplicationAccess, {
      createAPIKey(req) {
        return { id: req.applicationIds?.applicationId, name: req.name, rights: req.rights, expiresAt: req.expiresAt };
      },
    });
  },
  { router: { interceptors: [errorInterceptor] } },
);

const logged: Array<{ level: string; obj: object; msg?: string }> = [];
const gateway = createGateway({
  services: [ApplicationRegistry, ApplicationAccess],
  transport,
  maxBodySize: MAX_BODY,
  log: {
    warn: (obj, msg) => logged.push({ level: "warn", obj, msg }),
    error: (obj, msg) => logged.push({ level: "error", obj, msg }),
  },
});

const server = http.createServer((req, res) => {
  void gateway(req, res).then((handled) => {
    if (!handled) {
      res.writeHead(418, { "content-type": "text/plain" });
      res.end("not the gateway");
    }
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

interface ErrorBody {
  code: number;
  message: string;
  details: Array<{ "@type": string; namespace: string; name: string; attributes?: Record<string, unknown>; correlation_id: string; code?: number }>;
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { res, status: res.status, json: text ? (JSON.parse(text) as any) : undefined };
}

function assertError(r: { status: number; json: ErrorBody; res: Response }, status: number, namespaceName: string, contains?: string) {
  assert.is(r.status, status, JSON.stringify(r.json));
  assert.is(r.res.headers.get("content-type"), "application/json");
  const [namespace, name] = namespaceName.split(":");
  assert.ok(r.json.message.startsWith(`error:${namespaceName} (`), r.json.message);
  assert.is(r.json.details.length, 1);
  const d = r.json.details[0]!;
  assert.is(d["@type"], "type.googleapis.com/ttn.lorawan.v3.ErrorDetails");
  assert.is(d.namespace, namespace);
  assert.is(d.name, name);
  assert.match(d.correlation_id, /^[0-9a-f]{32}$/);
  if (contains) assert.ok(r.json.message.includes(contains), `${r.json.message} lacks ${contains}`);
}

test("GET with path variable and field_mask query; JSON content type; CORS header", async () => {
  const r = await call("GET", "/api/v3/applications/app1?field_mask=name,description");
  assert.is(r.status, 200);
  assert.is(r.res.headers.get("content-type"), "application/json");
  assert.is(r.res.headers.get("access-control-allow-origin"), "*");
  assert.is(r.res.headers.get("content-length"), String(Buffer.byteLength(JSON.stringify(r.json))));
  assert.match(r.res.headers.get("access-control-expose-headers") ?? "", /X-Total-Count/);
  assert.equal(r.json, { ids: { application_id: "app1" }, name: "mask:name,description" });
});

test("path variables are percent-decoded", async () => {
  const r = await call("GET", "/api/v3/applications/a%2Fb%20c");
  assert.is(r.status, 200);
  assert.equal(r.json.ids, { application_id: "a/b c" });
});

test("POST body '*', path variable wins over the body (also across the oneof), authorization and x-request-id forwarded", async () => {
  const r = await call(
    "POST",
    "/api/v3/users/john/applications",
    {
      application: { ids: { application_id: "app1" }, name: "App", technicalContact: { user_ids: { user_id: "tech" } } },
      collaborator: { organization_ids: { organization_id: "org" } },
    },
    { authorization: "Bearer NNSXS.KEY.SECRET", "x-request-id": "req-42", cookie: "_session=x" },
  );
  assert.is(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json, {
    ids: { application_id: "app1" },
    name: "App",
    attributes: { authorization: "Bearer NNSXS.KEY.SECRET", request_id: "req-42", cookie: "" },
    administrative_contact: { user_ids: { user_id: "john" } },
    technical_contact: { user_ids: { user_id: "tech" } },
  });
  assert.is(r.res.headers.get("x-request-id"), "req-42");
});

test("PUT body '*' with field mask as object and as string; path wins over body ids", async () => {
  const a = await call("PUT", "/api/v3/applications/app1", {
    application: { ids: { application_id: "other" }, name: "New" },
    field_mask: { paths: ["name", "administrative_contact"] },
  });
  assert.is(a.status, 200, JSON.stringify(a.json));
  assert.equal(a.json, { ids: { application_id: "app1" }, name: "New", description: "mask:name,administrative_contact" });
  const b = await call("PUT", "/api/v3/applications/app1", { application: { name: "New" }, fieldMask: "name" });
  assert.equal(b.json, { ids: { application_id: "app1" }, name: "New", description: "mask:name" });
});

test("body '*' with enum aliases and timestamps (ApplicationAccess.CreateAPIKey)", async () => {
  const r = await call("POST", "/api/v3/applications/app1/api-keys", {
    name: "key",
    rights: ["APPLICATION_INFO", "RIGHT_APPLICATION_DELETE", 17],
    expires_at: "2030-01-01T00:00:00Z",
  });
  assert.is(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json, {
    id: "app1",
    name: "key",
    rights: ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_DELETE", "RIGHT_APPLICATION_SETTINGS_API_KEYS"],
    expires_at: "2030-01-01T00:00:00Z",
  });
});

test("GET with query params: nested collaborator, limit, page, bool, field_mask; X-Total-Count and X-Warning", async () => {
  const r = await call("GET", "/api/v3/applications?collaborator.user_ids.user_id=jane&limit=2&page=3&deleted=1&field_mask=name,ids.application_id&order=-name");
  assert.is(r.status, 200, JSON.stringify(r.json));
  assert.is(r.res.headers.get("x-total-count"), "3");
  assert.is(r.res.headers.get("x-warning"), "the order field is deprecated");
  assert.equal(r.json.applications[0].attributes, {
    collaborator: "user:jane",
    mask: "name,ids.application_id",
    limit: "2",
    page: "3",
    deleted: "true",
    order: "-name",
  });
});

test("a path variable wins over the same field in the query", async () => {
  const r = await call("GET", "/api/v3/users/john/applications?collaborator.user_ids.user_id=mallory&limit=1");
  assert.is(r.status, 200, JSON.stringify(r.json));
  assert.is(r.json.applications[0].attributes.collaborator, "user:john");
  assert.is(r.json.applications[0].attributes.limit, "1");
});

test("Empty response is {}", async () => {
  const r = await call("POST", "/api/v3/applications/app1/restore");
  assert.is(r.status, 200);
  assert.equal(r.json, {});
});

test("an error thrown by the service arrives with its HTTP status and ErrorDetails body", async () => {
  const r = await call("GET", "/api/v3/applications/missing");
  assertError(r, 404, "pkg/identityserver/store:application_not_found", "application `missing` not found");
  assert.is(r.json.code, 5);
  assert.equal(r.json.details[0].attributes, { application_id: "missing" });
});

test("an unexpected exception in the service is a 500 internal error without its text", async () => {
  logged.length = 0;
  const r = await call("DELETE", "/api/v3/applications/boom");
  assertError(r, 500, "pkg/identityserver:internal");
  assert.is(r.json.code, 13);
  assert.ok(!JSON.stringify(r.json).includes("secret internal detail"));
  // The services' error interceptor logs what it rendered; the gateway does not log it twice.
  assert.equal(logged, []);
});

test("a failure outside the services (here: the transport) is a 500 in the error format, and is logged", async () => {
  const broken: Transport = {
    unary: () => Promise.reject(new Error("transport broke")),
    stream: () => Promise.reject(new Error("transport broke")),
  };
  const errors: object[] = [];
  const gw = createGateway({
    services: [ApplicationRegistry],
    transport: broken,
    maxBodySize: MAX_BODY,
    log: { warn: () => {}, error: (obj) => errors.push(obj) },
  });
  const srv = http.createServer((req, res) => void gw(req, res));
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/api/v3/applications/app1`);
    assert.is(res.status, 500);
    const body = (await res.json()) as ErrorBody;
    assert.is(body.details[0]!.name, "internal");
    assert.ok(!JSON.stringify(body).includes("transport broke"));
    assert.is(errors.length, 1);
  } finally {
    await new Promise((resolve) => srv.close(resolve));
  }
});

test("a method without implementation: Connect's Unimplemented, 501", async () => {
  const r = await call("GET", "/api/v3/applications/app1/rights");
  assert.is(r.status, 501);
  assert.is(r.json.code, 12);
});

test("unknown route under the prefix: 404 route_not_found", async () => {
  const r = await call("GET", "/api/v3/nope/nope");
  assertError(r, 404, "pkg/webhandlers:route_not_found", "/api/v3/nope/nope");
  assert.equal(r.json.details[0].attributes, { route: "/api/v3/nope/nope" });
  const root = await call("GET", "/api/v3");
  assert.is(root.status, 404);
});

test("known path, wrong method: 405 with Allow and method_not_allowed", async () => {
  const r = await call("PATCH", "/api/v3/applications/app1", {});
  assertError(r, 405, "pkg/webhandlers:method_not_allowed", "method `PATCH` not allowed");
  assert.equal((r.res.headers.get("allow") ?? "").split(", ").sort(), ["DELETE", "GET", "PUT"]);
});

test("malformed JSON: 400 pkg/jsonpb:unmarshal", async () => {
  const r = await call("POST", "/api/v3/users/john/applications", '{"application": ');
  assertError(r, 400, "pkg/jsonpb:unmarshal", "malformed JSON");
});

test("unknown field in the body: 400 naming the field path", async () => {
  const r = await call("POST", "/api/v3/users/john/applications", { application: { nmae: "x" } });
  assertError(r, 400, "pkg/jsonpb:unmarshal", "`application.nmae`");
});

test("bad value in the body: 400 naming the field path", async () => {
  const r = await call("POST", "/api/v3/applications/app1/api-keys", { rights: ["APPLICATION_INFO", "NOPE"] });
  assertError(r, 400, "pkg/jsonpb:unmarshal", "`rights[1]`");
});

test("unknown and bad query parameters: 400 pkg/errors:validation naming the parameter", async () => {
  const a = await call("GET", "/api/v3/applications?nope=1");
  assertError(a, 400, "pkg/errors:validation", "`nope`");
  const b = await call("GET", "/api/v3/applications?limit=many");
  assertError(b, 400, "pkg/errors:validation", "`limit`");
});

test("body '*' reads no query parameters (grpc-gateway)", async () => {
  const r = await call("PUT", "/api/v3/applications/app1?nope=1&field_mask=description", { application: { name: "x" }, field_mask: "name" });
  assert.is(r.status, 200, JSON.stringify(r.json));
  assert.is(r.json.description, "mask:name");
});

// errBodyTooLarge is ResourceExhausted in the catalogue, which The Things
// ResourceExhausted over gRPC; over HTTP the gateway answers 413 Payload Too Large.
test("oversized body (Content-Length): 413 body_too_large", async () => {
  const r = await call("POST", "/api/v3/users/john/applications", { application: { name: "x".repeat(MAX_BODY) } });
  assertError(r, 413, "pkg/webhandlers:body_too_large", `exceeds ${MAX_BODY} bytes`);
});

test("oversized body (chunked, no Content-Length): 413 body_too_large", async () => {
  const chunk = new TextEncoder().encode(" ".repeat(600));
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ < 4) controller.enqueue(chunk);
      else controller.close();
    },
  });
  const res = await fetch(base + "/api/v3/users/john/applications", {
    method: "POST",
    body: stream,
    headers: { "content-type": "application/json" },
    duplex: "half",
  } as RequestInit);
  assert.is(res.status, 413);
  const body = (await res.json()) as ErrorBody;
  assert.is(body.details[0]!.name, "body_too_large");
});

test("a body of exactly the limit is accepted", async () => {
  const padding = MAX_BODY - JSON.stringify({ application: { name: "" } }).length;
  const body = JSON.stringify({ application: { name: "y".repeat(padding) } });
  assert.is(Buffer.byteLength(body), MAX_BODY);
  const r = await call("POST", "/api/v3/users/john/applications", body);
  assert.is(r.status, 200);
});

test("OPTIONS preflight: 204 with the CORS headers of spec §4.7", async () => {
  const res = await fetch(base + "/api/v3/applications/app1", {
    method: "OPTIONS",
    headers: { origin: "https://console.example.com", "access-control-request-method": "PUT", "access-control-request-headers": "authorization" },
  });
  assert.is(res.status, 204);
  assert.is(res.headers.get("access-control-allow-origin"), "*");
  assert.is(res.headers.get("access-control-allow-methods"), "GET, POST, PUT, PATCH, DELETE");
  assert.is(res.headers.get("access-control-allow-headers"), "Authorization, Content-Type, X-CSRF-Token");
  assert.is(res.headers.get("access-control-max-age"), "600");
  assert.is(await res.text(), "");
});

test("paths outside the prefix are left alone", async () => {
  for (const p of ["/oauth/login", "/api/v30/applications", "/api", "/"]) {
    const res = await fetch(base + p);
    assert.is(res.status, 418, p);
    assert.is(await res.text(), "not the gateway");
  }
});

test("works behind an HTTP/2 server too", async () => {
  const h2 = http2.createServer((req, res) => {
    void gateway(req, res);
  });
  await new Promise<void>((resolve) => h2.listen(0, "127.0.0.1", resolve));
  const client = http2.connect(`http://127.0.0.1:${(h2.address() as AddressInfo).port}`);
  try {
    const get = (path: string) =>
      new Promise<{ status: number; total: string | undefined; body: string }>((resolve, reject) => {
        const stream = client.request({ ":path": path, ":method": "GET" });
        let status = 0;
        let total: string | undefined;
        let body = "";
        stream.on("response", (h) => {
          status = Number(h[":status"]);
          total = h["x-total-count"] as string | undefined;
        });
        stream.setEncoding("utf8");
        stream.on("data", (d: string) => (body += d));
        stream.on("end", () => resolve({ status, total, body }));
        stream.on("error", reject);
        stream.end();
      });
    const ok = await get("/api/v3/users/u1/applications?limit=4");
    assert.is(ok.status, 200);
    assert.is(ok.total, "3");
    assert.is(JSON.parse(ok.body).applications[0].attributes.limit, "4");
    const missing = await get("/api/v3/applications/missing");
    assert.is(missing.status, 404);
  } finally {
    client.close();
    await new Promise((resolve) => h2.close(resolve));
  }
});

test("close the server", async () => {
  await new Promise((resolve) => server.close(resolve));
});

test.run();
