// The Things Stack's JSON mapping on real generated messages: output format,
// round trips, every input alias, and one test per kind of bad input (the
// error must be pkg/jsonpb:unmarshal and name the field path).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { create, createRegistry, equals, type DescMessage, type JsonValue } from "@bufbuild/protobuf";
import {
  anyPack,
  DurationSchema,
  FieldMaskSchema,
  timestampFromDate,
  UninterpretedOptionSchema,
} from "@bufbuild/protobuf/wkt";
import { errMalformedRequest } from "../../src/errors/index.js";
import { messageFromJson, messageToJson, resolveEnumValue } from "../../src/gateway/json.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import {
  ApplicationSchema,
  CreateApplicationRequestSchema,
  ListApplicationsRequestSchema,
  UpdateApplicationRequestSchema,
} from "../../gen/ttn/lorawan/v3/application_pb.js";
import { APIKeySchema, RightSchema } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import {
  EndDeviceIdentifiersSchema,
  EntityIdentifiersSchema,
  GatewayIdentifiersSchema,
  UserIdentifiersSchema,
} from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { IsConfigurationSchema } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { ContactTypeSchema } from "../../gen/ttn/lorawan/v3/contact_info_pb.js";
import { StateSchema } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { ErrorDetailsSchema } from "../../gen/ttn/lorawan/v3/error_pb.js";

const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));

/** Parses, asserting the error is pkg/jsonpb:unmarshal naming `field`. */
function assertBad(desc: DescMessage, json: JsonValue | string, field: string, problem?: RegExp) {
  try {
    messageFromJson(desc, json);
  } catch (err) {
    assert.ok(errMalformedRequest.is(err), `not an unmarshal error: ${String(err)}`);
    const msg = (err as Error).message;
    assert.ok(msg.startsWith("error:pkg/jsonpb:unmarshal (invalid request body: "), msg);
    if (field) assert.ok(msg.includes(`\`${field}\``), `${msg} does not name ${field}`);
    if (problem) assert.match(msg, problem);
    return;
  }
  assert.unreachable(`${JSON.stringify(json)} was accepted`);
}

// --- output -----------------------------------------------------------------

test("User: snake_case names, full enum names, RFC 3339 Z timestamps, zero values omitted", () => {
  const user = create(UserSchema, {
    ids: { userId: "john-doe" },
    createdAt: timestampFromDate(new Date("2020-07-31T12:17:51.645Z")),
    updatedAt: { seconds: 1700823579n, nanos: 318638000 },
    name: "John",
    primaryEmailAddress: "john@example.com",
    state: 1,
    admin: true,
    requirePasswordUpdate: false, // zero: omitted
    description: "", // zero: omitted
    attributes: { team: "blue" },
    contactInfo: [{ contactType: 2, contactMethod: 1, value: "billing@example.com" }],
    profilePicture: { embedded: { mimeType: "image/png", data: new Uint8Array([1, 2, 250]) } },
    consolePreferences: { consoleTheme: 2 },
  });
  assert.equal(messageToJson(UserSchema, user), {
    ids: { user_id: "john-doe" },
    created_at: "2020-07-31T12:17:51.645Z",
    updated_at: "2023-11-24T10:59:39.318638Z",
    name: "John",
    attributes: { team: "blue" },
    contact_info: [{ contact_type: "CONTACT_TYPE_BILLING", contact_method: "CONTACT_METHOD_EMAIL", value: "billing@example.com" }],
    primary_email_address: "john@example.com",
    state: "STATE_APPROVED",
    admin: true,
    profile_picture: { embedded: { mime_type: "image/png", data: "AQL6" } },
    console_preferences: { console_theme: "CONSOLE_THEME_DARK" },
  });
});

test("a message with only zero values is {}; the zero enum value is omitted too", () => {
  assert.equal(messageToJson(UserSchema, create(UserSchema, { state: 0, admin: false })), {});
});

