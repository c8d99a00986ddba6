// Validation of users' primary e-mail addresses: requesting one (a new
// validation, or a re-send of the pending one once the retry interval has
// passed) and consuming its token. Both run on the store they are given, so
// callers put them in the transaction that causes them (registration, an
// address change) and a rolled-back transaction sends nothing.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { User } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { verifySecret } from "../auth/secrets.js";
import { formatDuration, type Config } from "../config/index.js";
import type { Emails } from "../email/api.js";
import {
  errUserNotFound, errValidationAddressChanged, errValidationRequestForbidden, errValidationTokenAlreadyUsed, errValidationTokenExpired, errValidationTokenNotFound,
} from "../errors/index.js";
import type { EmailValidationRecord, Store } from "../store/interfaces.js";
import { newValidationSecret, newValidationToken } from "./tokens.js";

/** What the account flows need of a request scope. */
export interface AccountDeps {
  readonly config: Config;
  readonly now: () => Date;
  readonly emails: Emails;
}

/**
 * How to treat a pending validation younger than the retry interval:
 * `request` (an explicit request) refuses with `validation_request_forbidden`;
 * `quiet` (registration, an address change, contact info) sends nothing and
 * reports `sent: false`.
 */
export type RequestMode = "request" | "quiet";

export interface RequestedValidation {
  validation: EmailValidationRecord;
  sent: boolean;
}

/**
 * Creates (or refreshes and re-sends) the validation of the user's current
 * primary address and queues the `validate` e-mail through `store`.
 */
export async function requestEmailValidation(deps: AccountDeps, store: Store, user: User, mode: RequestMode): Promise<RequestedValidation | undefined> {
  const address = user.primaryEmailAddress;
  const userId = user.ids?.userId ?? "";
  if (!address || !userId) return undefined;
  const now = deps.now();
  const { tokenTtl, retryInterval } = deps.config.is.userRegistration.contactInfoValidation;
  const expiresAt = new Date(now.getTime() + tokenTtl);
  const pending = await store.emailValidations.pending(userId, address, now);
  let validation: EmailValidationRecord;
  let token: string;
  if (pending) {
    if (now.getTime() - pending.updatedAt.getTime() < retryInterval) {
      if (mode === "request") throw errValidationRequestForbidden({ retry_interval: formatDuration(retryInterval) });
      return { validation: pending, sent: false };
    }
    // Only the hash of the old token is known: a re-send carries a new token.
    const fresh = newValidationToken();
    token = fresh.token;
    validation = await store.emailValidations.refresh(pending.id, fresh.tokenHash, expiresAt, now);
  } else {
    const secret = newValidationSecret();
    token = secret.token;
    validation = await store.emailValidations.create({ id: secret.id, userId, address, tokenHash: secret.tokenHash, expiresAt }, now);
  }
  await deps.emails.queue(store, {
    template: "validate",
    to: { name: user.name, address },
    data: { user: { id: userId, name: user.name }, address, validationId: validation.id, token },
  });
  return { validation, sent: true };
}

/**
 * Consumes a validation token: the owning user's primary address is marked
 * validated and the token used, in one transaction. A token for an address
 * the user no longer has validates nothing.
 */
export async function validateEmail(deps: Pick<AccountDeps, "now">, store: Store, id: string, token: string): Promise<User> {
  return store.transact(async (tx) => {
    const validation = await tx.emailValidations.get(id);
    // The hash check runs whether or not the ID exists, in constant time.
    const matches = verifySecret(token, validation?.tokenHash ?? "HS256$x$");
    if (!validation || !matches) throw errValidationTokenNotFound();
    if (validation.usedAt) throw errValidationTokenAlreadyUsed();
    const now = deps.now();
    if (validation.expiresAt <= now) throw errValidationTokenExpired();
    const user = await tx.users.get(validation.userId).catch((err: unknown) => {
      if (errUserNotFound.is(err)) throw errValidationTokenNotFound();
      throw err;
    });
    if (user.primaryEmailAddress.toLowerCase() !== validation.address.toLowerCase()) throw errValidationAddressChanged({ address: validation.address });
    const updated = await tx.users.update(validation.userId, create(UserSchema, { primaryEmailAddressValidatedAt: timestampFromDate(now) }), ["primary_email_address_validated_at"]);
    await tx.emailValidations.markUsed(validation.id, now);
    return updated;
  });
}

/** The validation as the API shows it: never with its token. */
export function publicValidation(v: EmailValidationRecord) {
  return {
    id: v.id,
    address: v.address,
    createdAt: timestampFromDate(v.createdAt),
    updatedAt: timestampFromDate(v.updatedAt),
    expiresAt: timestampFromDate(v.expiresAt),
  };
}
