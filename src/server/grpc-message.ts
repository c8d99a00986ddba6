// The gRPC spec percent-encodes `grpc-message` only for bytes outside printable
// ASCII and `%` itself. connect-node encodes with encodeURIComponent, which also
// escapes `:` and `/`; grpc-js decodes with decodeURI and leaves those escaped,
// so its users would read `error%3Apkg%2F...`. This rewrites the header (and the
// trailer) to the spec's encoding, which every client decodes the same way.
import type http from "node:http";
import type http2 from "node:http2";
import type { RequestHandler } from "./listener.js";

export function specEncode(message: string): string {
  let out = "";
  for (const byte of Buffer.from(message, "utf8")) {
    out += byte < 0x20 || byte > 0x7e || byte === 0x25 ? `%${byte.toString(16).toUpperCase().padStart(2, "0")}` : String.fromCharCode(byte);
  }
  return out;
}

function reencode(headers: unknown): void {
  if (!headers || typeof headers !== "object" || Array.isArray(headers)) return;
  const obj = headers as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (key.toLowerCase() !== "grpc-message" || typeof obj[key] !== "string") continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(obj[key] as string);
    } catch {
      continue;
    }
    obj[key] = specEncode(decoded);
  }
}

type Res = http.ServerResponse | http2.Http2ServerResponse;
/** The methods patched, as their classes define them. */
type Patched = { writeHead: (...a: unknown[]) => Res; addTrailers: (h: unknown) => void };

// One pair of functions for every response (not closures per request): each
// re-encodes, then calls the method of the response's own class.
function specWriteHead(this: Patched, ...args: unknown[]): Res {
  reencode(args.find((a, i) => i > 0 && typeof a === "object"));
  return (Object.getPrototypeOf(this) as Patched).writeHead.apply(this, args);
}

function specAddTrailers(this: Patched, headers: unknown): void {
  reencode(headers);
  (Object.getPrototypeOf(this) as Patched).addTrailers.call(this, headers);
}

export function withSpecGrpcMessage(handler: RequestHandler): RequestHandler {
  return (req, res) => {
    if ((req.headers["content-type"] ?? "").startsWith("application/grpc")) {
      // Patched per response object; Node's overloads make the signatures loose.
      const r = res as unknown as Patched;
      r.writeHead = specWriteHead;
      r.addTrailers = specAddTrailers;
    }
    handler(req, res);
  };
}
