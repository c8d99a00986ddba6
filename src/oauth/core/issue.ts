// Access and refresh tokens as the token endpoint hands them out:
// `MFRWG.<id>.<secret>` and `OJSWM.<id>.<secret>` with the same ID, both
// secrets stored only as hashes in one row. A refresh token exists only for
// clients with the refresh_token grant. Rotation gives the row new secrets
// and keeps its ID, so what a code issued can be found (and revoked) later.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { GrantType, type Client } from "../../../gen/ttn/lorawan/v3/client_pb.js";
import { OAuthAccessTokenSchema } from "../../../gen/ttn/lorawan/v3/oauth_pb.js";
import type { Right } from "../../../gen/ttn/lorawan/v3/rights_pb.js";
import { hashSecret } from "../../auth/secrets.js";
import { base32, generateToken, TokenType } from "../../auth/tokens.js";
import { randomBytes } from "node:crypto";
import { implied, intersect, sorted } from "../../rights/algebra.js";
import type { Store } from "../../store/interfaces.js";
import type { OAuthDeps } from "../api.js";
import { accessTokenTtl } from "./settings.js";

export interface Issued {
  id: string;
  accessToken: string;
  refreshToken?: string;
  expiresAt: Date;
}

/** What a token may carry: what was granted, cut to what the client has now. */
export function tokenRights(granted: readonly Right[], client: Client): Right[] {
  return sorted(intersect(implied(granted), implied(client.rights)));
}

function secrets(deps: OAuthDeps, client: Client, id: string) {
  const access = generateToken(TokenType.AccessToken, id);
  const refresh = client.grants.includes(GrantType.GRANT_REFRESH_TOKEN) ? generateToken(TokenType.RefreshToken, id) : undefined;
  const expiresAt = new Date(deps.now().getTime() + accessTokenTtl(deps.config));
  return { access, refresh, expiresAt, hashes: { access: hashSecret(access.secret), refresh: refresh && hashSecret(refresh.secret) } };
}

export async function issueTokens(
  tx: Store,
  deps: OAuthDeps,
  p: { client: Client; userId: string; sessionId?: string; rights: readonly Right[]; scopes: readonly string[] },
): Promise<Issued> {
  const id = base32(randomBytes(24));
  const s = secrets(deps, p.client, id);
  const token = create(OAuthAccessTokenSchema, {
    id,
    userIds: { userId: p.userId },
    clientIds: { clientId: p.client.ids!.clientId },
    userSessionId: p.sessionId ?? "",
    rights: [...p.rights],
    createdAt: timestampFromDate(deps.now()),
    expiresAt: timestampFromDate(s.expiresAt),
  });
  await tx.oauth.createToken(token, s.hashes, p.scopes);
  return { id, accessToken: s.access.value, refreshToken: s.refresh?.value, expiresAt: s.expiresAt };
}

/** Undefined when the token's refresh hash is no longer `refreshHash`. */
export async function rotateTokens(store: Store, deps: OAuthDeps, p: { client: Client; id: string; refreshHash: string; rights: readonly Right[] }): Promise<Issued | undefined> {
  const s = secrets(deps, p.client, p.id);
  if (!(await store.oauth.rotateToken(p.id, p.refreshHash, s.hashes, p.rights, deps.now(), s.expiresAt))) return undefined;
  return { id: p.id, accessToken: s.access.value, refreshToken: s.refresh?.value, expiresAt: s.expiresAt };
}

/** The token endpoint's answer (RFC 6749 §5.1). */
export function tokenResponse(deps: OAuthDeps, issued: Issued, idToken?: string): Record<string, unknown> {
  return {
    access_token: issued.accessToken,
    token_type: "bearer",
    expires_in: Math.max(0, Math.round((issued.expiresAt.getTime() - deps.now().getTime()) / 1000)),
    ...(issued.refreshToken ? { refresh_token: issued.refreshToken } : {}),
    ...(idToken ? { id_token: idToken } : {}),
  };
}
