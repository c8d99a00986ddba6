// Puts one server's tracing together once tracing is on (index.ts loads this,
// with the OpenTelemetry SDK behind it, only then): the provider and the
// seams' pieces sharing its tracer.
import type { CacheObserver } from "../../cache/index.js";
import { fallbackRoute } from "../metrics/routes.js";
import { traceKey } from "./context.js";
import { deliveryTracer } from "./email.js";
import { tracingHttp } from "./http.js";
import type { ServerTracing, TracingDeps } from "./index.js";
import { tracingInterceptor } from "./interceptor.js";
import { startTraceProvider } from "./provider.js";
import type { TracingSettings } from "./settings.js";
import { CacheProbe, TracedStores } from "./store.js";

export function serverTracing(settings: TracingSettings, deps: TracingDeps): ServerTracing {
  const provider = startTraceProvider(settings, deps.log);
  const { tracer } = provider;
  const routeOf = deps.routeOf ?? fallbackRoute(deps.config);
  const probe = new CacheProbe();
  const stores = new TracedStores(probe);
  return {
    interceptor: tracingInterceptor(tracer),
    http: (handler, route) => tracingHttp(tracer, handler, route === undefined ? routeOf : () => route),
    traceStore(store, values) {
      const trace = values.get(traceKey);
      return trace ? stores.view(store, trace) : store;
    },
    observeCache(inner) {
      return (cache): CacheObserver => {
        const observer = inner?.(cache);
        if (!observer) return probe;
        return {
          hit: () => (probe.hit(), observer.hit()),
          miss: () => observer.miss(),
          invalidated: () => observer.invalidated(),
        };
      };
    },
    email: deliveryTracer(tracer),
    flush: () => provider.flush(),
    close: () => provider.shutdown(),
  };
}
