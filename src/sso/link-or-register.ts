// Who a person logging in through a provider is: the user linked to the
// provider's subject, or, on a first login, a new user registered under the
// registration policies and linked, in one transaction. An existing account
// is never taken over by e-mail address: an administrator links accounts
// (ExternalUserRegistry).
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { AuthenticationProvider } from "../../gen/ttn/lorawan/v3/authentication_provider_pb.js";
import { ExternalUserSchema } from "../../gen/ttn/lorawan/v3/authentication_provider_pb.js";
import { UserSchema, type User } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { initialState, registerUser } from "../accounts/registration.js";
import { anonymous } from "../auth/caller.js";
import type { Config } from "../config/index.js";
import type { Emails } from "../email/api.js";
import {
  errEmailBelongsToOtherUser, errEmailTaken, errExternalUserNotFound, errExternalUserTaken, errIDTaken, errInvitationTokenRequired,
  errNoUserIdFromClaims, errRegistrationsNotAllowed, errUnsupportedEmail, errUserRegistrationDisabled,
} from "../errors/index.js";
import type { Logger } from "../log.js";
import { userRegistered } from "../notifications/hooks.js";
import { initialLimits } from "../services/shared/limits.js";
import { checkUser } from "../services/shared/users.js";
import { checks } from "../services/shared/validate.js";
import type { Store } from "../store/interfaces.js";
import type { PersonClaims } from "./callback.js";
import type { CheckedEmail } from "./email-rule.js";
import { chooseUserId } from "./username.js";

export interface LinkDeps {
  config: Config;
  store: Store;
  now: () => Date;
  emails: Emails;
  log: Logger;
}

/** Concurrent first logins may pick the same user ID; a few rounds settle it. */
const ATTEMPTS = 3;
const MAX_NAME_LENGTH = 50;

/** The linked user (`user_not_found` when it was deleted since), or undefined when the subject has no link. */
async function linkedUser(store: Store, providerId: string, sub: string): Promise<User | undefined> {
  try {
    const link = await store.externalUsers.getByExternalId(providerId, sub);
    return await store.users.get(link.userIds?.userId ?? "");
  } catch (err) {
    if (errExternalUserNotFound.is(err)) return undefined;
    throw err;
  }
}

/** Why this person may not be registered, if anything forbids it. */
function assertMayRegister(config: Config, provider: AuthenticationProvider): void {
  const providerId = provider.ids?.providerId ?? "";
  if (!provider.allowRegistrations) throw errRegistrationsNotAllowed({ provider_id: providerId });
  if (!config.is.userRegistration.enabled) throw errUserRegistrationDisabled();
  // An invitation cannot travel through a provider's login: invite-only networks link accounts by hand.
  if (config.is.userRegistration.invitation.required) throw errInvitationTokenRequired();
}

async function isTaken(store: Store, userId: string): Promise<boolean> {
  // User and organization IDs share one namespace; deleted ones stay reserved until purged.
  const opts = { includeDeleted: true };
  return (await store.exists({ kind: "user", id: userId }, opts)) || (await store.exists({ kind: "organization", id: userId }, opts));
}

function newUser(config: Config, userId: string, claims: PersonClaims, email: CheckedEmail, now: Date): User {
  const name = (claims.name ?? [claims.given_name, claims.family_name].filter(Boolean).join(" ")).slice(0, MAX_NAME_LENGTH);
  const user = create(UserSchema, {
    ids: { userId },
    name,
    primaryEmailAddress: email.email,
    // Validated by the provider; otherwise the usual validation e-mail goes out.
    primaryEmailAddressValidatedAt: email.verified ? timestampFromDate(now) : undefined,
    // No password: the stored hash is empty, which no password ever matches,
    // so this user logs in through the provider only.
    password: "",
    admin: false,
    ...initialState(config),
  });
  initialLimits("user", user, config, false);
  checkUser(user);
  return user;
}

/**
 * The user for these claims: found by the link of (provider, sub), or
 * registered and linked. Registration follows the provider's
 * allow_registrations and the network's registration policies (disabled,
 * invitation-only, admin approval); an address that belongs to a user already
 * is refused.
 */
export async function linkOrRegister(deps: LinkDeps, provider: AuthenticationProvider, claims: PersonClaims, email: CheckedEmail): Promise<User> {
  const providerId = provider.ids?.providerId ?? "";
  const { store } = deps;
  for (let attempt = 1; ; attempt++) {
    const linked = await linkedUser(store, providerId, claims.sub);
    if (linked) return linked;
    assertMayRegister(deps.config, provider);
    // The address must be one the API and the registration page accept too
    // (ASCII only; upstream takes UTF-8 before the `@`, not after it): said in
    // words here, not as the validation error of a field the person never typed.
    if (checks.email(email.email) !== undefined) throw errUnsupportedEmail({ email: email.email, provider_id: providerId });
    if (await store.invitations.addressRegistered(email.email)) throw errEmailBelongsToOtherUser({ email: email.email, provider_id: providerId });
    const userId = await chooseUserId(claims, providerId, (id) => isTaken(store, id));
    if (!userId) throw errNoUserIdFromClaims({ provider_id: providerId });
    const now = deps.now();
    try {
      // The user, its validation e-mail (when unverified) and the link: all or nothing.
      const created = await store.transact(async (tx) => {
        const user = await registerUser(deps, tx, newUser(deps.config, userId, claims, email, now), "");
        await tx.externalUsers.create(create(ExternalUserSchema, { userIds: { userId }, providerIds: { providerId }, externalId: claims.sub }), now);
        return user;
      });
      deps.log.info({ user_id: userId, provider_id: providerId }, "user registered through an authentication provider");
      await userRegistered({ ...deps, caller: async () => anonymous, rights: new Map() }, created);
      return created;
    } catch (err) {
      if (errEmailTaken.is(err)) throw errEmailBelongsToOtherUser({ email: email.email, provider_id: providerId });
      // Another login took the ID, or linked this subject, meanwhile: look again.
      if (attempt < ATTEMPTS && (errIDTaken.is(err) || errExternalUserTaken.is(err))) continue;
      throw err;
    }
  }
}
