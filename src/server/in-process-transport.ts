// The Transport the /api/v3 gateway and the OAuth pages call the services
// through, in the same process and through the same interceptors as gRPC.
// Connect's createRouterTransport does this by speaking the Connect protocol
// to itself: it encodes the request to binary, wraps it in async iterables and
// abort signals, decodes it, and does the same backwards for the answer. That
// was most of the gateway's cost outside the database; this one hands the
// message to the implementation as Connect's own handlers do (interceptors,
// then the method), and keeps what a client of the wire would see:
// - the response header and trailer as the handler left them;
// - errors as a fresh ConnectError (code, message, details; no cause) whose
//   metadata holds the response header, the error's own metadata over it, and
//   the trailer, as the Connect protocol carries them.
// The call's AbortSignal (ctx.signal, req.signal) is made only when a handler
// or interceptor reads it: aborting a signal costs ~15 µs in Node 20, more
// than the rest of the call outside the database, and unary handlers here
// never read it. Made, it behaves as Connect's: it fires on the caller's
// signal, on the deadline, and when the call is over.
// Streaming calls (none today) still go through createRouterTransport.
import { create, isMessage, type DescMessage, type DescMethod, type DescService } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createContextValues,
  createMethodImplSpec,
  createRouterTransport,
  createServiceImplSpec,
  type ConnectRouter,
  type ConnectRouterOptions,
  type ContextValues,
  type HandlerContext,
  type Interceptor,
  type MethodImplSpec,
  type Transport,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";

/** Why the signal of a finished call fires (a fixed reason spares a DOMException per call). */
const callFinished = new ConnectError("call finished", Code.Canceled);

const keyOf = (method: { parent: { typeName: string }; name: string }) => `${method.parent.typeName}/${method.name}`;

type UnarySpec = Extract<MethodImplSpec, { kind: "unary" }>;
type Next = (req: UnaryRequest) => Promise<UnaryResponse>;

/** One call's HandlerContext; its signal exists once asked for. */
class CallContext implements HandlerContext {
  readonly protocolName = "connect";
  readonly requestMethod = "POST";
  readonly url: string;
  readonly service: DescService;
  readonly responseHeader = new Headers();
  readonly responseTrailer = new Headers();
  readonly values: ContextValues;
  private readonly deadline: number | undefined;
  private controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private onRequestAbort: (() => void) | undefined;

  constructor(
    readonly method: DescMethod,
    readonly requestHeader: Headers,
    private readonly requestSignal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    contextValues: ContextValues | undefined,
  ) {
    this.service = method.parent;
    this.url = `https://in-memory/${keyOf(method)}`;
    this.deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    this.values = contextValues ?? createContextValues();
  }

  timeoutMs = (): number | undefined => (this.deadline === undefined ? undefined : this.deadline - Date.now());

  get signal(): AbortSignal {
    if (this.controller) return this.controller.signal;
    const controller = (this.controller = new AbortController());
    const from = this.requestSignal;
    if (from?.aborted) controller.abort(from.reason);
    else if (from) from.addEventListener("abort", (this.onRequestAbort = () => controller.abort(from.reason)), { once: true });
    if (this.deadline !== undefined && !controller.signal.aborted) {
      const left = this.deadline - Date.now();
      const expire = () => controller.abort(new ConnectError("the operation timed out", Code.DeadlineExceeded));
      if (left <= 0) expire();
      else this.timer = setTimeout(expire, left);
    }
    return controller.signal;
  }

  /** The call is over: a signal that was made fires (and lets go of the caller's). */
  finish(): void {
    if (!this.controller) return;
    clearTimeout(this.timer);
    if (this.onRequestAbort) this.requestSignal!.removeEventListener("abort", this.onRequestAbort);
    this.controller.abort(callFinished);
  }

  /** The request the interceptors see; its signal is this context's, made on demand too. */
  request(method: DescMethod, message: unknown): UnaryRequest {
    const ctx = this;
    return {
      stream: false,
      method: method as UnaryRequest["method"],
      service: this.service,
      requestMethod: this.requestMethod,
      url: this.url,
      header: this.requestHeader,
      contextValues: this.values,
      message: message as UnaryRequest["message"],
      get signal() {
        return ctx.signal;
      },
    };
  }
}

/** The context the implementation sees for a request an interceptor replaced: the call's, with what the request says. */
function derivedContext(ctx: CallContext, req: UnaryRequest): HandlerContext {
  return {
    method: ctx.method,
    service: req.service,
    protocolName: ctx.protocolName,
    requestMethod: ctx.requestMethod,
    url: ctx.url,
    timeoutMs: ctx.timeoutMs,
    responseHeader: ctx.responseHeader,
    responseTrailer: ctx.responseTrailer,
    requestHeader: req.header,
    values: req.contextValues,
    signal: req.signal,
  };
}

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

  /** Interceptors, outermost first, around the implementation (as Connect's applyInterceptors). */
  const invoke = (spec: UnarySpec, ctx: CallContext, req: UnaryRequest): Promise<UnaryResponse> => {
    let next: Next = async (r) => {
      const output = await spec.impl(r.message as never, r === req ? ctx : derivedContext(ctx, r));
      const message = isMessage(output, spec.method.output) ? output : create(spec.method.output, output as never);
      return { stream: false, service: spec.method.parent, method: spec.method, header: ctx.responseHeader, trailer: ctx.responseTrailer, message } as UnaryResponse;
    };
    for (let i = opts.interceptors.length - 1; i >= 0; i--) next = opts.interceptors[i]!(next as never) as Next;
    return next(req);
  };

  return {
    async unary(method, signal, timeoutMs, header, input, contextValues) {
      const spec = specs.get(keyOf(method));
      if (!spec || spec.kind !== "unary") throw new ConnectError(`HTTP 404`, Code.Unimplemented);
      const ctx = new CallContext(method, new Headers(header), signal, timeoutMs, contextValues);
      const message = isMessage(input, method.input) ? input : create(method.input as DescMessage, input as never);
      try {
        const res = await invoke(spec, ctx, ctx.request(method, message));
        // An interceptor may answer with headers of its own: they are what the caller gets.
        copyInto(res.header, ctx.responseHeader);
        copyInto(res.trailer, ctx.responseTrailer);
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
        ctx.finish();
      }
    },
    stream(...args) {
      streams ??= createRouterTransport(routes, { router: routerOptions });
      return streams.stream(...args);
    },
  };
}

/** Replaces `to`'s entries with `from`'s (nothing to do when they are one object). */
function copyInto(from: Headers, to: Headers): void {
  if (from === to) return;
  for (const key of [...to.keys()]) to.delete(key);
  from.forEach((value, key) => to.set(key, value));
}
