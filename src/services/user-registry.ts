// ttn.lorawan.v3.UserRegistry: registration, reading, listing, updating and the
// lifecycle of user accounts.
import { create } from "@bufbuild/protobuf";
import { EmptySchema, timestampDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { UserRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { UserSchema, UsersSchema, type User } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { requireAuthenticated } from "../auth/caller.js";
import { assertPasswordStrength } from "../auth/password-rules.js";
import type { PasswordHasher } from "../auth/passwords.js";
import { scopeOf, type RequestScope } from "../auth/scope.js";
import {
  errLastAdmin, errPasswordEqualsOld, errPasswordMismatch, errTemporaryPasswordExpired, errUpdateAdminField, errUserNotFound, errUserRegistrationDisabled,
} from "../errors/index.js";
import { topLevelPaths } from "../messages/fieldmask.js";
import { entityStateChanged, passwordChanged, userRegistered } from "../notifications/hooks.js";
import { savePicture } from "../pictures/index.js";
import { pictureOwner, removeUserPictures, showUserPicture } from "../pictures/owners.js";
import { rightByName } from "../rights/algebra.js";
import { assertRights, requireAdminRights, requireRights, rightsOn } from "../rights/gate.js";
import { assertAllowedID } from "./shared/blocklist.js";
import { requestEmailValidation } from "../accounts/email-validation.js";
import { assertInvitationGiven, initialState, registerUser } from "../accounts/registration.js";
import { lifecycleHandlers } from "./shared/lifecycle.js";
import { initialLimits } from "./shared/limits.js";
import { endAccountAccess, revokeAllAccess } from "../accounts/revoke-access.js";
import { createTemporaryPassword } from "../accounts/temporary-password.js";
import { contactInfoRead, dropContactInfo, ignoreContactInfo } from "./shared/legacy-contact-info.js";
import { applyReadMask, onlyPublic, readPaths, updatePaths } from "./shared/masks.js";
import { pageOptions, setTotal } from "./shared/pagination.js";
import { readableEntity } from "./shared/public-fields.js";
import { adminOnlyUserFields, checkUser, now, publicUserFields, userSecretFields, withoutSecrets } from "./shared/users.js";
import { check, checks } from "./shared/validate.js";

const USER_INFO = rightByName("RIGHT_USER_INFO")!;
const USER_SETTINGS_BASIC = rightByName("RIGHT_USER_SETTINGS_BASIC")!;
const userOrders = ["user_id", "name", "primary_email_address", "state", "admin", "created_at"];

const userRef = (id: string) => ({ kind: "user", id }) as const;

function userIdOf(ids: { userId: string } | undefined, field: string): string {
  check(field, ids?.userId, checks.id2);
  return ids!.userId;
}

function passwordRules(scope: RequestScope) {
  return scope.config.is.userRegistration.passwordRequirements;
}

/** The last admin stays an admin, and is not deleted. */
async function assertNotLastAdmin(scope: RequestScope, userId: string): Promise<void> {
  const user = await scope.store.users.get(userId);
  if (user.admin && (await scope.store.users.countAdmins()) <= 1) throw errLastAdmin({ user_id: userId });
}

const lifecycle = lifecycleHandlers({
  kind: "user",
  store: (store) => store.users,
  deleteRight: rightByName("RIGHT_USER_DELETE")!,
  // The last admin is neither deleted nor purged.
  async beforeRemove(scope, id) {
    const user = await scope.store.users.get(id, { includeDeleted: true });
    if (user.admin && !user.deletedAt && (await scope.store.users.countAdmins()) <= 1) throw errLastAdmin({ user_id: id });
  },
  // A removed user is logged out everywhere, and pending login tokens die with it.
  onRemove: (tx, id) => endAccountAccess(tx, id),
  // Soft-deleted users keep their picture (restore); purged ones lose it.
  afterPurge: (scope, user) => removeUserPictures(scope.config, user as User),
});

export function userRegistry(deps: { hasher: PasswordHasher }): ServiceImpl<typeof UserRegistry> {
  return {
    async create(req, ctx) {
      const scope = scopeOf(ctx);
      const caller = await scope.caller();
      const user = req.user ?? create(UserSchema);
      const userId = userIdOf(user.ids, "user.ids.user_id");
      assertAllowedID(userId);
      assertInvitationGiven(scope.config, caller, req.invitationToken);
      if (!caller.isAdmin && !scope.config.is.userRegistration.enabled) throw errUserRegistrationDisabled();
      dropContactInfo(ctx, user);
      checkUser(user);
      check("user.password", user.password, (v) => (v ? undefined : "must be set"));
      assertPasswordStrength(user.password, userId, passwordRules(scope));
      const at = now(scope.now());
      const toStore: User = create(UserSchema, {
        ...user,
        password: await deps.hasher.hash(user.password, scope.trace),
        passwordUpdatedAt: at,
        temporaryPassword: "",
        temporaryPasswordCreatedAt: undefined,
        temporaryPasswordExpiresAt: undefined,
      });
      initialLimits("user", toStore, scope.config, caller.isAdmin);
      if (!caller.isAdmin) {
        // Self-registration: without privileges, approved or pending (registration policy).
        Object.assign(toStore, { admin: false, ...initialState(scope.config), requirePasswordUpdate: false, primaryEmailAddressValidatedAt: undefined });
      } else if (user.temporaryPassword) {
        toStore.temporaryPassword = await deps.hasher.hash(user.temporaryPassword, scope.trace);
        toStore.temporaryPasswordCreatedAt = at;
      }
      // With the invitation consumed and the validation e-mail queued, in one transaction.
      // An uploaded picture is stored as blobs first; they go again if the registration fails.
      const created = await savePicture(pictureOwner(scope, "profile", userId, "user.profile_picture"), user.profilePicture, undefined, (picture) => {
        toStore.profilePicture = picture;
        return registerUser(scope, scope.store, toStore, req.invitationToken);
      });
      await userRegistered(scope, created);
      return showUserPicture(scope.config, withoutSecrets(created), []);
    },

    async get(req, ctx) {
      const scope = scopeOf(ctx);
      const userId = userIdOf(req.userIds, "user_ids.user_id");
      const paths = readPaths(UserSchema, req.fieldMask, userSecretFields);
      const have = await rightsOn(scope, userRef(userId));
      if (!have.has(USER_INFO)) {
        // Only then RequireAuthenticated: a pending user still reads their own profile.
        requireAuthenticated(await scope.caller());
        if (!onlyPublic(paths, publicUserFields)) assertRights(userRef(userId), have, [USER_INFO]);
      }
      // The public view: the address that `contact_info` is emulated from stays hidden.
      const read = contactInfoRead("user", paths);
      const shown = readableEntity("user", UserSchema, showUserPicture(scope.config, await scope.store.users.get(userId), read.paths), read.paths, have.has(USER_INFO));
      return read.fill(scope.store, shown, have.has(USER_INFO));
    },

    async list(req, ctx) {
      const scope = scopeOf(ctx);
      // Admins only, and only with a credential that reads users (an admin's narrow key stays narrow).
      await requireAdminRights(scope, USER_INFO);
      const read = contactInfoRead("user", readPaths(UserSchema, req.fieldMask, userSecretFields));
      const page = await scope.store.users.find({ ...pageOptions(req, scope.config.is.pagination.defaultLimit, userOrders), deleted: req.deleted });
      setTotal(ctx, page.total);
      const users = await Promise.all(page.items.map((u) => read.fill(scope.store, applyReadMask(UserSchema, showUserPicture(scope.config, u, read.paths), read.paths), true)));
      return create(UsersSchema, { users });
    },

    async update(req, ctx) {
      const scope = scopeOf(ctx);
      const user = req.user ?? create(UserSchema);
      const userId = userIdOf(user.ids, "user.ids.user_id");
      await requireRights(scope, userRef(userId), USER_SETTINGS_BASIC);
      const caller = await scope.caller();
      const paths = ignoreContactInfo(ctx, updatePaths(UserSchema, req.fieldMask, ["password", "password_updated_at"]));
      const top = topLevelPaths(paths);
      if (!caller.isAdmin) {
        const field = adminOnlyUserFields.find((f) => top.has(f));
        if (field) throw errUpdateAdminField({ field });
      }
      checkUser(user, top);
      const update = create(UserSchema, user);
      const extra: string[] = [];
      if (top.has("admin") && !user.admin) await assertNotLastAdmin(scope, userId);
      if (top.has("state") && !top.has("state_description")) {
        update.stateDescription = "";
        extra.push("state_description");
      }
      const revalidate = top.has("primary_email_address") && !caller.isAdmin;
      if (revalidate) {
        // A new address has to be validated again.
        update.primaryEmailAddressValidatedAt = undefined;
        extra.push("primary_email_address_validated_at");
      }
      if (top.has("temporary_password") && user.temporaryPassword) {
        update.temporaryPassword = await deps.hasher.hash(user.temporaryPassword, scope.trace);
        // One clock reading: the expiry is exactly 36 hours after creation.
        const createdAt = scope.now();
        update.temporaryPasswordCreatedAt = now(createdAt);
        extra.push("temporary_password_created_at");
        if (!top.has("temporary_password_expires_at")) {
          // As the stack: an admin-set temporary password is valid for 36 hours unless told otherwise.
          update.temporaryPasswordExpiresAt = now(new Date(createdAt.getTime() + 36 * 3600_000));
          extra.push("temporary_password_expires_at");
        }
      }
      // A new picture replaces the whole stored one (also for sub-paths in the mask);
      // the old picture's blobs go once the update has committed.
      const newPicture = top.has("profile_picture");
      if (newPicture) extra.push("profile_picture");
      const previousPicture = newPicture ? (await scope.store.users.get(userId)).profilePicture : undefined;
      const write = async () => revalidate
        ? await scope.store.transact(async (tx) => {
            // The validation e-mail goes out only if the change is stored.
            const changed = await tx.users.update(userId, update, [...paths, ...extra]);
            await requestEmailValidation(scope, tx, changed, "quiet");
            return changed;
          })
        : await scope.store.users.update(userId, update, [...paths, ...extra]);
      const updated = newPicture
        ? await savePicture(pictureOwner(scope, "profile", userId, "user.profile_picture"), user.profilePicture, previousPicture, (picture) => {
            update.profilePicture = picture;
            return write();
          })
        : await write();
      if (top.has("state")) await entityStateChanged(scope, userRef(userId), updated.state, updated.stateDescription);
      return applyReadMask(UserSchema, showUserPicture(scope.config, withoutSecrets(updated), []), paths);
    },

    async updatePassword(req, ctx) {
      const scope = scopeOf(ctx);
      const userId = userIdOf(req.userIds, "user_ids.user_id");
      check("new", req.new, (v) => (v ? undefined : "must be set"), checks.maxLength(1000));
      check("old", req.old, checks.maxLength(1000));
      // An admin may set a password without the old one (as the Console's user
      // management does), with USER_SETTINGS_BASIC on the user; anyone else proves it.
      const byAdmin = req.old === "" && (await scope.caller()).isAdmin;
      if (byAdmin) await requireRights(scope, userRef(userId), USER_SETTINGS_BASIC);
      const user = await scope.store.users.get(userId).catch((err) => {
        // Do not tell anonymous callers which user IDs exist.
        if (errUserNotFound.is(err)) throw errPasswordMismatch();
        throw err;
      });
      const matchesPassword = !byAdmin && (await deps.hasher.verify(req.old, user.password, scope.trace));
      const matchesTemporary = !byAdmin && !matchesPassword && user.temporaryPassword !== "" && (await deps.hasher.verify(req.old, user.temporaryPassword, scope.trace));
      if (!byAdmin && !matchesPassword && !matchesTemporary) throw errPasswordMismatch();
      if (matchesTemporary && user.temporaryPasswordExpiresAt && timestampDate(user.temporaryPasswordExpiresAt) <= scope.now()) {
        throw errTemporaryPasswordExpired();
      }
      if (req.new === req.old || (matchesTemporary && (await deps.hasher.verify(req.new, user.password, scope.trace)))) throw errPasswordEqualsOld();
      assertPasswordStrength(req.new, userId, passwordRules(scope));
      const update = create(UserSchema, {
        password: await deps.hasher.hash(req.new, scope.trace),
        passwordUpdatedAt: now(scope.now()),
        requirePasswordUpdate: false,
        temporaryPassword: "",
      });
      const paths = ["password", "password_updated_at", "require_password_update", "temporary_password", "temporary_password_created_at", "temporary_password_expires_at"];
      if (req.revokeAllAccess) {
        await scope.store.transact(async (tx) => {
          await tx.users.update(userId, update, paths);
          await revokeAllAccess(tx, userId);
        });
      } else {
        await scope.store.users.update(userId, update, paths);
      }
      await passwordChanged(scope, userId);
      return create(EmptySchema);
    },

    async createTemporaryPassword(req, ctx) {
      await createTemporaryPassword(scopeOf(ctx), userIdOf(req.userIds, "user_ids.user_id"), deps.hasher);
      return create(EmptySchema);
    },

    delete: (req, ctx) => lifecycle.delete(userRef(userIdOf(req, "user_id")), ctx),
    restore: (req, ctx) => lifecycle.restore(userRef(userIdOf(req, "user_id")), ctx),
    purge: (req, ctx) => lifecycle.purge(userRef(userIdOf(req, "user_id")), ctx),
  };
}

