// OTLP over HTTP: export requests POSTed as JSON (otlp-json.ts) to the
// collector's traces URL (tracing.collector-config.endpoint-url) with Node's
// own http/https client and one kept-alive connection, each bounded in time.
import http from "node:http";
import https from "node:https";
import type { Attributes } from "@opentelemetry/api";
import type { SpanSink } from "./batch.js";
import { exportRequestPieces } from "./otlp-json.js";

export function otlpHttpSink(url: string, resource: Attributes, scope: { name: string; version?: string }, timeoutMs: number): SpanSink {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  const agent = new client.Agent({ keepAlive: true, maxSockets: 1 });
  return (spans) =>
    new Promise<void>((resolve, reject) => {
      // The pieces written as they are (chunked): Node encodes strings straight onto the socket,
      // with no Buffer of the body made here (external memory that would bring the next GC closer).
      const pieces = exportRequestPieces(spans, resource, scope);
      const req = client.request(target, { method: "POST", agent, timeout: timeoutMs, headers: { "content-type": "application/json" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`the collector answered HTTP ${status}: ${Buffer.concat(chunks).toString("utf8").slice(0, 200)}`));
        });
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`the collector did not answer within ${timeoutMs} ms`)));
      req.on("error", reject);
      for (const piece of pieces) req.write(piece, "utf8");
      req.end();
    });
}
