// Every method the server serves has an entry in the policy table, and the
// table names no method that does not exist: a new rpc cannot slip in unguarded.
// Every List and Search answers only through the rights gate (below).
import { create, fromJson, getOption, toJson, type DescMessage, type DescMethod, type JsonValue } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { http } from "../../gen/google/api/annotations_pb.js";
import { Health } from "../../gen/grpc/health/v1/health_pb.js";
import { OAuthAccessTokenSchema } from "../../gen/ttn/lorawan/v3/oauth_pb.js";
import type { Right } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { hashSecret } from "../../src/auth/secrets.js";
import { generateToken, TokenType } from "../../src/auth/tokens.js";
import { rightName } from "../../src/rights/algebra.js";
import { methodPolicies, policyKey } from "../../src/rights/policy.js";
import { apiServices } from "../../src/server/routes.js";
import { api, grpcClient } from "../helpers/clients.js";
import { orgRef, userRef } from "../helpers/expect.js";
import { startTestServer } from "../helpers/harness.js";
import { R } from "../helpers/population.js";

const served = [...apiServices, Health].flatMap((s) => s.methods.map(policyKey));

test("every served method has a policy", () => {
  const missing = served.filter((m) => !(m in methodPolicies));
  assert.equal(missing, []);
});

test("the policy table names only served methods", () => {
  const stale = Object.keys(methodPolicies).filter((m) => !served.includes(m));
  assert.equal(stale, []);
});

test("only the documented methods are public", () => {
  const open = Object.entries(methodPolicies).filter(([, p]) => p === "public").map(([m]) => m).sort();
  assert.equal(open, [
    "grpc.health.v1.Health/Check",
    "grpc.health.v1.Health/Watch",
    "ttn.lorawan.v3.ContactInfoRegistry/Validate",
    "ttn.lorawan.v3.EmailValidationRegistry/Validate",
    "ttn.lorawan.v3.EntityAccess/AuthInfo",
    "ttn.lorawan.v3.Is/GetConfiguration",
    "ttn.lorawan.v3.UserAccess/CreateLoginToken",
    "ttn.lorawan.v3.UserRegistry/Create",
    "ttn.lorawan.v3.UserRegistry/CreateTemporaryPassword",
    "ttn.lorawan.v3.UserRegistry/UpdatePassword",
  ]);
});


// ---- every List and Search goes through the rights gate --------------------
//
// Every List*/Search* method of the served descriptors (a new one is caught
// without touching this file) is called, over gRPC and over each of its /api/v3
// bindings, with credentials that hold no listing right: a user's API key and
// OAuth access token with only RIGHT_USER_INFO, an admin's key with only
// RIGHT_USER_INFO, an organization's key with only RIGHT_ORGANIZATION_INFO. The
// identifiers in the requests name the credential holder's own entities, and
// `collaborator` is tried both omitted and naming the user. Each call must be
// refused (PermissionDenied), unless `exceptions` says why it may answer; an
// exception of kind "empty" must answer no list entries.

const server = await startTestServer();
const p = server.population;
await p.user({ id: "owner" });
await p.user({ id: "root", admin: true });
await p.organization(userRef("owner"), { id: "owners" });
await p.application(userRef("owner"), { id: "owner-app" });
await p.application(orgRef("owners"), { id: "owners-app" });
await p.endDevice("owner-app", { id: "owner-dev" });
await p.gateway(userRef("owner"), { id: "owner-gtw", eui: "70B3D57ED0000001" });
await p.oauthClient(userRef("owner"), { id: "owner-client" });
await p.store.clients.update("owner-client", { rights: [R("RIGHT_USER_INFO")] } as never, ["rights"]);
await p.store.bookmarks.create("owner", { kind: "application", id: "owner-app" });

async function ownerToken(): Promise<string> {
  const token = generateToken(TokenType.AccessToken);
  const now = Date.now();
  await p.store.oauth.createToken(
    create(OAuthAccessTokenSchema, {
      id: token.id, userIds: { userId: "owner" }, clientIds: { clientId: "owner-client" }, rights: [R("RIGHT_USER_INFO")],
      createdAt: timestampFromDate(new Date(now)), expiresAt: timestampFromDate(new Date(now + 3_600_000)),
    }),
    { access: hashSecret(token.secret) },
    [],
  );
  return token.value;
}

type Cred = "user key" | "user token" | "admin key" | "org key";
const credentials: Record<Cred, { key: string; rights: Right[] }> = {
  "user key": { key: await p.apiKey(userRef("owner"), R("RIGHT_USER_INFO")), rights: [R("RIGHT_USER_INFO")] },
  "user token": { key: await ownerToken(), rights: [R("RIGHT_USER_INFO")] },
  "admin key": { key: await p.apiKey(userRef("root"), R("RIGHT_USER_INFO")), rights: [R("RIGHT_USER_INFO")] },
  "org key": { key: await p.apiKey(orgRef("owners"), R("RIGHT_ORGANIZATION_INFO")), rights: [R("RIGHT_ORGANIZATION_INFO")] },
};

