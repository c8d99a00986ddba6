// How failures of openid-client read: whether the provider did not answer
// (a network error or a timeout, anywhere in the cause chain) or answered
// something that failed verification, and the reason people are shown.
import * as oidc from "openid-client";

type Link = { name?: string; message?: string; code?: string; cause?: unknown };

/** The error and its causes, outermost first. */
function chain(err: unknown): Link[] {
  const out: Link[] = [];
  for (let e = err as Link | undefined, i = 0; e && typeof e === "object" && i < 5; e = e.cause as typeof e, i++) out.push(e);
  return out;
}

const timedOut = (err: unknown) => chain(err).some((e) => e.name === "TimeoutError" || e.name === "AbortError");

/** Whether an error of openid-client means the provider did not answer (network, timeout). */
export function isNetworkError(err: unknown): boolean {
  return timedOut(err) || chain(err).some((e) => e instanceof TypeError && e.message === "fetch failed");
}

/** The provider's own words of an OAuth error answer (RFC 6749 §5.2), in the body or in WWW-Authenticate. */
function oauthError(err: unknown): string | undefined {
  if (!(err instanceof oidc.ResponseBodyError || err instanceof oidc.WWWAuthenticateChallengeError)) return undefined;
  const said: { error?: unknown; error_description?: unknown } | undefined =
    err instanceof oidc.ResponseBodyError ? err : err.cause.find((c) => c.parameters.error)?.parameters;
  if (typeof said?.error !== "string") return undefined;
  const description = typeof said.error_description === "string" ? ` (${said.error_description})` : "";
  return `the provider answered ${err.status} ${said.error}${description}`;
}

/** The reason shown to people: the error and its cause, never a secret (openid-client's messages hold none). */
export function reasonOf(err: unknown): string {
  if (timedOut(err)) return "no answer in time";
  const said = oauthError(err);
  if (said) return said;
  const [outer, cause] = chain(err);
  return [outer?.message ?? String(err), cause?.message ?? cause?.code].filter(Boolean).join(": ");
}
