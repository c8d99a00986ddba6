// Whose entities a List or Search shows, decided through the one rights gate.
// A named collaborator, or without one the caller's own account (the user, or
// the organization of an organization API key), as the stack does: either way
// the caller needs that account's <KIND>S_LIST right, so a credential holding
// only RIGHT_USER_INFO lists nothing. Admins see every entity of the kind, but
// only with that right on their own account (an admin's narrow key stays narrow).
import type { RequestScope } from "../../auth/scope.js";
import { errNestedOrganizations } from "../../errors/index.js";
import { requireRights } from "../../rights/gate.js";
import type { AccountRef } from "../../store/interfaces.js";
import { listRights, type ListedKind } from "./rights-of-kind.js";

/** Throws the gate's `no_/insufficient_<account>_rights` unless the caller may list `account`'s entities of `kind`. */
export async function requireListRight(scope: RequestScope, account: AccountRef, kind: ListedKind): Promise<void> {
  const right = listRights[account.kind][kind];
  if (right === undefined) throw errNestedOrganizations();
  await requireRights(scope, account, right);
}

/**
 * The caller's own account as the bound of a listing, once the gate allowed
 * it: `{ memberOf: undefined }` for admins (every entity). `no_account` when the
 * credential belongs to no user or organization; `nothing` for an organization
 * listing organizations (it is a member of none, as the stack's search answers).
 */
export async function ownListing(scope: RequestScope, kind: ListedKind): Promise<{ memberOf: AccountRef | undefined } | "nothing" | "no_account"> {
  const caller = await scope.caller();
  const holder = caller.entity;
  if (!holder || (holder.kind !== "user" && holder.kind !== "organization")) return "no_account";
  const own: AccountRef = { kind: holder.kind, id: holder.id };
  if (listRights[own.kind][kind] === undefined) return "nothing";
  await requireListRight(scope, own, kind);
  return { memberOf: caller.isAdmin ? undefined : own };
}

/**
 * What a registry's List shows: the collaborator's entities; without one the
 * caller's own (see `ownListing`), or for other stack components (cluster keys)
 * of kinds they may enumerate every entity, identifiers only; `nothing` for
 * other credentials (application, gateway or client keys), as the stack answers.
 */
export type Listing = { memberOf: AccountRef | undefined; idsOnly: boolean } | "nothing";

export async function registryListing(scope: RequestScope, kind: ListedKind, collaborator: AccountRef | undefined, opts: { clusterSeesAll?: boolean } = {}): Promise<Listing> {
  if (collaborator) {
    await requireListRight(scope, collaborator, kind);
    return { memberOf: collaborator, idsOnly: false };
  }
  if (opts.clusterSeesAll && (await scope.caller()).method === "cluster") return { memberOf: undefined, idsOnly: true };
  const own = await ownListing(scope, kind);
  return typeof own === "string" ? "nothing" : { ...own, idsOnly: false };
}