/** The identifiers of the world's entities, by message type (JSON, proto names). */
const ownIds: Record<string, (cred: Cred) => Record<string, unknown>> = {
  "ttn.lorawan.v3.UserIdentifiers": () => ({ user_id: "owner" }),
  "ttn.lorawan.v3.ApplicationIdentifiers": (c) => ({ application_id: c === "org key" ? "owners-app" : "owner-app" }),
  "ttn.lorawan.v3.GatewayIdentifiers": () => ({ gateway_id: "owner-gtw" }),
  "ttn.lorawan.v3.ClientIdentifiers": () => ({ client_id: "owner-client" }),
  "ttn.lorawan.v3.OrganizationIdentifiers": () => ({ organization_id: "owners" }),
};

/** Requests to try: identifiers filled in; each oneof member alone and none; `collaborator` omitted and the user. */
function variants(desc: DescMessage, cred: Cred): Record<string, unknown>[] {
  if (ownIds[desc.typeName]) return [ownIds[desc.typeName]!(cred)];
  let out: Record<string, unknown>[] = [{}];
  const fork = (values: (readonly [string, unknown] | undefined)[]) => {
    out = out.flatMap((v) => values.map((kv) => (kv ? { ...v, [kv[0]]: kv[1] } : v)));
  };
  for (const field of desc.fields) {
    const ids = field.message && ownIds[field.message.typeName];
    if (field.name === "query") fork([[field.name, "ow"]]);
    else if (field.message?.typeName === "ttn.lorawan.v3.OrganizationOrUserIdentifiers") fork([undefined, [field.name, { user_ids: { user_id: "owner" } }]]);
    else if (ids && field.oneof) fork([undefined, [field.name, ids(cred)]]);
    else if (ids) fork([[field.name, ids(cred)]]);
  }
  // One member of a oneof at a time.
  return out.filter((v) => desc.oneofs.every((o) => o.fields.filter((f) => f.name in v).length <= 1));
}

type Outcome = "denied" | { empty: string } | { allowed: string };
/** Why a method may answer these credentials; everything else must be refused. */
function expected(method: DescMethod, req: Record<string, unknown>, cred: Cred): Outcome {
  const key = policyKey(method);
  if (method.name === "ListRights") return { allowed: "the caller's own rights on the entity, within the credential's (checked below)" };
  if (key === "ttn.lorawan.v3.EntityRegistrySearch/SearchAccounts") {
    if (Object.keys(req).every((k) => k === "query")) return { allowed: "upstream: a directory of account IDs to pick collaborators from (non-admins: at most 10); nothing of the caller's" };
    if (cred === "org key" && "organization_ids" in req) return { allowed: "members of the credential's own organization, on ListCollaborators' terms" };
  }
  if (key === "ttn.lorawan.v3.OrganizationAccess/ListCollaborators" && cred === "org key") return { allowed: "some right of its own on its organization: member IDs without rights" };
  if (key === "ttn.lorawan.v3.UserBookmarkRegistry/List" && cred !== "org key") return { allowed: "upstream needs exactly USER_INFO for the user's own bookmarks" };
  if (["ttn.lorawan.v3.UserRegistry/List", "ttn.lorawan.v3.EntityRegistrySearch/SearchUsers"].includes(key) && cred === "admin key") {
    return { allowed: "universal USER_INFO reads every user (Get), so listing users tells nothing more" };
  }
  if (key === "ttn.lorawan.v3.OAuthAuthorizationRegistry/ListTokens" && cred === "user token") return { allowed: "upstream: an access token lists the tokens of its own user and client" };
  if (["ttn.lorawan.v3.OrganizationRegistry/List", "ttn.lorawan.v3.EntityRegistrySearch/SearchOrganizations"].includes(key) && cred === "org key" && !("collaborator" in req)) {
    return { empty: "an organization is a member of no organization" };
  }
  return "denied";
}

// Listing rights of accounts; TenantRegistry.List takes tenant admin keys only
// and refuses every account credential (test/tenants/registry-auth.test.ts).
const listing = apiServices
  .filter((s) => s.typeName !== "tti.lorawan.v3.TenantRegistry")
  .flatMap((s) => s.methods.filter((m) => /^(List|Search)/.test(m.name)).map((m) => ({ s, m })));

/** Whether a JSON answer lists nothing (no non-empty array anywhere). */
const listsNothing = (json: unknown): boolean =>
  Array.isArray(json) ? json.length === 0 : json !== null && typeof json === "object" ? Object.values(json).every(listsNothing) : true;

