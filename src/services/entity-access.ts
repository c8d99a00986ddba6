// ttn.lorawan.v3.EntityAccess: tells other stack components who a credential
// belongs to and what it may do. Anonymous callers get an empty answer.
import type { ServiceImpl } from "@connectrpc/connect";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { toAuthInfo } from "../auth/caller.js";
import { scopeOf } from "../auth/scope.js";

export function entityAccess(): ServiceImpl<typeof EntityAccess> {
  return {
    async authInfo(_req, ctx) {
      return toAuthInfo(await scopeOf(ctx).caller());
    },
  };
}
