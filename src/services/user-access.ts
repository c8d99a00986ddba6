// ttn.lorawan.v3.UserAccess: a user's rights, API keys and login tokens.
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { RightsSchema } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { UserAccess } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { scopeOf } from "../auth/scope.js";
import { sorted } from "../rights/algebra.js";
import { rightsOn } from "../rights/gate.js";
import type { EntityRef } from "../store/interfaces.js";
import { createLoginToken } from "../accounts/login-tokens.js";
import { createAPIKey, deleteAPIKey, getAPIKey, listAPIKeys, updateAPIKey } from "./shared/api-keys.js";
import { check, checks } from "./shared/validate.js";

function user(ids: { userId: string } | undefined, field = "user_ids.user_id"): EntityRef {
  check(field, ids?.userId, checks.id2);
  return { kind: "user", id: ids!.userId };
}

export function userAccess(): ServiceImpl<typeof UserAccess> {
  return {
    async listRights(req, ctx) {
      return create(RightsSchema, { rights: sorted(await rightsOn(scopeOf(ctx), user(req, "user_id"))) });
    },
    createAPIKey: (req, ctx) => createAPIKey(ctx, user(req.userIds), req),
    listAPIKeys: (req, ctx) => listAPIKeys(ctx, user(req.userIds), req),
    getAPIKey: (req, ctx) => getAPIKey(ctx, user(req.userIds), req.keyId),
    updateAPIKey: (req, ctx) => updateAPIKey(ctx, user(req.userIds), req.apiKey, req.fieldMask),
    async deleteAPIKey(req, ctx) {
      await deleteAPIKey(ctx, user(req.userIds), req.keyId);
      return create(EmptySchema);
    },
    // No rights needed: the token goes to the user's own address (see accounts/login-tokens.ts).
    createLoginToken: (req, ctx) => createLoginToken(scopeOf(ctx), user(req.userIds).id, req.skipEmail),
  };
}
