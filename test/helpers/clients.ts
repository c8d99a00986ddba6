// Real protocol clients against a test server: gRPC (connect-node's gRPC
// transport over h2c), the Connect protocol (JSON over HTTP/1.1), and plain
// fetch on /api/v3.
import type { DescService } from "@bufbuild/protobuf";
import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import type { TestServer } from "./harness.js";

const bearer = (key?: string): Interceptor[] =>
  key
    ? [
        (next) => (req) => {
          req.header.set("authorization", `Bearer ${key}`);
          return next(req);
        },
      ]
    : [];

export function grpcClient<S extends DescService>(server: TestServer, service: S, apiKey?: string): Client<S> {
  return createClient(service, createGrpcTransport({ baseUrl: `http://${server.grpcAddress}`, interceptors: bearer(apiKey) }));
}

export function connectClient<S extends DescService>(server: TestServer, service: S, apiKey?: string): Client<S> {
  return createClient(
    service,
    createConnectTransport({ baseUrl: server.httpURL, httpVersion: "1.1", useBinaryFormat: false, interceptors: bearer(apiKey) }),
  );
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A JSON call on /api/v3 (path relative to it). */
export async function api(server: TestServer, method: string, path: string, opts: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] = "application/json";
  }
  const res = await fetch(`${server.httpURL}/api/v3${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON; keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
