// Protocol edges of the RPC port: an unknown method answers in the caller's
// protocol (gRPC status 12, Connect 404 `unimplemented`), browsers on another
// origin may call Connect and gRPC-Web (preflight and CORS headers as on
// /api/v3), application/grpc-web-text is served, and errors the Connect
// runtime raises (undecodable bodies) carry the stack's ErrorDetails.
import http2 from "node:http2";
import * as grpc from "@grpc/grpc-js";
import { fromBinary } from "@bufbuild/protobuf";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";
import { trailerParse } from "@connectrpc/connect/protocol-grpc-web";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { GetIsConfigurationResponseSchema } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { startTestServer } from "../helpers/harness.js";

const server = await startTestServer();
const url = server.httpURL;

function grpcUnary(path: string): Promise<grpc.ServiceError | null> {
  const client = new grpc.Client(server.grpcAddress, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), new grpc.Metadata(), (err) => {
      client.close();
      resolve(err);
    });
  });
}

test("grpc-js: an unknown method or service is UNIMPLEMENTED with the stack's details", async () => {
  for (const path of ["/ttn.lorawan.v3.ApplicationRegistry/Nope", "/foo.Bar/Baz"]) {
    const err = await grpcUnary(path);
    assert.is(err?.code, grpc.status.UNIMPLEMENTED, path);
    assert.match(err?.details ?? "", /unknown method/);
    assert.ok(err?.metadata.get("grpc-status-details-bin").length, "details present");
  }
});

/** Decodes a grpc-web-text body: padded base64 runs back to back (one per chunk the server sent). */
function fromBase64Runs(text: string): Buffer {
  return Buffer.concat((text.match(/[^=]+={0,2}/g) ?? []).map((run) => Buffer.from(run, "base64")));
}

/** Splits a gRPC-Web body into its frames. */
function frames(body: Uint8Array): { flags: number; data: Uint8Array }[] {
  const out = [];
  const buf = Buffer.from(body);
  for (let i = 0; i + 5 <= buf.length; ) {
    const len = buf.readUInt32BE(i + 1);
    out.push({ flags: buf[i]!, data: buf.subarray(i + 5, i + 5 + len) });
    i += 5 + len;
  }
  return out;
}

function frame(data: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(data.length, 1);
  return Buffer.concat([head, data]);
}

test("gRPC over h2: a malformed method path is UNIMPLEMENTED in gRPC's terms, not an HTTP 404 page", async () => {
  const session = http2.connect(`http://${server.grpcAddress}`);
  try {
    for (const path of ["/a/b/c", "/ttn.lorawan.v3.ApplicationRegistry/Get/", "/ttn.lorawan.v3.Nope/", "/nodots/Get"]) {
      const answer = await new Promise<{ status: number; type: string; grpcStatus: string }>((resolve, reject) => {
        const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" });
        let head: http2.IncomingHttpHeaders = {};
        stream.on("response", (h) => (head = h));
        stream.on("trailers", (t) => resolve({ status: Number(head[":status"]), type: String(head["content-type"]), grpcStatus: String(t["grpc-status"] ?? head["grpc-status"]) }));
        stream.on("end", () => resolve({ status: Number(head[":status"]), type: String(head["content-type"]), grpcStatus: String(head["grpc-status"]) }));
        stream.on("error", reject);
        stream.resume();
        stream.end(frame(new Uint8Array()));
      });
      assert.is(answer.status, 200, path);
      assert.match(answer.type, /^application\/grpc/, path);
      assert.is(answer.grpcStatus, "12", path);
    }
  } finally {
    session.close();
  }
});

