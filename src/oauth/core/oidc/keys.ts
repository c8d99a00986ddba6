// The keys that sign OpenID Connect ID tokens: ES256, made on first use and
// replaced once older than `is.oauth.signing-key-rotation`. A replaced key
// stays published (JWKS) for another rotation period, so tokens it signed
// still verify. Private keys are sealed with the key vault when
// `is.oauth.signing-key-encryption-key-id` names a key. Replicas serialize
// rotation on a database lock, so one key is made per rotation.
// jose (~45 modules) is not loaded at start: the server warms it up once it is
// ready (`loadJose`), or the first use of a key loads it.
import type { importJWK, JWK } from "jose";
import type { Config } from "../../../config/index.js";
import { parseKeyVault, staticKeyVault } from "../../../secrets/key-vault.js";
import type { SigningKeyRecord, Store } from "../../../store/interfaces.js";

export const signingAlg = "ES256";

/** The JOSE library, loaded on first use. */
export const loadJose = () => import("jose");

export interface SigningKey {
  kid: string;
  key: Awaited<ReturnType<typeof importJWK>>;
}

interface KeyDeps {
  config: Config;
  store: Store;
  now: () => Date;
}

function seal(config: Config, jwk: JWK): Record<string, unknown> {
  const keyId = config.is.oauth.signingKeyEncryptionKeyId;
  if (!keyId) return { ...jwk };
  const vault = staticKeyVault(parseKeyVault(config.keyVault.static));
  return { key_id: keyId, sealed: Buffer.from(vault.encrypt(Buffer.from(JSON.stringify(jwk)), keyId)).toString("base64") };
}

function unseal(config: Config, stored: Record<string, unknown>): JWK {
  if (typeof stored.sealed !== "string") return stored as JWK;
  const vault = staticKeyVault(parseKeyVault(config.keyVault.static));
  return JSON.parse(Buffer.from(vault.decrypt(Buffer.from(stored.sealed, "base64"), String(stored.key_id))).toString("utf8")) as JWK;
}

const isCurrent = (key: SigningKeyRecord | undefined, deps: KeyDeps): key is SigningKeyRecord =>
  key !== undefined && !key.retiredAt && deps.now().getTime() - key.createdAt.getTime() < deps.config.is.oauth.signingKeyRotation;

async function newKey(config: Config): Promise<{ kid: string; privateJwk: Record<string, unknown>; publicJwk: Record<string, unknown> }> {
  const { calculateJwkThumbprint, exportJWK, generateKeyPair } = await loadJose();
  const { privateKey, publicKey } = await generateKeyPair(signingAlg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, privateJwk: seal(config, { ...(await exportJWK(privateKey)), kid }), publicJwk: { ...publicJwk, kid, alg: signingAlg, use: "sig" } };
}

/** The key records in use (the current one first), rotating when due. */
async function keyRecords(deps: KeyDeps): Promise<SigningKeyRecord[]> {
  const keys = await deps.store.oauth.signingKeys();
  if (isCurrent(keys[0], deps)) return keys;
  return deps.store.transact(async (tx) => {
    await tx.oauth.lockSigningKeys();
    const locked = await tx.oauth.signingKeys();
    if (isCurrent(locked[0], deps)) return locked; // another replica rotated meanwhile
    const now = deps.now();
    await tx.oauth.addSigningKey(await newKey(deps.config), now);
    await tx.oauth.deleteSigningKeysRetiredBefore(new Date(now.getTime() - deps.config.is.oauth.signingKeyRotation));
    return tx.oauth.signingKeys();
  });
}

export async function currentSigningKey(deps: KeyDeps): Promise<SigningKey> {
  const [current] = await keyRecords(deps);
  const jwk = unseal(deps.config, current!.privateJwk);
  const { importJWK } = await loadJose();
  return { kid: current!.kid, key: await importJWK(jwk, signingAlg) };
}

/** The JWK Set: every public key a client may still meet in an ID token. */
export async function publishedKeys(deps: KeyDeps): Promise<{ keys: Record<string, unknown>[] }> {
  return { keys: (await keyRecords(deps)).map((k) => k.publicJwk) };
}
