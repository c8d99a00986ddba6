// HTTP requests that are not RPCs (the server's fallback: OAuth and its pages,
// /api/v3, health, blobs), by route and status, and their latency. /api/v3
// calls are also RPCs (protocol "api" in is_rpc_requests_total); here they
// are counted as HTTP, 404s of unknown paths and refusals before a method
// included. The route is a fixed name, never the path.
import { Counter, Histogram, type Registry } from "prom-client";
import type { RequestHandler } from "../../server/listener.js";
import { latencyBuckets } from "./rpc.js";

export type HttpRoute = "oauth" | "assets" | "api" | "health" | "blob" | "other";

export function httpMetrics(registry: Registry, routeOf: (path: string) => HttpRoute): (handler: RequestHandler) => RequestHandler {
  const requests = new Counter({
    name: "is_http_requests_total",
    help: "HTTP requests outside the RPC protocols, by route (oauth, assets, api, health, blob, other) and status code",
    labelNames: ["route", "code"] as const,
    registers: [registry],
  });
  const seconds = new Histogram({
    name: "is_http_request_duration_seconds",
    help: "Time from an HTTP request outside the RPC protocols arriving to its answer being written or abandoned, by route",
    labelNames: ["route"] as const,
    buckets: latencyBuckets,
    registers: [registry],
  });
  const children = new Map<string, Counter.Internal>();
  const latencies = new Map<HttpRoute, Histogram.Internal<"route">>();
  const done = (route: HttpRoute, status: number, started: number) => {
    let latency = latencies.get(route);
    if (!latency) latencies.set(route, (latency = seconds.labels(route)));
    latency.observe((performance.now() - started) / 1000);
    const key = `${route} ${status}`;
    let child = children.get(key);
    if (!child) children.set(key, (child = requests.labels(route, String(status))));
    child.inc();
  };
  return (handler) => (req, res) => {
    const started = performance.now();
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const route = routeOf(q < 0 ? url : url.slice(0, q));
    // "close" comes after the answer is written, and also when the client went away first.
    (res as NodeJS.EventEmitter).once("close", () => done(route, res.statusCode, started));
    handler(req, res);
  };
}
