// The CORS policy of the HTTP APIs (spec §4.7; TTS: webmiddleware.CORS on
// /api): any origin, no credentials, preflights answered without reaching a
// handler. /api/v3 and the RPC paths (Connect, gRPC-Web) share it; RPC paths
// add the headers their protocols send and the status headers they answer.
interface CorsResponse {
  setHeader(name: string, value: string): unknown;
  writeHead(status: number, headers?: Record<string, string>): unknown;
  end(): unknown;
}

export interface CorsPolicy {
  allowMethods: string;
  allowHeaders: string;
  exposeHeaders: string;
}

const maxAge = "600";
const apiAllowHeaders = "Authorization, Content-Type, X-CSRF-Token";
const apiExposeHeaders = "Date, Content-Length, X-Request-Id, X-Total-Count, X-Warning";

export const apiCors: CorsPolicy = {
  allowMethods: "GET, POST, PUT, PATCH, DELETE",
  allowHeaders: apiAllowHeaders,
  exposeHeaders: apiExposeHeaders,
};

export const rpcCors: CorsPolicy = {
  allowMethods: "GET, POST",
  allowHeaders: `${apiAllowHeaders}, X-Request-Id, X-Grpc-Web, X-User-Agent, Grpc-Timeout, Connect-Protocol-Version, Connect-Timeout-Ms, Connect-Accept-Encoding, Connect-Content-Encoding, Grpc-Accept-Encoding`,
  exposeHeaders: `${apiExposeHeaders}, Grpc-Status, Grpc-Message, Grpc-Status-Details-Bin, Grpc-Encoding, Connect-Content-Encoding`,
};

/** Headers every answer carries, so a browser on another origin may read it. */
export function setCorsHeaders(res: CorsResponse, policy: CorsPolicy): void {
  res.setHeader("access-control-allow-origin", "*");
  res.setHeader("access-control-expose-headers", policy.exposeHeaders);
}

/** Answers a preflight (OPTIONS) with 204. */
export function answerPreflight(res: CorsResponse, policy: CorsPolicy): void {
  setCorsHeaders(res, policy);
  res.writeHead(204, {
    "access-control-allow-methods": policy.allowMethods,
    "access-control-allow-headers": policy.allowHeaders,
    "access-control-max-age": maxAge,
  });
  res.end();
}
