// /api/v3 request bodies must be UTF-8: invalid bytes (an overlong `/`, a raw
// surrogate, a stray continuation byte) are a 400 `pkg/jsonpb:unmarshal`, as Go's
// protojson refuses them, never stored as U+FFFD; valid multi-byte text is kept.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer } from "../helpers/harness.js";

const server = await startTestServer();
const owner = await server.population.user({ id: "utf8-owner" });
await server.population.application({ kind: "user", id: owner.id }, { id: "utf8-app", name: "Before" });

const put = (body: Buffer) => fetch(`${server.httpURL}/api/v3/applications/utf8-app`, {
  method: "PUT",
  headers: { authorization: `Bearer ${server.adminAPIKey}`, "content-type": "application/json" },
  body,
});
const json = (name: Buffer) => Buffer.concat([Buffer.from('{"application":{"name":"'), name, Buffer.from('"},"field_mask":{"paths":["name"]}}')]);

test("invalid UTF-8 in a JSON body is refused and nothing changes", async () => {
  for (const bad of [Buffer.from([0x7a, 0xc0, 0xaf, 0x7a]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0x80]), Buffer.from([0xff, 0xfe])]) {
    const res = await put(json(bad));
    assert.is(res.status, 400, bad.toString("hex"));
    const body = (await res.json()) as { code: number; details: Array<{ namespace: string; name: string }> };
    assert.is(body.code, 3);
    assert.is(`${body.details[0]!.namespace}:${body.details[0]!.name}`, "pkg/jsonpb:unmarshal");
  }
  const app = await server.population.store.applications.get("utf8-app");
  assert.is(app.name, "Before");
});

test("valid multi-byte UTF-8 is stored as sent", async () => {
  const res = await put(json(Buffer.from("Zürich ☃ 𝄞", "utf8")));
  assert.is(res.status, 200, await res.clone().text());
  const app = await server.population.store.applications.get("utf8-app");
  assert.is(app.name, "Zürich ☃ 𝄞");
});

test.after(() => server.close());
test.run();
