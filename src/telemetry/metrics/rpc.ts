// RPC requests by service, method, protocol and status code, and their
// latency: the outermost interceptor of the chains in src/server.ts, so it
// sees every call that reaches a method (gRPC, gRPC-Web, Connect, and the
// /api/v3 gateway's and OAuth pages' in-process calls) with the code the
// caller gets (the error interceptor inside it has converted every error).
//
// Every call runs through here: the label children of a method and protocol
// are made once and kept on a per-method record, so a call costs two clock
// readings, a histogram observation and a counter increment.
import type { DescMethod } from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { Counter, Histogram, type Registry } from "prom-client";

/** The protocol a call came in with; `api` for the in-process calls of the HTTP gateway and pages. */
export type Protocol = "grpc" | "grpc-web" | "connect" | "api";
const protocols: readonly Protocol[] = ["grpc", "grpc-web", "connect", "api"];
const protocolIndex: Record<Protocol, number> = { grpc: 0, "grpc-web": 1, connect: 2, api: 3 };

/** A wire call's protocol from its content type (gRPC-Web arrives here as binary, text decoded by the adapter); Connect GETs have none. */
export function wireProtocol(contentType: string | null): Protocol {
  if (!contentType) return "connect";
  if (/^application\/grpc-web/i.test(contentType)) return "grpc-web";
  if (/^application\/grpc/i.test(contentType)) return "grpc";
  return "connect";
}

/** gRPC's names of the status codes (as grpc-go's metrics label them): OK, NotFound, PermissionDenied... */
const codeNames: readonly string[] = Array.from({ length: 17 }, (_, code) => (code === 0 ? "OK" : (Code[code] ?? String(code))));

const ok = 0;

/** Seconds, from half a millisecond (a cached call) to ten seconds. */
export const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = "service" | "method" | "protocol";

/** One method over one protocol: its latency child, and its counter child per code once seen. */
class Series {
  private readonly codes: Array<Counter.Internal | undefined> = [];
  private readonly latency: Histogram.Internal<Labels>;

  constructor(
    private readonly requests: Counter<Labels | "code">,
    seconds: Histogram<Labels>,
    private readonly labels: [string, string, Protocol],
  ) {
    this.latency = seconds.labels(...labels);
  }

  done(code: number, started: number): void {
    this.latency.observe((performance.now() - started) / 1000);
    (this.codes[code] ??= this.requests.labels(...this.labels, codeNames[code] ?? String(code))).inc();
  }
}

export interface RpcMetrics {
  /** The interceptor counting calls over the wire (protocol from the content type), or with `protocol`, calls of that one. */
  interceptor(protocol?: Protocol): Interceptor;
}

export function rpcMetrics(registry: Registry): RpcMetrics {
  const requests = new Counter({
    name: "is_rpc_requests_total",
    help: "RPCs answered, by service, method, protocol (grpc, grpc-web, connect, api) and gRPC status code",
    labelNames: ["service", "method", "protocol", "code"] as const,
    registers: [registry],
  });
  const seconds = new Histogram({
    name: "is_rpc_request_duration_seconds",
    help: "Time from an RPC reaching the interceptors to its answer or error, by service, method and protocol",
    labelNames: ["service", "method", "protocol"] as const,
    buckets: latencyBuckets,
    registers: [registry],
  });
  // Per method descriptor (the same objects for every call): its series by protocol.
  const series = new Map<DescMethod, Array<Series | undefined>>();
  const seriesOf = (method: DescMethod, protocol: Protocol): Series => {
    let byProtocol = series.get(method);
    if (!byProtocol) series.set(method, (byProtocol = new Array(protocols.length)));
    const i = protocolIndex[protocol];
    return (byProtocol[i] ??= new Series(requests, seconds, [method.parent.typeName, method.name, protocol]));
  };

  return {
    interceptor: (protocol) => (next) => async (req) => {
      const started = performance.now();
      const s = seriesOf(req.method, protocol ?? wireProtocol(req.header.get("content-type")));
      try {
        const res = await next(req);
        s.done(ok, started);
        return res;
      } catch (err) {
        s.done(err instanceof ConnectError ? err.code : Code.Unknown, started);
        throw err;
      }
    },
  };
}
