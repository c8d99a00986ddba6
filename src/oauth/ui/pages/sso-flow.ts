// Single sign-on with an OpenID Connect provider (authorization code flow with
// PKCE, state and nonce), behind the two routes of sso.ts. The start sends the
// browser to the provider; the callback verifies the answer, finds or registers
// the user, starts a session and goes on to `n` (an OAuth authorization in
// progress resumes there). Errors are a page for people and the JSON error for
// `Accept: application/json`.
import * as oidc from "openid-client";
import type { AuthenticationProvider } from "../../../../gen/ttn/lorawan/v3/authentication_provider_pb.js";
import { errAuthenticationProviderNotFound, errInvalidLoginState, errLoginNotStarted, errLoginProviderMismatch, errProviderRefused } from "../../../errors/index.js";
import { issuerOf } from "../../core/settings.js";
import { exchangeCode } from "../../../sso/callback.js";
import { providerConfiguration, withFetch } from "../../../sso/discovery.js";
import { checkEmail } from "../../../sso/email-rule.js";
import { clearFlowCookie, flowCookie, flowCookieName, readFlowCookie } from "../../../sso/flow-cookie.js";
import { linkOrRegister } from "../../../sso/link-or-register.js";
import type { UiContext } from "../context.js";
import { settleError } from "../errors.js";
import { appendCookie, redirect, sendJsonError } from "../http-util.js";
import { assertMayLogIn } from "../login.js";
import { safeNext } from "./common.js";

type Handler = (ctx: UiContext) => Promise<void>;

const providerIdPattern = /^[a-z0-9](?:-?[a-z0-9]){1,35}$/;
const scope = "openid profile email";

/**
 * The provider's callback URL, which its operator registers at the provider:
 * below the issuer (`is.oauth.ui.canonical-url`, or the request's own host and
 * scheme when that is empty, as discovery and RFC 9207's `iss` do).
 */
export function callbackUrl(issuer: string, providerId: string): string {
  return `${issuer.replace(/\/+$/, "")}/login/${providerId}/callback`;
}

function wantsJson(ctx: UiContext): boolean {
  const accept = String(ctx.req.headers.accept ?? "");
  return accept.includes("application/json") && !accept.includes("text/html");
}

/** JSON clients get the error body here; for people the page router shows the error page. */
function answeringErrors(handler: Handler): Handler {
  return async (ctx) => {
    try {
      await handler(ctx);
    } catch (err) {
      if (!wantsJson(ctx) || ctx.res.headersSent) throw err;
      sendJsonError(ctx.res, settleError(ctx.log, err));
    }
  };
}

async function providerOf(ctx: UiContext, providerId: string): Promise<AuthenticationProvider> {
  if (!providerIdPattern.test(providerId)) throw errAuthenticationProviderNotFound({ provider_id: providerId });
  return ctx.deps.store.authenticationProviders.get(providerId);
}

/** The request's traced fetch (tracing on): calls to the provider are spans of the request, with its `traceparent`. */
function tracedFetch(ctx: UiContext): oidc.CustomFetch | undefined {
  const trace = ctx.trace;
  return trace && ((url, options) => trace.fetch(url, options));
}

async function start(ctx: UiContext, providerId: string): Promise<void> {
  const provider = await providerOf(ctx, providerId);
  const config = await providerConfiguration(ctx.deps, ctx.deps, provider, tracedFetch(ctx));
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const flow = {
    providerId,
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    codeVerifier,
    next: safeNext(ctx.query.get("n"), ""),
    expiresAt: ctx.deps.now().getTime() + ctx.deps.config.is.authenticationProviders.loginTtl,
  };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: callbackUrl(issuerOf(ctx.deps.config, ctx.req), providerId),
    response_type: "code",
    scope,
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
  });
  appendCookie(ctx.res, flowCookie(ctx.deps.keys, flow, { mount: ctx.deps.mount, secure: ctx.secure, now: ctx.deps.now().getTime() }));
  redirect(ctx.res, url.href);
}

async function callback(ctx: UiContext, providerId: string): Promise<void> {
  const { deps } = ctx;
  const flow = readFlowCookie(deps.keys, ctx.cookies.get(flowCookieName), deps.now().getTime());
  // One answer per login: whatever happens next, the flow is spent.
  appendCookie(ctx.res, clearFlowCookie({ mount: deps.mount, secure: ctx.secure }));
  const provider = await providerOf(ctx, providerId);
  if (!flow) throw errLoginNotStarted();
  if (flow.providerId !== providerId) throw errLoginProviderMismatch({ provider_id: providerId, expected: flow.providerId });
  if (ctx.query.get("state") !== flow.state) throw errInvalidLoginState();
  const error = ctx.query.get("error");
  if (error) throw errProviderRefused({ provider_id: providerId, error, error_description: ctx.query.get("error_description") || "no reason given" });

  const fetch = tracedFetch(ctx);
  const config = await providerConfiguration(deps, deps, provider, fetch);
  const answer = new URL(callbackUrl(issuerOf(deps.config, ctx.req), providerId));
  answer.search = ctx.query.toString();
  const exchange = (c: oidc.Configuration) => exchangeCode(c, providerId, answer, flow);
  const claims = await (fetch ? withFetch(config, fetch, exchange) : exchange(config));
  const email = checkEmail(provider, claims);
  const user = await linkOrRegister(deps, provider, claims, email);
  assertMayLogIn(user);
  const session = await ctx.startSession(user);
  ctx.log.info({ user_id: user.ids?.userId, session_id: session.sessionId, provider_id: providerId }, "user logged in through an authentication provider");
  redirect(ctx.res, flow.next || ctx.url("/"));
}

/** GET of the start (`isCallback` false) or the callback of `providerId`'s login. */
export function ssoFlow(ctx: UiContext, providerId: string, isCallback: boolean): Promise<void> {
  return answeringErrors((c) => (isCallback ? callback(c, providerId) : start(c, providerId)))(ctx);
}
