// Where a call finds its trace: in its context values, set by the tracing
// interceptor (interceptor.ts) for traced calls only. The request's own trace
// is on the request log's record (record.trace); a call's may be a child of it
// (a page's calls, a call made within a call).
import { createContextKey } from "@connectrpc/connect";
import { recordOfRequest } from "../request-log/context.js";
import type { RequestTrace } from "./request-trace.js";

/** The trace of a call: absent when tracing is off or the request is not sampled. */
export const traceKey = createContextKey<RequestTrace | undefined>(undefined, { description: "identity server call trace" });

/** The trace of a Node request (for code holding the request, such as the OAuth pages): absent when not traced. */
export function requestTraceOf(req: object): RequestTrace | undefined {
  return recordOfRequest(req)?.trace ?? undefined;
}
