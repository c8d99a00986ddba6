// Collaborators of any entity kind, written once: get, set (grant, change,
// revoke), list and delete. Callers never grant or take away rights they do not
// hold, and an entity always keeps a collaborator with all rights.
import { create } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type { OrganizationOrUserIdentifiers } from "../../../gen/ttn/lorawan/v3/identifiers_pb.js";
import {
  CollaboratorSchema, CollaboratorsSchema, GetCollaboratorResponseSchema,
  type Collaborator, type Collaborators, type GetCollaboratorResponse, type Right,
} from "../../../gen/ttn/lorawan/v3/rights_pb.js";
import { requireAuthenticated } from "../../auth/caller.js";
import { accountIdentifiers, accountRef } from "../../auth/identifiers.js";
import { scopeOf, type RequestScope } from "../../auth/scope.js";
import { errAccountNotFound, errCollaboratorIsContact, errNeedsCollaborator, errValidation } from "../../errors/index.js";
import { collaboratorChanged } from "../../notifications/hooks.js";
import { allRightOf, implied, sorted } from "../../rights/algebra.js";
import { assertRights, requireRights, rightsOn } from "../../rights/gate.js";
import type { AccountRef, EntityRef, Membership, Store } from "../../store/interfaces.js";
import { assertBelowLimit } from "./limits.js";
import { pageOptions, setTotal } from "./pagination.js";
import { checkRights, settingsCollaborators } from "./rights-of-kind.js";

function guard(entity: EntityRef) {
  const right = settingsCollaborators[entity.kind];
  if (!right) throw new Error(`${entity.kind} has no collaborators`);
  return right;
}

function requireAccount(field: string, ids: OrganizationOrUserIdentifiers | undefined): AccountRef {
  const account = accountRef(ids);
  if (!account) throw errValidation({ field, reason: "must name a user or an organization" });
  return account;
}

/** Keeps at least one collaborator holding `<KIND>_ALL` once `account` has `next` rights. */
async function assertOwnerRemains(store: Store, entity: EntityRef, account: AccountRef, next: Membership["rights"]): Promise<void> {
  const all = allRightOf(entity.kind);
  if (implied(next).has(all)) return;
  const members = await store.memberships.all(entity);
  const wasOwner = members.some((m) => m.account.id === account.id && implied(m.rights).has(all));
  if (!wasOwner) return;
  if (!members.some((m) => m.account.id !== account.id && implied(m.rights).has(all))) throw errNeedsCollaborator(entity.kind)();
}

export async function getCollaborator(ctx: HandlerContext, entity: EntityRef, ids: OrganizationOrUserIdentifiers | undefined): Promise<GetCollaboratorResponse> {
  const scope = scopeOf(ctx);
  await requireRights(scope, entity, guard(entity));
  const account = requireAccount("collaborator", ids);
  const membership = await scope.store.memberships.get(entity, account);
  return create(GetCollaboratorResponseSchema, { ids: accountIdentifiers(account), rights: sorted(membership.rights) });
}

export async function setCollaborator(ctx: HandlerContext, entity: EntityRef, collaborator: Collaborator | undefined): Promise<void> {
  const scope = scopeOf(ctx);
  const have = await requireRights(scope, entity, guard(entity));
  const account = requireAccount("collaborator.ids", collaborator?.ids);
  const rights = collaborator?.rights ?? [];
  checkRights("collaborator.rights", rights, { min: 0 });
  await scope.store.transact(async (tx) => {
    if (!(await tx.exists(account))) throw errAccountNotFound({ account_id: account.id });
    const current = await tx.memberships.get(entity, account).then((m) => m.rights, () => []);
    // A user who joins one more organization counts against their organization limit.
    if (entity.kind === "organization" && account.kind === "user" && current.length === 0 && rights.length > 0) {
      await assertBelowLimit(tx, account, "organization");
    }
    const added = implied(rights);
    const before = implied(current);
    // Granting needs the granted rights; taking rights away needs them too,
    // except when the collaborator is removed altogether.
    // Both are plain rights checks on the entity: `insufficient_<kind>_rights` (stack behaviour).
    assertRights(entity, have, [...added].filter((r) => !before.has(r)));
    if (rights.length > 0) assertRights(entity, have, [...before].filter((r) => !added.has(r)));
    await assertOwnerRemains(tx, entity, account, rights);
    await tx.memberships.set(entity, account, rights);
  });
  scope.rights.clear();
  if (rights.length > 0) await collaboratorChanged(scope, entity, create(CollaboratorSchema, { ids: accountIdentifiers(account), rights }));
}

/**
 * Who may learn an entity's members (ListCollaborators, SearchAccounts with
 * `collaborator_of`): callers holding some right on it of their own (upstream:
 * any authenticated caller). Rights a gateway's public flags lend to everyone
 * do not count. Otherwise the gate's error for the collaborators right.
 */
export async function requireMembersView(scope: RequestScope, entity: EntityRef): Promise<Set<Right>> {
  requireAuthenticated(await scope.caller());
  const have = await rightsOn(scope, entity, { ownOnly: true });
  if (have.size === 0) await requireRights(scope, entity, guard(entity));
  return have;
}

export async function listCollaborators(ctx: HandlerContext, entity: EntityRef, req: { limit: number; page: number; order: string }): Promise<Collaborators> {
  const scope = scopeOf(ctx);
  const have = await requireMembersView(scope, entity);
  const page = await scope.store.memberships.find(entity, pageOptions(req, scope.config.is.pagination.defaultLimit, ["id", "rights"]));
  setTotal(ctx, page.total);
  const showRights = have.has(guard(entity));
  return create(CollaboratorsSchema, {
    collaborators: page.items.map((m) =>
      create(CollaboratorSchema, { ids: accountIdentifiers(m.account), rights: showRights ? sorted(m.rights) : [] }),
    ),
  });
}

export async function deleteCollaborator(
  ctx: HandlerContext,
  entity: EntityRef,
  ids: OrganizationOrUserIdentifiers | undefined,
  contactsOf: (store: Store) => Promise<AccountRef[]>,
): Promise<void> {
  const scope = scopeOf(ctx);
  await requireRights(scope, entity, guard(entity));
  const account = requireAccount("collaborator_ids", ids);
  await scope.store.transact(async (tx) => {
    await tx.memberships.get(entity, account); // NotFound when not a collaborator
    if ((await contactsOf(tx)).some((c) => c.kind === account.kind && c.id === account.id)) {
      throw errCollaboratorIsContact({ collaborator_id: account.id });
    }
    await assertOwnerRemains(tx, entity, account, []);
    await tx.memberships.delete(entity, account);
  });
  scope.rights.clear();
}
