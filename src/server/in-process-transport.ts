// The Transport the /api/v3 gateway and the OAuth pages call the services
// through, in the same process and through the same interceptors as gRPC.
// Connect's createRouterTransport does this by speaking the Connect protocol
// to itself: it encodes the request to binary, wraps it in async iterables and
// abort signals, decodes it, and does the same backwards for the answer. That
// was most of the gateway's cost outside the database; this one hands the
// message to the implementation (unary-call.ts), and keeps what a client of
// the wire would see:
// - the response header and trailer as the handler left them;
// - errors as a fresh ConnectError (code, message, details; no cause) whose
//   metadata holds the response header, the error's own metadata over it, and
//   the trailer, as the Connect protocol carries them.
// Streaming calls (none today) still go through createRouterTransport.
import { create, isMessage, type DescMessage } from "@bufbuild/protobuf";
import { Code, ConnectError, createRouterTransport, type ConnectRouter, type Interceptor, type Transport } from "@connectrpc/connect";
import { CallContext, implementations, invokeUnary, methodPath } from "./unary-call.js";

/** Why the signal of a finished call fires (a fixed reason spares a DOMException per call). */
const callFinished = new ConnectError("call finished", Code.Canceled);

/** The caller's request header as a Headers of the call's own (from a record: appended one by one, cheaper than Headers' record conversion). */
function headersOf(init: ConstructorParameters<typeof Headers>[0]): Headers {
  if (init === undefined || init instanceof Headers || Array.isArray(init)) return new Headers(init);
  const headers = new Headers();
  // (String(): as Headers' own conversion writes a list value.)
  for (const name of Object.keys(init)) headers.append(name, String(init[name]));
  return headers;
}

export function createInProcessTransport(routes: (router: ConnectRouter) => void, opts: { interceptors: Interceptor[] }): Transport {
  const specs = implementations(routes);
  let streams: Transport | undefined;

  return {
    async unary(method, signal, timeoutMs, header, input, contextValues) {
      const path = methodPath(method);
      const spec = specs.get(path);
      if (!spec || spec.kind !== "unary") throw new ConnectError(`HTTP 404`, Code.Unimplemented);
      const ctx = new CallContext({
        method,
        protocolName: "connect",
        url: `https://in-memory${path}`,
        requestHeader: headersOf(header),
        requestSignal: signal,
        timeoutMs,
        contextValues,
      });
      const message = isMessage(input, method.input) ? input : create(method.input as DescMessage, input as never);
      try {
        const res = await invokeUnary(spec, ctx, message, opts.interceptors);
        return { stream: false, service: method.parent, method, header: ctx.responseHeader, trailer: ctx.responseTrailer, message: res.message as never };
      } catch (e) {
        const err = e instanceof ConnectError ? e : new ConnectError("internal error", Code.Internal, undefined, undefined, e);
        const metadata = new Headers(ctx.responseHeader);
        err.metadata.forEach((value, key) => metadata.set(key, value));
        ctx.responseTrailer.forEach((value, key) => metadata.append(key, value));
        const answer = new ConnectError(err.rawMessage, err.code, metadata);
        answer.details.push(...err.details);
        throw answer;
      } finally {
        ctx.finish(callFinished);
      }
    },
    stream(...args) {
      streams ??= createRouterTransport(routes, { router: { interceptors: opts.interceptors } });
      return streams.stream(...args);
    },
  };
}
