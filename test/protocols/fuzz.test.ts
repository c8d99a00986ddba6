// Malformed input over every route: each /api/v3 route (from the descriptors),
// every RPC method over Connect (JSON and proto) and gRPC-Web, and every OAuth
// page and endpoint get NUL characters in path segments, bodies and queries,
// bad escapes, lone surrogates and undecodable JSON/protobuf. Every request is
// answered within a timeout, never with 5xx (or gRPC INTERNAL/UNKNOWN), and
// errors are in the stack's shape. A fixed seed keeps the run reproducible.
import type { DescMessage } from "@bufbuild/protobuf";
import { trailerParse } from "@connectrpc/connect/protocol-grpc-web";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildRoutes, formatPathTemplate } from "../../src/gateway/index.js";
import { accountApiPaths } from "../../src/oauth/ui/account-api.js";
import { pages } from "../../src/oauth/ui/pages/index.js";
import { apiServices } from "../../src/server/routes.js";
import { startTestServer } from "../helpers/harness.js";

const server = await startTestServer();
const url = server.httpURL;
const admin = { authorization: `Bearer ${server.adminAPIKey}` };

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(0x5eed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));

/** JSON texts of strings that must be refused (JSON escapes, so lone surrogates survive). */
const badStrings = ['"a\\u0000b"', '"fuzz-user\\u0000"', '"\\ud800"', '"x\\udfffy"'];
const badSegments = ["fuzz-user%00", "%00", "a%00b", "%ED%A0%80", "%ff", "fuzz%"];
const badQueries = ["field_mask=%00", "field_mask=%ff", "limit=%00", "order=%ED%A0%80", "field_mask=a%00b&page=%ff", "%00=%00"];

/** A JSON object that sets the first string field found (depth-first, 3 levels) to `value`. */
function jsonWithString(desc: DescMessage, value: string, depth = 0): string | undefined {
  for (const field of desc.fields) {
    if (field.fieldKind === "scalar" && field.scalar === 9 /* string */) return `{"${field.name}":${value}}`;
    if (field.fieldKind === "list" && field.listKind === "scalar" && field.scalar === 9) return `{"${field.name}":[${value}]}`;
  }
  if (depth >= 3) return undefined;
  for (const field of desc.fields) {
    if (field.fieldKind !== "message") continue;
    const inner = jsonWithString(field.message, value, depth + 1);
    if (inner) return `{"${field.name}":${inner}}`;
  }
  return undefined;
}

function frame(data: Uint8Array, flags = 0): Buffer {
  const head = Buffer.alloc(5);
  head[0] = flags;
  head.writeUInt32BE(data.length, 1);
  return Buffer.concat([head, data]);
}

interface Probe {
  kind: "http" | "connect" | "grpc-web" | "page";
  label: string;
  url: string;
  init: RequestInit;
}

