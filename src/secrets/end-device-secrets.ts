// The end device claim authentication code as stored and as returned (spec
// §7.3): sealed with the key named by `is.end-devices.encryption-key-id` into
// `<key_id>:<hex(nonce‖ciphertext‖tag)>` before it reaches the store, opened
// with the key named in the stored value when a caller reads it. Codes are
// letters and digits only, so a stored value without `:` is a plaintext one
// (written while no key ID was configured) and stays readable after a key is.
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { KeyVault } from "./key-vault.js";
import { sealedStrings } from "./sealed-string.js";

export interface EndDeviceSecrets {
  /** The configured key ID; empty: codes are stored in plaintext. */
  readonly keyId: string;
  /** The device with its claim code value sealed for storage (as given without a key ID). */
  seal(device: EndDevice): EndDevice;
  /** The device with its stored claim code value opened. */
  open(device: EndDevice): EndDevice;
}

function withCode(device: EndDevice, fn: (value: string) => string): EndDevice {
  const code = device.claimAuthenticationCode;
  if (!code?.value) return device;
  return { ...device, claimAuthenticationCode: { ...code, value: fn(code.value) } };
}

/**
 * Built once by the composition root. A configured key ID that the vault
 * lacks fails here (`key_vault`), so the server does not start with it.
 */
export function endDeviceSecrets(vault: KeyVault, keyId: string): EndDeviceSecrets {
  // Codes are letters and digits: without a key ID they are stored bare.
  const codes = sealedStrings(vault, keyId, { plainPrefix: "" });
  return {
    keyId,
    seal: (device) => (keyId ? withCode(device, codes.seal) : device),
    open: (device) => withCode(device, codes.open),
  };
}
