// The key vault: symmetric keys by ID, from `key-vault.static` entries
// (`<key-id>=<hex AES key>`), and AES-GCM encryption with them. A sealed value
// is `nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`; the key ID is stored
// next to it, so values written under an older key stay readable after the
// configured key ID changes. Secret values never reach a log line or an error.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { errDecryptSecret, errKeyVault } from "../errors/index.js";

const NONCE = 12;
const TAG = 16;

export interface KeyVault {
  encrypt(plaintext: Uint8Array, keyId: string): Uint8Array;
  decrypt(sealed: Uint8Array, keyId: string): Uint8Array;
}

const cipherOf = (key: Buffer) => `aes-${key.length * 8}-gcm` as "aes-128-gcm";

/** Parses `<key-id>=<hex>` entries; keys must be 16, 24 or 32 bytes. */
export function parseKeyVault(entries: readonly string[]): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of entries) {
    const at = entry.indexOf("=");
    const id = entry.slice(0, at).trim();
    const hex = entry.slice(at + 1).trim();
    // The entry itself may hold key material: only its ID is ever reported.
    if (at <= 0 || !/^(?:[0-9a-fA-F]{2})+$/.test(hex) || ![16, 24, 32].includes(hex.length / 2)) {
      throw errKeyVault({ key_id: at > 0 ? id : "", reason: "entries must be <key-id>=<hex AES key of 16, 24 or 32 bytes>" });
    }
    keys.set(id, Buffer.from(hex, "hex"));
  }
  return keys;
}

export function staticKeyVault(keys: ReadonlyMap<string, Buffer>): KeyVault {
  const keyOf = (keyId: string) => {
    const key = keys.get(keyId);
    if (!key) throw errKeyVault({ key_id: keyId, reason: "no such key in the key vault" });
    return key;
  };
  return {
    encrypt(plaintext, keyId) {
      const key = keyOf(keyId);
      const nonce = randomBytes(NONCE);
      const cipher = createCipheriv(cipherOf(key), key, nonce);
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return new Uint8Array(Buffer.concat([nonce, body, cipher.getAuthTag()]));
    },
    decrypt(sealed, keyId) {
      const key = keyOf(keyId);
      if (sealed.length < NONCE + TAG) throw errDecryptSecret({ key_id: keyId });
      const data = Buffer.from(sealed);
      try {
        const decipher = createDecipheriv(cipherOf(key), key, data.subarray(0, NONCE));
        decipher.setAuthTag(data.subarray(data.length - TAG));
        return new Uint8Array(Buffer.concat([decipher.update(data.subarray(NONCE, data.length - TAG)), decipher.final()]));
      } catch {
        throw errDecryptSecret({ key_id: keyId });
      }
    },
  };
}
