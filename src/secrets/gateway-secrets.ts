// The gateway's secrets (LoRa Basics Station LNS secret, CUPS key, claim
// authentication code) as stored and as returned: sealed with the key named by
// `is.gateways.encryption-key-id` before they reach the store, opened with the
// key named in the stored value when an authorised caller reads them. Without a
// configured key ID they are stored as given with an empty key ID, as the stack does.
import { create } from "@bufbuild/protobuf";
import type { Gateway } from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { SecretSchema, type Secret } from "../../gen/ttn/lorawan/v3/secrets_pb.js";
import type { KeyVault } from "./key-vault.js";

/** Top-level gateway fields that hold secrets; reading needs GATEWAY_READ_SECRETS, writing GATEWAY_WRITE_SECRETS. */
export const gatewaySecretFields = ["lbs_lns_secret", "target_cups_key", "claim_authentication_code"] as const;

type Transform = (secret: Secret) => Secret;

function eachSecret(gateway: Gateway, fn: Transform): Gateway {
  const out: Gateway = { ...gateway };
  if (gateway.lbsLnsSecret) out.lbsLnsSecret = fn(gateway.lbsLnsSecret);
  if (gateway.targetCupsKey) out.targetCupsKey = fn(gateway.targetCupsKey);
  if (gateway.claimAuthenticationCode?.secret) {
    out.claimAuthenticationCode = { ...gateway.claimAuthenticationCode, secret: fn(gateway.claimAuthenticationCode.secret) };
  }
  return out;
}

export interface GatewaySecrets {
  /** The gateway with its secret values encrypted for storage (plaintext with an empty key ID when no key is configured). */
  seal(gateway: Gateway): Gateway;
  /** The gateway with its stored secrets decrypted; the key ID reported is the configured one (stack behaviour). */
  open(gateway: Gateway): Gateway;
}

/** Built once by the composition root from `is.gateways.encryption-key-id` and the key vault. */
export function gatewaySecrets(vault: KeyVault, keyId: string): GatewaySecrets {
  return {
    seal: (gateway) =>
      eachSecret(gateway, (s) => create(SecretSchema, keyId ? { keyId, value: vault.encrypt(s.value, keyId) } : { keyId: "", value: s.value })),
    open: (gateway) =>
      eachSecret(gateway, (s) => create(SecretSchema, { keyId, value: s.keyId ? vault.decrypt(s.value, s.keyId) : s.value })),
  };
}

/** The gateway without any secret field, for callers lacking GATEWAY_READ_SECRETS. */
export function withoutGatewaySecrets(gateway: Gateway): Gateway {
  return { ...gateway, lbsLnsSecret: undefined, targetCupsKey: undefined, claimAuthenticationCode: undefined };
}
