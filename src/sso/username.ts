// User IDs for people registered on their first single sign-on login: the
// candidates drawn from the provider's claims, their normalization, and the
// random suffix that makes a taken candidate free. Where the ID is stored (and
// whether it is taken) is the caller's business, passed in as `isTaken`.
import { randomInt } from "node:crypto";
import { errForbiddenID } from "../errors/index.js";
import { assertAllowedID } from "../services/shared/blocklist.js";
import { checks } from "../services/shared/validate.js";

export interface NameClaims {
  preferred_username?: string;
  email?: string;
  given_name?: string;
  family_name?: string;
}

export interface Candidate {
  id: string;
  /** False for the preferred username: the person chose it, a suffix would make it someone else's name. */
  suffixable: boolean;
}

const SUFFIX_LENGTH = 5;
const SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
/** 36^5 (60 million) suffixes per candidate: a few tries only miss when nearly all are taken. */
const SUFFIX_TRIES = 3;
const MAX_ID_LENGTH = 36;

/**
 * Lower case, every character other than a-z and 0-9 becomes `-`, runs of `-`
 * collapse, leading and trailing `-` go. Letters with diacritics are folded to
 * their base letter first (`José` -> `jose`, `Müller` -> `muller`) so people keep
 * their name rather than a dash in it; letters without a Latin base (`ß`, Cyrillic,
 * CJK) count as non-alphanumeric.
 */
export function normalizeCandidate(raw: string): string {
  return raw
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** The user ID rules (2-36 lower-case letters, digits and single dashes) and the blocklist. */
export function isUsableUserId(id: string): boolean {
  if (checks.id2(id) !== undefined) return false;
  try {
    assertAllowedID(id);
    return true;
  } catch (err) {
    if (errForbiddenID.is(err)) return false;
    throw err;
  }
}

/** The valid candidates in the order they are tried; invalid ones are left out, never truncated. */
export function candidates(claims: NameClaims, providerId: string): Candidate[] {
  const at = claims.email?.lastIndexOf("@") ?? -1;
  // Normalized before the provider ID is added, so a part that normalizes to
  // nothing (`...@example.com`, a Cyrillic name) does not leave the bare provider ID.
  const localPart = at > 0 ? normalizeCandidate(claims.email!.slice(0, at)) : "";
  const fullName = normalizeCandidate(`${claims.given_name ?? ""} ${claims.family_name ?? ""}`);
  const ordered: Candidate[] = [
    { id: normalizeCandidate(claims.preferred_username ?? ""), suffixable: false },
    { id: localPart, suffixable: true },
    { id: fullName, suffixable: true },
    { id: localPart && `${localPart}-${providerId}`, suffixable: true },
    { id: fullName && `${fullName}-${providerId}`, suffixable: true },
  ];
  return ordered.filter((c) => isUsableUserId(c.id));
}

/** `<base>-` and 5 random letters or digits; undefined when that would exceed 36 characters. */
export function withRandomSuffix(base: string): string | undefined {
  if (base.length + 1 + SUFFIX_LENGTH > MAX_ID_LENGTH) return undefined;
  let suffix = "";
  for (let i = 0; i < SUFFIX_LENGTH; i++) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return `${base}-${suffix}`;
}

/**
 * The first free candidate; a taken candidate other than the preferred username
 * is retried with a random suffix before the next candidate is tried.
 * Undefined when none is free.
 */
export async function chooseUserId(
  claims: NameClaims,
  providerId: string,
  isTaken: (userId: string) => Promise<boolean>,
): Promise<string | undefined> {
  for (const { id, suffixable } of candidates(claims, providerId)) {
    if (!(await isTaken(id))) return id;
    if (!suffixable) continue;
    for (let i = 0; i < SUFFIX_TRIES; i++) {
      const suffixed = withRandomSuffix(id);
      if (suffixed === undefined) break;
      // Base and suffix are valid, but together they can spell a reserved name (`no` + `-reply`).
      if (isUsableUserId(suffixed) && !(await isTaken(suffixed))) return suffixed;
    }
  }
  return undefined;
}
