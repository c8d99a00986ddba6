// Shared by the single sign-on flow tests: providers created through the API
// with the admin key, and one login driven hop by hop (the Identity Server's
// start route, the provider, the callback) with a cookie jar per host.
import * as assert from "uvu/assert";
import { WebClient, type WebResponse } from "../helpers/browser.js";
import { api } from "../helpers/clients.js";
import type { TestServer } from "../helpers/harness.js";
import type { TestOidcProvider } from "../helpers/oidc-provider.js";

export interface ProviderSpec {
  id: string;
  name?: string;
  url: string;
  clientId: string;
  clientSecret: string;
  allowRegistrations?: boolean;
  allowedEmailDomains?: string[];
}

/** The pages' public URL is the test server's, so the provider's redirects come back to it. */
export function serveCanonically(server: TestServer): void {
  server.config.is.oauth.ui.canonicalUrl = `${server.httpURL}/oauth`;
}

export function callbackOf(server: TestServer, providerId: string): string {
  return `${server.httpURL}/oauth/login/${providerId}/callback`;
}

export async function createProvider(server: TestServer, spec: ProviderSpec): Promise<void> {
  const res = await api(server, "POST", "/authentication_providers", {
    key: server.adminAPIKey,
    body: {
      provider: {
        ids: { provider_id: spec.id },
        name: spec.name ?? `Provider ${spec.id}`,
        allow_registrations: spec.allowRegistrations ?? true,
        allowed_email_domains: spec.allowedEmailDomains ?? [],
        configuration: { oidc: { client_id: spec.clientId, client_secret: spec.clientSecret, provider_url: spec.url } },
      },
    },
  });
  assert.is(res.status, 200, `create provider ${spec.id}: ${JSON.stringify(res.body)}`);
}

export interface LoginRun {
  /** The answer of the start route (a redirect to the provider). */
  start: WebResponse;
  /** The answer of the callback. */
  callback: WebResponse;
}

/**
 * One login at `providerId`: start (with `n` when given), the provider (the real
 * one as account `sub`, or a forged one that answers at once), then the
 * callback with `headers` (e.g. Accept: application/json).
 */
export async function ssoLogin(
  server: TestServer,
  web: WebClient,
  providerId: string,
  at: { op: TestOidcProvider; sub: string; opWeb?: WebClient } | { forged: true },
  opts: { next?: string; headers?: Record<string, string> } = {},
): Promise<LoginRun> {
  const start = await web.get(`/oauth/login/${providerId}${opts.next ? `?${new URLSearchParams({ n: opts.next })}` : ""}`);
  assert.is(start.status, 302, `start at ${providerId}: ${start.status} ${start.text.slice(0, 400)}`);
  let back: string;
  if ("op" in at) {
    back = await at.op.loginAs(at.opWeb ?? new WebClient(at.op.issuer), start.location!, at.sub);
  } else {
    const res = await fetch(start.location!, { redirect: "manual" });
    back = res.headers.get("location") ?? "";
  }
  const url = new URL(back);
  assert.is(`${url.origin}${url.pathname}`, callbackOf(server, providerId), "the provider answers on the callback URL");
  const callback = await web.get(url.pathname + url.search, opts.headers);
  return { start, callback };
}

/** The JSON error body without its correlation ID (which differs per error). */
export function withoutCorrelation(body: { details?: Array<Record<string, unknown>> }): unknown {
  return { ...body, details: body.details?.map((d) => ({ ...d, correlation_id: d.correlation_id ? "<id>" : undefined })) };
}

/** Who the browser is logged in as, or undefined. */
export async function loggedInAs(web: WebClient): Promise<string | undefined> {
  const me = await web.get("/oauth/api/me");
  return me.status === 200 ? me.json.user.ids.user_id : undefined;
}
