// Query parameters and path variables -> request fields (grpc-gateway rules),
// and the precedence when they are merged with the body.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { errValidation } from "../../src/errors/index.js";
import { decodeNormalized, normalizeJson } from "../../src/gateway/json.js";
import { mergeJson, pathToJson, queryToJson } from "../../src/gateway/query.js";
import {
  CreateApplicationAPIKeyRequestSchema,
  CreateApplicationRequestSchema,
  ListApplicationsRequestSchema,
} from "../../gen/ttn/lorawan/v3/application_pb.js";
import { EndDeviceIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { IsConfigurationSchema } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import type { DescMessage, JsonObject } from "@bufbuild/protobuf";
import type { DescField } from "@bufbuild/protobuf";

const q = (s: string) => new URLSearchParams(s);

function assertBad(fn: () => unknown, field: string, problem: RegExp) {
  try {
    fn();
  } catch (err) {
    assert.ok(errValidation.is(err), `not a validation error: ${String(err)}`);
    const msg = (err as Error).message;
    assert.ok(msg.includes(`\`${field}\``), `${msg} does not name ${field}`);
    assert.match(msg, problem);
    return;
  }
  assert.unreachable("accepted");
}

test("nested fields by dotted names (proto or lowerCamelCase parts), numbers, bools, field_mask", () => {
  const json = queryToJson(
    ListApplicationsRequestSchema,
    q("collaborator.user_ids.user_id=john&field_mask=name,ids.application_id&limit=5&page=2&deleted=true&order=-created_at"),
  );
  assert.equal(json, {
    collaborator: { user_ids: { user_id: "john" } },
    field_mask: { paths: ["name", "ids.application_id"] },
    limit: 5,
    page: 2,
    deleted: true,
    order: "-created_at",
  });
  const camel = queryToJson(ListApplicationsRequestSchema, q("collaborator.organizationIds.organizationId=org&fieldMask=description"));
  assert.equal(camel, { collaborator: { organization_ids: { organization_id: "org" } }, field_mask: { paths: ["description"] } });
  const msg = decodeNormalized(ListApplicationsRequestSchema, json);
  assert.equal(msg.fieldMask!.paths, ["name", "ids.application_id"]);
  assert.is(msg.collaborator!.ids.case, "userIds");
});

test("bools: true/false/1/0 (and Go's spellings)", () => {
  for (const [text, want] of [["true", true], ["1", true], ["True", true], ["t", true], ["false", false], ["0", false], ["F", false]] as const) {
    assert.is(queryToJson(ListApplicationsRequestSchema, q(`deleted=${text}`)).deleted, want, text);
  }
  assertBad(() => queryToJson(ListApplicationsRequestSchema, q("deleted=yes")), "deleted", /expected true or false/);
});

test("repeated fields by repeating the key; enums by name, alias or number", () => {
  const json = queryToJson(CreateApplicationAPIKeyRequestSchema, q("rights=RIGHT_APPLICATION_INFO&rights=APPLICATION_DELETE&rights=1&name=k"));
  assert.equal(json, { rights: ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_DELETE", "RIGHT_USER_INFO"], name: "k" });
});

test("field_mask given twice adds paths", () => {
  assert.equal(queryToJson(ListApplicationsRequestSchema, q("field_mask=name&field_mask=description,attributes")).field_mask, {
    paths: ["name", "description", "attributes"],
  });
});

test("timestamps, durations, wrappers and hex bytes from text", () => {
  assert.equal(queryToJson(CreateApplicationAPIKeyRequestSchema, q("expires_at=2030-01-01T00:00:00Z")), { expires_at: "2030-01-01T00:00:00Z" });
  assert.equal(
    queryToJson(IsConfigurationSchema, q("user_registration.invitation.token_ttl=1h&user_registration.invitation.required=1")),
    { user_registration: { invitation: { token_ttl: "3600s", required: true } } },
  );
  assert.equal(queryToJson(EndDeviceIdentifiersSchema, q("dev_eui=70B3D57ED0000001")), { dev_eui: "cLPVftAAAAE=" });
});

test("bad parameters name the parameter", () => {
  assertBad(() => queryToJson(ListApplicationsRequestSchema, q("nope=1")), "nope", /unknown query parameter/);
  assertBad(() => queryToJson(ListApplicationsRequestSchema, q("collaborator.user_ids.nope=1")), "collaborator.user_ids.nope", /unknown query parameter/);
  assertBad(() => queryToJson(ListApplicationsRequestSchema, q("limit.x=1")), "limit.x", /`limit` has no fields/);
  assertBad(() => queryToJson(ListApplicationsRequestSchema, q("collaborator=x")), "collaborator", /is a message/);
  assertBad(() => queryToJson(ListApplicationsRequestSchema, q("limit=1&limit=2")), "limit", /expects a single value/);
  assertBad(() => queryToJson(ListApplicationsRequestSchema, q("limit=ten")), "limit", /expected an unsigned integer/);
  assertBad(() => queryToJson(CreateApplicationAPIKeyRequestSchema, q("rights=EVERYTHING")), "rights[0]", /unknown value "EVERYTHING"/);
  assertBad(() => queryToJson(CreateApplicationAPIKeyRequestSchema, q("expires_at=tomorrow")), "expires_at", /invalid timestamp/);
  assertBad(() => queryToJson(EndDeviceIdentifiersSchema, q("dev_eui=123")), "dev_eui", /expected 8 bytes/);
});

test("parameters owned by the path or the body are ignored", () => {
  const json = queryToJson(
    ListApplicationsRequestSchema,
    q("collaborator.user_ids.user_id=other&limit=3"),
    { ignore: ["collaborator.user_ids.user_id"] },
  );
  assert.equal(json, { limit: 3 });
  assert.equal(queryToJson(CreateApplicationRequestSchema, q("application.name=x"), { ignore: ["application"] }), {});
});

function fieldsOf(desc: DescMessage, path: string): DescField[] {
  const out: DescField[] = [];
  let m: DescMessage | undefined = desc;
  for (const name of path.split(".")) {
    const f: DescField = m!.fields.find((x) => x.name === name)!;
    out.push(f);
    m = f.fieldKind === "message" ? f.message : undefined;
  }
  return out;
}

test("path variables win over the body, also across a oneof", () => {
  const body = normalizeJson(CreateApplicationRequestSchema, {
    application: { ids: { application_id: "app" } },
    collaborator: { organization_ids: { organization_id: "org" } },
  }) as JsonObject;
  const vars = [{ fieldPath: "collaborator.user_ids.user_id", fields: fieldsOf(CreateApplicationRequestSchema, "collaborator.user_ids.user_id") }];
  const path = pathToJson(CreateApplicationRequestSchema, vars, { "collaborator.user_ids.user_id": "usr" });
  const merged = mergeJson(CreateApplicationRequestSchema, body, path);
  assert.equal(merged, { application: { ids: { application_id: "app" } }, collaborator: { user_ids: { user_id: "usr" } } });
  const msg = decodeNormalized(CreateApplicationRequestSchema, merged);
  assert.equal(msg.collaborator!.ids.case, "userIds");
});

test("path variables merge into nested body objects field by field", () => {
  const body = { application: { ids: { application_id: "from-body" }, name: "n" } };
  const path = { application: { ids: { application_id: "from-path" } } };
  assert.equal(mergeJson(CreateApplicationRequestSchema, body, path), { application: { ids: { application_id: "from-path" }, name: "n" } });
});

test.run();
