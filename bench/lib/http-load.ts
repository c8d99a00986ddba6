// HTTP/1.1 load from a process of its own, so it never shares the server's
// event loop; a one-second warm-up, then the measured run; 2xx answers count,
// every other answer is an error. Two kinds:
// - as fast as answered (closed loop): autocannon with `connections` keep-alive
//   connections, one request in flight on each (bench/lib/autocannon-run.ts);
// - with `rate`: requests evenly spaced at that rate, sent whether or not the
//   earlier ones were answered (open loop, as from many independent users), for
//   the background load of a figure (bench/lib/paced-run.ts). It waits for every
//   answer at the end, so it loses no single-use token.
import { runChild } from "./child.js";
import type { LoadResult } from "./load.js";
import type { TokenSpec } from "./token-pool.js";

export interface HttpLoadSpec {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** Closed loop: keep-alive connections. */
  connections: number;
  seconds: number;
  /** Open loop: requests per second (then `connections` is not used). */
  rate?: number;
  /** Single-use tokens in the body (bench/lib/token-pool.ts); what is left comes back with the result. */
  tokens?: TokenSpec;
}

export type HttpLoadResult = LoadResult & { pool: string[] };

export function httpLoad(spec: HttpLoadSpec, onMeasure?: () => void): Promise<HttpLoadResult> {
  return runChild<HttpLoadResult>(new URL(spec.rate ? "./paced-run.ts" : "./autocannon-run.ts", import.meta.url), spec, onMeasure);
}
