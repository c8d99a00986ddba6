// GET /metrics in Prometheus' text format, as The Things Stack serves it: on
// the HTTP listener, behind HTTP Basic with the user name `metrics` and
// http.metrics.password when one is set (open to anyone who reaches the
// listener otherwise). The password is compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Registry } from "prom-client";
import type { Logger } from "../../log.js";
import type { RequestHandler } from "../../server/listener.js";

export const metricsPath = "/metrics";

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Whether `authorization` is Basic `metrics:<password>` (hashes compared, so lengths tell nothing). */
export function basicAuthorized(authorization: string | undefined, password: string): boolean {
  const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? "");
  const presented = match ? Buffer.from(match[1]!, "base64").toString("utf8") : "";
  return timingSafeEqual(digest(presented), digest(`metrics:${password}`)) && match !== null;
}

export function metricsEndpoint(registry: Registry, password: string, log: Logger): RequestHandler {
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" });
      res.end("method not allowed\n");
      return;
    }
    if (password && !basicAuthorized(req.headers.authorization, password)) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="metrics"', "content-type": "text/plain" });
      res.end("unauthorized\n");
      return;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
        res.end(text);
      },
      (err: unknown) => {
        log.error({ err }, "collecting metrics failed");
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end("collecting metrics failed\n");
      },
    );
  };
}
