// OpenID Connect ID tokens: who the user is (`sub` = user ID) for the client
// (`aud`), signed with the current signing key. `at_hash` binds the ID token
// to the access token issued with it.
import { createHash } from "node:crypto";
import type { Config } from "../../../config/index.js";
import type { Store } from "../../../store/interfaces.js";
import { accessTokenTtl } from "../settings.js";
import { currentSigningKey, loadJose, signingAlg } from "./keys.js";

export interface IdTokenFacts {
  issuer: string;
  userId: string;
  clientId: string;
  nonce?: string;
  /** When the user logged in. */
  authTime: Date;
  accessToken: string;
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

export async function signIdToken(deps: { config: Config; store: Store; now: () => Date }, facts: IdTokenFacts): Promise<string> {
  const now = deps.now();
  const { kid, key } = await currentSigningKey(deps);
  const { SignJWT } = await loadJose();
  const digest = createHash("sha256").update(facts.accessToken).digest();
  return new SignJWT({
    ...(facts.nonce ? { nonce: facts.nonce } : {}),
    auth_time: seconds(facts.authTime),
    at_hash: digest.subarray(0, digest.length / 2).toString("base64url"),
  })
    .setProtectedHeader({ alg: signingAlg, kid, typ: "JWT" })
    .setIssuer(facts.issuer)
    .setSubject(facts.userId)
    .setAudience(facts.clientId)
    .setIssuedAt(seconds(now))
    .setExpirationTime(seconds(now) + Math.floor(accessTokenTtl(deps.config) / 1000))
    .sign(key);
}
