// The request text check's fast walk (findBadTextIn, used by the interceptor)
// finds what the reflection walk (findBadText) finds, with the same field path
// and reason, for every request message of every service: a NUL or a lone
// surrogate put at each place a string can sit (nested messages, lists, map
// keys and values, oneofs, wrappers), one place at a time.
import { create, ScalarType, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { findBadText, findBadTextIn } from "../../src/messages/text.js";
import { apiServices } from "../../src/server/routes.js";

const bads = ["a\u0000b", "x\ud800"];

/** Messages of type `desc`, each with one bad string somewhere (depth-limited). */
function variants(desc: DescMessage, bad: string, depth: number): Message[] {
  if (depth > 3) return [];
  const out: Message[] = [];
  const make = (fill: (r: ReflectMessage) => void) => {
    const r = reflect(desc, create(desc), false); // unchecked: the strings are bad on purpose
    // A good string next to the bad one, so the walk must look past it.
    const good = desc.fields.find((f) => f.fieldKind === "scalar" && f.scalar === ScalarType.STRING && !f.oneof);
    if (good) r.set(good, "fine");
    fill(r);
    out.push(r.message);
  };
  for (const field of desc.fields) {
    const sub = field.fieldKind === "scalar" || field.fieldKind === "enum" ? undefined : (field as DescField & { message?: DescMessage }).message;
    if (field.fieldKind === "scalar" && field.scalar === ScalarType.STRING) make((r) => r.set(field, bad));
    if (field.fieldKind === "list" && field.listKind === "scalar" && field.scalar === ScalarType.STRING) {
      make((r) => {
        const list = r.get(field);
        list.add("ok");
        list.add(bad);
      });
    }
    if (field.fieldKind === "map" && field.mapKey === ScalarType.STRING) make((r) => r.get(field).set(bad, field.mapKind === "message" ? reflect(field.message, undefined, false) : field.mapKind === "scalar" && field.scalar === ScalarType.STRING ? "" : (field.mapKind === "enum" ? 0 : undefined) as never));
    if (field.fieldKind === "map" && field.mapKind === "scalar" && field.scalar === ScalarType.STRING) make((r) => r.get(field).set(field.mapKey === ScalarType.STRING ? "k" : (field.mapKey === ScalarType.BOOL ? true : 1) as never, bad));
    if (!sub || sub.typeName === "google.protobuf.Any") continue;
    for (const v of variants(sub, bad, depth + 1)) {
      if (field.fieldKind === "message") make((r) => r.set(field, reflect(sub, v, false)));
      else if (field.fieldKind === "list") make((r) => r.get(field).add(reflect(sub, v, false)));
      else if (field.fieldKind === "map" && field.mapKey === ScalarType.STRING) make((r) => r.get(field).set("k", reflect(sub, v, false)));
    }
  }
  return out.slice(0, 400);
}

test("the fast text walk finds what reflection finds, for every request type", () => {
  const inputs = new Map<string, DescMessage>();
  for (const service of apiServices) for (const method of service.methods) inputs.set(method.input.typeName, method.input);
  let faults = 0;
  for (const desc of inputs.values()) {
    assert.is(findBadTextIn(desc, create(desc)), undefined, desc.typeName);
    for (const bad of bads) {
      for (const msg of variants(desc, bad, 0)) {
        const expected = findBadText(reflect(desc, msg));
        assert.equal(findBadTextIn(desc, msg), expected, `${desc.typeName}: ${JSON.stringify(expected)}`);
        if (expected) faults++;
      }
    }
  }
  assert.ok(faults > 1000, `only ${faults} bad messages generated`);
});

test.run();