function rightsAnswered(json: any): string[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  return (json?.rights ?? []).map((r: string | number) => (typeof r === "number" ? rightName(r) : r));
}

function check(what: string, outcome: Outcome, status: number, body: unknown, cred: Cred): string | undefined {
  if (outcome === "denied") return status === 403 ? undefined : `${what}: expected 403 PermissionDenied, got ${status} ${JSON.stringify(body).slice(0, 300)}`;
  if (status !== 200) return `${what}: expected an answer (${JSON.stringify(outcome)}), got ${status} ${JSON.stringify(body).slice(0, 300)}`;
  if ("empty" in outcome && !listsNothing(body)) return `${what}: expected no entries, got ${JSON.stringify(body).slice(0, 300)}`;
  const extra = rightsAnswered(body).filter((r) => !credentials[cred].rights.map(rightName).includes(r));
  if (what.includes("/ListRights") && extra.length > 0) return `${what}: rights beyond the credential's: ${extra}`;
  return undefined;
}

/** The /api/v3 calls for a request: each binding whose path variables it fills; the rest as query or body. */
function httpCalls(method: DescMethod, req: Record<string, unknown>): { verb: string; path: string; body?: unknown }[] {
  const rule = getOption(method, http);
  const out: { verb: string; path: string; body?: unknown }[] = [];
  for (const b of [rule, ...rule.additionalBindings]) {
    if (!b.pattern.case || b.pattern.case === "custom") continue;
    const rest = structuredClone(req);
    let unresolved = false;
    const path = b.pattern.value.replace(/\{([^}=]+)(=[^}]*)?\}/g, (_, name: string) => {
      const parts = name.split(".");
      let node: any = rest; // eslint-disable-line @typescript-eslint/no-explicit-any
      for (const part of parts.slice(0, -1)) node = node?.[part];
      const value = node?.[parts.at(-1)!];
      if (typeof value !== "string") unresolved = true;
      else delete node[parts.at(-1)!];
      return encodeURIComponent(String(value));
    });
    if (unresolved) continue;
    const prune = (o: any): any => (o && typeof o === "object" ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, prune(v)]).filter(([, v]) => v !== undefined && !(typeof v === "object" && Object.keys(v).length === 0))) : o); // eslint-disable-line @typescript-eslint/no-explicit-any
    const left = prune(rest);
    if (b.body === "*") {
      out.push({ verb: b.pattern.case.toUpperCase(), path, body: left });
      continue;
    }
    const query = new URLSearchParams();
    const flat = (o: Record<string, unknown>, prefix: string) => {
      for (const [k, v] of Object.entries(o)) typeof v === "object" ? flat(v as Record<string, unknown>, `${prefix}${k}.`) : query.set(`${prefix}${k}`, String(v));
    };
    flat(left, "");
    out.push({ verb: b.pattern.case.toUpperCase(), path: query.size > 0 ? `${path}?${query}` : path });
  }
  return out;
}

test("the sweep covers every List and Search of the descriptors, each over gRPC and /api/v3", () => {
  assert.ok(listing.length >= 30, `only ${listing.length} methods`);
  const withoutHttp = listing.filter(({ m }) => httpCalls(m, Object.assign({}, ...variants(m.input, "user key"))).length === 0).map(({ m }) => policyKey(m));
  assert.equal(withoutHttp, []);
});

for (const cred of Object.keys(credentials) as Cred[]) {
  test(`every List and Search refuses a credential without listing rights (${cred}), over gRPC and /api/v3, unless an exception says why`, async () => {
    const failures: string[] = [];
    const { key } = credentials[cred];
    for (const { s, m } of listing) {
      const client = grpcClient(server, s, key) as unknown as Record<string, (req: unknown) => Promise<unknown>>;
      for (const req of variants(m.input, cred)) {
        const outcome = expected(m, req, cred);
        const what = `${policyKey(m)} ${JSON.stringify(req)}`;
        try {
          const res = await client[m.localName]!(fromJson(m.input, req as JsonValue));
          failures.push(check(`gRPC ${what}`, outcome, 200, toJson(m.output, res as never), cred) ?? "");
        } catch (e) {
          const err = ConnectError.from(e);
          failures.push(check(`gRPC ${what}`, outcome, err.code === Code.PermissionDenied ? 403 : 500 + err.code, err.message, cred) ?? "");
        }
        for (const call of httpCalls(m, req)) {
          const res = await api(server, call.verb, call.path, { key, body: call.body });
          if (res.status === 403 && !(res.body?.code === 7 && res.body?.details?.[0]?.name)) failures.push(`HTTP ${call.verb} ${call.path}: 403 not in the stack's error format`);
          failures.push(check(`HTTP ${call.verb} ${call.path}`, outcome, res.status, res.body, cred) ?? "");
        }
      }
    }
    assert.equal(failures.filter(Boolean), []);
  });
}

test.after(() => server.close());
test.run();
