// One request as the request log sees it while it is served, and the line
// written when it is over. The code serving the request finds it explicitly
// (context.ts).
// The HTTP side (http.ts) makes it and writes the line; the RPC side
// (interceptor.ts) fills in what only a call knows: the method, its code and
// error, the tenant and the caller.
import { Code } from "@connectrpc/connect";
import type { Caller } from "../../auth/caller.js";
import { levelAtLeast, type LogLevel, type Logger } from "../../log.js";
import type { RequestTrace } from "../tracing/request-trace.js";
import { callerFields, claimedCaller, type CallerFields } from "./caller.js";

/** How the request came: an RPC protocol, the /api/v3 gateway, or any other HTTP (OAuth, health, pictures). */
export type Protocol = "grpc" | "grpc-web" | "connect" | "api" | "http";

export class RequestRecord {
  readonly started = performance.now();
  /** `package.Service/Method` of the call that served the request. */
  method?: string;
  /** Its gRPC code (0 for OK). */
  grpcCode?: number;
  /** `<namespace>:<name>` and correlation ID of its error. */
  error?: string;
  correlationId?: string;
  tenantId?: string;
  /** The call's authorization header (never logged: claimedCaller reads the kind and token ID off it). */
  authorization?: string | null;
  /** The caller, when the call asked who it was. */
  caller?: Promise<Caller>;
  httpMethod?: string;
  httpPath?: string;
  httpStatus?: number;
  peerAddress?: string;
  /**
   * The request's trace (src/telemetry/tracing/): set by the tracing side when
   * the request is sampled, null when it is not (its calls are not traced
   * either); undefined when tracing is off or has not seen the request.
   */
  trace?: RequestTrace | null;
  /**
   * Called once the response is over and the record complete (status, code,
   * tenant), before its line is written: how the tracing side ends the
   * request's span without a close listener of its own.
   */
  onComplete?: (record: RequestRecord) => void;
  /** Calls under way (interceptor.ts): the outermost is the request's. */
  calls = 0;
  /** Its line written: later calls (work it left running) are not its. */
  done = false;

  constructor(
    readonly id: string,
    readonly protocol: Protocol,
  ) {}
}

export interface RequestLineOptions {
  log: Logger;
  /** `log.request-level`: the level of a successful request's line; failures take info when that is higher. */
  level: LogLevel;
}

async function callerOf(record: RequestRecord): Promise<CallerFields> {
  if (record.caller) {
    try {
      return callerFields(await record.caller);
    } catch {
      // Authentication failed: what the credential claimed to be.
    }
  }
  return claimedCaller(record.authorization);
}

/** `NotFound`, as Go's codes.Code.String() and the stack's logs name them. */
function codeName(code: number): string {
  return code === 0 ? "OK" : (Code[code] ?? String(code));
}

/** Writes the request's line (once); never fails. */
export async function writeRequestLine(opts: RequestLineOptions, record: RequestRecord): Promise<void> {
  if (record.done) return;
  record.done = true;
  const durationMs = Math.round((performance.now() - record.started) * 1000) / 1000;
  const failed = (record.grpcCode !== undefined && record.grpcCode !== 0) || (record.httpStatus !== undefined && record.httpStatus >= 400);
  const level = failed && !levelAtLeast(opts.level, "info") ? "info" : opts.level;
  if (opts.log.enabled?.(level) === false) return;
  try {
    const caller = await callerOf(record);
    const http = record.protocol === "api" || record.protocol === "http";
    opts.log[level](
      {
        request_id: record.id,
        protocol: record.protocol,
        // No call (an unknown method, a page): the RPC path as gRPC names methods, or the HTTP request.
        method: record.method ?? (http ? `${record.httpMethod} ${record.httpPath}` : record.httpPath?.slice(1)),
        grpc_code: record.grpcCode === undefined ? undefined : codeName(record.grpcCode),
        http_status: record.httpStatus,
        duration_ms: durationMs,
        ...caller,
        tenant_id: record.tenantId,
        peer_address: record.peerAddress,
        error: record.error,
        correlation_id: record.correlationId,
        trace_id: record.trace?.traceId,
        http_method: http ? record.httpMethod : undefined,
        http_path: http ? record.httpPath : undefined,
      },
      "request finished",
    );
  } catch {
    // A logger that throws must not take the server down with it.
  }
}
