// The RPC side of tracing: the interceptor right after the request log's, so
// every call has a record. It names the span after the method and sets the
// call's trace in its context values (context.ts), where the request scope
// finds it for the database spans (store.ts) and handlers for hashing.
// - The first call of an RPC or /api/v3 request is the request: the HTTP side's
//   span becomes the call's (named `ttn.lorawan.v3.ApplicationRegistry/Get`,
//   rpc.* attributes); the HTTP side ends it with the code and error.
// - Calls of a page (several per request) and calls made within a call get a
//   child span each, ended here.
// - A call without a traced request (a transport used on its own) gets a
//   SERVER span of its own, its parent from the call's `traceparent` header.
// An unsampled request (record.trace null) passes straight through.
import type { DescMethod } from "@bufbuild/protobuf";
import { ConnectError, type Interceptor } from "@connectrpc/connect";
import { SpanKind, SpanStatusCode, type Attributes, type Span, type Tracer } from "@opentelemetry/api";
import { ErrorDetailsSchema } from "../../../gen/ttn/lorawan/v3/error_pb.js";
import { scopeKey } from "../../auth/scope.js";
import { requestKey } from "../request-log/context.js";
import type { RequestRecord } from "../request-log/record.js";
import { traceKey } from "./context.js";
import { parentOfHeaders } from "./propagation.js";
import { RequestTrace, spanFailed } from "./request-trace.js";

type Next = Parameters<Interceptor>[0];
type Request = Parameters<Next>[0];

/** The rpc.* attributes of a method (gRPC, Connect), made once per method descriptor. */
const methodAttributes = new WeakMap<DescMethod, [Attributes, Attributes]>();
function attributesOf(method: DescMethod, protocol: string): Attributes {
  let both = methodAttributes.get(method);
  if (!both) {
    const named = { "rpc.service": method.parent.typeName, "rpc.method": method.name };
    both = [Object.freeze({ ...named, "rpc.system": "grpc" }), Object.freeze({ ...named, "rpc.system": "connect_rpc" })];
    methodAttributes.set(method, both);
  }
  return both[protocol === "connect" ? 1 : 0];
}

const nameOf = (method: DescMethod) => `${method.parent.typeName}/${method.name}`;

/** Code, error and tenant of a call whose span ends here. */
function finish(span: Span, req: Request, err?: unknown): void {
  const tenant = req.contextValues.get(scopeKey)?.tenantId;
  if (tenant) span.setAttribute("is.tenant_id", tenant);
  if (err === undefined) {
    span.setAttribute("rpc.grpc.status_code", 0);
  } else if (err instanceof ConnectError) {
    span.setAttribute("rpc.grpc.status_code", err.code);
    const details = err.findDetails(ErrorDetailsSchema)[0];
    if (details) {
      const type = `${details.namespace}:${details.name}`;
      span.setAttributes({ "error.type": type, "is.correlation_id": details.correlationId });
      span.setStatus({ code: SpanStatusCode.ERROR, message: type });
    } else spanFailed(span, err);
  } else spanFailed(span, err);
  span.end();
}

async function traced(next: Next, req: Request, call: RequestTrace): Promise<Awaited<ReturnType<Next>>> {
  req.contextValues.set(traceKey, call);
  let res;
  try {
    res = await next(req);
  } catch (err) {
    finish(call.span, req, err);
    throw err;
  }
  finish(call.span, req);
  return res;
}

export function tracingInterceptor(tracer: Tracer): Interceptor {
  return (next) => (req) => {
    const record: RequestRecord | undefined = req.contextValues.get(requestKey);
    const request = record?.trace;
    if (request === null) return next(req);
    const protocol = record?.protocol ?? "connect";
    if (request === undefined) {
      // A call of its own: its own SERVER span, ended here.
      const span = tracer.startSpan(nameOf(req.method), { kind: SpanKind.SERVER, attributes: attributesOf(req.method, protocol) }, parentOfHeaders(req.header));
      if (!span.isRecording()) {
        if (record) record.trace = null;
        return next(req);
      }
      const call = new RequestTrace(tracer, span);
      if (record) record.trace = call;
      return traced(next, req, call);
    }
    if (request.claimable) {
      // The request is this call: its span takes the method's name; the HTTP side ends it.
      request.claimable = false;
      // (An RPC's span is named after its path already.)
      if (protocol === "api") request.span.updateName(nameOf(req.method));
      request.span.setAttributes(attributesOf(req.method, protocol));
      req.contextValues.set(traceKey, request);
      return next(req);
    }
    return traced(next, req, request.child(nameOf(req.method), SpanKind.INTERNAL, attributesOf(req.method, protocol)));
  };
}