test("APIKey: repeated enums as full names", () => {
  const key = create(APIKeySchema, { id: "K", rights: [15, 1], expiresAt: { seconds: 1893456000n, nanos: 0 } });
  assert.equal(messageToJson(APIKeySchema, key), {
    id: "K",
    rights: ["RIGHT_APPLICATION_INFO", "RIGHT_USER_INFO"],
    expires_at: "2030-01-01T00:00:00Z",
  });
});

test("EUIs: upper-case hex on output; other bytes base64", () => {
  const ids = create(EndDeviceIdentifiersSchema, {
    deviceId: "dev1",
    applicationIds: { applicationId: "app1" },
    devEui: hex("70b3d57ed0000001"),
    joinEui: hex("0000000000000002"),
    devAddr: hex("260b1234"),
  });
  assert.equal(messageToJson(EndDeviceIdentifiersSchema, ids), {
    device_id: "dev1",
    application_ids: { application_id: "app1" },
    dev_eui: "70B3D57ED0000001",
    join_eui: "0000000000000002",
    dev_addr: "260B1234",
  });
  const gtw = create(EntityIdentifiersSchema, { ids: { case: "gatewayIds", value: { gatewayId: "g", eui: hex("58a0cbfffe800000") } } });
  assert.equal(messageToJson(EntityIdentifiersSchema, gtw), { gateway_ids: { gateway_id: "g", eui: "58A0CBFFFE800000" } });
});

test("int64/uint64 as strings, non-EUI bytes as base64", () => {
  const opt = create(UninterpretedOptionSchema, {
    positiveIntValue: 18446744073709551615n,
    negativeIntValue: -9007199254740993n,
    stringValue: new Uint8Array([0xfb, 0xff]),
  });
  assert.equal(messageToJson(UninterpretedOptionSchema, opt), {
    positive_int_value: "18446744073709551615",
    negative_int_value: "-9007199254740993",
    string_value: "+/8=",
  });
});

test("FieldMask written as {paths} with snake_case paths kept", () => {
  const req = create(ListApplicationsRequestSchema, {
    fieldMask: { paths: ["name", "ids.application_id", "administrative_contact"] },
    limit: 10,
  });
  assert.equal(messageToJson(ListApplicationsRequestSchema, req), {
    field_mask: { paths: ["name", "ids.application_id", "administrative_contact"] },
    limit: 10,
  });
  // Paths protojson cannot write as lowerCamelCase are written as they are.
  const odd = create(UpdateApplicationRequestSchema, { fieldMask: { paths: ["Weird", "a__b"] } });
  assert.equal(messageToJson(UpdateApplicationRequestSchema, odd), { field_mask: { paths: ["Weird", "a__b"] } });
  // The message is not changed by writing it.
  assert.equal(odd.fieldMask!.paths, ["Weird", "a__b"]);
  assert.equal(messageToJson(FieldMaskSchema, create(FieldMaskSchema, { paths: ["a_b"] })), { paths: ["a_b"] });
});

test("Durations as seconds, wrappers as bare values", () => {
  const cfg = create(IsConfigurationSchema, {
    userRegistration: {
      invitation: { required: true, tokenTtl: { seconds: 604800n, nanos: 0 } },
      contactInfoValidation: { retryInterval: { seconds: 1n, nanos: 500_000_000 } },
      passwordRequirements: { minLength: 10 },
    },
  });
  assert.equal(messageToJson(IsConfigurationSchema, cfg), {
    user_registration: {
      invitation: { required: true, token_ttl: "604800s" },
      contact_info_validation: { retry_interval: "1.500s" },
      password_requirements: { min_length: 10 },
    },
  });
});

