// Who is asking at the token endpoint: the client's ID and secret from HTTP
// Basic authentication (which wins) or the body, checked against the stored
// hash (see auth/client-secrets.ts) through the server's one hash pool. A client without a secret is public: it
// proves nothing here, which is why it must use PKCE.
import type { Client } from "../../../gen/ttn/lorawan/v3/client_pb.js";
import { State } from "../../../gen/ttn/lorawan/v3/enums_pb.js";
import { verifyClientSecret } from "../../auth/client-secrets.js";
import {
  errClientRejected, errClientNotFound, errClientSuspended, errInvalidClient, errMissingClientID, errMissingClientSecret,
} from "../../errors/index.js";
import { check, checks } from "../../services/shared/validate.js";
import type { RequestTrace } from "../../telemetry/tracing/request-trace.js";
import type { OAuthDeps, Request } from "../api.js";
import { authorizationHeader, rfc } from "./http.js";

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

// RFC 6749 §2.3.1: both parts are form-encoded before they are joined.
const formDecode = (s: string) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
};

export function credentialsOf(req: Request, params: Record<string, string>): ClientCredentials {
  const header = authorizationHeader(req);
  const basic = header && /^basic\s+/i.test(header) ? Buffer.from(header.replace(/^basic\s+/i, ""), "base64").toString("utf8") : undefined;
  if (basic !== undefined) {
    const colon = basic.indexOf(":");
    return { clientId: formDecode(colon < 0 ? basic : basic.slice(0, colon)), clientSecret: colon < 0 ? "" : formDecode(basic.slice(colon + 1)) };
  }
  return { clientId: params.client_id ?? "", clientSecret: params.client_secret ?? "" };
}

/** `trace`: the request's, when traced (the secret check is a span of it). */
export async function authenticateClient(deps: OAuthDeps, creds: ClientCredentials, trace?: RequestTrace): Promise<Client> {
  if (!creds.clientId) throw rfc("invalid_request", errMissingClientID());
  check("client_id", creds.clientId, checks.id3);
  const client = await deps.store.clients.get(creds.clientId).catch((err: unknown) => {
    if (errClientNotFound.is(err)) throw rfc("invalid_client", errInvalidClient());
    throw err;
  });
  if (client.secret === "") {
    if (creds.clientSecret) throw rfc("invalid_client", errInvalidClient());
  } else {
    if (!creds.clientSecret) throw rfc("invalid_request", errMissingClientSecret());
    const ok = await verifyClientSecret(deps.hasher, creds.clientSecret, client.secret, trace);
    if (!ok) throw rfc("invalid_client", errInvalidClient());
  }
  const client_id = creds.clientId;
  if (client.state === State.REJECTED) throw rfc("unauthorized_client", errClientRejected({ client_id }));
  if (client.state === State.SUSPENDED) throw rfc("unauthorized_client", errClientSuspended({ client_id }));
  return client;
}
