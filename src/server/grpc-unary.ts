// The fast path of the RPC port: unary gRPC over HTTP/2 with binary messages,
// which is what gRPC clients (grpc-go, grpc-js, the stack's components) send.
// Connect's gRPC handler pipes every call through a dozen async iterables and
// makes three AbortControllers per call, two of which it aborts; together that
// was more CPU than the rest of a Get outside the database. This reads the one
// request envelope, runs the call (unary-call.ts) and writes what Connect
// would: content type, grpc-encoding, the handler's headers, one envelope
// (compressed as Connect would), and the status in the trailers, errors with
// the stack's details (rpc-errors.ts) as on Connect's answers.
//
// Whatever is less common is left to Connect, decided from the headers before
// the body is read: HTTP/1.1, gRPC's JSON codec, compressed requests, a
// grpc-timeout Connect would refuse, streaming methods.
// A body that is not exactly one envelope gets Connect's errors, in its order.
import { callValues } from "../telemetry/request-log/context.js";
import type http2 from "node:http2";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import {
  compressedFlag,
  compressionNegotiate,
  createMethodSerializationLookup,
  encodeEnvelope,
  envelopeCompress,
  validateUniversalHandlerOptions,
  type Compression,
} from "@connectrpc/connect/protocol";
import { contentTypeProto, parseContentType, parseTimeout, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { rewriteTrailer, type Convert } from "./rpc-errors.js";
import { CallContext, invokeUnary, type UnarySpec } from "./unary-call.js";

export interface GrpcUnaryOptions {
  interceptors: readonly Interceptor[];
  readMaxBytes: number;
  acceptCompression: Compression[];
  /** Errors without the stack's details get them (rpc-errors.ts). */
  convert: Convert;
}

/** What a unary call answers: the header, the envelope (none after a failure), the trailers. */
interface GrpcAnswer {
  header: Headers;
  body: Uint8Array | undefined;
  trailer: Headers;
}

type Serialization = ReturnType<typeof createMethodSerializationLookup>;
type Envelope = { flags: number; data: Uint8Array };

/** Request headers as Connect's adapter gives them to handlers (no pseudo-headers). */
function webHeaders(node: http2.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const name of Object.keys(node)) {
    if (name.startsWith(":")) continue;
    const value = node[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.append(name, String(value));
  }
  return headers;
}

function firstValue(v: string | string[] | undefined): string | null {
  return v === undefined ? null : Array.isArray(v) ? (v[0] ?? null) : v;
}

/** Raised when the body ends in the middle of an envelope (Connect's words and code). */
const incomplete = () => new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument);

// The readers of the bodies being read, for the event listeners below: one
// set of functions for every request (with Node's `this`, the request), not
// closures per call, which the runtime (names kept) makes costly.
const readers = new WeakMap<http2.Http2ServerRequest, EnvelopeReader>();

function onData(this: http2.Http2ServerRequest, chunk: Buffer): void {
  readers.get(this)?.data(chunk);
}
function onEnd(this: http2.Http2ServerRequest): void {
  readers.get(this)?.end();
}
function onError(this: http2.Http2ServerRequest, err: unknown): void {
  readers.get(this)?.finish(ConnectError.from(err, Code.Aborted));
}
function onClose(this: http2.Http2ServerRequest): void {
  readers.get(this)?.finish(new ConnectError("the client went away", Code.Aborted));
}

/**
 * Reads envelopes off the request as they complete, checking each declared
 * length against readMaxBytes as Connect's decoder does; `onEnvelope` says
 * whether to go on (a unary call stops at the second: Connect looks no further).
 */
class EnvelopeReader {
  private pending: Buffer = Buffer.alloc(0);
  private count = 0;

  constructor(
    private readonly req: http2.Http2ServerRequest,
    private readonly readMaxBytes: number,
    private readonly onEnvelope: (env: Envelope, n: number) => boolean,
    private readonly resolve: (count: number) => void,
    private readonly reject: (err: unknown) => void,
  ) {
    readers.set(req, this);
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  }

