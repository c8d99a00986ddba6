// Shared by the authentication provider suites: provider messages in the
// shapes gRPC and /api/v3 take, the registries' clients, and the stored
// client secret as the database holds it.
import { sql } from "drizzle-orm";
import { AuthenticationProviderRegistry, ExternalUserRegistry } from "../../gen/ttn/lorawan/v3/authentication_provider_pb.js";
import { rows } from "../../src/store/pg/handle.js";
import { grpcClient } from "../helpers/clients.js";
import { testDatabase } from "../helpers/database.js";
import type { TestServer } from "../helpers/harness.js";

export { it, rejects, httpError } from "../helpers/expect.js";

export const providers = (s: TestServer, key?: string) => grpcClient(s, AuthenticationProviderRegistry, key);
export const links = (s: TestServer, key?: string) => grpcClient(s, ExternalUserRegistry, key);

export interface OIDCInit {
  clientId?: string;
  clientSecret?: string;
  providerUrl?: string;
  preferredResponseType?: string;
}

/** A provider for gRPC calls: a valid one unless `extra` says otherwise. */
export function provider(id: string, extra: { name?: string; allowRegistrations?: boolean; allowedEmailDomains?: string[]; oidc?: OIDCInit | null } = {}) {
  const { oidc, ...rest } = extra;
  return {
    ids: { providerId: id },
    name: `Provider ${id}`,
    ...rest,
    configuration:
      oidc === null
        ? undefined
        : { provider: { case: "oidc" as const, value: { clientId: `client-of-${id}`, clientSecret: `secret-of-${id}`, providerUrl: "https://accounts.example.com", ...oidc } } },
  };
}

/** The same provider as /api/v3 JSON. */
export function providerJson(id: string, oidc: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return {
    ids: { provider_id: id },
    name: `Provider ${id}`,
    ...extra,
    configuration: { oidc: { client_id: `client-of-${id}`, client_secret: `secret-of-${id}`, provider_url: "https://accounts.example.com", ...oidc } },
  };
}

export const secretPath = "configuration.provider.oidc.client_secret";

/** The client secret column as the database holds it. */
export async function storedSecret(s: TestServer, providerId: string): Promise<string | undefined> {
  const db = (await testDatabase()).db;
  const [row] = await rows<{ secret: string }>(
    db,
    sql`SELECT oidc_client_secret AS secret FROM authentication_providers WHERE tenant_id = ${s.tenantId} AND provider_id = ${providerId}`,
  );
  return row?.secret;
}
