// W3C Trace Context (`traceparent`, `tracestate`) in and out, explicitly: the
// parent of a request's span is read from its headers into a context of its
// own (never an active context: there is none, see index.ts), and outgoing
// calls get the headers of the span that makes them.
import { ROOT_CONTEXT, trace, type Context, type Span, type TextMapGetter, type TextMapSetter } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";

const propagator = new W3CTraceContextPropagator();

type NodeHeaders = Record<string, string | string[] | undefined>;

const nodeGetter: TextMapGetter<NodeHeaders> = {
  get: (headers, key) => headers[key],
  keys: (headers) => Object.keys(headers),
};

const fetchGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** The parent a Node request names in its `traceparent` (ROOT_CONTEXT when none: a new trace). */
export function parentOfNodeRequest(headers: NodeHeaders): Context {
  return headers.traceparent === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, headers, nodeGetter);
}

/** The parent a call's headers name (a transport used on its own). */
export function parentOfHeaders(headers: Headers): Context {
  return headers.has("traceparent") ? propagator.extract(ROOT_CONTEXT, headers, fetchGetter) : ROOT_CONTEXT;
}

/** `traceparent` (and `tracestate`) naming `span` as the parent of the call it makes. */
export function traceHeaders(span: Span, context: Context = trace.setSpan(ROOT_CONTEXT, span)): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagator.inject(context, carrier, recordSetter);
  return carrier;
}