  data(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    try {
      while (this.pending.length >= 5) {
        const length = this.pending.readUInt32BE(1);
        if (length > this.readMaxBytes) {
          throw new ConnectError(`message size ${length} is larger than configured readMaxBytes ${this.readMaxBytes}`, Code.ResourceExhausted);
        }
        if (this.pending.length < 5 + length) break;
        const env = { flags: this.pending[0]!, data: new Uint8Array(this.pending.subarray(5, 5 + length)) };
        this.pending = this.pending.subarray(5 + length);
        if (!this.onEnvelope(env, ++this.count)) return this.finish(undefined);
      }
    } catch (err) {
      this.finish(err);
    }
  }

  end(): void {
    this.finish(this.pending.length > 0 ? incomplete() : undefined);
  }

  finish(err: unknown): void {
    const { req } = this;
    if (readers.get(req) !== this) return;
    readers.delete(req);
    req.off("data", onData);
    req.off("end", onEnd);
    req.off("error", onError);
    req.off("close", onClose);
    // Stopped before the end (a second envelope, an error): read no further, as Connect does not.
    if (!req.readableEnded) req.pause();
    if (err) this.reject(err);
    else this.resolve(this.count);
  }
}

function readEnvelopes(req: http2.Http2ServerRequest, readMaxBytes: number, onEnvelope: (env: Envelope, n: number) => boolean): Promise<number> {
  return new Promise((resolve, reject) => void new EnvelopeReader(req, readMaxBytes, onEnvelope, resolve, reject));
}

// (Made by functions rather than written inline where they are used: the
// runtime compiles with names kept, which costs a defineProperty per inline
// named function, per call.)

/** The full URL of the request, as Connect's adapter makes it, when asked. */
function urlOf(req: http2.Http2ServerRequest): () => string {
  return () => new URL(req.url, `${"encrypted" in req.socket && req.socket.encrypted ? "https" : "http"}://${req.authority}`).toString();
}

/** The signal of the client going away, when asked. */
function goneSignal(req: http2.Http2ServerRequest): () => AbortSignal {
  return () => clientGone(req);
}

/** Fires when the HTTP/2 stream closes (made only when a handler asks). */
function clientGone(req: http2.Http2ServerRequest): AbortSignal {
  const abort = new AbortController();
  const gone = () => {
    const code = req.stream.rstCode;
    abort.abort(code ? new ConnectError(`http/2 stream closed with error code 0x${code.toString(16)}`, Code.Canceled) : undefined);
  };
  if (req.stream.closed) gone();
  else req.once("close", gone);
  return abort.signal;
}

