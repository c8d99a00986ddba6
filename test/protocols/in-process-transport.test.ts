// The in-process transport (gateway and OAuth pages -> services) keeps what a
// client of the wire sees: headers, trailers and error metadata as Connect
// carries them, interceptors that replace the request, and the call's
// AbortSignal, which is made only when read but then fires as Connect's does:
// when the call is over, when the caller aborts, at the deadline. Through the
// gateway, the signal fires when the HTTP client goes away.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Code, ConnectError, createClient, type HandlerContext, type Interceptor } from "@connectrpc/connect";
import { ApplicationRegistry } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { createGateway } from "../../src/gateway/index.js";
import { createInProcessTransport } from "../../src/server/in-process-transport.js";

/** What handlers saw, by the application ID they were called with. */
const seen = new Map<string, { ctx: HandlerContext; aborted: Promise<unknown> }>();
let release: (() => void) | undefined;

function watch(id: string, ctx: HandlerContext): Promise<unknown> {
  const aborted = new Promise((resolve) => ctx.signal.addEventListener("abort", () => resolve(ctx.signal.reason), { once: true }));
  seen.set(id, { ctx, aborted });
  return aborted;
}

// An interceptor that replaces the request (as interceptors may): the handler must see its header.
const replacing: Interceptor = (next) => (req) => {
  if (req.header.get("x-replace") === null) return next(req);
  const header = new Headers(req.header);
  header.set("x-replaced", "yes");
  return next({ ...req, header });
};

const transport = createInProcessTransport(
  (router) =>
    router.service(ApplicationRegistry, {
      async get(req, ctx) {
        const id = req.applicationIds?.applicationId ?? "";
        ctx.responseHeader.set("x-total-count", "7");
        ctx.responseTrailer.set("x-trailer", "t");
        if (id === "signal") void watch(id, ctx);
        if (id === "wait") {
          const aborted = watch(id, ctx);
          await Promise.race([aborted, new Promise<void>((resolve) => (release = resolve))]);
        }
        if (id === "fail") throw new ConnectError("refused", Code.PermissionDenied, { warning: "w" });
        return { ids: req.applicationIds, name: ctx.requestHeader.get("x-replaced") ?? "" };
      },
    }),
  { interceptors: [replacing] },
);
const client = createClient(ApplicationRegistry, transport);

test("headers and trailers reach the caller; an interceptor's replaced request reaches the handler", async () => {
  let header: Headers | undefined;
  let trailer: Headers | undefined;
  const app = await client.get({ applicationIds: { applicationId: "x" } }, { headers: { "x-replace": "1" }, onHeader: (h) => (header = h), onTrailer: (t) => (trailer = t) });
  assert.is(app.name, "yes");
  assert.is(header?.get("x-total-count"), "7");
  assert.is(trailer?.get("x-trailer"), "t");
});

test("an error carries the response header, its own metadata and the trailer, as the Connect protocol does", async () => {
  const err = await client.get({ applicationIds: { applicationId: "fail" } }).catch((e: unknown) => e);
  assert.instance(err, ConnectError);
  const e = err as ConnectError;
  assert.is(e.code, Code.PermissionDenied);
  assert.is(e.rawMessage, "refused");
  assert.is(e.metadata.get("x-total-count"), "7");
  assert.is(e.metadata.get("warning"), "w");
  assert.is(e.metadata.get("x-trailer"), "t");
});

test("the signal a handler reads fires when the call is over", async () => {
  await client.get({ applicationIds: { applicationId: "signal" } });
  const reason = await seen.get("signal")!.aborted;
  assert.is(ConnectError.from(reason).code, Code.Canceled);
});

test("the signal fires when the caller aborts, and at the deadline", async () => {
  const abort = new AbortController();
  const call = client.get({ applicationIds: { applicationId: "wait" } }, { signal: abort.signal });
  await new Promise((resolve) => setTimeout(resolve, 10));
  abort.abort(new Error("caller gone"));
  assert.is(((await seen.get("wait")!.aborted) as Error).message, "caller gone");
  await call.catch(() => undefined);

  const timed = client.get({ applicationIds: { applicationId: "wait" } }, { timeoutMs: 20 });
  assert.is(ConnectError.from(await seen.get("wait")!.aborted).code, Code.DeadlineExceeded);
  assert.ok(seen.get("wait")!.ctx.timeoutMs()! <= 20);
  await timed.catch(() => undefined);
});

test("through the gateway, the signal fires when the HTTP client goes away", async () => {
  const gateway = createGateway({ services: [ApplicationRegistry], transport, maxBodySize: 1024 });
  const server = http.createServer((req, res) => void gateway(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    // Two requests on one kept-alive connection: the first is answered, the second left hanging.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (id: string) =>
      new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.get({ host: "127.0.0.1", port, path: `/api/v3/applications/${id}`, agent }, resolve);
        req.on("error", reject);
      });
    const first = await get("x");
    first.resume();
    assert.is(first.statusCode, 200);
    seen.delete("wait");
    void get("wait").catch(() => undefined);
    while (!seen.has("wait")) await new Promise((resolve) => setTimeout(resolve, 5));
    agent.destroy(); // the client goes away
    const reason = await Promise.race([seen.get("wait")!.aborted, new Promise((resolve) => setTimeout(() => resolve("not aborted"), 2000))]);
    assert.is.not(reason, "not aborted");
  } finally {
    release?.();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test.run();
