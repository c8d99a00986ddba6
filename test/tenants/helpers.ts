// Clients for tenant administration tests: a plain @grpc/grpc-js client built
// from the .proto files (what another stack component would use), and /api/v3
// calls with an `Authorization: TenantAdminKey <hex>` header. Both report the
// stack's error name, so a test states "refused with X" in one line.
import { randomBytes } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";
import * as assert from "uvu/assert";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { api, type HttpResult } from "../helpers/clients.js";
import type { TestServer } from "../helpers/harness.js";

/** A valid tenant admin key (32 bytes, hex). */
export const newAdminKey = () => randomBytes(32).toString("hex");

/** A tenant ID no other test uses. */
export const newTenantId = (prefix = "t") => `${prefix}-${randomBytes(4).toString("hex")}`;

const definition = protoLoader.loadSync(
  ["tti/lorawan/v3/tenant_services.proto", "ttn/lorawan/v3/application_services.proto", "ttn/lorawan/v3/identityserver.proto", "ttn/lorawan/v3/user_services.proto"],
  { includeDirs: ["proto", "node_modules/google-proto-files"], keepCase: true, enums: String, longs: String, defaults: false },
);
const pkg = grpc.loadPackageDefinition(definition) as any; // eslint-disable-line @typescript-eslint/no-explicit-any

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Answer {
  res?: Json;
  err?: grpc.ServiceError;
  /** The stack's error name from ErrorDetails, when the call failed. */
  name?: string;
  headers: grpc.Metadata;
}

/** How a call authenticates: a tenant admin key, a bearer token, or nothing; and the tenant it names. */
export interface Auth {
  tenantAdminKey?: string;
  bearer?: string;
  tenantId?: string;
}

function errorName(err: grpc.ServiceError): string | undefined {
  const bin = err.metadata.get("grpc-status-details-bin")[0] as Buffer | undefined;
  if (!bin) return undefined;
  const trailer = new Headers({ "grpc-status": String(err.code), "grpc-message": encodeURIComponent(err.details), "grpc-status-details-bin": bin.toString("base64") });
  return findTrailerError(trailer)?.findDetails(ErrorDetailsSchema)[0]?.name;
}

/** grpc-js clients of a server: `call("TenantRegistry", "Get", req, auth)`. */
export function grpcJs(server: TestServer) {
  const creds = grpc.credentials.createInsecure();
  const clients: Record<string, Json> = {
    TenantRegistry: new pkg.tti.lorawan.v3.TenantRegistry(server.grpcAddress, creds),
    ApplicationRegistry: new pkg.ttn.lorawan.v3.ApplicationRegistry(server.grpcAddress, creds),
    EntityAccess: new pkg.ttn.lorawan.v3.EntityAccess(server.grpcAddress, creds),
    UserRegistry: new pkg.ttn.lorawan.v3.UserRegistry(server.grpcAddress, creds),
  };
  return {
    call(service: string, method: string, req: object, auth: Auth = {}): Promise<Answer> {
      const md = new grpc.Metadata();
      if (auth.tenantAdminKey !== undefined) md.set("authorization", `TenantAdminKey ${auth.tenantAdminKey}`);
      if (auth.bearer) md.set("authorization", `Bearer ${auth.bearer}`);
      if (auth.tenantId) md.set("tenant-id", auth.tenantId);
      return new Promise((resolve) => {
        let headers = new grpc.Metadata();
        const c = clients[service][method](req, md, (err: grpc.ServiceError | null, res: Json) =>
          resolve({ res: err ? undefined : res, err: err ?? undefined, name: err ? errorName(err) : undefined, headers }),
        );
        c.on("metadata", (m: grpc.Metadata) => (headers = m));
      });
    },
    close() {
      for (const c of Object.values(clients)) c.close();
    },
  };
}

/** An /api/v3 call with the given authentication. */
export function http(server: TestServer, verb: string, path: string, auth: Auth = {}, body?: unknown): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  if (auth.tenantAdminKey !== undefined) headers.authorization = `TenantAdminKey ${auth.tenantAdminKey}`;
  if (auth.tenantId) headers["tenant-id"] = auth.tenantId;
  return api(server, verb, path, { key: auth.bearer, headers, body });
}

/** The answer of a call that must succeed. */
export function ok(a: Answer): Json {
  if (a.err) assert.unreachable(`unexpected ${grpc.status[a.err.code]} ${a.name}: ${a.err.details}`);
  return a.res;
}

/** A call that must fail with this gRPC status and error name. */
export function refused(a: Answer, code: grpc.status, name: string): void {
  assert.is(`${a.err?.code} ${a.name}`, `${code} ${name}`, a.err ? a.err.details : "the call succeeded");
}

/** An HTTP answer that must succeed. */
export function httpOk(res: HttpResult): Json {
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** An HTTP answer that must fail with this status and error name. */
export function httpRefused(res: HttpResult, status: number, name: string): void {
  assert.is(`${res.status} ${res.body?.details?.[0]?.name}`, `${status} ${name}`, JSON.stringify(res.body));
}
