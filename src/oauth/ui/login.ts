// Logging a browser in: with user ID and password (throttled, one generic
// error for a wrong user or password, hashes upgraded on the way) or with a
// login token. Shared by the JSON API and the login pages.
import { create } from "@bufbuild/protobuf";
import { State } from "../../../gen/ttn/lorawan/v3/enums_pb.js";
import { UserSchema, type User } from "../../../gen/ttn/lorawan/v3/user_pb.js";
import {
  errLoginRateLimited, errLoginTokensDisabled, errMissingLoginToken, errMissingPassword, errMissingUserID,
  errNoUserIDPasswordMatch, errUserNotFound, errUserRejected, errUserRequested, errUserSuspended,
} from "../../errors/index.js";
import { assertCredentialsLoginAllowed } from "../../accounts/credentials-login.js";
import type { CurrentSession, UiContext } from "./context.js";

const userIdPattern = /^[a-z0-9](?:[-]?[a-z0-9]){1,35}$/;

/** Only approved (or flagged) users get a session; the others learn why, after proving who they are. */
export function assertMayLogIn(user: User): void {
  if (user.state === State.REQUESTED) throw errUserRequested();
  if (user.state === State.REJECTED) throw errUserRejected({ description: user.stateDescription || "no reason given" });
  if (user.state === State.SUSPENDED) throw errUserSuspended({ description: user.stateDescription || "no reason given" });
}

export async function passwordLogin(ctx: UiContext, params: Record<string, string>): Promise<CurrentSession> {
  const { config, store, hasher, throttle, now } = ctx.deps;
  const { log } = ctx;
  assertCredentialsLoginAllowed(config);
  // IDs are lower case; people type them as they like.
  const userId = (params.user_id ?? "").trim().toLowerCase();
  const password = params.password ?? "";
  if (!userId) throw errMissingUserID();
  if (!password) throw errMissingPassword();

  const address = ctx.deps.clientAddress(ctx.req);
  const wait = await throttle.retryAfter(userId, address, now().getTime());
  if (wait > 0) {
    const seconds = Math.max(1, Math.ceil(wait / 1000));
    ctx.res.setHeader("retry-after", String(seconds));
    throw errLoginRateLimited({ retry_after: seconds });
  }

  const user = userIdPattern.test(userId) && password.length <= 1000
    ? await store.users.get(userId).catch((err: unknown) => {
        if (errUserNotFound.is(err)) return undefined;
        throw err;
      })
    : undefined;
  // An unknown user costs a hash check too, so timing does not tell which IDs exist.
  const matches = user ? await hasher.verify(password, user.password, ctx.trace) : (await hasher.verify(password, await ctx.deps.dummyHash, ctx.trace), false);
  if (!user || !matches) {
    await throttle.fail(userId, address, now().getTime());
    log.info({ user_id: userId, address }, "login failed");
    throw errNoUserIDPasswordMatch();
  }
  await throttle.succeed(userId);
  assertMayLogIn(user);
  if (hasher.needsRehash(user.password)) {
    // Upgrading is best effort: a failure must not cost the user the login.
    await store.users
      .update(userId, create(UserSchema, { password: await hasher.hash(password, ctx.trace) }), ["password"])
      .catch((err: unknown) => log.warn({ err, user_id: userId }, "password rehash failed"));
  }
  const session = await ctx.startSession(user);
  log.info({ user_id: userId, session_id: session.sessionId }, "user logged in");
  return session;
}

export async function tokenLogin(ctx: UiContext, params: Record<string, string>): Promise<CurrentSession> {
  const { config, store, now } = ctx.deps;
  const { log } = ctx;
  const token = (params.token ?? "").trim();
  if (!token) throw errMissingLoginToken();
  if (!config.is.loginTokens.enabled) throw errLoginTokensDisabled();
  const { userId } = await store.loginTokens.consume(token, now());
  const user = await store.users.get(userId);
  assertMayLogIn(user);
  const session = await ctx.startSession(user);
  log.info({ user_id: userId, session_id: session.sessionId }, "user logged in with a login token");
  return session;
}
