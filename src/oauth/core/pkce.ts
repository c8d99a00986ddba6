// PKCE (RFC 7636), S256 only: the code verifier's SHA-256, base64url, must be
// the challenge sent with the authorization request.
import { createHash } from "node:crypto";
import { constantTimeEqual } from "../../auth/secrets.js";

/** A base64url SHA-256: 43 characters. */
export const challengePattern = /^[A-Za-z0-9_-]{43}$/;
const verifierPattern = /^[A-Za-z0-9._~-]{43,128}$/;

export function verifierMatches(verifier: string | undefined, challenge: string): boolean {
  if (!verifier || !verifierPattern.test(verifier)) return false;
  const computed = createHash("sha256").update(verifier, "ascii").digest("base64url");
  return constantTimeEqual(Buffer.from(computed), Buffer.from(challenge));
}
