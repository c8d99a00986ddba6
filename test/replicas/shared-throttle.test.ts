// Two servers of one deployment (one database, one tenant), as replicas
// behind a load balancer: failed logins counted by one refuse the next
// attempt on the other, per user and per client address; the address is the
// forwarded one only when the direct peer is in http.trusted-proxies (A trusts
// the loopback address these requests come from, B trusts nobody), and then
// the right-most address the client could not have written.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { httpError } from "../helpers/expect.js";
import { startTestServer, type TestServer } from "../helpers/harness.js";
import { testDatabase } from "../helpers/database.js";
import { WebClient } from "../helpers/browser.js";
import { tokenRequest, oauthClient } from "../oauth/core-helpers.js";
import { GrantType } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { R } from "../helpers/population.js";

// One clock for both servers (replicas agree on time), moved on between tests so each starts with fresh windows.
let clock = Date.parse("2031-05-01T00:00:00Z");
const now = () => new Date(clock);
const database = await testDatabase();
const a = await startTestServer({ "http.trusted-proxies": ["127.0.0.1/32"] }, { now, database });
const b = await startTestServer({ "http.trusted-proxies": [] }, { now, database, tenantId: a.tenantId });
const pop = a.population;

async function login(server: TestServer, user_id: string, password: string, headers: Record<string, string> = {}) {
  const web = new WebClient(server.httpURL);
  const csrf = await web.csrf();
  return web.request("POST", "/oauth/api/auth/login", { json: { user_id, password }, headers: { "x-csrf-token": csrf, ...headers } });
}

const limited = (res: Awaited<ReturnType<typeof login>>) => {
  httpError({ status: res.status, headers: res.headers, body: res.json }, 429, "rate_limited");
  const retry = Number(res.headers.get("retry-after"));
  assert.ok(retry > 0 && retry <= 60, `retry-after ${retry}`);
};

test("failed logins on server A lock the user out on server B, and a success there is refused too", async () => {
  clock += 600_000;
  const victim = await pop.user({ id: "victim" });
  for (let i = 0; i < 5; i++) assert.is((await login(a, "victim", `Wrong-${i}`)).status, 400, `attempt ${i + 1} on A`);
  limited(await login(b, "victim", victim.password));
  // ... and back on A, where the count started.
  limited(await login(a, "victim", victim.password));
  // Another user is not affected, on either server.
  const other = await pop.user({ id: "bystander" });
  assert.is((await login(b, "bystander", other.password)).status, 204);
  // A minute later the user may log in on either.
  clock += 61_000;
  assert.is((await login(b, "victim", victim.password)).status, 204);
});

test("the token endpoint's password grant on B counts with the login page's failures on A", async () => {
  clock += 600_000;
  const carol = await pop.user({ id: "carol" });
  const client = await oauthClient(a, { id: "scripts", rights: [R("RIGHT_USER_INFO")], grants: [GrantType.GRANT_PASSWORD] });
  for (let i = 0; i < 4; i++) assert.is((await login(a, "carol", `Wrong-${i}`)).status, 400);
  const grant = (password: string) => tokenRequest(b, { grant_type: "password", username: "carol", password }, { basic: [client.id, client.secret] });
  assert.is((await grant("Wrong-again")).status, 400);
  // The fifth failure came through B's token endpoint: the right password is refused on A's page and on B's endpoint.
  limited(await login(a, "carol", carol.password));
  const res = await grant(carol.password);
  assert.is(res.status, 429, JSON.stringify(res.body));
  assert.is(res.body.error, "invalid_grant");
  assert.is(res.body.details[0].name, "rate_limited");
});

test("B trusts no proxy: forwarded addresses are the client's own claims, and one socket address is counted", async () => {
  clock += 600_000;
  for (let i = 0; i < 20; i++) {
    const res = await login(b, `spray-b-${i}`, "Guess-1234", { "x-forwarded-for": `198.51.100.${i + 1}` });
    assert.is(res.status, 400, `attempt ${i + 1}`);
  }
  limited(await login(b, "spray-b-x", "Guess-1234", { "x-forwarded-for": "198.51.100.200" }));
  limited(await login(b, "spray-b-y", "Guess-1234", { forwarded: "for=198.51.100.201" }));
  // A sees the same requests from the same peer (no forwarded header): the same address, limited there too.
  limited(await login(a, "spray-b-z", "Guess-1234"));
});

test("A trusts its proxy (the loopback peer): the forwarded client is counted, from the right of the list", async () => {
  clock += 600_000;
  for (let i = 0; i < 20; i++) {
    const res = await login(a, `spray-a-${i}`, "Guess-1234", { "x-forwarded-for": "203.0.113.7" });
    assert.is(res.status, 400, `attempt ${i + 1}`);
  }
  // The client behind the proxy is limited, also when it claims another address left of the one the proxy saw ...
  limited(await login(a, "spray-a-x", "Guess-1234", { "x-forwarded-for": "203.0.113.7" }));
  limited(await login(a, "spray-a-y", "Guess-1234", { "x-forwarded-for": "203.0.113.99, 203.0.113.7" }));
  limited(await login(a, "spray-a-z", "Guess-1234", { forwarded: 'for="203.0.113.7"' }));
  // ... while another client behind the same proxy, and the proxy's own address, are not.
  assert.is((await login(a, "spray-a-v", "Guess-1234", { "x-forwarded-for": "203.0.113.8" })).status, 400);
  assert.is((await login(a, "spray-a-w", "Guess-1234")).status, 400);
  // B trusts no proxy: it counts its request on the socket address, which has one failure in this window (the line above).
  assert.is((await login(b, "spray-a-u", "Guess-1234", { "x-forwarded-for": "203.0.113.7" })).status, 400);
});

test.after(async () => {
  await b.close();
  await a.close();
});

test.run();
