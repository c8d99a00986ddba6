// Prometheus metrics of one server (http.metrics.enable, default on as in The
// Things Stack), served on /metrics of the HTTP listener (endpoint.ts). Each
// server has a Registry of its own, never prom-client's global one, so tests
// start many servers in one process and each counts only its own requests.
// The numbers are taken at seams, each by a file of its own here:
// - rpc.ts: the outermost interceptor of the RPC chains (src/server.ts);
// - http.ts: the HTTP fallback (OAuth, pages, /api/v3, health, blobs);
// - auth.ts: the request scope's authentication (src/auth/interceptor.ts);
// - cache.ts: the auth cache's lookups (src/cache/bounded-cache.ts);
// - database.ts: the database clients' statements (src/store/pg/query-meter.ts);
// - email.ts: the outbox and its worker (src/email/worker.ts);
// - oauth.ts: token requests and throttled logins (src/oauth/).
// - process.ts: prom-client's process metrics (CPU, memory, event loop lag, GC), prefixed `is_`.
// The modules it observes know nothing of Prometheus: each offers a small
// observer interface, absent (and free) when metrics are off.
import type { Interceptor } from "@connectrpc/connect";
import { Registry } from "prom-client";
import type { CacheObserver } from "../../cache/index.js";
import type { Config } from "../../config/index.js";
import type { DeliveryEvents } from "../../email/worker.js";
import type { Logger } from "../../log.js";
import type { OAuthEvents } from "../../oauth/api.js";
import type { RequestHandler } from "../../server/listener.js";
import type { OutboxQueue } from "../../store/interfaces.js";
import type { QueryMeter } from "../../store/pg/query-meter.js";
import { authMetrics, type ObserveAuthentication } from "./auth.js";
import { cacheMetrics } from "./cache.js";
import { databaseMetrics, type DatabaseRole } from "./database.js";
import { emailMetrics } from "./email.js";
import { metricsEndpoint, metricsPath } from "./endpoint.js";
import { httpMetrics, type HttpRoute } from "./http.js";
import { oauthMetrics } from "./oauth.js";
import { addProcessMetrics } from "./process.js";
import { fallbackRoute } from "./routes.js";
import { rpcMetrics } from "./rpc.js";

export type { HttpRoute } from "./http.js";

export interface ServerMetrics {
  readonly registry: Registry;
  /** The first interceptor of the wire protocols' chain (the protocol from each call's content type). */
  readonly wireInterceptor: Interceptor;
  /** The first interceptor of the in-process chain: the /api/v3 gateway's and OAuth pages' calls (protocol "api"). */
  readonly apiInterceptor: Interceptor;
  /** The HTTP fallback counted by route, with /metrics answered before it. */
  http(fallback: RequestHandler): RequestHandler;
  readonly observeAuthentication: ObserveAuthentication;
  readonly cache: (cache: string) => CacheObserver;
  readonly email: DeliveryEvents;
  readonly oauth: OAuthEvents;
  /** Statements of a database client, until close(). */
  database(meter: QueryMeter | undefined, role: DatabaseRole): void;
  /** The outbox whose backlog each scrape reads. */
  outbox(queue: OutboxQueue): void;
  /** Stops following the databases. */
  close(): void;
}

export interface MetricsDeps {
  config: Config;
  log: Logger;
  /** The route label of a fallback path (default: routes.ts). */
  routeOf?: (path: string) => HttpRoute;
}

/** The server's metrics; undefined when http.metrics.enable is off (then /metrics is a 404 like any unknown path). */
export function createMetrics(deps: MetricsDeps): ServerMetrics | undefined {
  if (!deps.config.http.metrics.enable) return undefined;
  const registry = new Registry();
  addProcessMetrics(registry);
  const rpc = rpcMetrics(registry);
  const databases = databaseMetrics(registry);
  const email = emailMetrics(registry, deps.log);
  const counted = httpMetrics(registry, deps.routeOf ?? fallbackRoute(deps.config));
  const endpoint = metricsEndpoint(registry, deps.config.http.metrics.password, deps.log);
  return {
    registry,
    wireInterceptor: rpc.interceptor(),
    apiInterceptor: rpc.interceptor("api"),
    http(fallback) {
      const inner = counted(fallback);
      return (req, res) => {
        const url = req.url ?? "/";
        if (url === metricsPath || url.startsWith(`${metricsPath}?`)) return endpoint(req, res);
        inner(req, res);
      };
    },
    observeAuthentication: authMetrics(registry),
    cache: cacheMetrics(registry),
    email: email.events,
    oauth: oauthMetrics(registry),
    database(meter, role) {
      if (meter) databases.follow(meter, role);
    },
    outbox: (queue) => email.follow(queue),
    close: () => databases.close(),
  };
}
