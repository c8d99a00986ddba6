// grpc.health.v1.Health: SERVING while the server runs, NOT_SERVING once it
// drains, so load balancers stop sending traffic before it closes.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { Health, HealthCheckResponseSchema, HealthCheckResponse_ServingStatus as Status } from "../../gen/grpc/health/v1/health_pb.js";

export interface HealthState {
  serving: boolean;
  /** Resolves when the server starts draining. */
  draining: Promise<void>;
}

/** `services`: the fully-qualified names of the services served (health of "" is the server's). */
export function healthService(state: HealthState, services: readonly string[]): ServiceImpl<typeof Health> {
  const known = new Set(["", ...services]);
  const status = () => create(HealthCheckResponseSchema, { status: state.serving ? Status.SERVING : Status.NOT_SERVING });
  return {
    async check(req) {
      if (!known.has(req.service)) throw new ConnectError(`unknown service ${req.service}`, Code.NotFound);
      return status();
    },
    async *watch(req, ctx) {
      if (!known.has(req.service)) {
        yield create(HealthCheckResponseSchema, { status: Status.SERVICE_UNKNOWN });
        return;
      }
      yield status();
      if (!state.serving) return;
      await Promise.race([state.draining, new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }))]);
      if (!ctx.signal.aborted) yield status();
    },
  };
}
