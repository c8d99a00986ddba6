// Query strings of the OAuth pages and their JSON API are decoded strictly: a
// malformed escape (`%ff`, a truncated sequence, an encoded surrogate) is
// refused with a 400 naming the parameter, never turned into U+FFFD and used
// (an authorization would otherwise echo a `state` the client never sent).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTestServer } from "../helpers/harness.js";

const server = await startTestServer();
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.httpURL}${path}`, { redirect: "manual", headers });

test("a malformed escape in the authorization request is a 400 page naming the parameter", async () => {
  for (const state of ["%ff", "%E0%A4", "%ED%A0%80"]) {
    const res = await get(`/oauth/authorize?client_id=some-client&response_type=code&state=${state}`);
    assert.is(res.status, 400, state);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    const page = await res.text();
    assert.match(page, /Invalid `state`: malformed percent-encoding/, state);
    assert.is(res.headers.get("location"), null, "no redirect with a changed state");
  }
});

test("the JSON API answers a malformed escape with the stack's error", async () => {
  const res = await get("/oauth/api/me?x=%ff", { accept: "application/json" });
  assert.is(res.status, 400);
  const body = (await res.json()) as { code: number; details: Array<{ name: string; attributes: Record<string, string> }> };
  assert.is(body.code, 3);
  assert.is(body.details[0]!.name, "validation");
  assert.is(body.details[0]!.attributes.field, "x");
});

test("well-formed escapes and plus signs still decode", async () => {
  const res = await get("/oauth/login?n=%2Foauth%2Fauthorize%3Fa%3Db+c");
  assert.is(res.status, 200);
});

test.after(() => server.close());
test.run();
