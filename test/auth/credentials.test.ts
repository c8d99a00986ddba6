import { test } from "uvu";
import * as assert from "uvu/assert";
import { passwordViolations } from "../../src/auth/password-rules.js";
import { createHashPool } from "../../src/auth/hash-pool.js";
import { createPasswordHasher } from "../../src/auth/passwords.js";
import { hashSecret, makePBKDF2, verifySecret } from "../../src/auth/secrets.js";
import { base32, generateToken, parseToken, TokenType } from "../../src/auth/tokens.js";

test("token type prefixes are the stack's", () => {
  assert.equal(TokenType, { APIKey: "NNSXS", AccessToken: "MFRWG", RefreshToken: "OJSWM", AuthorizationCode: "MF2XI", SessionToken: "ONZW4" });
  assert.is(base32(Buffer.from("foobar")), "MZXW6YTBOI"); // RFC 4648 test vector, unpadded
});

test("generated API keys have the public shape and parse back", () => {
  const t = generateToken(TokenType.APIKey);
  assert.match(t.value, /^NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}$/);
  assert.equal(parseToken(t.value), { type: "NNSXS", id: t.id, secret: t.secret });
});

for (const bad of ["", "NNSXS", "NNSXS.a.b", "NNSXS.AB.CD.EF", "XXXXX.AB.CD", "NNSXS..CD", "nnsxs.AB.CD"]) {
  test(`malformed token ${JSON.stringify(bad)} is refused as pkg/auth:token`, () => {
    try {
      parseToken(bad);
      assert.unreachable();
    } catch (err) {
      assert.match(String((err as Error).message), "error:pkg/auth:token");
    }
  });
}

test("secret hashes: HMAC with salt, and the stack's PBKDF2 format", () => {
  const h = hashSecret("secret");
  assert.match(h, /^HS256\$/);
  assert.not.equal(h, hashSecret("secret"), "salted");
  assert.ok(verifySecret("secret", h));
  assert.not.ok(verifySecret("secreT", h));
  const p = makePBKDF2("secret", 1000);
  assert.ok(verifySecret("secret", p));
  assert.not.ok(verifySecret("other", p));
  assert.not.ok(verifySecret("secret", "PBKDF2$md5$1000$salt$key"));
  assert.not.ok(verifySecret("secret", "garbage"));
});

test("password hashing: argon2id, PBKDF2 imports verify, old parameters need a rehash", async () => {
  const hasher = createPasswordHasher({ memoryCost: 64, timeCost: 1 }, createHashPool());
  const h = await hasher.hash("Pa55word");
  assert.match(h, /^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
  assert.ok(await hasher.verify("Pa55word", h));
  assert.not.ok(await hasher.verify("pa55word", h));
  assert.not.ok(hasher.needsRehash(h));
  const imported = makePBKDF2("Pa55word", 20000);
  assert.ok(await hasher.verify("Pa55word", imported));
  assert.ok(hasher.needsRehash(imported));
  assert.ok(createPasswordHasher({ memoryCost: 128, timeCost: 1 }, createHashPool()).needsRehash(h));
});

const rules = { minLength: 8, maxLength: 20, minUppercase: 1, minDigits: 1, minSpecial: 1, rejectUserId: true, rejectCommon: true };
const cases: [string, string[]][] = [
  ["Good-pass1", []],
  ["shrt", ["at least 8 characters", "at least 1 uppercase letter(s)", "at least 1 digit(s)", "at least 1 special character(s)"]],
  ["alllowercase-1", ["at least 1 uppercase letter(s)"]],
  ["Has-no-digits", ["at least 1 digit(s)"]],
  ["NoSpecial123", ["at least 1 special character(s)"]],
  ["Way-too-long-password-1", ["at most 20 characters"]],
  ["Jane-Doe-99!", ["must not contain the user ID"]],
  ["Password1", ["at least 1 special character(s)", "must not be a commonly used password"]],
];
for (const [password, expected] of cases) {
  test(`password rules for ${JSON.stringify(password)}`, () => assert.equal(passwordViolations(password, "jane-doe", rules), expected));
}

test.run();
