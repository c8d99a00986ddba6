// The Identity Server under measurement: the real server started in this
// process by the test harness (on PGlite in memory, or on DATABASE_URL), a
// user with an application and an API key with RIGHT_APPLICATION_INFO, the
// CPU meter of this process and its PostgreSQL backends, and the gRPC calls the
// benchmarks load it with, each with the answer it gives (which the bare
// server returns).
import { create, toBinary } from "@bufbuild/protobuf";
import { ApplicationSchema, GetApplicationRequestSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { AuthInfoResponseSchema, EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { grpcClient } from "../../test/helpers/clients.js";
import { closeTestDatabase } from "../../test/helpers/database.js";
import { startTestServer, type TestServer } from "../../test/helpers/harness.js";
import { cpuMeter, type CpuMeter } from "./cpu.js";
import { h2load } from "./h2load.js";
import type { LoadResult } from "./load.js";
import { postgresDatabase, settings } from "./settings.js";

export interface BenchServer extends TestServer {
  meter: CpuMeter;
  appId: string;
  /** An API key of the application's owner with RIGHT_APPLICATION_INFO. */
  key: string;
  /** An API key of the owner with all rights. */
  ownerKey: string;
  stop(): Promise<void>;
}

/** `options`: dotted config names, as startTestServer takes them. */
export async function startBenchServer(options: Record<string, unknown> = {}): Promise<BenchServer> {
  const server = await startTestServer(options);
  const owner = await server.population.user({ id: "bench-owner" });
  const appId = await server.population.application({ kind: "user", id: owner.id }, { id: "bench-app", name: "Bench" });
  const key = await server.population.apiKey({ kind: "user", id: owner.id }, 15 /* RIGHT_APPLICATION_INFO */);
  return {
    ...server,
    meter: cpuMeter(process.pid, postgresDatabase),
    appId,
    key,
    ownerKey: owner.apiKey,
    stop: async () => {
      await server.close();
      await closeTestDatabase();
    },
  };
}

/** A unary gRPC call as h2load sends it, with the IS's answer to it. */
export interface GrpcCall {
  name: string;
  path: string;
  message: Uint8Array;
  answer: Uint8Array;
  headers: Record<string, string>;
}

/** ApplicationRegistry.Get of the application with field mask name, description. */
export async function getApplicationCall(server: BenchServer): Promise<GrpcCall> {
  const request = create(GetApplicationRequestSchema, { applicationIds: { applicationId: server.appId }, fieldMask: { paths: ["name", "description"] } });
  const answer = await grpcClient(server, ApplicationRegistry, server.key).get(request);
  return {
    name: "ApplicationRegistry.Get",
    path: "/ttn.lorawan.v3.ApplicationRegistry/Get",
    message: toBinary(GetApplicationRequestSchema, request),
    answer: toBinary(ApplicationSchema, answer),
    headers: { authorization: `Bearer ${server.key}` },
  };
}

/** EntityAccess.AuthInfo of the API key. */
export async function authInfoCall(server: BenchServer): Promise<GrpcCall> {
  const answer = await grpcClient(server, EntityAccess, server.key).authInfo({});
  return {
    name: "EntityAccess.AuthInfo",
    path: "/ttn.lorawan.v3.EntityAccess/AuthInfo",
    message: new Uint8Array(),
    answer: toBinary(AuthInfoResponseSchema, answer),
    headers: { authorization: `Bearer ${server.key}` },
  };
}

/** One h2load run of `call` at `address` with the run's settings. */
export function loadGrpc(address: string, call: GrpcCall, onMeasure: () => void, inFlight = settings.inFlight, seconds = settings.seconds): Promise<LoadResult> {
  return h2load({ address, path: call.path, message: call.message, answerBytes: call.answer.length, headers: call.headers, inFlight, seconds, onMeasure });
}
