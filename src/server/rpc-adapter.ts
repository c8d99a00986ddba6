// The RPC side of the port: Connect, gRPC and gRPC-Web through the Connect
// router (connect-node's universal request/response), and everything else to
// the fallback (/api/v3, OAuth, health, blobs). connectNodeAdapter does the
// same in fewer lines; this one also
// - answers a method it does not know in the caller's protocol (gRPC status
//   12 UNIMPLEMENTED, Connect's 404 `unimplemented`), not an HTTP 404 page;
// - applies the HTTP API's CORS policy to RPC paths, preflights included;
// - serves application/grpc-web-text (grpc-web-text.ts);
// - serves unary gRPC over HTTP/2 on a fast path of its own (grpc-unary.ts);
// - gives every error the stack's details (rpc-errors.ts), and answers even
//   when the runtime fails to (it never leaves a request hanging).
import type http2 from "node:http2";
import { Code, ConnectError, createConnectRouter, type ConnectRouter } from "@connectrpc/connect";
import { compressionBrotli, compressionGzip, universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import type { UniversalHandler, UniversalServerResponse } from "@connectrpc/connect/protocol";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { answerPreflight, rpcCors, setCorsHeaders } from "../gateway/cors.js";
import type { Logger } from "../log.js";
import { callValues, requestLogger } from "../telemetry/request-log/index.js";
import { binaryContentType, decodeBase64Body, encodeBase64Body, isGrpcWebText, textContentType } from "./grpc-web-text.js";
import type { RequestHandler } from "./listener.js";
import { grpcUnaryHandler } from "./grpc-unary.js";
import { protocolOf, rpcErrorResponse, stackErrorConverter, withStackErrors, type Convert } from "./rpc-errors.js";
import { implementations } from "./unary-call.js";

type RouterOptions = NonNullable<Parameters<typeof createConnectRouter>[0]>;

export interface RpcAdapterOptions {
  routes: (router: ConnectRouter) => void;
  interceptors: RouterOptions["interceptors"];
  jsonOptions?: RouterOptions["jsonOptions"];
  readMaxBytes: number;
  /** Whatever is not an RPC. */
  fallback: RequestHandler;
  log: Logger;
}

/** `/package.Service/Method`: a path only RPCs take (API and page paths have no dotted first segment). */
const rpcPath = /^\/[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\/[A-Za-z_]\w*$/;

function textResponse(res: UniversalServerResponse): UniversalServerResponse {
  const header = new Headers(res.header);
  const type = header.get("content-type");
  if (type) header.set("content-type", textContentType(type));
  return { ...res, header, body: res.body ? encodeBase64Body(res.body as AsyncIterable<Uint8Array>) : undefined };
}

/** The runtime could not answer (or write its answer): a 500, or a cut stream once the answer began. */
function answerFailed(res: Parameters<RequestHandler>[1], reason: unknown, path: string, log: Logger): void {
  if (ConnectError.from(reason).code !== Code.Aborted) requestLogger(log, res).error({ err: reason, path }, "RPC answer failed");
  if (!res.headersSent) {
    res.writeHead(500);
    res.end();
  } else res.destroy(); // cut: a half-written RPC answer must not look complete
}

/** Connect's own answer to a request for `handler` (its universal request from Node's). */
function connectAnswer(req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1], handler: UniversalHandler, text: boolean): Promise<UniversalServerResponse> {
  const uReq = universalRequestFromNodeRequest(req as never, res as never, undefined, callValues(req));
  const body = text ? decodeBase64Body(uReq.body as AsyncIterable<Uint8Array>) : uReq.body;
  return handler({ ...uReq, body });
}

export function rpcAdapter(opts: RpcAdapterOptions): RequestHandler {
  const acceptCompression = [compressionGzip, compressionBrotli];
  const router = createConnectRouter({
    interceptors: opts.interceptors,
    jsonOptions: opts.jsonOptions,
    readMaxBytes: opts.readMaxBytes,
    acceptCompression,
  });
  // One instance of each service, for Connect and for the gRPC fast path alike.
  const specs = implementations(opts.routes, router);
  const handlers = new Map<string, UniversalHandler>(router.handlers.map((h) => [h.requestPath, h]));
  const convert = stackErrorConverter((err, converted, req) => {
    const correlationId = converted.findDetails(ErrorDetailsSchema)[0]?.correlationId;
    (req ? requestLogger(opts.log, req as never) : opts.log).error({ err, correlation_id: correlationId }, "request failed outside the handlers");
  });
  const grpcUnary = grpcUnaryHandler({ interceptors: opts.interceptors ?? [], readMaxBytes: opts.readMaxBytes, acceptCompression, convert });

  return (req, res) => {
    // HTTP/2 names the host in :authority, which handlers never see: as `host`,
    // the tenant (src/tenancy/) comes from the same header on every protocol.
    const authority = req.headers[":authority"];
    if (authority !== undefined) req.headers.host = String(authority);
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const handler = handlers.get(path);
    // gRPC and gRPC-Web clients only ever call methods: a path of another shape is a malformed
    // method name, answered in their protocol (as grpc-go does) rather than by the HTTP fallback.
    const grpcType = /^application\/grpc/i.test(String(req.headers["content-type"] ?? ""));
    if (!handler && !rpcPath.test(path) && !grpcType) return opts.fallback(req, res);
    const method = req.method ?? "GET";
    if (method === "OPTIONS") return answerPreflight(res as never, rpcCors);
    setCorsHeaders(res as never, rpcCors);

    let contentType = String(req.headers["content-type"] ?? "");
    const text = isGrpcWebText(contentType);
    if (text) req.headers["content-type"] = contentType = binaryContentType(contentType);
    const protocol = protocolOf(method, contentType, q < 0 ? "" : url.slice(q + 1));
    if (!handler && !protocol) return opts.fallback(req, res);

    // Unary gRPC over HTTP/2 (what gRPC clients send) takes the fast path when it can (grpc-unary.ts).
    const spec = handler && protocol === "grpc" && "stream" in req ? specs.get(path) : undefined;
    const fast = spec?.kind === "unary" ? grpcUnary(req as http2.Http2ServerRequest, res as http2.Http2ServerResponse, spec) : undefined;
    if (fast) return void fast.catch((reason: unknown) => answerFailed(res, reason, path, opts.log));

    // The request's own converter: what it logs names the request.
    const convertHere: Convert = (err) => convert(err, req);
    let answer: Promise<UniversalServerResponse>;
    if (!handler) {
      const unknown = rpcErrorResponse(protocol!, contentType, convertHere(new ConnectError(`unknown method ${path}`, Code.Unimplemented)));
      // Connect says 404 for a procedure it does not serve (its code: unimplemented).
      answer = Promise.resolve(protocol === "connect" ? { ...unknown, status: 404 } : unknown);
    } else {
      answer = connectAnswer(req, res, handler, text).then(
        (uRes) => (protocol ? withStackErrors(protocol, uRes, convertHere) : uRes),
        (reason: unknown) => {
          if (!protocol) throw reason;
          return rpcErrorResponse(protocol, contentType, convertHere(reason));
        },
      );
    }
    answer
      .then((uRes) => universalResponseToNodeResponse(text ? textResponse(uRes) : uRes, res as never))
      .catch((reason: unknown) => answerFailed(res, reason, path, opts.log));
  };
}
