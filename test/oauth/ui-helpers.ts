// Shared by the OAuth pages' tests: OAuth clients created through the API
// with the test server's admin key, and small HTML probes.
import * as assert from "uvu/assert";
import { api } from "../helpers/clients.js";
import type { TestServer } from "../helpers/harness.js";

export interface ClientSpec {
  id: string;
  name?: string;
  description?: string;
  redirectUris?: string[];
  logoutRedirectUris?: string[];
  rights?: string[];
  skipAuthorization?: boolean;
  endorsed?: boolean;
  secret?: string;
}

export const defaultRedirect = "http://127.0.0.1:9/callback";

/** An approved client (created by the admin) with the authorization code and refresh token grants. */
export async function createClient(server: TestServer, spec: ClientSpec): Promise<{ id: string; secret: string }> {
  const secret = spec.secret ?? `secret-of-${spec.id}`;
  const res = await api(server, "POST", "/users/admin/clients", {
    key: server.adminAPIKey,
    body: {
      client: {
        ids: { client_id: spec.id },
        name: spec.name ?? `App ${spec.id}`,
        description: spec.description ?? "",
        redirect_uris: spec.redirectUris ?? [defaultRedirect],
        logout_redirect_uris: spec.logoutRedirectUris ?? ["http://127.0.0.1:9/logged-out"],
        grants: ["GRANT_AUTHORIZATION_CODE", "GRANT_REFRESH_TOKEN"],
        rights: spec.rights ?? ["RIGHT_USER_INFO", "RIGHT_APPLICATION_INFO"],
        state: "STATE_APPROVED",
        skip_authorization: spec.skipAuthorization ?? false,
        endorsed: spec.endorsed ?? false,
        secret,
      },
    },
  });
  assert.is(res.status, 200, JSON.stringify(res.body));
  return { id: spec.id, secret };
}

export function authorizePath(clientId: string, extra: Record<string, string> = {}, mount = "/oauth"): string {
  return `${mount}/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: defaultRedirect, response_type: "code", state: "st-123", ...extra })}`;
}

/** The value of the `<attr>` of the first tag matching `tagPattern`. */
export function attrOf(html: string, tagPattern: RegExp, attr: string): string | undefined {
  const tag = tagPattern.exec(html)?.[0];
  return tag ? new RegExp(`\\s${attr}="([^"]*)"`).exec(tag)?.[1] : undefined;
}

/** The page's error box text (`role="alert"`), or undefined. */
export function alertOf(html: string): string | undefined {
  return /<div class="message error" role="alert">([\s\S]*?)<\/div>/.exec(html)?.[1]?.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
}
