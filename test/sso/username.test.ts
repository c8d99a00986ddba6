// Table tests for the user IDs given to people registered by single sign-on:
// normalization, the ID rules and blocklist, the order of the candidates, and
// what happens when candidates are taken.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { candidates, chooseUserId, isUsableUserId, normalizeCandidate, withRandomSuffix } from "../../src/sso/username.js";
import type { NameClaims } from "../../src/sso/username.js";

const PROVIDER = "my-oidc-provider";
const SUFFIXED = (base: string) => new RegExp(`^${base}-[a-z0-9]{5}$`);

/** An isTaken that records every ID it is asked about. */
function registry(taken: (id: string) => boolean) {
  const asked: string[] = [];
  const isTaken = async (id: string) => {
    asked.push(id);
    return taken(id);
  };
  return { asked, isTaken };
}

const normalizeCases: Array<[string, string, string]> = [
  ["dots", "j.doe", "j-doe"],
  ["plus sign", "j.doe+lora", "j-doe-lora"],
  ["spaces and upper case", "John Doe", "john-doe"],
  ["underscores", "john_doe_2", "john-doe-2"],
  ["digits kept", "R2D2", "r2d2"],
  ["double separators", "j..doe__x  y", "j-doe-x-y"],
  ["leading and trailing separators", "--.john doe._ ", "john-doe"],
  ["existing dashes", "jean-luc", "jean-luc"],
  ["diacritics folded", "José Müller", "jose-muller"],
  ["upper-case diacritics", "ÉLODIE Ångström", "elodie-angstrom"],
  ["dotted capital I", "İrem", "irem"],
  ["compatibility forms", "ＪＯＨＮ ﬁsh", "john-fish"],
  ["ß has no base letter", "Straße", "stra-e"],
  ["Cyrillic only", "Иван", ""],
  ["CJK between Latin", "li 李 wei", "li-wei"],
  ["only separators", "._+ -", ""],
  ["empty", "", ""],
];

for (const [name, raw, want] of normalizeCases) {
  test(`normalizeCandidate: ${name}`, () => {
    assert.is(normalizeCandidate(raw), want);
  });
}

const usableCases: Array<[string, string, boolean]> = [
  ["two characters", "jd", true],
  ["one character (too short)", "j", false],
  ["empty", "", false],
  ["36 characters", "a".repeat(36), true],
  ["37 characters (too long)", "a".repeat(37), false],
  ["reserved", "admin", false],
  ["reserved with a dash", "no-reply", false],
  ["double dash", "j--doe", false],
  ["upper case", "John", false],
];

for (const [name, id, want] of usableCases) {
  test(`isUsableUserId: ${name}`, () => {
    assert.is(isUsableUserId(id), want);
  });
}

const candidateCases: Array<[string, NameClaims, Array<[string, boolean]>]> = [
  [
    "all claims, in order; only the preferred username is not suffixable",
    { preferred_username: "JD", email: "j.doe@example.com", given_name: "John", family_name: "Doe" },
    [["jd", false], ["j-doe", true], ["john-doe", true], ["j-doe-my-oidc-provider", true], ["john-doe-my-oidc-provider", true]],
  ],
  [
    "no preferred username",
    { email: "j.doe@example.com", given_name: "John", family_name: "Doe" },
    [["j-doe", true], ["john-doe", true], ["j-doe-my-oidc-provider", true], ["john-doe-my-oidc-provider", true]],
  ],
  [
    "e-mail only",
    { email: "jane+iot@example.com" },
    [["jane-iot", true], ["jane-iot-my-oidc-provider", true]],
  ],
  [
    "names only",
    { given_name: "José", family_name: "Müller" },
    [["jose-muller", true], ["jose-muller-my-oidc-provider", true]],
  ],
  [
    "a given name alone stands for the full name",
    { given_name: "John", family_name: "  " },
    [["john", true], ["john-my-oidc-provider", true]],
  ],
  [
    "a too short local part is skipped, but with the provider ID it is long enough",
    { email: "j@example.com" },
    [["j-my-oidc-provider", true]],
  ],
  [
    "reserved names are skipped",
    { preferred_username: "Admin", email: "support@example.com", given_name: "Root" },
    [["support-my-oidc-provider", true], ["root-my-oidc-provider", true]],
  ],
  [
    "too long candidates are skipped, never truncated",
    { preferred_username: "p".repeat(37), email: `${"a".repeat(25)}@example.com`, given_name: "G" },
    [["a".repeat(25), true], ["g-my-oidc-provider", true]],
  ],
  [
    "candidates that normalize to nothing are skipped",
    { preferred_username: "Иван", email: "...@example.com", given_name: "李", family_name: "伟" },
    [],
  ],
  [
    "an address without a local part gives no local part",
    { email: "@example.com", preferred_username: "example.com" },
    [["example-com", false]],
  ],
  ["no claims", {}, []],
];

