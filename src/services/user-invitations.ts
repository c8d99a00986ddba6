// ttn.lorawan.v3.UserInvitationRegistry: administrators (holders of the
// universal RIGHT_SEND_INVITES) invite e-mail addresses to register, list and
// withdraw invitations. Tokens leave the server only in Send's response and
// the invitation e-mail.
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { InvitationSchema, InvitationsSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UserInvitationRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { sendInvitation } from "../accounts/invitations.js";
import type { Caller } from "../auth/caller.js";
import { scopeOf, type RequestScope } from "../auth/scope.js";
import type { UserInfo } from "../email/api.js";
import { errNoInviteRights } from "../errors/index.js";
import { rightByName } from "../rights/algebra.js";
import { pageOptions, setTotal } from "./shared/pagination.js";
import { check, checks } from "./shared/validate.js";

const SEND_INVITES = rightByName("RIGHT_SEND_INVITES")!;

async function requireInviteRights(ctx: HandlerContext): Promise<{ scope: RequestScope; caller: Caller }> {
  const scope = scopeOf(ctx);
  const caller = await scope.caller();
  if (!caller.universalRights.has(SEND_INVITES)) throw errNoInviteRights();
  return { scope, caller };
}

/** Addresses are kept lower-cased: one invitation per address, whatever its spelling. */
function emailOf(email: string): string {
  check("email", email, checks.email);
  return email.toLowerCase();
}

async function senderOf(scope: RequestScope, caller: Caller): Promise<UserInfo | undefined> {
  if (caller.entity?.kind !== "user") return undefined;
  const user = await scope.store.users.get(caller.entity.id);
  return { id: caller.entity.id, name: user.name };
}

export function userInvitationRegistry(): ServiceImpl<typeof UserInvitationRegistry> {
  return {
    async send(req, ctx) {
      const { scope, caller } = await requireInviteRights(ctx);
      const email = emailOf(req.email);
      return create(InvitationSchema, await sendInvitation(scope, scope.store, email, await senderOf(scope, caller)));
    },

    async list(req, ctx) {
      const { scope } = await requireInviteRights(ctx);
      const page = await scope.store.invitations.find(pageOptions(req, scope.config.is.pagination.defaultLimit));
      setTotal(ctx, page.total);
      return create(InvitationsSchema, { invitations: page.items });
    },

    async delete(req, ctx) {
      const { scope } = await requireInviteRights(ctx);
      await scope.store.invitations.delete(emailOf(req.email));
      return create(EmptySchema);
    },
  };
}
