// Unary gRPC over HTTP/2, byte for byte as a gRPC client sees it: the answer's
// headers, envelope and trailers, response compression, deadlines, and
// Connect's errors for bodies that are not exactly one envelope (the server
// serves these on a fast path of its own; these are the answers Connect gave).
import http2 from "node:http2";
import { gunzipSync } from "node:zlib";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ApplicationSchema, GetApplicationRequestSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { startTestServer } from "../helpers/harness.js";

const server = await startTestServer({ "http.max-body-size": 4096 });
const owner = await server.population.user({ id: "grpc-owner" });
const app = await server.population.application({ kind: "user", id: owner.id }, { id: "grpc-app", name: "Named" });
const key = await server.population.apiKey({ kind: "user", id: owner.id }, Right.APPLICATION_INFO);
const stored = await server.population.store.applications.get(app);
stored.description = "d".repeat(3000);
await server.population.store.applications.update(app, stored, ["description"]);

const get = "/ttn.lorawan.v3.ApplicationRegistry/Get";
const request = (id: string, paths: string[]) => toBinary(GetApplicationRequestSchema, create(GetApplicationRequestSchema, { applicationIds: { applicationId: id }, fieldMask: { paths } }));

function frame(data: Uint8Array, flags = 0, length = data.length): Buffer {
  const head = Buffer.alloc(5);
  head[0] = flags;
  head.writeUInt32BE(length, 1);
  return Buffer.concat([head, data]);
}

interface Answer {
  status: number;
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  frames: { flags: number; data: Buffer }[];
}

async function call(body: Buffer, headers: Record<string, string> = {}, path = get): Promise<Answer> {
  const session = http2.connect(`http://${server.grpcAddress}`);
  try {
    return await new Promise<Answer>((resolve, reject) => {
      const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", authorization: `Bearer ${key}`, ...headers });
      let head: http2.IncomingHttpHeaders = {};
      let trailers: http2.IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      stream.on("response", (h) => (head = h));
      stream.on("trailers", (t) => (trailers = t));
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const buf = Buffer.concat(chunks);
        const frames = [];
        for (let i = 0; i + 5 <= buf.length; ) {
          const len = buf.readUInt32BE(i + 1);
          frames.push({ flags: buf[i]!, data: buf.subarray(i + 5, i + 5 + len) });
          i += 5 + len;
        }
        resolve({ status: Number(head[":status"]), headers: head, trailers, frames });
      });
      stream.on("error", reject);
      stream.end(body);
    });
  } finally {
    session.close();
  }
}

test("a call: 200, application/grpc+proto, one envelope, grpc-status 0 in the trailers", async () => {
  const a = await call(frame(request(app, ["name"])));
  assert.is(a.status, 200);
  assert.is(a.headers["content-type"], "application/grpc+proto");
  assert.is(a.headers["grpc-encoding"], undefined);
  assert.is(a.headers["access-control-allow-origin"], "*");
  assert.is(a.frames.length, 1);
  assert.is(a.frames[0]!.flags, 0);
  assert.is(fromBinary(ApplicationSchema, a.frames[0]!.data).name, "Named");
  assert.is(a.trailers["grpc-status"], "0");
  assert.is(a.trailers["grpc-message"], undefined);
});

test("grpc-timeout is taken; a malformed one is refused (INVALID_ARGUMENT)", async () => {
  assert.is((await call(frame(request(app, ["name"])), { "grpc-timeout": "10S" })).trailers["grpc-status"], "0");
  const bad = await call(frame(request(app, ["name"])), { "grpc-timeout": "soon" });
  assert.is(bad.trailers["grpc-status"], "3");
  assert.match(String(bad.trailers["grpc-message"]), /invalid grpc timeout value/);
});