test("Any: @type plus fields, with the same mapping inside (EUIs as hex)", () => {
  const registry = createRegistry(ErrorDetailsSchema, EndDeviceIdentifiersSchema);
  const details = create(ErrorDetailsSchema, {
    name: "x",
    details: [anyPack(EndDeviceIdentifiersSchema, create(EndDeviceIdentifiersSchema, { deviceId: "d", devEui: hex("0102030405060708") }))],
  });
  const json = messageToJson(ErrorDetailsSchema, details, { registry });
  assert.equal(json, {
    name: "x",
    details: [{ "@type": "type.googleapis.com/ttn.lorawan.v3.EndDeviceIdentifiers", device_id: "d", dev_eui: "0102030405060708" }],
  });
  const back = messageFromJson(ErrorDetailsSchema, json, { registry });
  assert.ok(equals(ErrorDetailsSchema, back, details));
});

// --- round trips --------------------------------------------------------------

const roundTrips: Array<[string, DescMessage, () => object]> = [
  [
    "User",
    UserSchema,
    () =>
      create(UserSchema, {
        ids: { userId: "u1" },
        createdAt: { seconds: 1n, nanos: 1 },
        state: 3,
        attributes: { a: "b", "": "empty key" },
        contactInfo: [{ contactType: 3, value: "x", public: true }],
        profilePicture: { sizes: { 64: "https://x/64.png" }, embedded: { data: new Uint8Array([0, 255]) } },
      }),
  ],
  [
    "Application",
    ApplicationSchema,
    () =>
      create(ApplicationSchema, {
        ids: { applicationId: "app" },
        name: "A",
        devEuiCounter: 4294967295,
        administrativeContact: { ids: { case: "organizationIds", value: { organizationId: "org" } } },
      }),
  ],
  [
    "CreateApplicationRequest",
    CreateApplicationRequestSchema,
    () =>
      create(CreateApplicationRequestSchema, {
        application: { ids: { applicationId: "app" }, description: "d" },
        collaborator: { ids: { case: "userIds", value: { userId: "usr" } } },
      }),
  ],
  [
    "ListApplicationsRequest",
    ListApplicationsRequestSchema,
    () =>
      create(ListApplicationsRequestSchema, {
        fieldMask: { paths: ["name", "ids.application_id", "a__b"] },
        order: "-created_at",
        limit: 5,
        page: 2,
        deleted: true,
      }),
  ],
  ["APIKey", APIKeySchema, () => create(APIKeySchema, { id: "K", rights: [0, 14, 15], expiresAt: { seconds: 253402300799n, nanos: 999999999 } })],
  [
    "EndDeviceIdentifiers",
    EndDeviceIdentifiersSchema,
    () => create(EndDeviceIdentifiersSchema, { deviceId: "d", devEui: hex("70b3d57ed0000001"), joinEui: hex("0000000000000000"), devAddr: hex("00000001") }),
  ],
  [
    "IsConfiguration",
    IsConfigurationSchema,
    () =>
      create(IsConfigurationSchema, {
        userRegistration: {
          enabled: true,
          invitation: { required: false, tokenTtl: { seconds: -3n, nanos: -5 } },
          passwordRequirements: { minLength: 0 },
        },
      }),
  ],
];

for (const [name, desc, make] of roundTrips) {
  test(`round trip ${name}: message -> JSON -> message, and through a JSON string`, () => {
    const msg = make() as Parameters<typeof messageToJson>[1];
    const json = messageToJson(desc, msg);
    assert.ok(equals(desc, messageFromJson(desc, json), msg), JSON.stringify(json));
    assert.ok(equals(desc, messageFromJson(desc, JSON.stringify(json)), msg));
  });
}

// --- input aliases ----------------------------------------------------------

test("field names: snake_case and lowerCamelCase", () => {
  const a = messageFromJson(CreateApplicationRequestSchema, {
    application: { ids: { application_id: "x" }, networkServerAddress: "ns.example.com", administrative_contact: { userIds: { user_id: "u" } } },
  });
  assert.is(a.application!.ids!.applicationId, "x");
  assert.is(a.application!.networkServerAddress, "ns.example.com");
  assert.equal(a.application!.administrativeContact!.ids, { case: "userIds", value: create(UserIdentifiersSchema, { userId: "u" }) });
});

