// Registration policies (`is.user-registration.*`) for self-registration:
// whether an invitation is needed, the state a new account starts in, and the
// one transaction that creates the user, consumes the invitation and queues
// the validation e-mail. Admin callers skip the policies (not the invitation
// check of a token they do give).
import { State } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import type { User } from "../../gen/ttn/lorawan/v3/user_pb.js";
import type { Caller } from "../auth/caller.js";
import type { Config } from "../config/index.js";
import { errInvitationTokenRequired } from "../errors/index.js";
import type { Store } from "../store/interfaces.js";
import { requestEmailValidation, type AccountDeps } from "./email-validation.js";
import { usableInvitation } from "./invitations.js";

export const ADMIN_APPROVAL_REQUIRED = "admin approval required";

/** `invitation_token_required` when the network is invite-only and the caller is no admin. */
export function assertInvitationGiven(config: Config, caller: Caller, token: string): void {
  if (config.is.userRegistration.invitation.required && !caller.isAdmin && !token) throw errInvitationTokenRequired();
}

/** The state of a self-registered account: pending when admins approve new users. */
export function initialState(config: Config): Pick<User, "state" | "stateDescription"> {
  return config.is.userRegistration.adminApproval.required
    ? { state: State.REQUESTED, stateDescription: ADMIN_APPROVAL_REQUIRED }
    : { state: State.APPROVED, stateDescription: "" };
}

/**
 * Creates the user; in the same transaction consumes the invitation (when a
 * token is given, required or not) and requests validation of an unvalidated
 * primary address. Nothing is written and nothing sent when any step fails.
 */
export async function registerUser(deps: AccountDeps, store: Store, user: User, invitationToken: string): Promise<User> {
  return store.transact(async (tx) => {
    const invited = invitationToken ? await usableInvitation(deps, tx, invitationToken) : undefined;
    const created = await tx.users.create(user);
    if (invited !== undefined) await tx.invitations.accept(invited, created.ids!.userId, deps.now());
    if (!created.primaryEmailAddressValidatedAt) await requestEmailValidation(deps, tx, created, "quiet");
    return created;
  });
}