export function grpcUnaryHandler(opts: GrpcUnaryOptions) {
  const { acceptCompression, compressMinBytes, maxTimeoutMs, readMaxBytes, writeMaxBytes } = validateUniversalHandlerOptions({
    readMaxBytes: opts.readMaxBytes,
    acceptCompression: opts.acceptCompression,
  });
  const serializations = new WeakMap<UnarySpec, Serialization>();
  const serializationOf = (spec: UnarySpec) => {
    let s = serializations.get(spec);
    if (!s) serializations.set(spec, (s = createMethodSerializationLookup(spec.method, undefined, undefined, { readMaxBytes, writeMaxBytes })));
    return s;
  };

  /** Answers a unary gRPC call; undefined (nothing done) when Connect should take the request. */
  return function serve(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse, spec: UnarySpec): Promise<void> | undefined {
    if (req.method !== "POST") return undefined;
    if (parseContentType(firstValue(req.headers["content-type"]))?.binary !== true) return undefined;
    const encoding = firstValue(req.headers["grpc-encoding"]);
    if (encoding !== null && encoding !== "identity") return undefined;
    const timeout = parseTimeout(firstValue(req.headers["grpc-timeout"]), maxTimeoutMs);
    if (timeout.error) return undefined;
    const compression = compressionNegotiate(acceptCompression, encoding, firstValue(req.headers["grpc-accept-encoding"]), "Grpc-Accept-Encoding");
    return call(req, spec, compression.response, timeout.timeoutMs).then((answer) => writeAnswer(res, answer, (err) => opts.convert(err, req)));
  };

  async function call(req: http2.Http2ServerRequest, spec: UnarySpec, compression: Compression | null, timeoutMs: number | undefined): Promise<GrpcAnswer> {
    const serialization = serializationOf(spec);
    const responseHeader = new Headers();
    responseHeader.set("content-type", contentTypeProto);
    if (compression) responseHeader.set("grpc-encoding", compression.name);
    const responseTrailer = new Headers();
    responseTrailer.set("grpc-status", "0");
    const ctx = new CallContext({
      method: spec.method,
      protocolName: "grpc",
      url: urlOf(req),
      requestHeader: webHeaders(req.headers),
      requestSignal: goneSignal(req),
      timeoutMs,
      responseHeader,
      responseTrailer,
      contextValues: callValues(req),
    });
    let body: Uint8Array | undefined;
    let failure: unknown;
    try {
      // Envelope by envelope as Connect's pipeline: decompress (nothing to
      // decompress here: the request is not compressed), parse; then exactly one.
      let input: unknown;
      let parseError: unknown;
      const count = await readEnvelopes(req, readMaxBytes, (env, n) => {
        try {
          if ((env.flags & compressedFlag) === compressedFlag) {
            throw new ConnectError("received compressed envelope, but do not know how to decompress", Code.Internal);
          }
          const message = serialization.getI(true).parse(env.data);
          if (n === 1) input = message;
        } catch (err) {
          parseError = err;
          return false;
        }
        return n < 2;
      });
      if (parseError) throw parseError;
      if (count === 0) throw new ConnectError("protocol error: missing input message for unary method", Code.Unimplemented);
      if (count > 1) throw new ConnectError("protocol error: received extra input message for unary method", Code.Unimplemented);
      const res = await invokeUnary(spec, ctx, input, opts.interceptors);
      const env = await envelopeCompress({ flags: 0, data: serialization.getO(true).serialize(res.message) }, compression, compressMinBytes);
      body = encodeEnvelope(env.flags, env.data);
    } catch (err) {
      failure = err;
      setTrailerStatus(responseTrailer, err instanceof ConnectError ? err : new ConnectError("internal error", Code.Internal, undefined, undefined, err));
    } finally {
      // (As Connect's context: aborted with the failure, or without a reason when the call succeeded.)
      ctx.finish(failure);
    }
    return { header: ctx.responseHeader, body, trailer: ctx.responseTrailer };
  }
}

/** Node's form of a Headers (as connect-node writes them). */
function nodeHeaders(headers: Headers): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = Object.create(null);
  headers.forEach((value, key) => {
    const had = out[key];
    out[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [String(had), value];
  });
  return out;
}

/**
 * Writes the answer as connect-node writes a UniversalServerResponse: the
 * header, the envelope, the trailers (errors given the stack's details first).
 */
function writeAnswer(res: http2.Http2ServerResponse, answer: GrpcAnswer, convert: Convert): Promise<void> {
  // The client went away during the call: nobody to answer.
  if (res.stream.destroyed) return Promise.resolve();
  rewriteTrailer(answer.trailer, convert);
  return new Promise((resolve, reject) => {
    writes.set(res, { resolve, reject });
    res.once("error", onWriteError);
    res.once("close", onWritten);
    res.writeHead(200, nodeHeaders(answer.header));
    res.addTrailers(nodeHeaders(answer.trailer));
    if (answer.body) res.end(answer.body);
    else res.end();
  });
}

/** Answers being written, settled when the stream closes or fails (shared listeners, as for reading). */
const writes = new WeakMap<http2.Http2ServerResponse, { resolve: () => void; reject: (err: unknown) => void }>();

function onWritten(this: http2.Http2ServerResponse): void {
  settleWrite(this, undefined);
}
function onWriteError(this: http2.Http2ServerResponse, err: unknown): void {
  settleWrite(this, err ?? new Error("write failed"));
}
function settleWrite(res: http2.Http2ServerResponse, err: unknown): void {
  const pending = writes.get(res);
  if (!pending) return;
  writes.delete(res);
  res.off("error", onWriteError);
  res.off("close", onWritten);
  if (err) pending.reject(err);
  else pending.resolve();
}
