// Strings kept sealed at rest: `<key_id>:<hex(nonce‖ciphertext‖tag)>` with the
// key-vault key named by a configured key ID. The key ID travels with the
// value, so values sealed under an older key stay readable after rotation.
// Without a configured key ID values are stored open, in the form the caller
// chose (`plainPrefix`): bare where values cannot contain `:`, `:<value>` where
// they can. Open values never reach a log line.
import type { KeyVault } from "./key-vault.js";

export interface SealedStrings {
  /** The configured key ID; empty: values are stored open. */
  readonly keyId: string;
  seal(value: string): string;
  open(stored: string): string;
}

/**
 * Built once by the composition root. A configured key ID that the vault
 * lacks fails here (`key_vault`), so the server does not start with it.
 */
export function sealedStrings(vault: KeyVault, keyId: string, opts: { plainPrefix: "" | ":" }): SealedStrings {
  if (keyId) vault.encrypt(new Uint8Array(0), keyId);
  return {
    keyId,
    seal: (value) =>
      keyId ? `${keyId}:${Buffer.from(vault.encrypt(Buffer.from(value, "utf8"), keyId)).toString("hex")}` : `${opts.plainPrefix}${value}`,
    open(stored) {
      // Hex has no `:`, so the last one separates the key ID (which might hold one);
      // an open value written with the `:` prefix has its first one there.
      if (stored.startsWith(":")) return stored.slice(1);
      const at = stored.lastIndexOf(":");
      if (at < 0) return stored;
      return Buffer.from(vault.decrypt(Buffer.from(stored.slice(at + 1), "hex"), stored.slice(0, at))).toString("utf8");
    },
  };
}
