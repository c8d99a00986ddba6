// A plain @grpc/grpc-js client built from our .proto files (no generated
// TypeScript): what another stack component in any language would do.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { startTestServer } from "../helpers/harness.js";

const server = await startTestServer();
const definition = protoLoader.loadSync(
  ["ttn/lorawan/v3/application_services.proto", "ttn/lorawan/v3/identityserver.proto", "grpc/health/v1/health.proto"],
  { includeDirs: ["proto", "node_modules/google-proto-files"], keepCase: true, enums: String, longs: String, defaults: false },
);
const pkg = grpc.loadPackageDefinition(definition) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
const creds = grpc.credentials.createInsecure();
const apps = new pkg.ttn.lorawan.v3.ApplicationRegistry(server.grpcAddress, creds);
const entityAccess = new pkg.ttn.lorawan.v3.EntityAccess(server.grpcAddress, creds);
const health = new pkg.grpc.health.v1.Health(server.grpcAddress, creds);
const owner = await server.population.user({ id: "wire-owner" });
await server.population.application({ kind: "user", id: owner.id }, { id: "wire-app" });

function call<T>(client: any, method: string, req: object, key?: string): Promise<{ res?: T; err?: grpc.ServiceError; headers: grpc.Metadata }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const md = new grpc.Metadata();
  if (key) md.set("authorization", `Bearer ${key}`);
  return new Promise((resolve) => {
    let headers = new grpc.Metadata();
    const c = client[method](req, md, (err: grpc.ServiceError | null, res: T) => resolve({ res: err ? undefined : res, err: err ?? undefined, headers }));
    c.on("metadata", (m: grpc.Metadata) => (headers = m));
  });
}

/** The ErrorDetails packed in the grpc-status-details-bin trailer (google.rpc.Status), decoded by connect's gRPC parser. */
function errorDetails(err: grpc.ServiceError) {
  const bin = err.metadata.get("grpc-status-details-bin")[0] as Buffer;
  const trailer = new Headers({ "grpc-status": String(err.code), "grpc-message": encodeURIComponent(err.details), "grpc-status-details-bin": bin.toString("base64") });
  return findTrailerError(trailer)?.findDetails(ErrorDetailsSchema)[0];
}

test("unary call with metadata: Get an application", async () => {
  const { res, err } = await call<any>(apps, "Get", { application_ids: { application_id: "wire-app" }, field_mask: { paths: ["name"] } }, owner.apiKey); // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.is(err, undefined);
  assert.is(res.ids.application_id, "wire-app");
  assert.is(res.name, "Application wire-app");
});

test("list sets the x-total-count header", async () => {
  const { res, headers } = await call<any>(apps, "List", { limit: 10 }, owner.apiKey); // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.is(res.applications.length, 1);
  assert.equal(headers.get("x-total-count"), ["1"]);
});

test("errors carry the status code, the stack's message and ErrorDetails", async () => {
  const other = await server.population.user();
  const { err } = await call(apps, "Get", { application_ids: { application_id: "wire-app" }, field_mask: { paths: ["name"] } }, other.apiKey);
  assert.is(err?.code, grpc.status.PERMISSION_DENIED);
  assert.is(err?.details, "error:pkg/auth/rights:no_application_rights (no rights for application `wire-app`)");
  const details = errorDetails(err!);
  assert.is(details?.namespace, "pkg/auth/rights");
  assert.is(details?.name, "no_application_rights");
  assert.match(details?.correlationId ?? "", /^[0-9a-f]{32}$/);
});

test("no credentials: unauthenticated", async () => {
  const { err } = await call(apps, "List", {});
  assert.is(err?.code, grpc.status.UNAUTHENTICATED);
  assert.is(errorDetails(err!)?.name, "unauthenticated");
});

test("AuthInfo answers for an API key", async () => {
  const { res } = await call<any>(entityAccess, "AuthInfo", {}, owner.apiKey); // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.equal(res.api_key.entity_ids, { user_ids: { user_id: "wire-owner" } });
  assert.ok(res.api_key.api_key.rights.includes("RIGHT_ALL"));
});

test("grpc.health.v1: SERVING", async () => {
  const { res } = await call<any>(health, "Check", { service: "" }); // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.is(res.status, "SERVING");
  const { err } = await call(health, "Check", { service: "no.such.Service" });
  assert.is(err?.code, grpc.status.NOT_FOUND);
});

test.after(async () => {
  apps.close();
  entityAccess.close();
  health.close();
  await server.close();
});
test.run();
