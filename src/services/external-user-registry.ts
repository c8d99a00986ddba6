// ttn.lorawan.v3.ExternalUserRegistry: the links between users and their
// subject (`external_id`) at an authentication provider, one each way, for
// admins holding the universal EXTERNAL_USER rights. This is how an admin
// connects an existing account to a provider (a login never takes over an
// account by its e-mail address). Order: identifiers -> rights -> store.
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { ExternalUserRegistry, ExternalUserSchema } from "../../gen/ttn/lorawan/v3/authentication_provider_pb.js";
import { scopeOf } from "../auth/scope.js";
import { errUserNotFound } from "../errors/index.js";
import { rightByName } from "../rights/algebra.js";
import { requireAdminRights } from "../rights/gate.js";
import { check, checks, type Check } from "./shared/validate.js";

const right = (name: string) => rightByName(name)!;
const CREATE = right("RIGHT_EXTERNAL_USER_CREATE");
const INFO = right("RIGHT_EXTERNAL_USER_INFO");
const DELETE = right("RIGHT_EXTERNAL_USER_DELETE");

const externalId: Check = (v) => (typeof v !== "string" || v === "" ? "must be set" : [...v].length > 250 ? "must be at most 250 characters" : undefined);

const providerOf = (ids: { providerId: string } | undefined, field: string) => {
  check(field, ids?.providerId, checks.id3);
  return ids!.providerId;
};
const userOf = (ids: { userId: string } | undefined, field: string) => {
  check(field, ids?.userId, checks.id2);
  return ids!.userId;
};
const subjectOf = (value: string, field: string) => {
  check(field, value, externalId);
  return value;
};

export function externalUserRegistry(): ServiceImpl<typeof ExternalUserRegistry> {
  return {
    async create(req, ctx) {
      const scope = scopeOf(ctx);
      const link = create(ExternalUserSchema, req.externalUser ?? {});
      const userId = userOf(link.userIds, "external_user.user_ids.user_id");
      providerOf(link.providerIds, "external_user.provider_ids.provider_id");
      subjectOf(link.externalId, "external_user.external_id");
      await requireAdminRights(scope, CREATE);
      // A soft-deleted user cannot log in, so it gets no new link (the store only knows the row exists).
      if (!(await scope.store.exists({ kind: "user", id: userId }))) throw errUserNotFound({ user_id: userId });
      return scope.store.externalUsers.create(link, scope.now());
    },

    async getByUserID(req, ctx) {
      const scope = scopeOf(ctx);
      const provider = providerOf(req.providerIds, "provider_ids.provider_id");
      const userId = userOf(req.userIds, "user_ids.user_id");
      await requireAdminRights(scope, INFO);
      return scope.store.externalUsers.getByUserId(provider, userId);
    },

    async getByExternalID(req, ctx) {
      const scope = scopeOf(ctx);
      const provider = providerOf(req.providerIds, "provider_ids.provider_id");
      const subject = subjectOf(req.externalId, "external_id");
      await requireAdminRights(scope, INFO);
      return scope.store.externalUsers.getByExternalId(provider, subject);
    },

    async delete(req, ctx) {
      const scope = scopeOf(ctx);
      const provider = providerOf(req.providerIds, "provider_ids.provider_id");
      const subject = subjectOf(req.externalId, "external_id");
      await requireAdminRights(scope, DELETE);
      await scope.store.externalUsers.delete(provider, subject);
      return create(EmptySchema);
    },
  };
}
