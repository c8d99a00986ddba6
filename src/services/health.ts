// Health, as load balancers and Kubernetes probe it. Readiness (`/healthz`,
// `/healthz/ready`, grpc.health.v1 for "" and every service) is SERVING while
// the server runs and its database answers, NOT_SERVING once it drains or when
// the database cannot be reached; liveness (`/healthz/live`) only says the
// process answers, so an orchestrator does not restart a server that merely
// waits for its database.
import type http from "node:http";
import type http2 from "node:http2";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { Health, HealthCheckResponseSchema, HealthCheckResponse_ServingStatus as Status } from "../../gen/grpc/health/v1/health_pb.js";

export interface HealthState {
  serving: boolean;
  /** Resolves when the server starts draining. */
  draining: Promise<void>;
  /** Whether the database answers; see `cachedProbe`. Absent: not checked. */
  database?: () => Promise<boolean>;
}

/** How long a database probe result is reused, so frequent probes do not load the database. */
export const probeCacheMs = 1000;
/** How long the database may take to answer `SELECT 1` before it counts as down. */
export const probeTimeoutMs = 2000;
// How often an open Watch stream looks at the status again.
const watchIntervalMs = 1000;

/** `probe` at most once per `ttlMs`; concurrent callers share the one under way. */
export function cachedProbe(probe: () => Promise<boolean>, ttlMs = probeCacheMs): () => Promise<boolean> {
  let last: { at: number; ok: boolean } | undefined;
  let running: Promise<boolean> | undefined;
  return () => {
    if (last && Date.now() - last.at < ttlMs) return Promise.resolve(last.ok);
    running ??= probe()
      .catch(() => false)
      .then((ok) => {
        last = { at: Date.now(), ok };
        running = undefined;
        return ok;
      });
    return running;
  };
}

export async function isReady(state: HealthState): Promise<boolean> {
  return state.serving && (state.database ? await state.database() : true);
}

type Request = http.IncomingMessage | http2.Http2ServerRequest;
type Response = http.ServerResponse | http2.Http2ServerResponse;

/** Serves the HTTP health paths; false for any other request. */
export function healthHttp(state: HealthState): (req: Request, res: Response) => boolean {
  return (req, res) => {
    const path = (req.url ?? "/").split("?", 1)[0];
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const answer = (status: number, text: string) => {
      res.writeHead(status, { "content-type": "text/plain", "cache-control": "no-store" });
      res.end(`${text}\n`); // Node sends no body for HEAD
    };
    if (path === "/healthz/live") {
      answer(200, "ok");
      return true;
    }
    if (path !== "/healthz" && path !== "/healthz/ready") return false;
    if (!state.serving) {
      answer(503, "draining");
      return true;
    }
    isReady(state).then(
      (ready) => answer(ready ? 200 : 503, ready ? "ok" : "database unavailable"),
      () => answer(503, "database unavailable"),
    );
    return true;
  };
}

/** `services`: the fully-qualified names of the services served (health of "" is the server's). */
export function healthService(state: HealthState, services: readonly string[]): ServiceImpl<typeof Health> {
  const known = new Set(["", ...services]);
  const status = async () => create(HealthCheckResponseSchema, { status: (await isReady(state)) ? Status.SERVING : Status.NOT_SERVING });
  return {
    async check(req) {
      if (!known.has(req.service)) throw new ConnectError(`unknown service ${req.service}`, Code.NotFound);
      return status();
    },
    async *watch(req, ctx) {
      if (!known.has(req.service)) {
        yield create(HealthCheckResponseSchema, { status: Status.SERVICE_UNKNOWN });
        return;
      }
      // The current status, then every change, until the client leaves or the server drains.
      let sent = await status();
      yield sent;
      const stopped = Promise.race([state.draining, new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }))]);
      while (state.serving && !ctx.signal.aborted) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([stopped, new Promise((resolve) => (timer = setTimeout(resolve, watchIntervalMs)))]);
        clearTimeout(timer);
        if (ctx.signal.aborted) return;
        const now = await status();
        if (now.status !== sent.status) yield (sent = now);
      }
    },
  };
}