test("enums: full name, name without the shared prefix, number", () => {
  for (const state of ["STATE_APPROVED", "APPROVED", 1]) {
    assert.is(messageFromJson(UserSchema, { state }).state, 1, String(state));
  }
  const key = messageFromJson(APIKeySchema, { rights: ["RIGHT_APPLICATION_INFO", "APPLICATION_INFO", 15, "USER_ALL", "right_invalid", "invalid"] });
  assert.equal(key.rights, [15, 15, 15, 14, 0, 0]);
  const ci = messageFromJson(UserSchema, { contact_info: [{ contact_type: "TECHNICAL", contactMethod: "CONTACT_METHOD_PHONE" }] });
  assert.is(ci.contactInfo[0]!.contactType, 3);
  assert.is(ci.contactInfo[0]!.contactMethod, 2);
});

test("enum prefixes are computed from the values (case-insensitively)", () => {
  assert.is(resolveEnumValue(RightSchema, "APPLICATION_INFO")?.name, "RIGHT_APPLICATION_INFO");
  assert.is(resolveEnumValue(StateSchema, "FLAGGED")?.name, "STATE_FLAGGED");
  assert.is(resolveEnumValue(ContactTypeSchema, "ABUSE")?.name, "CONTACT_TYPE_ABUSE");
  assert.is(resolveEnumValue(ContactTypeSchema, "TYPE_ABUSE"), undefined);
  assert.is(resolveEnumValue(StateSchema, 2)?.name, "STATE_REJECTED");
  assert.is(resolveEnumValue(StateSchema, 99), undefined);
});

test("EUIs: hex (any case), base64 (std, URL, unpadded), empty string = unset", () => {
  const want = hex("70b3d57ed0000001");
  for (const devEui of ["70B3D57ED0000001", "70b3d57ed0000001", "cLPVftAAAAE=", "cLPVftAAAAE", Buffer.from(want).toString("base64url")]) {
    assert.equal(messageFromJson(EndDeviceIdentifiersSchema, { dev_eui: devEui }).devEui, want, devEui);
  }
  assert.equal(messageFromJson(EndDeviceIdentifiersSchema, { devAddr: "260B1234" }).devAddr, hex("260b1234"));
  assert.equal(messageFromJson(GatewayIdentifiersSchema, { eui: "58A0CBFFFE800000" }).eui, hex("58a0cbfffe800000"));
  const empty = messageFromJson(EndDeviceIdentifiersSchema, { dev_eui: "", join_eui: "" });
  assert.is(empty.devEui.length, 0);
  assert.is(empty.joinEui.length, 0);
});

test("FieldMask: {paths} object or comma-separated string, paths kept as written", () => {
  const a = messageFromJson(ListApplicationsRequestSchema, { field_mask: { paths: ["name", "ids.application_id"] } });
  assert.equal(a.fieldMask!.paths, ["name", "ids.application_id"]);
  const b = messageFromJson(ListApplicationsRequestSchema, { fieldMask: "name, ids.application_id,,description" });
  assert.equal(b.fieldMask!.paths, ["name", "ids.application_id", "description"]);
  const c = messageFromJson(ListApplicationsRequestSchema, { field_mask: "" });
  assert.ok(c.fieldMask !== undefined);
  assert.equal(c.fieldMask!.paths, []);
  const d = messageFromJson(UpdateApplicationRequestSchema, { application: { name: "x" }, field_mask: { paths: ["administrative_contact"] } });
  assert.equal(d.fieldMask!.paths, ["administrative_contact"]);
  assert.is(d.application!.name, "x");
});

