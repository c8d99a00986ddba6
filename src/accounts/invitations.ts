// Invitations to register: sending one (token returned once, e-mailed to the
// address) and consuming its token when a user registers with it.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { verifySecret } from "../auth/secrets.js";
import type { UserInfo } from "../email/api.js";
import {
  errEmailTaken, errInvitationAlreadyUsed, errInvitationExpired, errInvitationNotFound,
} from "../errors/index.js";
import type { Store } from "../store/interfaces.js";
import type { Invitation } from "../../gen/ttn/lorawan/v3/user_pb.js";
import type { AccountDeps } from "./email-validation.js";
import { invitationLookup, newInvitationToken } from "./tokens.js";

/**
 * Invites `email` (already validated and normalized by the caller): one
 * invitation per address, none to an address a user already has. Queues the
 * `invitation` e-mail in the same transaction. Returns the invitation with
 * its token.
 */
export async function sendInvitation(deps: AccountDeps, store: Store, email: string, sender?: UserInfo): Promise<Invitation> {
  return store.transact(async (tx) => {
    if (await tx.invitations.addressRegistered(email)) throw errEmailTaken({ email });
    const now = deps.now();
    const secret = newInvitationToken();
    const invitation = await tx.invitations.create(
      { email, tokenHash: secret.tokenHash, tokenLookup: secret.lookup, expiresAt: new Date(now.getTime() + deps.config.is.userRegistration.invitation.tokenTtl), senderId: sender?.id },
      now,
    );
    await deps.emails.queue(tx, { template: "invitation", to: { name: "", address: email }, data: { sender, token: secret.token } });
    return { ...invitation, token: secret.token };
  });
}

/**
 * The address of the invitation `token` belongs to, when it is usable:
 * `invitation_not_found`, `invitation_already_used`, `invitation_expired`.
 * Run it in the registration's transaction: the row stays locked until the
 * user exists and `accept` marks it, so a token registers one user.
 */
export async function usableInvitation(deps: Pick<AccountDeps, "now">, tx: Store, token: string): Promise<string> {
  const lookup = invitationLookup(token);
  const stored = lookup ? await tx.invitations.byLookup(lookup) : undefined;
  if (!stored || !verifySecret(token, stored.tokenHash)) throw errInvitationNotFound();
  const { invitation } = stored;
  if (invitation.acceptedAt) throw errInvitationAlreadyUsed();
  if (invitation.expiresAt && timestampDate(invitation.expiresAt) <= deps.now()) throw errInvitationExpired();
  return invitation.email;
}
