// The key vault and gateway secret sealing as pure functions (src/secrets/).
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GatewaySchema } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { IsError } from "../../src/errors/index.js";
import { gatewaySecrets, withoutGatewaySecrets } from "../../src/secrets/gateway-secrets.js";
import { parseKeyVault, staticKeyVault } from "../../src/secrets/key-vault.js";

const k16 = "000102030405060708090a0b0c0d0e0f";
const k24 = "000102030405060708090a0b0c0d0e0f1011121314151617";
const k32 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const vault = staticKeyVault(parseKeyVault([`a=${k16}`, `b = ${k24}`, `c=${k32.toUpperCase()}`]));
const plaintext = new Uint8Array(Buffer.from("the secret"));

function throwsNamed(fn: () => unknown, name: string, code: Code): IsError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, IsError);
    assert.is(`${(e as IsError).definition.name} ${Code[(e as IsError).code]}`, `${name} ${Code[code]}`);
    return e as IsError;
  }
  return assert.unreachable(`expected ${name}`) as never;
}

test("AES-128/192/256-GCM round trip; a fresh nonce every time", () => {
  for (const id of ["a", "b", "c"]) {
    const one = vault.encrypt(plaintext, id);
    const two = vault.encrypt(plaintext, id);
    assert.is(one.length, 12 + plaintext.length + 16);
    assert.not.equal(Buffer.from(one), Buffer.from(two));
    assert.is(Buffer.from(vault.decrypt(one, id)).toString(), "the secret");
  }
});

test("tampering, a wrong key or a short value: decrypt error naming only the key ID", () => {
  const sealed = vault.encrypt(plaintext, "a");
  const tampered = new Uint8Array(sealed);
  tampered[14]! ^= 1;
  const e = throwsNamed(() => vault.decrypt(tampered, "a"), "decrypt", Code.Internal);
  assert.equal(e.publicAttributes, { key_id: "a" });
  throwsNamed(() => vault.decrypt(sealed, "c"), "decrypt", Code.Internal);
  throwsNamed(() => vault.decrypt(sealed.subarray(0, 20), "a"), "decrypt", Code.Internal);
  throwsNamed(() => vault.decrypt(sealed, "nope"), "key_vault", Code.Internal);
});

test("parseKeyVault: malformed entries refused without echoing key material", () => {
  for (const entry of ["no-equals", "=00", "x=0011", "x=zz0102030405060708090a0b0c0d0e0f", `x=${k16}0`]) {
    const e = throwsNamed(() => parseKeyVault([entry]), "key_vault", Code.Internal);
    assert.not.ok(e.message.includes("0102030405"), e.message);
  }
  assert.equal([...parseKeyVault([]).keys()], []);
});

test("sealing: configured key seals all three secrets; open restores them; without a key ID values stay as given", () => {
  const secrets = gatewaySecrets(staticKeyVault(parseKeyVault([`b=${k24}`])), "b");
  const unencrypted = gatewaySecrets(staticKeyVault(new Map()), "");
  const gateway = create(GatewaySchema, {
    ids: { gatewayId: "g" },
    lbsLnsSecret: { value: plaintext },
    targetCupsKey: { value: plaintext },
    claimAuthenticationCode: { secret: { value: plaintext } },
  });
  const sealed = secrets.seal(gateway);
  for (const s of [sealed.lbsLnsSecret!, sealed.targetCupsKey!, sealed.claimAuthenticationCode!.secret!]) {
    assert.is(s.keyId, "b");
    assert.not.equal(Buffer.from(s.value), Buffer.from(plaintext));
  }
  assert.is(Buffer.from(gateway.lbsLnsSecret!.value).toString(), "the secret", "the input is not changed");
  const opened = secrets.open(sealed);
  assert.is(Buffer.from(opened.claimAuthenticationCode!.secret!.value).toString(), "the secret");
  const plain = unencrypted.seal(gateway);
  assert.is(plain.lbsLnsSecret!.keyId, "");
  assert.is(Buffer.from(unencrypted.open(plain).lbsLnsSecret!.value).toString(), "the secret");
  const stripped = withoutGatewaySecrets(opened);
  assert.equal([stripped.lbsLnsSecret, stripped.targetCupsKey, stripped.claimAuthenticationCode], [undefined, undefined, undefined]);
});

test.run();
