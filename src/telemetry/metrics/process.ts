// prom-client's process metrics (CPU, memory, file descriptors, event loop
// lag, GC, heap spaces, handles), prefixed `is_`, in a server's registry.
// They describe the process, not a server, and prom-client starts an
// event-loop-delay timer and a GC observer for them that it cannot stop: made
// once per process and registered into every server's registry, so the
// hundreds of servers a test process starts share one set instead of piling
// up timers. The one exception to "nothing module-level" in this folder.
import { collectDefaultMetrics, Registry } from "prom-client";

let shared: Registry | undefined;

/** Adds the process metrics to `registry`. */
export function addProcessMetrics(registry: Registry): void {
  if (!shared) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared, prefix: "is_" });
  }
  for (const { name } of shared.getMetricsAsArray()) registry.registerMetric(shared.getSingleMetric(name)!);
}