const probes: Probe[] = [];
const routes = buildRoutes([...apiServices]);
for (const route of routes) {
  const template = formatPathTemplate(route.template);
  const path = () => template.replace(/\{[^}]*\}/g, () => pick(badSegments));
  const fine = template.replace(/\{[^}]*\}/g, "fuzz-entity");
  const bodyDesc = route.bodyField?.message ?? route.method.input;
  const method = route.httpMethod;
  const headers = () => ({ ...(random() < 0.8 ? admin : {}), "content-type": "application/json" });
  const withBody = route.body !== "";
  probes.push({ kind: "http", label: `${method} ${template} path`, url: `${url}/api/v3${path()}`, init: { method, headers: headers(), body: withBody ? "{}" : undefined } });
  probes.push({ kind: "http", label: `${method} ${template} query`, url: `${url}/api/v3${fine}?${pick(badQueries)}`, init: { method, headers: headers(), body: withBody ? "{}" : undefined } });
  if (withBody) {
    const body = jsonWithString(bodyDesc, pick(badStrings)) ?? '{"field_mask":{"paths":["\\ud800"]}}';
    probes.push({ kind: "http", label: `${method} ${template} body`, url: `${url}/api/v3${fine}`, init: { method, headers: headers(), body } });
    probes.push({ kind: "http", label: `${method} ${template} bad JSON`, url: `${url}/api/v3${fine}`, init: { method, headers: headers(), body: pick(['{"', "[1,", '{"a":"\\ud800', "\u0000", '{"field_mask":"\\ud800"}']) } });
  }
}
for (const service of apiServices) {
  for (const m of service.methods) {
    const rpc = `${url}/${service.typeName}/${m.name}`;
    const auth = () => (random() < 0.8 ? admin : {});
    const json = jsonWithString(m.input, pick(badStrings)) ?? "{}";
    probes.push({ kind: "connect", label: `${m.name} connect json`, url: rpc, init: { method: "POST", headers: { ...auth(), "content-type": "application/json" }, body: json } });
    probes.push({ kind: "connect", label: `${m.name} connect json mask`, url: rpc, init: { method: "POST", headers: { ...auth(), "content-type": "application/json" }, body: '{"field_mask":"\\ud800"}' } });
    probes.push({ kind: "connect", label: `${m.name} connect proto`, url: rpc, init: { method: "POST", headers: { ...auth(), "content-type": "application/proto" }, body: randomBytes(1 + Math.floor(random() * 12)) } });
    probes.push({ kind: "grpc-web", label: `${m.name} grpc-web proto`, url: rpc, init: { method: "POST", headers: { ...auth(), "content-type": "application/grpc-web+proto" }, body: frame(randomBytes(1 + Math.floor(random() * 12))) } });
    probes.push({ kind: "grpc-web", label: `${m.name} grpc-web json`, url: rpc, init: { method: "POST", headers: { ...auth(), "content-type": "application/grpc-web+json" }, body: frame(new TextEncoder().encode(pick([json, '{"field_mask":"\\ud800"}']))) } });
  }
}
const oauthPaths = [...Object.keys(pages), ...accountApiPaths, "/token", "/userinfo", "/jwks", "/.well-known/openid-configuration"];
for (const p of oauthPaths) {
  const query = "reference=%00&token=%ff&access_token_id=%00&client_id=a%00&redirect_uri=%ED%A0%80&n=%ff%fe";
  probes.push({ kind: "page", label: `GET ${p}`, url: `${url}/oauth${p}?${query}`, init: { method: "GET" } });
  probes.push({ kind: "page", label: `POST ${p} form`, url: `${url}/oauth${p}`, init: { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=password&username=a%00&password=%ff&token=%00" } });
  probes.push({ kind: "page", label: `POST ${p} json`, url: `${url}/oauth${p}`, init: { method: "POST", headers: { "content-type": "application/json" }, body: `{"user_id":${pick(badStrings)},"password":"x","token":"\\u0000"}` } });
  probes.push({ kind: "page", label: `GET ${p}/a%00b`, url: `${url}/oauth${p}/a%00b`, init: { method: "GET" } });
}

/** What is wrong with an answer, or undefined. */
async function judge(probe: Probe, res: Response): Promise<string | undefined> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (res.status >= 500) return `status ${res.status}: ${Buffer.from(bytes).toString("utf8").slice(0, 200)}`;
  if (probe.kind === "http" && res.status >= 400) {
    const body = JSON.parse(Buffer.from(bytes).toString("utf8")) as { code?: number; message?: string; details?: { "@type"?: string }[] };
    if (typeof body.code !== "number" || !body.message || body.details?.[0]?.["@type"] !== "type.googleapis.com/ttn.lorawan.v3.ErrorDetails") return `not the stack's error: ${JSON.stringify(body)}`;
  }
  if (probe.kind === "connect" && res.status !== 200) {
    const body = JSON.parse(Buffer.from(bytes).toString("utf8")) as { code?: string; details?: { type?: string }[] };
    if (typeof body.code !== "string" || body.details?.[0]?.type !== "ttn.lorawan.v3.ErrorDetails") return `not the stack's Connect error: ${JSON.stringify(body)}`;
  }
  if (probe.kind === "grpc-web") {
    const buf = Buffer.from(bytes);
    let trailer: Headers | undefined;
    for (let i = 0; i + 5 <= buf.length; i += 5 + buf.readUInt32BE(i + 1)) {
      if (buf[i] === 0x80) trailer = trailerParse(buf.subarray(i + 5, i + 5 + buf.readUInt32BE(i + 1)));
    }
    const status = trailer?.get("grpc-status") ?? res.headers.get("grpc-status");
    if (status === null || status === undefined) return "no grpc-status";
    if (status === "13" || status === "2") return `grpc-status ${status}: ${decodeURIComponent(trailer?.get("grpc-message") ?? "")}`;
    if (status !== "0" && !trailer?.has("grpc-status-details-bin")) return `grpc-status ${status} without details`;
  }
  return undefined;
}

async function send(probe: Probe): Promise<string | undefined> {
  try {
    const res = await fetch(probe.url, { ...probe.init, redirect: "manual", signal: AbortSignal.timeout(10_000) });
    return await judge(probe, res);
  } catch (err) {
    return `no answer: ${(err as Error).name} ${(err as Error).message}`;
  }
}

test("the issue's cases: 400 naming the field, over HTTP, Connect, gRPC-Web and the OAuth pages", async () => {
  const name = await fetch(`${url}/api/v3/users/admin`, { method: "PUT", headers: { ...admin, "content-type": "application/json" }, body: '{"user":{"name":"a\\u0000b"},"field_mask":{"paths":["name"]}}' });
  assert.is(name.status, 400);
  assert.match(((await name.json()) as { message: string }).message, /`user\.name`: must not contain the NUL/);
  const path = await fetch(`${url}/api/v3/users/fuzz-user%00`, { headers: admin });
  assert.is(path.status, 400);
  assert.match(((await path.json()) as { message: string }).message, /`user_ids\.user_id`/);
  const validation = await fetch(`${url}/api/v3/email/validation`, { method: "PATCH", headers: { "content-type": "application/json" }, body: '{"id":"a\\u0000","token":"b"}' });
  assert.is(validation.status, 400);
  assert.match(((await validation.json()) as { message: string }).message, /`id`/);
  const web = await fetch(`${url}/ttn.lorawan.v3.UserRegistry/Get`, { method: "POST", headers: { ...admin, "content-type": "application/grpc-web+json" }, body: frame(new TextEncoder().encode('{"user_ids":{"user_id":"admin"},"field_mask":"\\ud800"}')), signal: AbortSignal.timeout(5_000) });
  const buf = Buffer.from(await web.arrayBuffer());
  const trailer = trailerParse(buf.subarray(5, 5 + buf.readUInt32BE(1)));
  assert.is(trailer.get("grpc-status"), "3");
  assert.match(decodeURIComponent(trailer.get("grpc-message") ?? ""), /field_mask\.paths/);
  for (const page of ["/oauth/validate?reference=%00&token=%ff", "/oauth/logout?access_token_id=%00"]) {
    const res = await fetch(`${url}${page}`, { redirect: "manual" });
    assert.is(res.status, 400, page);
    assert.match(res.headers.get("content-type") ?? "", /text\/html/);
    // `%ff` is refused as a malformed escape before the NUL is looked at.
    assert.match(await res.text(), /must not contain the NUL|malformed percent-encoding/);
  }
});

test(`fuzz: ${probes.length} malformed requests over every route and protocol are answered, never 5xx`, async () => {
  assert.ok(routes.length > 100, `routes from the descriptors: ${routes.length}`);
  const failures: string[] = [];
  const queue = [...probes];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let probe = queue.shift(); probe; probe = queue.shift()) {
        const problem = await send(probe);
        if (problem) failures.push(`${probe.kind} ${probe.label}: ${problem}`);
      }
    }),
  );
  assert.equal(failures.slice(0, 20), [], `${failures.length} failures`);
});

test.after(() => server.close());
test.run();
