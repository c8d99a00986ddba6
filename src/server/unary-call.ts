// One unary call of a service implementation without Connect's streaming
// machinery: the HandlerContext and the interceptors around the method, as
// Connect's invokeUnaryImplementation runs them. Shared by the in-process
// transport (the /api/v3 gateway, the OAuth pages) and the gRPC fast path.
//
// Why not Connect's own: its handler context makes two AbortControllers per
// call and aborts one when the call ends, and aborting costs ~15 µs in Node 20
// (an Event and, without a reason, a DOMException), more than the rest of a
// call outside the database. Here the call's AbortSignal (ctx.signal,
// req.signal) is made only when a handler or interceptor reads it, which unary
// handlers here never do. Made, it behaves as Connect's: it fires when the
// caller goes away, at the deadline, and when the call is over.
import { create, isMessage, type DescMethod, type DescService } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createContextValues,
  createMethodImplSpec,
  createServiceImplSpec,
  type ConnectRouter,
  type ContextValues,
  type HandlerContext,
  type Interceptor,
  type MethodImplSpec,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";

export type UnarySpec = Extract<MethodImplSpec, { kind: "unary" }>;
type Next = (req: UnaryRequest) => Promise<UnaryResponse>;

/** `/package.Service/Method`, the path of a method as gRPC and Connect call it. */
export const methodPath = (method: DescMethod) => `/${method.parent.typeName}/${method.name}`;

/**
 * The implementations the routes register, by method path; with `forward`,
 * registered there too (one instance of each service for both). Options of a
 * registration (the server passes none) are Connect's alone.
 */
export function implementations(routes: (router: ConnectRouter) => void, forward?: ConnectRouter): Map<string, MethodImplSpec> {
  const specs = new Map<string, MethodImplSpec>();
  const capture: ConnectRouter = {
    handlers: forward?.handlers ?? [],
    service(service, impl, options) {
      for (const spec of Object.values(createServiceImplSpec(service, impl).methods)) specs.set(methodPath(spec.method), spec);
      forward?.service(service, impl, options);
      return capture;
    },
    rpc(method, impl, options) {
      specs.set(methodPath(method), createMethodImplSpec(method, impl as never) as MethodImplSpec);
      forward?.rpc(method, impl, options);
      return capture;
    },
  };
  routes(capture);
  return specs;
}

export interface CallInit {
  method: DescMethod;
  protocolName: string;
  /** The URL the call came in on; a function when making it costs (called once, if ever: nothing here reads it). */
  url: string | (() => string);
  requestHeader: Headers;
  /** What tells the call its caller went away; a function when making it costs (called once, if ever). */
  requestSignal?: AbortSignal | (() => AbortSignal);
  timeoutMs?: number;
  contextValues?: ContextValues;
  responseHeader?: Headers;
  responseTrailer?: Headers;
}

/** One call's HandlerContext; its signal exists once asked for. */
export class CallContext implements HandlerContext {
  readonly method: DescMethod;
  readonly service: DescService;
  readonly protocolName: string;
  readonly requestMethod = "POST";
  readonly requestHeader: Headers;
  readonly responseHeader: Headers;
  readonly responseTrailer: Headers;
  readonly values: ContextValues;
  private madeUrl: string | (() => string);
  private readonly deadline: number | undefined;
  private requestSignal: AbortSignal | (() => AbortSignal) | undefined;
  private controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private onRequestAbort: (() => void) | undefined;

  constructor(init: CallInit) {
    this.method = init.method;
    this.service = init.method.parent;
    this.protocolName = init.protocolName;
    this.madeUrl = init.url;
    this.requestHeader = init.requestHeader;
    this.requestSignal = init.requestSignal;
    this.deadline = init.timeoutMs === undefined ? undefined : Date.now() + init.timeoutMs;
    this.values = init.contextValues ?? createContextValues();
    this.responseHeader = init.responseHeader ?? new Headers();
    this.responseTrailer = init.responseTrailer ?? new Headers();
  }

  get url(): string {
    if (typeof this.madeUrl === "function") this.madeUrl = this.madeUrl();
    return this.madeUrl;
  }

  timeoutMs(): number | undefined {
    return this.deadline === undefined ? undefined : this.deadline - Date.now();
  }

  get signal(): AbortSignal {
    if (this.controller) return this.controller.signal;
    const controller = (this.controller = new AbortController());
    const from = typeof this.requestSignal === "function" ? (this.requestSignal = this.requestSignal()) : this.requestSignal;
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
  finish(reason: unknown): void {
    if (!this.controller) return;
    clearTimeout(this.timer);
    if (this.onRequestAbort) (this.requestSignal as AbortSignal).removeEventListener("abort", this.onRequestAbort);
    this.controller.abort(reason);
  }

  /** The request the interceptors see; its signal is this context's, made on demand too. */
  request(message: unknown): UnaryRequest {
    const ctx = this;
    return {
      stream: false,
      method: this.method as UnaryRequest["method"],
      service: this.service,
      requestMethod: this.requestMethod,
      get url() {
        return ctx.url;
      },
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
    timeoutMs: () => ctx.timeoutMs(),
    responseHeader: ctx.responseHeader,
    responseTrailer: ctx.responseTrailer,
    requestHeader: req.header,
    values: req.contextValues,
    signal: req.signal,
  };
}

/** The innermost step of a call: the method itself, its answer as a whole message. */
async function callImplementation(spec: UnarySpec, ctx: CallContext, original: UnaryRequest, req: UnaryRequest): Promise<UnaryResponse> {
  const output = await spec.impl(req.message as never, req === original ? ctx : derivedContext(ctx, req));
  const message = isMessage(output, spec.method.output) ? output : create(spec.method.output, output as never);
  return { stream: false, service: spec.method.parent, method: spec.method, header: ctx.responseHeader, trailer: ctx.responseTrailer, message } as UnaryResponse;
}

/**
 * Runs the interceptors (outermost first) around the implementation, as
 * Connect's applyInterceptors and invokeUnaryImplementation do; the answer's
 * header and trailer end up in the context's, where the caller reads them.
 */
export async function invokeUnary(spec: UnarySpec, ctx: CallContext, message: unknown, interceptors: readonly Interceptor[]): Promise<UnaryResponse> {
  const req = ctx.request(message);
  let next: Next = callImplementation.bind(undefined, spec, ctx, req);
  for (let i = interceptors.length - 1; i >= 0; i--) next = interceptors[i]!(next as never) as Next;
  const res = await next(req);
  // An interceptor may answer with headers of its own: they are what the caller gets.
  copyInto(res.header, ctx.responseHeader);
  copyInto(res.trailer, ctx.responseTrailer);
  return res;
}

/** Replaces `to`'s entries with `from`'s (nothing to do when they are one object). */
function copyInto(from: Headers, to: Headers): void {
  if (from === to) return;
  for (const key of [...to.keys()]) to.delete(key);
  from.forEach((value, key) => to.set(key, value));
}
