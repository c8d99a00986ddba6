// Errors in each RPC protocol's own shape, always with the stack's
// ErrorDetails. The services' errors get their details from the error
// interceptor; errors the Connect runtime raises before the interceptors run
// (an undecodable body, a bad timeout, an unknown method) do not, and it
// calls undecodable protobuf "internal". `withStackErrors` rewrites those on
// their way out (Connect JSON body, gRPC trailers, gRPC-Web trailer frame);
// `rpcErrorResponse` writes one when there is no handler answer to rewrite.
import { Code, ConnectError } from "@connectrpc/connect";
import { createAsyncIterable, type UniversalServerResponse } from "@connectrpc/connect/protocol";
import { codeToHttpStatus, errorFromJsonBytes, errorToJsonBytes } from "@connectrpc/connect/protocol-connect";
import { findTrailerError, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { trailerFlag, trailerParse, trailerSerialize } from "@connectrpc/connect/protocol-grpc-web";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { toConnectError } from "../errors/index.js";

export type RpcProtocol = "grpc" | "grpc-web" | "connect";

/** The RPC protocol a request speaks, from its content type (Connect GET: from its query string). */
export function protocolOf(method: string, contentType: string, queryString: string): RpcProtocol | undefined {
  if (/^application\/grpc-web/i.test(contentType)) return "grpc-web";
  if (/^application\/grpc(?=$|[+;])/i.test(contentType)) return "grpc";
  if (/^application\/(?:json|proto|connect\+)/i.test(contentType)) return "connect";
  if (method !== "GET") return undefined;
  const query = new URLSearchParams(queryString);
  return query.get("connect") === "v1" || query.has("encoding") ? "connect" : undefined;
}

/** Any thrown value as the stack's error; `req`, the Node request it answers, names the request in the log. */
export type Convert = (err: unknown, req?: object) => ConnectError;

export function stackErrorConverter(onInternal: (err: unknown, converted: ConnectError, req?: object) => void): Convert {
  return (err, req) => {
    if (err instanceof ConnectError && err.findDetails(ErrorDetailsSchema).length > 0) return err;
    const converted = toConnectError(err);
    if (converted.code === Code.Internal || converted.code === Code.Unknown) onInternal(err, converted, req);
    return converted;
  };
}

function grpcWebFrame(flags: number, data: Uint8Array): Uint8Array {
  const frame = new Uint8Array(5 + data.length);
  frame[0] = flags;
  new DataView(frame.buffer).setUint32(1, data.length);
  frame.set(data, 5);
  return frame;
}

function statusTrailer(err: ConnectError): Headers {
  return setTrailerStatus(new Headers(), err);
}

/** A whole answer carrying only `err`. */
export function rpcErrorResponse(protocol: RpcProtocol, contentType: string, err: ConnectError): UniversalServerResponse {
  switch (protocol) {
    case "connect": {
      const body = errorToJsonBytes(err, {});
      return {
        status: codeToHttpStatus(err.code),
        header: new Headers({ "content-type": "application/json", "content-length": String(body.length) }),
        body: createAsyncIterable([body]),
      };
    }
    case "grpc":
      return { status: 200, header: new Headers({ "content-type": contentType || "application/grpc" }), body: createAsyncIterable([]), trailer: statusTrailer(err) };
    case "grpc-web":
      return {
        status: 200,
        header: new Headers({ "content-type": contentType || "application/grpc-web+proto" }),
        body: createAsyncIterable([grpcWebFrame(trailerFlag, trailerSerialize(statusTrailer(err)))]),
      };
  }
}

/** Trailers with a status but no details get the stack's details. */
export function rewriteTrailer(trailer: Headers, convert: Convert): void {
  const status = trailer.get("grpc-status");
  if (status === null || status === "0" || trailer.has("grpc-status-details-bin")) return;
  const err = convert(findTrailerError(trailer) ?? new ConnectError(`grpc-status ${status}`, Code.Unknown));
  for (const name of ["grpc-status", "grpc-message", "grpc-status-details-bin"]) trailer.delete(name);
  setTrailerStatus(trailer, err);
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const c of body) chunks.push(c);
  return Buffer.concat(chunks);
}

async function* grpcBody(body: AsyncIterable<Uint8Array> | undefined, trailer: Headers, convert: Convert): AsyncIterable<Uint8Array> {
  try {
    if (body) yield* body;
  } catch (err) {
    // The runtime failed writing its own status (e.g. an unencodable message): answer anyway.
    for (const name of ["grpc-status", "grpc-message", "grpc-status-details-bin"]) trailer.delete(name);
    setTrailerStatus(trailer, convert(err));
    return;
  }
  rewriteTrailer(trailer, convert);
}

async function* grpcWebBody(body: AsyncIterable<Uint8Array> | undefined, convert: Convert): AsyncIterable<Uint8Array> {
  let buf = Buffer.alloc(0);
  try {
    for await (const chunk of body ?? []) {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 5 && buf.length >= 5 + buf.readUInt32BE(1)) {
        const end = 5 + buf.readUInt32BE(1);
        const frame = buf.subarray(0, end);
        buf = buf.subarray(end);
        if (frame[0] === trailerFlag) {
          const trailer = trailerParse(frame.subarray(5));
          rewriteTrailer(trailer, convert);
          yield grpcWebFrame(trailerFlag, trailerSerialize(trailer));
        } else yield frame;
      }
    }
  } catch (err) {
    yield grpcWebFrame(trailerFlag, trailerSerialize(statusTrailer(convert(err))));
    return;
  }
  if (buf.length > 0) yield buf;
}

/** The handler's answer with every error in the stack's shape. */
export async function withStackErrors(protocol: RpcProtocol, res: UniversalServerResponse, convert: Convert): Promise<UniversalServerResponse> {
  switch (protocol) {
    case "grpc":
      if (!res.trailer) return res;
      return { ...res, body: grpcBody(res.body as AsyncIterable<Uint8Array> | undefined, res.trailer, convert) };
    case "grpc-web":
      return { ...res, body: grpcWebBody(res.body as AsyncIterable<Uint8Array> | undefined, convert) };
    case "connect": {
      // Unary errors: a JSON body with a non-200 status. Streams keep theirs.
      // Compressed ones are long: the runtime's own are short, so those are ours already.
      if (res.status === 200 || !res.body || res.header?.has("content-encoding")) return res;
      if (!/^application\/json/i.test(res.header?.get("content-type") ?? "")) return res;
      const bytes = await readAll(res.body as AsyncIterable<Uint8Array>);
      const fallback = new ConnectError("undecodable error", Code.Unknown);
      const err = (() => {
        try {
          return errorFromJsonBytes(bytes, undefined, fallback);
        } catch {
          return fallback;
        }
      })();
      if (err.findDetails(ErrorDetailsSchema).length > 0) return { ...res, body: createAsyncIterable([bytes]) };
      const converted = convert(err);
      const body = errorToJsonBytes(converted, {});
      const header = new Headers(res.header);
      header.set("content-length", String(body.length));
      header.delete("content-encoding");
      return { ...res, status: codeToHttpStatus(converted.code), header, body: createAsyncIterable([body]) };
    }
  }
}