test("response compression as negotiated: grpc-encoding always, the envelope compressed from 1 KiB on", async () => {
  const small = await call(frame(request(app, ["name"])), { "grpc-accept-encoding": "gzip" });
  assert.is(small.headers["grpc-encoding"], "gzip");
  assert.is(small.frames[0]!.flags, 0);
  const large = await call(frame(request(app, ["description"])), { "grpc-accept-encoding": "identity, gzip" });
  assert.is(large.headers["grpc-encoding"], "gzip");
  assert.is(large.frames[0]!.flags, 1);
  assert.is(fromBinary(ApplicationSchema, gunzipSync(large.frames[0]!.data)).description.length, 3000);
  assert.is(large.trailers["grpc-status"], "0");
});

test("a compressed request is read", async () => {
  const { gzipSync } = await import("node:zlib");
  const a = await call(frame(gzipSync(request(app, ["name"])), 1), { "grpc-encoding": "gzip" });
  assert.is(a.trailers["grpc-status"], "0");
  assert.is(fromBinary(ApplicationSchema, a.frames[0]!.data).name, "Named");
});

test("a service error: its code and message in the trailers, with the stack's details; no envelope", async () => {
  const a = await call(frame(request("not-there", ["name"])));
  assert.is(a.status, 200);
  assert.is(a.headers["content-type"], "application/grpc+proto");
  assert.is(a.frames.length, 0);
  assert.is(a.trailers["grpc-status"], "7");
  assert.match(String(a.trailers["grpc-message"]), /no_application_rights/);
  assert.ok(a.trailers["grpc-status-details-bin"]);
});

const bodyErrors: Array<[string, Buffer, string, RegExp]> = [
  ["no envelope", Buffer.alloc(0), "12", /^error:pkg\/rpcmiddleware:unimplemented \(protocol error: missing input message for unary method\)$/],
  ["two envelopes", Buffer.concat([frame(request(app, ["name"])), frame(request(app, ["name"]))]), "12", /^error:pkg\/rpcmiddleware:unimplemented \(protocol error: received extra input message for unary method\)$/],
  ["a cut envelope", frame(request(app, ["name"])).subarray(0, 8), "3", /^error:pkg\/rpcmiddleware:request \(invalid request: protocol error: incomplete envelope\)$/],
  ["a cut header", Buffer.from([0, 0]), "3", /^error:pkg\/rpcmiddleware:request \(invalid request: protocol error: incomplete envelope\)$/],
  ["over http.max-body-size", frame(Buffer.alloc(0), 0, 5000), "8", /^error:pkg\/rpcmiddleware:resourceexhausted \(message size 5000 is larger than configured readMaxBytes 4096\)$/],
  ["flagged compressed without grpc-encoding", frame(request(app, ["name"]), 1), "13", /^error:pkg\/identityserver:internal \(internal error\)$/],
  ["not a GetApplicationRequest", frame(Buffer.from([0xff, 0xff, 0xff])), "3", /^error:pkg\/rpcmiddleware:request \(invalid request: parse binary: premature EOF\)$/],
];

for (const [what, body, status, message] of bodyErrors) {
  test(`a body with ${what}: Connect's error, with the stack's details`, async () => {
    const a = await call(body);
    assert.is(a.status, 200);
    assert.is(a.frames.length, 0);
    assert.is(a.trailers["grpc-status"], status);
    assert.match(decodeURIComponent(String(a.trailers["grpc-message"])), message);
    assert.ok(a.trailers["grpc-status-details-bin"], "details");
  });
}

test("a client that resets its stream mid-body leaves the server answering the next call", async () => {
  const session = http2.connect(`http://${server.grpcAddress}`);
  try {
    const stream = session.request({ ":method": "POST", ":path": get, "content-type": "application/grpc", te: "trailers", authorization: `Bearer ${key}` });
    stream.on("error", () => {});
    stream.write(frame(request(app, ["name"])).subarray(0, 7));
    await new Promise((resolve) => setTimeout(resolve, 50));
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await new Promise((resolve) => stream.on("close", resolve));
  } finally {
    session.close();
  }
  assert.is((await call(frame(request(app, ["name"])))).trailers["grpc-status"], "0");
});

test("close the server", async () => {
  await server.close();
});

test.run();