for (const [name, claims, want] of candidateCases) {
  test(`candidates: ${name}`, () => {
    assert.equal(
      candidates(claims, PROVIDER).map((c) => [c.id, c.suffixable]),
      want,
    );
  });
}

test("withRandomSuffix: dash and 5 random letters or digits, within 36 characters", () => {
  const base = "a".repeat(30);
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const id = withRandomSuffix(base)!;
    assert.match(id, SUFFIXED(base));
    assert.is(id.length, 36);
    assert.ok(isUsableUserId(id));
    seen.add(id);
  }
  // 20 draws from 36^5 suffixes: a repeat means the source is not random.
  assert.is(seen.size, 20);
  assert.is(withRandomSuffix("a".repeat(31)), undefined);
});

test("chooseUserId: the preferred username when free", async () => {
  const reg = registry(() => false);
  assert.is(await chooseUserId({ preferred_username: "J.Doe", email: "x@example.com" }, PROVIDER, reg.isTaken), "j-doe");
  assert.equal(reg.asked, ["j-doe"]);
});

test("chooseUserId: a taken preferred username falls through without a suffix", async () => {
  const reg = registry((id) => id === "jdoe");
  const got = await chooseUserId({ preferred_username: "jdoe", email: "jane@example.com" }, PROVIDER, reg.isTaken);
  assert.is(got, "jane");
  assert.equal(reg.asked, ["jdoe", "jane"]);
});

test("chooseUserId: a taken preferred username and nothing else gives undefined", async () => {
  const reg = registry(() => true);
  assert.is(await chooseUserId({ preferred_username: "jdoe" }, PROVIDER, reg.isTaken), undefined);
  assert.equal(reg.asked, ["jdoe"]);
});

test("chooseUserId: a taken local part gets a random suffix", async () => {
  const reg = registry((id) => id === "j-doe");
  const got = await chooseUserId({ email: "j.doe@example.com", given_name: "John", family_name: "Doe" }, PROVIDER, reg.isTaken);
  assert.match(got!, SUFFIXED("j-doe"));
  assert.equal(reg.asked, ["j-doe", got]);
});

test("chooseUserId: a taken local part whose suffixes are taken too falls through to the full name", async () => {
  const reg = registry((id) => id !== "john-doe");
  const got = await chooseUserId({ email: "j.doe@example.com", given_name: "John", family_name: "Doe" }, PROVIDER, reg.isTaken);
  assert.is(got, "john-doe");
  assert.is(reg.asked.length, 1 + 3 + 1);
  assert.is(reg.asked[0], "j-doe");
  for (const id of reg.asked.slice(1, 4)) assert.match(id, SUFFIXED("j-doe"));
});

test("chooseUserId: a free full name with the provider ID is used when the others are invalid", async () => {
  const reg = registry(() => false);
  const got = await chooseUserId({ preferred_username: "x", email: "admin@example.com", given_name: "Jo" }, PROVIDER, reg.isTaken);
  assert.is(got, "jo");
  const got5 = await chooseUserId({ email: "admin@example.com", given_name: "Admin" }, PROVIDER, reg.isTaken);
  assert.is(got5, "admin-my-oidc-provider");
});

test("chooseUserId: a taken candidate too long for a suffix is not suffixed", async () => {
  const base = "b".repeat(31);
  const reg = registry((id) => id === base);
  assert.is(await chooseUserId({ email: `${base}@example.com` }, PROVIDER, reg.isTaken), undefined);
  assert.equal(reg.asked, [base]);
});

test("chooseUserId: everything taken gives undefined after a few suffix tries per candidate", async () => {
  const reg = registry(() => true);
  const claims = { preferred_username: "jd", email: "j.doe@example.com", given_name: "John", family_name: "Doe" };
  assert.is(await chooseUserId(claims, PROVIDER, reg.isTaken), undefined);
  const plain = reg.asked.filter((id) => !/-[a-z0-9]{5}$/.test(id));
  assert.equal(plain, ["jd", "j-doe", "john-doe", "j-doe-my-oidc-provider", "john-doe-my-oidc-provider"]);
  // The preferred username is never suffixed; each of the other four gets 3 tries.
  assert.is(reg.asked.length, 5 + 4 * 3);
  assert.not.ok(reg.asked.some((id) => SUFFIXED("jd").test(id)));
});

test("chooseUserId: no usable claims gives undefined without asking", async () => {
  const reg = registry(() => false);
  assert.is(await chooseUserId({ email: "not-an-address" }, PROVIDER, reg.isTaken), undefined);
  assert.equal(reg.asked, []);
});

test.run();
