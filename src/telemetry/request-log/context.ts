// How the code serving a request finds its record (record.ts), passed along
// explicitly rather than through an async context (see src/log.ts for why):
// - the HTTP side keeps it by Node request (`recordOfRequest`);
// - RPCs carry it in their context values (`requestKey`): the RPC adapter, the
//   gRPC fast path, the /api/v3 gateway and the OAuth pages start their calls
//   with `callValues(req)`;
// - log lines about the request name its ID: `requestLogger` for code holding
//   the Node request or response, `callLogger` for code holding a call's
//   context values.
import { createContextKey, createContextValues, type ContextValues } from "@connectrpc/connect";
import { withFields, type Logger } from "../../log.js";
import type { RequestRecord } from "./record.js";
import { requestIdHeader } from "./request-id.js";

/** The request record of a call (absent for a transport used on its own). */
export const requestKey = createContextKey<RequestRecord | undefined>(undefined, { description: "identity server request record" });

const records = new WeakMap<object, RequestRecord>();

export function setRecordOfRequest(req: object, record: RequestRecord): void {
  records.set(req, record);
}

/** The record of a Node request the request log wraps. */
export function recordOfRequest(req: object): RequestRecord | undefined {
  return records.get(req);
}

/** Context values for the calls made to serve `req`: its record, so the calls fill in the request's line. */
export function callValues(req: object, values: ContextValues = createContextValues()): ContextValues {
  const record = records.get(req);
  if (record) values.set(requestKey, record);
  return values;
}

/** `log` naming the request of a Node request or response (the request log set the ID on both). */
export function requestLogger(log: Logger, reqOrRes: { headers?: unknown; getHeader?(name: string): unknown }): Logger {
  const id = reqOrRes.getHeader ? reqOrRes.getHeader(requestIdHeader) : (reqOrRes.headers as Record<string, unknown> | undefined)?.[requestIdHeader];
  return typeof id === "string" ? withFields(log, { request_id: id }) : log;
}

/** `log` naming the request a call serves. */
export function callLogger(log: Logger, values: ContextValues): Logger {
  const record = values.get(requestKey);
  return record ? withFields(log, { request_id: record.id }) : log;
}
