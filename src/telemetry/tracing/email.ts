// E-mail deliveries as spans of their own: the worker sends long after the
// request that queued the message (the outbox keeps no trace context), so each
// attempt is the root of a trace, CLIENT kind, named `email send`, with the
// provider, template, outbox ID, tenant and attempt. SendGrid's request
// carries the span's `traceparent`; SMTP has no place for it.
import { ROOT_CONTEXT, SpanKind, type Tracer } from "@opentelemetry/api";
import type { TraceDelivery } from "../../email/worker.js";
import { traceHeaders } from "./propagation.js";
import { spanFailed } from "./request-trace.js";

export function deliveryTracer(tracer: Tracer): TraceDelivery {
  return async (message, provider, send) => {
    const span = tracer.startSpan(
      "email send",
      {
        kind: SpanKind.CLIENT,
        attributes: {
          "is.email.provider": provider,
          "is.email.template": message.template,
          "is.email.id": message.id,
          "is.email.attempt": message.attempts,
          "is.tenant_id": message.tenantId,
        },
      },
      ROOT_CONTEXT,
    );
    if (!span.isRecording()) return send();
    try {
      await send(traceHeaders(span));
    } catch (err) {
      spanFailed(span, err);
      throw err;
    } finally {
      span.end();
    }
  };
}