test("Durations: protobuf seconds and Go syntax", () => {
  const cases: Array<[string, bigint, number]> = [
    ["3600s", 3600n, 0],
    ["1.5s", 1n, 500_000_000],
    ["-0.25s", 0n, -250_000_000],
    ["1h", 3600n, 0],
    ["90m", 5400n, 0],
    ["1h30m", 5400n, 0],
    ["1h30m15.5s", 5415n, 500_000_000],
    ["300ms", 0n, 300_000_000],
    ["1.5h", 5400n, 0],
    ["2us", 0n, 2000],
    ["7ns", 0n, 7],
    ["-1m", -60n, 0],
    ["0", 0n, 0],
  ];
  for (const [text, seconds, nanos] of cases) {
    const cfg = messageFromJson(IsConfigurationSchema, { user_registration: { invitation: { token_ttl: text } } });
    const d = cfg.userRegistration!.invitation!.tokenTtl!;
    assert.equal([d.seconds, d.nanos], [seconds, nanos], text);
  }
  assert.ok(equals(DurationSchema, messageFromJson(DurationSchema, '"1h"'), create(DurationSchema, { seconds: 3600n })));
});

test("numbers as JSON numbers or strings; wrappers as bare values; null = unset", () => {
  const a = messageFromJson(ListApplicationsRequestSchema, { limit: "7", page: 3 });
  assert.is(a.limit, 7);
  assert.is(a.page, 3);
  const cfg = messageFromJson(IsConfigurationSchema, { user_registration: { invitation: { required: false }, password_requirements: { min_length: 8 } } });
  assert.is(cfg.userRegistration!.invitation!.required, false);
  assert.is(cfg.userRegistration!.passwordRequirements!.minLength, 8);
  const n = messageFromJson(UserSchema, { name: null, ids: null, state: null });
  assert.ok(equals(UserSchema, n, create(UserSchema)));
  const big = messageFromJson(UninterpretedOptionSchema, { positive_int_value: "18446744073709551615", negativeIntValue: -5 });
  assert.is(big.positiveIntValue, 18446744073709551615n);
  assert.is(big.negativeIntValue, -5n);
});

// --- bad input --------------------------------------------------------------

test("bad: malformed JSON", () => {
  assertBad(UserSchema, '{"name": ', "", /malformed JSON/);
  assertBad(UserSchema, "[1,", "", /malformed JSON/);
});

test("bad: unknown field names its path", () => {
  assertBad(CreateApplicationRequestSchema, { application: { nmae: "x" } }, "application.nmae", /unknown field/);
  assertBad(CreateApplicationRequestSchema, { application: { ids: { app_id: "x" } } }, "application.ids.app_id", /unknown field/);
  assertBad(UserSchema, { contact_info: [{}, { valeu: "x" }] }, "contact_info[1].valeu", /unknown field/);
  assertBad(ListApplicationsRequestSchema, { field_mask: { paths: [], extra: 1 } }, "field_mask.extra", /unknown field/);
});

test("bad: wrong types", () => {
  assertBad(CreateApplicationRequestSchema, { application: { name: 1 } }, "application.name", /expected a string, got number 1/);
  assertBad(CreateApplicationRequestSchema, { application: "x" }, "application", /expected a JSON object/);
  assertBad(CreateApplicationRequestSchema, [], "", /expected a JSON object, got an array/);
  assertBad(UserSchema, { admin: "yes" }, "admin", /expected true or false/);
  assertBad(UserSchema, { contact_info: { value: "x" } }, "contact_info", /expected a JSON array/);
  assertBad(UserSchema, { attributes: ["x"] }, "attributes", /expected a JSON object/);
  assertBad(UserSchema, { attributes: { k: 1 } }, 'attributes["k"]', /expected a string/);
  assertBad(UserSchema, { contact_info: [null] }, "contact_info[0]", /null is not allowed/);
  assertBad(ListApplicationsRequestSchema, { limit: -1 }, "limit", /out of range/);
  assertBad(ListApplicationsRequestSchema, { limit: 1.5 }, "limit", /expected an unsigned integer/);
  assertBad(ListApplicationsRequestSchema, { limit: "ten" }, "limit", /expected an unsigned integer/);
  assertBad(ApplicationSchema, { dev_eui_counter: 4294967296 }, "dev_eui_counter", /out of range/);
  assertBad(ListApplicationsRequestSchema, { field_mask: 5 }, "field_mask", /comma-separated/);
  assertBad(ListApplicationsRequestSchema, { field_mask: { paths: ["a", 1] } }, "field_mask.paths[1]", /expected a string/);
  assertBad(IsConfigurationSchema, { user_registration: { invitation: { required: "true" } } }, "user_registration.invitation.required", /expected true or false/);
});

