// Database spans without an async context. A traced call's scope hands its
// handlers (and authentication) a view of the tenant's Store whose every
// operation opens a CLIENT span, child of the call's span: `store
// applications.get`, db.system.name postgresql, db.operation.name
// `applications.get`. A span is one store operation: one statement, or one
// transaction (`store transact`: what runs inside is the transaction's, not
// spans of its own), so it is the time the request waited for the database.
// A lookup the auth cache answers from memory (src/cache/) opens none: it
// sent no statement. The cache reports a hit synchronously, before the lookup
// returns (CacheProbe), which is how the view tells without a context.
//
// Only traced calls get a view, and it costs little: its methods are shared
// functions on prototypes built once per tenant store, reading the call's
// trace from the view; a sub-store's view is made on its first use in a call.
import { SpanKind, type Attributes } from "@opentelemetry/api";
import type { CacheObserver } from "../../cache/index.js";
import type { Store } from "../../store/interfaces.js";
import { spanFailed, type RequestTrace } from "./request-trace.js";

/** Set while a lookup runs when the auth cache answered it from memory. */
export class CacheProbe implements CacheObserver {
  answered = false;
  hit(): void {
    this.answered = true;
  }
  miss(): void {}
  invalidated(): void {}
}

const traceOf = Symbol("trace");
const targetOf = Symbol("target");
const subsOf = Symbol("sub-stores");
interface View {
  [traceOf]: RequestTrace;
  [targetOf]: object;
  /** The store view's sub-store views, by the sub-store's index, made on first use. */
  [subsOf]?: Array<View | undefined>;
}

type Method = (...args: unknown[]) => unknown;

const isPromise = (v: unknown): v is Promise<unknown> => typeof (v as Promise<unknown> | undefined)?.then === "function";

/** Every method of `o`, its own and its classes' (sub-stores are plain objects or class instances). */
function methodNames(o: object): string[] {
  const names = new Set<string>();
  for (let p: object | null = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) if (name !== "constructor" && typeof (o as Record<string, unknown>)[name] === "function") names.add(name);
  }
  return [...names];
}

export class TracedStores {
  private readonly prototypes = new WeakMap<Store, object>();

  constructor(private readonly probe: CacheProbe) {}

  /** `store` as seen by a call traced by `trace`. */
  view(store: Store, trace: RequestTrace): Store {
    let proto = this.prototypes.get(store);
    if (!proto) this.prototypes.set(store, (proto = this.storePrototype(store)));
    const view = Object.create(proto) as View;
    view[traceOf] = trace;
    view[targetOf] = store;
    view[subsOf] = undefined;
    return view as unknown as Store;
  }

  /** A span around one store operation, unless the auth cache answered it. */
  private operation(trace: RequestTrace, name: string, attributes: Attributes, target: object, method: Method, args: unknown[]): unknown {
    const probe = this.probe;
    probe.answered = false;
    const started = performance.now();
    const result = method.apply(target, args);
    if (probe.answered || !isPromise(result)) {
      probe.answered = false;
      return result;
    }
    const span = trace.start(name, SpanKind.CLIENT, attributes, started);
    // The end in the same clock as the start (the SDK would take Date.now() for a span given its start).
    return result.then(
      (value) => {
        span.end(performance.now());
        return value;
      },
      (err: unknown) => {
        spanFailed(span, err);
        span.end(performance.now());
        throw err;
      },
    );
  }

  /** A shared function opening a span for `operation` of the view it is called on. */
  private traced(operation: string, name: string): Method {
    const attributes: Attributes = Object.freeze({ "db.system.name": "postgresql", "db.operation.name": operation });
    const spanName = `store ${operation}`;
    const self = this;
    return function (this: View, ...args: unknown[]) {
      const target = this[targetOf] as Record<string, Method>;
      return self.operation(this[traceOf], spanName, attributes, target, target[name]!, args);
    };
  }

  private storePrototype(store: Store): object {
    const proto: Record<string, unknown> = {};
    let subs = 0;
    for (const [name, value] of Object.entries(store)) {
      if (typeof value === "function") {
        // afterCommit registers a hook: nothing is sent.
        proto[name] = name === "afterCommit" ? function (this: View, ...args: unknown[]) { return (this[targetOf] as Record<string, Method>)[name]!(...args); } : this.traced(name, name);
      } else if (value && typeof value === "object") {
        const subProto = this.subPrototype(name, value);
        const index = subs++;
        Object.defineProperty(proto, name, {
          get(this: View) {
            // Made once per call (views keep their shape: no property is added to them).
            const made = (this[subsOf] ??= []);
            let sub = made[index];
            if (!sub) {
              sub = Object.create(subProto) as View;
              sub[traceOf] = this[traceOf];
              sub[targetOf] = (this[targetOf] as Record<string, object>)[name]!;
              made[index] = sub;
            }
            return sub;
          },
        });
      } else {
        proto[name] = value;
      }
    }
    return proto;
  }

  private subPrototype(storeName: string, sub: object): object {
    const proto: Record<string, unknown> = {};
    for (const name of methodNames(sub)) proto[name] = this.traced(`${storeName}.${name}`, name);
    for (const [name, value] of Object.entries(sub)) if (typeof value !== "function") proto[name] = value;
    return proto;
  }
}
