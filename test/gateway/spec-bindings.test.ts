// The served API against the public one: every Identity Server method of The
// Things Stack v3 (test/fixtures/spec-http-bindings.json: the verb, template
// and body of each binding, extracted from the project's API spec
// ../shared/spec/ttn-v3-identity-server-http.json, so the test runs in any
// checkout) is served over gRPC under the same
// service and method name, and every HTTP binding of it is a route of /api/v3
// with the same verb, path template and body. Nothing is left out by accident.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildRoutes } from "../../src/gateway/routes.js";
import { apiServices } from "../../src/server/routes.js";

interface Binding {
  method: string;
  pattern: string;
  body?: string;
}
type Spec = Record<string, Record<string, { http: Binding[] }>>;

const specPath = new URL("../fixtures/spec-http-bindings.json", import.meta.url);
const spec = JSON.parse(readFileSync(specPath, "utf8")) as Spec;
const routes = buildRoutes(apiServices);

test("the spec lists the 121 methods of the public API", () => {
  const count = Object.values(spec).reduce((n, methods) => n + Object.keys(methods).length, 0);
  assert.is(count, 121);
});

test("every method of the public API is served over gRPC", () => {
  const missing: string[] = [];
  for (const [service, methods] of Object.entries(spec)) {
    const served = apiServices.find((s) => s.typeName === `ttn.lorawan.v3.${service}`);
    for (const method of Object.keys(methods)) {
      if (!served?.methods.some((m) => m.name === method)) missing.push(`${service}.${method}`);
    }
  }
  assert.equal(missing, []);
});

test("every HTTP binding of the public API is a route with the same verb, template and body", () => {
  const missing: string[] = [];
  let bindings = 0;
  for (const [service, methods] of Object.entries(spec)) {
    for (const [method, { http }] of Object.entries(methods)) {
      for (const b of http.filter((h) => h.pattern)) {
        bindings++;
        const found = routes.some(
          (r) =>
            r.service.name === service && r.method.name === method && r.httpMethod === b.method.toUpperCase() &&
            r.template.source === b.pattern && r.body === (b.body ?? ""),
        );
        if (!found) missing.push(`${service}.${method}: ${b.method.toUpperCase()} ${b.pattern} body=${b.body ?? ""}`);
      }
    }
  }
  assert.is(bindings, 144, "bindings read from the spec");
  assert.equal(missing, []);
});

test("no route beyond the public API's bindings (for the methods it lists)", () => {
  const extra = routes
    .filter((r) => spec[r.service.name]?.[r.method.name])
    .filter((r) => !spec[r.service.name]![r.method.name]!.http.some((b) => b.pattern === r.template.source && b.method.toUpperCase() === r.httpMethod))
    .map((r) => `${r.service.name}.${r.method.name}: ${r.httpMethod} ${r.template.source}`);
  assert.equal(extra, []);
});

test.run();