test("gRPC-Web (+proto, +json) and Connect: unknown methods in their protocol, not an HTTP 404 page", async () => {
  for (const type of ["application/grpc-web+proto", "application/grpc-web", "application/grpc-web+json"]) {
    const res = await fetch(`${url}/foo.Bar/Baz`, { method: "POST", headers: { "content-type": type }, body: frame(new Uint8Array()) });
    assert.is(res.status, 200, type);
    assert.match(res.headers.get("content-type") ?? "", /^application\/grpc-web/);
    const trailer = trailerParse(frames(new Uint8Array(await res.arrayBuffer())).find((f) => f.flags === 0x80)!.data);
    assert.is(trailer.get("grpc-status"), "12", type);
  }
  const res = await fetch(`${url}/ttn.lorawan.v3.ApplicationRegistry/Nope`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  assert.is(res.status, 404);
  const body = (await res.json()) as { code: string; details: { type: string }[] };
  assert.is(body.code, "unimplemented");
  assert.is(body.details[0]?.type, "ttn.lorawan.v3.ErrorDetails");
  // Not RPC paths: still the plain 404.
  assert.is((await fetch(`${url}/nope`)).status, 404);
});

test("CORS: preflight on Connect and gRPC-Web paths as on /api/v3, and cross-origin answers readable", async () => {
  const preflight = (path: string, headers: string) =>
    fetch(`${url}${path}`, { method: "OPTIONS", headers: { origin: "https://console.example.com", "access-control-request-method": "POST", "access-control-request-headers": headers } });
  const api = await preflight("/api/v3/applications", "authorization");
  for (const [path, headers] of [
    ["/ttn.lorawan.v3.Is/GetConfiguration", "content-type,connect-protocol-version,connect-timeout-ms,authorization"],
    ["/ttn.lorawan.v3.EntityAccess/AuthInfo", "content-type,x-grpc-web,x-user-agent,grpc-timeout,authorization"],
  ] as const) {
    const res = await preflight(path, headers);
    assert.is(res.status, 204, path);
    assert.is(res.headers.get("access-control-allow-origin"), api.headers.get("access-control-allow-origin"));
    assert.is(res.headers.get("access-control-max-age"), api.headers.get("access-control-max-age"));
    const allowed = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(/,\s*/);
    for (const h of headers.split(",")) assert.ok(allowed.includes(h), `${h} allowed`);
    assert.match(res.headers.get("access-control-allow-methods") ?? "", /POST/);
  }
  const connect = await fetch(`${url}/ttn.lorawan.v3.Is/GetConfiguration`, { method: "POST", headers: { origin: "https://console.example.com", "content-type": "application/json" }, body: "{}" });
  assert.is(connect.status, 200);
  assert.is(connect.headers.get("access-control-allow-origin"), "*");
  const web = await fetch(`${url}/ttn.lorawan.v3.Is/GetConfiguration`, { method: "POST", headers: { origin: "https://console.example.com", "content-type": "application/grpc-web+proto", "x-grpc-web": "1" }, body: frame(new Uint8Array()) });
  assert.is(web.headers.get("access-control-allow-origin"), "*");
  const exposed = (web.headers.get("access-control-expose-headers") ?? "").toLowerCase();
  for (const h of ["grpc-status", "grpc-message", "grpc-status-details-bin"]) assert.ok(exposed.includes(h), `${h} exposed`);
});

test("application/grpc-web-text: base64 framed request and answer", async () => {
  const res = await fetch(`${url}/ttn.lorawan.v3.Is/GetConfiguration`, {
    method: "POST",
    headers: { "content-type": "application/grpc-web-text", accept: "application/grpc-web-text", "x-grpc-web": "1" },
    body: frame(new Uint8Array()).toString("base64"),
  });
  assert.is(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^application\/grpc-web-text/);
  const decoded = fromBase64Runs(await res.text());
  const [data, trailer] = frames(decoded);
  assert.is(data?.flags, 0);
  const config = fromBinary(GetIsConfigurationResponseSchema, data!.data);
  assert.is(config.configuration?.userRegistration?.enabled, true);
  assert.is(trailerParse(trailer!.data).get("grpc-status"), "0");
});

test("application/grpc-web-text: messages sent as separately padded base64 strings, and errors", async () => {
  // AuthInfo takes an empty message: its frame in two padded pieces ("AA==" + "AAAAAA==").
  const bytes = frame(new Uint8Array());
  const body = bytes.subarray(0, 1).toString("base64") + bytes.subarray(1).toString("base64");
  const res = await fetch(`${url}/ttn.lorawan.v3.EntityAccess/AuthInfo`, { method: "POST", headers: { "content-type": "application/grpc-web-text+proto", authorization: "Bearer nope" }, body });
  assert.is(res.status, 200);
  const trailer = trailerParse(frames(fromBase64Runs(await res.text())).at(-1)!.data);
  assert.match(decodeURIComponent(trailer.get("grpc-message") ?? ""), /invalid token/, "the call ran: the token was refused");
  const bad = await fetch(`${url}/ttn.lorawan.v3.Is/GetConfiguration`, { method: "POST", headers: { "content-type": "application/grpc-web-text" }, body: "not base64!" });
  const badTrailer = trailerParse(frames(fromBase64Runs(await bad.text())).at(-1)!.data);
  assert.is(badTrailer.get("grpc-status"), "3");
});

test("application/grpc-web-text: a streamed message is decodable as soon as it is sent (Health/Watch)", async () => {
  const res = await fetch(`${url}/grpc.health.v1.Health/Watch`, {
    method: "POST",
    headers: { "content-type": "application/grpc-web-text", "x-grpc-web": "1" },
    body: frame(new Uint8Array()).toString("base64"),
  });
  assert.is(res.status, 200);
  // Watch sends SERVING and then waits for changes: the first message must arrive whole without the stream ending.
  const reader = res.body!.getReader();
  let text = "";
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const next = await Promise.race([reader.read(), new Promise<undefined>((r) => setTimeout(() => r(undefined), 500))]);
    if (next?.value) text += Buffer.from(next.value).toString("latin1");
    if (text.length % 4 === 0 && text.length > 0) {
      const [first] = frames(fromBase64Runs(text));
      if (first && first.data.length === 2) break;
    }
  }
  await reader.cancel();
  const [first] = frames(fromBase64Runs(text));
  assert.is(first?.flags, 0, `first frame received: ${text}`);
  assert.equal([...first!.data], [0x08, 0x01], "status SERVING");
});

test("undecodable protobuf: Connect 400 invalid_argument, gRPC-Web status 3, both with ErrorDetails", async () => {
  const connect = await fetch(`${url}/ttn.lorawan.v3.UserRegistry/Get`, { method: "POST", headers: { "content-type": "application/proto", authorization: `Bearer ${server.adminAPIKey}` }, body: new Uint8Array([0xff, 0xff, 0xff]) });
  assert.is(connect.status, 400);
  const body = (await connect.json()) as { code: string; details: { type: string }[] };
  assert.is(body.code, "invalid_argument");
  assert.is(body.details[0]?.type, "ttn.lorawan.v3.ErrorDetails");
  const web = await fetch(`${url}/ttn.lorawan.v3.UserRegistry/Get`, { method: "POST", headers: { "content-type": "application/grpc-web+proto", authorization: `Bearer ${server.adminAPIKey}` }, body: frame(new Uint8Array([0xff, 0xff, 0xff])) });
  const trailer = trailerParse(frames(new Uint8Array(await web.arrayBuffer())).at(-1)!.data);
  assert.is(trailer.get("grpc-status"), "3");
  const err = findTrailerError(trailer);
  assert.is(err?.findDetails(ErrorDetailsSchema)[0]?.name, "request");
});

test.after(() => server.close());
test.run();
