// The configured lifetimes: is.oauth.access-token-ttl decides expires_in and
// when the access token stops working (the refresh token still rotates after
// it); is.oauth.authorization-code-ttl decides how long a code can be exchanged.
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { connectClient } from "../helpers/clients.js";
import { rejects } from "../helpers/expect.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";
import { codeFor, coreDeps, defaultRedirect, oauthClient, tokenRequest } from "./core-helpers.js";

const start = Date.now();
let clock = start;
const ts = await startTestServer({ "is.oauth.access-token-ttl": 10 * 60_000, "is.oauth.authorization-code-ttl": 30_000 }, { now: () => new Date(clock) });
const deps = coreDeps(ts, () => new Date(clock));
const alice = await ts.population.user({ id: "alice" });
const web = await oauthClient(ts, { id: "web-app", rights: [R("RIGHT_USER_INFO")] });

const exchange = (code: string) => tokenRequest(ts, { grant_type: "authorization_code", code, redirect_uri: defaultRedirect }, { basic: [web.id, web.secret] });
const authInfo = (token: string) => connectClient(ts, EntityAccess, token).authInfo({});

test("is.oauth.access-token-ttl: expires_in and the token's end; refreshing gives a new full lifetime", async () => {
  clock = start;
  const res = await exchange((await codeFor(deps, alice.id, { client_id: web.id })).code);
  assert.is(res.status, 200, JSON.stringify(res.body));
  assert.is(res.body.expires_in, 600);
  clock = start + 9 * 60_000;
  await authInfo(res.body.access_token);
  clock = start + 11 * 60_000;
  await rejects(authInfo(res.body.access_token), Code.Unauthenticated, "token_expired");
  const refreshed = await tokenRequest(ts, { grant_type: "refresh_token", refresh_token: res.body.refresh_token }, { basic: [web.id, web.secret] });
  assert.is(refreshed.status, 200, JSON.stringify(refreshed.body));
  assert.is(refreshed.body.expires_in, 600);
  await authInfo(refreshed.body.access_token);
});

test("is.oauth.authorization-code-ttl: a code works within it, not after", async () => {
  clock = start;
  const early = await codeFor(deps, alice.id, { client_id: web.id });
  const late = await codeFor(deps, alice.id, { client_id: web.id });
  clock = start + 25_000;
  assert.is((await exchange(early.code)).status, 200);
  clock = start + 31_000;
  const res = await exchange(late.code);
  assert.is(`${res.status} ${res.body.error}`, "403 invalid_grant", JSON.stringify(res.body));
});

test.after(() => ts.close());
test.run();
