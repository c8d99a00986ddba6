// The Transport the /api/v3 gateway and the OAuth pages call the services
// through, in the same process and through the same interceptors as gRPC.
// Connect's createRouterTransport does this by speaking the Connect protocol
// to itself: it encodes the request to binary, wraps it in async iterables and
// abort signals, decodes it, and does the same backwards for the answer. That
// was most of the gateway's cost outside the database; this one hands the
// message to the implementation as Connect's own handlers do
// (invokeUnaryImplementation: interceptors, then the method), and keeps what a
// client of the wire would see:
// - the response header and trailer as the handler left them;
// - errors as a fresh ConnectError (code, message, details; no cause) whose
//   metadata holds the response header, the error's own metadata over it, and
//   the trailer, as the Connect protocol carries them.
// Streaming calls (none today) still go through createRouterTransport.
import { create, isMessage, type DescMessage } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createHandlerContext,
  createMethodImplSpec,
  createRouterTransport,
  createServiceImplSpec,
  type ConnectRouter,
  type ConnectRouterOptions,
  type Interceptor,
  type MethodImplSpec,
  type Transport,
} from "@connectrpc/connect";
import { invokeUnaryImplementation } from "@connectrpc/connect/protocol";

/** Why the signal of a finished call fires (a fixed reason spares a DOMException per call). */
const callFinished = new ConnectError("call finished", Code.Canceled);

const keyOf = (method: { parent: { typeName: string }; name: string }) => `${method.parent.typeName}/${method.name}`;

export function createInProcessTransport(routes: (router: ConnectRouter) => void, opts: { interceptors: Interceptor[] }): Transport {
  const specs = new Map<string, MethodImplSpec>();
  const capture: ConnectRouter = {
    handlers: [],
    service(service, impl) {
      for (const spec of Object.values(createServiceImplSpec(service, impl).methods)) specs.set(keyOf(spec.method), spec);
      return capture;
    },
    rpc(method, impl) {
      specs.set(keyOf(method), createMethodImplSpec(method, impl as never) as MethodImplSpec);
      return capture;
    },
  };
  routes(capture);
  let streams: Transport | undefined;
  const routerOptions: ConnectRouterOptions = { interceptors: opts.interceptors };

  return {
    async unary(method, signal, timeoutMs, header, input, contextValues) {
      const spec = specs.get(keyOf(method));
      if (!spec || spec.kind !== "unary") throw new ConnectError(`HTTP 404`, Code.Unimplemented);
      const context = createHandlerContext({
        service: method.parent,
        method,
        protocolName: "connect",
        requestMethod: "POST",
        url: `https://in-memory/${keyOf(method)}`,
        requestHeader: header,
        requestSignal: signal,
        timeoutMs,
        contextValues,
      });
      const message = isMessage(input, method.input) ? input : create(method.input as DescMessage, input as never);
      try {
        const output = await invokeUnaryImplementation(spec, context, message as never, opts.interceptors);
        return { stream: false, service: method.parent, method, header: context.responseHeader, trailer: context.responseTrailer, message: output as never };
      } catch (e) {
        const err = e instanceof ConnectError ? e : new ConnectError("internal error", Code.Internal, undefined, undefined, e);
        const metadata = new Headers(context.responseHeader);
        err.metadata.forEach((value, key) => metadata.set(key, value));
        context.responseTrailer.forEach((value, key) => metadata.append(key, value));
        const answer = new ConnectError(err.rawMessage, err.code, metadata);
        answer.details.push(...err.details);
        throw answer;
      } finally {
        context.abort(callFinished);
      }
    },
    stream(...args) {
      streams ??= createRouterTransport(routes, { router: routerOptions });
      return streams.stream(...args);
    },
  };
}
