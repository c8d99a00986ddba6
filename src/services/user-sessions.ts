// ttn.lorawan.v3.UserSessionRegistry: the login sessions of a user, listed and
// ended. Both need RIGHT_USER_ALL, as a session is as good as the password.
// Sessions are created by the OAuth login; their secrets never leave the store.
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { UserSessionsSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UserSessionRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { scopeOf } from "../auth/scope.js";
import { rightByName } from "../rights/algebra.js";
import { requireRights } from "../rights/gate.js";
import type { EntityRef } from "../store/interfaces.js";
import { pageOptions, setTotal } from "./shared/pagination.js";
import { check, checks } from "./shared/validate.js";

const USER_ALL = rightByName("RIGHT_USER_ALL")!;
const sessionOrders = ["created_at"];

function user(ids: { userId: string } | undefined): EntityRef {
  check("user_ids.user_id", ids?.userId, checks.id2);
  return { kind: "user", id: ids!.userId };
}

export function userSessionRegistry(): ServiceImpl<typeof UserSessionRegistry> {
  return {
    async list(req, ctx) {
      const scope = scopeOf(ctx);
      const ref = user(req.userIds);
      await requireRights(scope, ref, USER_ALL);
      const page = await scope.store.sessions.find(ref.id, pageOptions(req, scope.config.is.pagination.defaultLimit, sessionOrders));
      setTotal(ctx, page.total);
      return create(UserSessionsSchema, { sessions: page.items.map((s) => ({ ...s, sessionSecret: "" })) });
    },

    async delete(req, ctx) {
      const scope = scopeOf(ctx);
      const ref = user(req.userIds);
      check("session_id", req.sessionId, (v) => (v ? undefined : "must be set"), checks.maxLength(64));
      await requireRights(scope, ref, USER_ALL);
      await scope.store.sessions.delete(ref.id, req.sessionId);
      return create(EmptySchema);
    },
  };
}
