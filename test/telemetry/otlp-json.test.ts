// The tracer of src/telemetry/tracing/spans.ts and its OTLP/JSON encoding
// (otlp-json.ts), below the server: the encoding as a collector reads it
// (IDs, nanosecond times past 2^53, kinds, attribute values, the later value of
// a key set twice), and sampling (parent-based, a share of new traces).
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Span } from "@opentelemetry/api";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { exportRequest, unixNanos } from "../../src/telemetry/tracing/otlp-json.js";
import { LightTracer, type FinishedSpan } from "../../src/telemetry/tracing/spans.js";

type Json = { resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: Record<string, unknown> }> }; scopeSpans: Array<{ scope: { name: string }; spans: Array<Record<string, unknown>> }> }> };

function ended(probability = 1): { tracer: LightTracer; spans: FinishedSpan[] } {
  const spans: FinishedSpan[] = [];
  return { tracer: new LightTracer(probability, (s) => spans.push(s)), spans };
}

test("times as integer nanoseconds, exactly, past 2^53", () => {
  assert.is(unixNanos(1_700_000_000_123.5), "1700000000123500000");
  assert.is(unixNanos(1_700_000_000_000), "1700000000000000000");
  assert.is(unixNanos(1_700_000_000_999.9999999), "1700000001000000000");
});

test("a span as a collector reads it: hex IDs, parent, OTLP kind and status, typed values, later value of a key set twice", () => {
  const { tracer, spans } = ended();
  const shared = Object.freeze({ "rpc.service": "ttn.lorawan.v3.ApplicationRegistry", "rpc.method": "Get" });
  const root = tracer.startSpan("ttn.lorawan.v3.ApplicationRegistry/Get", { kind: SpanKind.SERVER, attributes: { "url.path": "/x", "rpc.method": "before" } });
  root.setAttributes(shared);
  root.setAttribute("rpc.grpc.status_code", 5);
  root.setAttribute("rpc.method", "Get2");
  root.setAttributes({ ratio: 0.5, ok: true, list: ["a", "b"] });
  root.setStatus({ code: SpanStatusCode.ERROR, message: "pkg/store:application_not_found" });
  const child = tracer.startChild("store applications.get", { kind: SpanKind.CLIENT, attributes: shared }, root);
  child.end();
  root.end();
  const body = JSON.parse(exportRequest(spans, { "service.name": "identity-server" }, { name: "identity-server", version: "1.0.0" })) as Json;
  const rs = body.resourceSpans[0]!;
  assert.equal(rs.resource.attributes, [{ key: "service.name", value: { stringValue: "identity-server" } }]);
  const [c, r] = rs.scopeSpans[0]!.spans as [Record<string, any>, Record<string, any>];
  assert.match(r.traceId, /^[0-9a-f]{32}$/);
  assert.match(r.spanId, /^[0-9a-f]{16}$/);
  assert.is(r.parentSpanId, undefined);
  assert.is(c.traceId, r.traceId);
  assert.is(c.parentSpanId, r.spanId);
  assert.equal([r.kind, c.kind], [2, 3]);
  assert.equal(r.status, { code: 2, message: "pkg/store:application_not_found" });
  assert.equal(c.status, {});
  assert.ok(BigInt(r.endTimeUnixNano) >= BigInt(r.startTimeUnixNano));
  const attrs = Object.fromEntries((r.attributes as Array<{ key: string; value: unknown }>).map((kv) => [kv.key, kv.value]));
  assert.is((r.attributes as unknown[]).length, Object.keys(attrs).length, "each key once");
  assert.equal(attrs, {
    "url.path": { stringValue: "/x" },
    "rpc.service": { stringValue: "ttn.lorawan.v3.ApplicationRegistry" },
    "rpc.method": { stringValue: "Get2" },
    "rpc.grpc.status_code": { intValue: "5" },
    ratio: { doubleValue: 0.5 },
    ok: { boolValue: true },
    list: { arrayValue: { values: [{ stringValue: "a" }, { stringValue: "b" }] } },
  });
  // The shared set is the same text in both spans (written once).
  assert.equal(c.attributes, [{ key: "rpc.service", value: { stringValue: "ttn.lorawan.v3.ApplicationRegistry" } }, { key: "rpc.method", value: { stringValue: "Get" } }]);
});

test("sampling: a share of new traces; children follow their parent; a sampled remote parent is followed at 0", () => {
  const { tracer, spans } = ended(0.25);
  let sampled = 0;
  for (let i = 0; i < 4000; i++) {
    const s = tracer.startSpan("x");
    if (s.isRecording()) sampled++;
    const child = tracer.startChild("y", {}, s);
    assert.is(child.isRecording(), s.isRecording());
    assert.is(child.spanContext().traceId, s.spanContext().traceId);
    child.end();
    s.end();
  }
  assert.ok(sampled > 850 && sampled < 1150, `about a quarter sampled: ${sampled}`);
  assert.is(spans.length, sampled * 2);

  const never = ended(0);
  const remote = (flags: number): Span => trace.wrapSpanContext({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: flags });
  const followed = never.tracer.startSpan("z", {}, trace.setSpan(ROOT_CONTEXT, remote(TraceFlags.SAMPLED)));
  assert.ok(followed.isRecording());
  assert.is(followed.spanContext().traceId, "0af7651916cd43dd8448eb211c80319c");
  assert.not.ok(never.tracer.startSpan("z", {}, trace.setSpan(ROOT_CONTEXT, remote(TraceFlags.NONE))).isRecording());
  assert.not.ok(never.tracer.startSpan("z").isRecording());
});

test.run();
