// The HTTP side of tracing: a SERVER span per request, started where the
// request log's record is made (this wraps the handler inside the request
// log's, so the record is there) and ended when the response is over, with
// what the record then knows: the HTTP status, the gRPC code, the error and
// its correlation ID, the tenant. The parent is the request's `traceparent`
// (a sampled one is honoured whatever tracing.sample-probability says).
//
// The span is named after what the request is: an RPC's method (from its path;
// the interceptor confirms it), an /api/v3 request's method once its call names
// it, else `<HTTP method> <route>` (OAuth and health paths as they are, the
// other routes by their fixed name: blob paths and unknown paths hold IDs).
import { SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import { Code } from "@connectrpc/connect";
import type { RequestHandler } from "../../server/listener.js";
import type { HttpRoute } from "../metrics/http.js";
import { recordOfRequest } from "../request-log/context.js";
import type { RequestRecord } from "../request-log/record.js";
import { parentOfNodeRequest } from "./propagation.js";
import { RequestTrace } from "./request-trace.js";

type Req = Parameters<RequestHandler>[0];
type Res = Parameters<RequestHandler>[1];


function spanName(record: RequestRecord, routeOf: (path: string) => HttpRoute | string): string {
  const path = record.httpPath ?? "/";
  if (record.protocol !== "http" && record.protocol !== "api") return path.slice(1);
  const route = routeOf(path);
  return route === "oauth" || route === "health" ? `${record.httpMethod} ${path}` : `${record.httpMethod} ${route}`;
}

/** gRPC's name of a status code, for the span's status message when no error named itself. */
const codeName = (code: number) => Code[code] ?? String(code);

/** Ends the request's span with what its record says once complete (the request log calls it when the response is over). */
function onComplete(record: RequestRecord): void {
  const t = record.trace;
  if (!t) return;
  const span = t.span;
  if (record.httpStatus !== undefined) span.setAttribute("http.response.status_code", record.httpStatus);
  if (record.tenantId) span.setAttribute("is.tenant_id", record.tenantId);
  const rpc = record.protocol !== "http";
  if (rpc && record.grpcCode !== undefined) span.setAttribute("rpc.grpc.status_code", record.grpcCode);
  if (record.error) span.setAttribute("error.type", record.error);
  if (record.correlationId) span.setAttribute("is.correlation_id", record.correlationId);
  const failed = rpc && record.grpcCode !== undefined ? record.grpcCode !== 0 : (record.httpStatus ?? 0) >= 500;
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: record.error ?? (record.grpcCode ? codeName(record.grpcCode) : `HTTP ${record.httpStatus}`) });
  span.end();
}

function start(tracer: Tracer, record: RequestRecord, req: Req, res: Res, routeOf: (path: string) => HttpRoute | string): void {
  const span = tracer.startSpan(
    spanName(record, routeOf),
    {
      kind: SpanKind.SERVER,
      attributes: {
        "http.request.method": record.httpMethod,
        "url.path": record.httpPath,
        "network.protocol.version": req.httpVersion,
        "is.protocol": record.protocol,
        "is.request_id": record.id,
      },
    },
    parentOfNodeRequest(req.headers),
  );
  if (!span.isRecording()) {
    record.trace = null;
    return;
  }
  record.trace = new RequestTrace(tracer, span, record.protocol !== "http");
  record.onComplete = onComplete;
}

/** `handler` with a span per request; goes inside the request log's wrapper (src/telemetry/request-log/http.ts). */
export function tracingHttp(tracer: Tracer, handler: RequestHandler, routeOf: (path: string) => HttpRoute | string): RequestHandler {
  return (req, res) => {
    const record = recordOfRequest(req);
    if (record) start(tracer, record, req, res, routeOf);
    handler(req, res);
  };
}
