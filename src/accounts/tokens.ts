// The secrets of the account flows. A validation has a public ID (the
// `reference` of the link) and a secret token; an invitation has only a token,
// whose first characters double as its (non-secret) lookup key, so the row is
// found by index and the whole token is then checked against its hash in
// constant time. Both are base32 like the stack's keys (32 random bytes = 52
// characters; 24-byte IDs = 39 characters).
import { randomBytes } from "node:crypto";
import { base32 } from "../auth/tokens.js";
import { hashSecret } from "../auth/secrets.js";

/** Characters of an invitation token used to find it: 80 random bits, unique in practice. */
export const INVITATION_LOOKUP_LENGTH = 16;
const TOKEN = /^[A-Z2-7]{52}$/;

export interface ValidationSecret {
  id: string;
  token: string;
  tokenHash: string;
}

export function newValidationSecret(): ValidationSecret {
  const token = base32(randomBytes(32));
  return { id: base32(randomBytes(24)), token, tokenHash: hashSecret(token) };
}

/** A fresh token for an existing validation ID (re-sending cannot reuse a hashed token). */
export function newValidationToken(): { token: string; tokenHash: string } {
  const token = base32(randomBytes(32));
  return { token, tokenHash: hashSecret(token) };
}

export interface InvitationSecret {
  token: string;
  lookup: string;
  tokenHash: string;
}

export function newInvitationToken(): InvitationSecret {
  const token = base32(randomBytes(32));
  return { token, lookup: token.slice(0, INVITATION_LOOKUP_LENGTH), tokenHash: hashSecret(token) };
}

/** The lookup part of a presented invitation token; undefined when it cannot be one of ours. */
export function invitationLookup(token: string): string | undefined {
  return TOKEN.test(token) ? token.slice(0, INVITATION_LOOKUP_LENGTH) : undefined;
}