test("bad: unknown enum values", () => {
  assertBad(UserSchema, { state: "STATE_SLEEPING" }, "state", /unknown value "STATE_SLEEPING" for enum ttn\.lorawan\.v3\.State/);
  assertBad(UserSchema, { state: "approved" }, "state", /unknown value/);
  assertBad(UserSchema, { state: 42 }, "state", /unknown value 42/);
  assertBad(APIKeySchema, { rights: ["APPLICATION_INFO", "APPLICATION_EVERYTHING"] }, "rights[1]", /unknown value "APPLICATION_EVERYTHING" for enum ttn\.lorawan\.v3\.Right/);
  assertBad(UserSchema, { state: true }, "state", /expected an enum value name or number/);
});

test("bad: hex and base64", () => {
  assertBad(EndDeviceIdentifiersSchema, { dev_eui: "70B3D57ED000000" }, "dev_eui", /expected 8 bytes as hex \(16 digits\) or base64/);
  assertBad(EndDeviceIdentifiersSchema, { dev_eui: "70B3D57ED00000010" }, "dev_eui", /expected 8 bytes/);
  assertBad(EndDeviceIdentifiersSchema, { dev_eui: "ZZB3D57ED0000001" }, "dev_eui", /expected 8 bytes/);
  assertBad(EndDeviceIdentifiersSchema, { dev_addr: "70B3D57ED0000001" }, "dev_addr", /expected 4 bytes as hex \(8 digits\)/);
  assertBad(EndDeviceIdentifiersSchema, { join_eui: "AQID" }, "join_eui", /expected 8 bytes/);
  assertBad(EndDeviceIdentifiersSchema, { join_eui: 1 }, "join_eui", /expected a string/);
  assertBad(UserSchema, { profile_picture: { embedded: { data: "not base64!" } } }, "profile_picture.embedded.data", /invalid base64/);
  assertBad(UserSchema, { profile_picture: { embedded: { data: "QUJD=" } } }, "profile_picture.embedded.data", /invalid base64/);
});

test("bad: timestamps", () => {
  for (const ts of ["2020-13-01T00:00:00Z", "2020-02-30T00:00:00Z", "2020-01-01T24:00:00Z", "2020-01-01 00:00:00Z", "2020-01-01T00:00:00", "2020-01-01T00:00:00+01:00", "2020-01-01T00:00:00.1234567890Z", "yesterday", "0000-01-01T00:00:00Z"]) {
    assertBad(UserSchema, { created_at: ts }, "created_at", /invalid timestamp/);
  }
  assertBad(UserSchema, { created_at: 1596197871 }, "created_at", /invalid timestamp/);
  assertBad(APIKeySchema, { expires_at: "soon" }, "expires_at", /expected RFC 3339 in UTC/);
});

test("bad: durations", () => {
  for (const d of ["1", "1x", "h", "1h-30m", "3600", "1.s.", ""]) {
    assertBad(IsConfigurationSchema, { user_registration: { invitation: { token_ttl: d } } }, "user_registration.invitation.token_ttl", /invalid duration/);
  }
});

test("bad: two members of one oneof", () => {
  assertBad(CreateApplicationRequestSchema, { collaborator: { user_ids: { user_id: "u" }, organization_ids: { organization_id: "o" } } }, "", /oneof/);
});

test.run();
