// The RPC side of the request log: the outermost interceptor, around every
// call of every protocol and of the in-process transport (the /api/v3 gateway,
// the OAuth pages). It notes on the request's record what only the call knows
// (method, code, error, tenant, caller) and answers the request ID, in the
// response header and, for a failed call, in the error's metadata (gRPC
// clients read a failed call's trailers, where that metadata goes).
//
// The line itself is the HTTP side's (http.ts), written when the response is
// over, so a request is one line however it came: a gateway request is the
// gateway's line (protocol api) with its call's method. A call with no request
// record in its context values (a transport used on its own, a call started
// after its request's line) gets a record and a line of its own.
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { ErrorDetailsSchema } from "../../../gen/ttn/lorawan/v3/error_pb.js";
import { scopeKey } from "../../auth/scope.js";
import { requestKey } from "./context.js";
import { RequestRecord, writeRequestLine, type Protocol, type RequestLineOptions } from "./record.js";
import { acceptRequestId, requestIdHeader } from "./request-id.js";

type Next = Parameters<Interceptor>[0];
type Request = Parameters<Next>[0];

/** A call's protocol from its content type (a transport used on its own is Connect's in-process one, as a rule). */
function protocolOfCall(contentType: string | null): Protocol {
  if (contentType?.startsWith("application/grpc-web")) return "grpc-web";
  return contentType?.startsWith("application/grpc") ? "grpc" : "connect";
}

/** The call's tenant and caller, unless an earlier call (of a page) named them. */
function noteCaller(req: Request, record: RequestRecord): void {
  // The scope interceptor (inner) opened the scope; a refused tenant leaves none.
  const scope = req.contextValues.get(scopeKey);
  if (scope) {
    record.tenantId ??= scope.tenantId;
    record.caller ??= scope.askedCaller?.();
  }
  if (record.authorization === undefined) record.authorization = req.header.get("authorization");
}

async function observe(next: Next, req: Request, record: RequestRecord): Promise<Awaited<ReturnType<Next>>> {
  // Pages (protocol http) may make several calls: the request is the page's, not theirs.
  // A call made while serving another (in-process) is the other's too.
  const ownsMethod = record.protocol !== "http" && record.calls === 0;
  record.calls++;
  if (ownsMethod) {
    record.method = `${req.service.typeName}/${req.method.name}`;
    record.error = record.correlationId = undefined;
  }
  try {
    const res = await next(req);
    res.header.set(requestIdHeader, record.id);
    if (ownsMethod) record.grpcCode = 0;
    return res;
  } catch (err) {
    if (err instanceof ConnectError) {
      err.metadata.set(requestIdHeader, record.id);
      if (ownsMethod) {
        record.grpcCode = err.code;
        const details = err.findDetails(ErrorDetailsSchema)[0];
        if (details) {
          record.error = `${details.namespace}:${details.name}`;
          record.correlationId = details.correlationId;
        }
      }
    } else if (ownsMethod) record.grpcCode = Code.Unknown;
    throw err;
  } finally {
    record.calls--;
    if (ownsMethod || record.protocol === "http") noteCaller(req, record);
  }
}

export function requestLogInterceptor(opts: RequestLineOptions): Interceptor {
  return (next) => (req) => {
    const record = req.contextValues.get(requestKey);
    if (record && !record.done) return observe(next, req, record);
    const own = new RequestRecord(acceptRequestId(req.header.get(requestIdHeader)), protocolOfCall(req.header.get("content-type")));
    req.contextValues.set(requestKey, own);
    return observe(next, req, own).finally(() => {
      void writeRequestLine(opts, own);
    });
  };
}
