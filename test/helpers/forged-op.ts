// A minimal hand-made OpenID Provider for answers a real provider would not
// give: ID tokens that are expired, for another audience, with another nonce,
// from another issuer or signed with a key it does not publish, and a token
// endpoint that never answers. Discovery, JWKS, an authorization endpoint that
// answers at once with a code, a token endpoint and userinfo; tokens are signed
// with jose. `mode` picks the forgery; "honest" issues a valid token, so a test
// can show the same peer works when nothing is forged.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";

export type ForgeryMode = "honest" | "expired" | "foreign-audience" | "wrong-nonce" | "wrong-issuer" | "unpublished-key" | "token-hangs";

export interface ForgedOp {
  issuer: string;
  mode: ForgeryMode;
  /** Claims of the one person this provider knows (the ID token's `sub` and userinfo). */
  claims: Record<string, unknown>;
  /** How many discovery documents were served (the relying party's cache shows here). */
  discoveryRequests: number;
  close(): Promise<void>;
}

export async function startForgedOp(opts: { clientId: string; claims: Record<string, unknown> }): Promise<ForgedOp> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const other = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  const codes = new Map<string, { nonce: string }>();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const op: ForgedOp = { issuer, mode: "honest", claims: opts.claims, discoveryRequests: 0, close: async () => {} };

  const idToken = async (nonce: string): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    let key: CryptoKey = privateKey;
    const claims: Record<string, unknown> = { ...op.claims, nonce, iss: issuer, aud: opts.clientId, iat: now, exp: now + 300 };
    if (op.mode === "expired") Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
    if (op.mode === "foreign-audience") claims.aud = "another-client";
    if (op.mode === "wrong-nonce") claims.nonce = "not-the-nonce-of-this-login";
    if (op.mode === "wrong-issuer") claims.iss = "http://127.0.0.1:1";
    if (op.mode === "unpublished-key") key = other.privateKey;
    return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "k1" }).sign(key);
  };

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(body));
  };

  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? "/", issuer);
    void (async () => {
      switch (url.pathname) {
        case "/.well-known/openid-configuration":
          op.discoveryRequests++;
          return json(res, 200, {
            issuer,
            authorization_endpoint: `${issuer}/authorize`,
            token_endpoint: `${issuer}/token`,
            userinfo_endpoint: `${issuer}/userinfo`,
            jwks_uri: `${issuer}/jwks`,
            response_types_supported: ["code"],
            subject_types_supported: ["public"],
            id_token_signing_alg_values_supported: ["RS256"],
            token_endpoint_auth_methods_supported: ["client_secret_basic"],
            code_challenge_methods_supported: ["S256"],
          });
        case "/jwks":
          return json(res, 200, { keys: [jwk] });
        case "/authorize": {
          const code = randomBytes(16).toString("hex");
          codes.set(code, { nonce: url.searchParams.get("nonce") ?? "" });
          const back = new URL(url.searchParams.get("redirect_uri") ?? "");
          back.searchParams.set("code", code);
          back.searchParams.set("state", url.searchParams.get("state") ?? "");
          res.writeHead(302, { location: back.href });
          return res.end();
        }
        case "/token": {
          if (op.mode === "token-hangs") return; // the socket stays open, unanswered
          let body = "";
          for await (const chunk of req) body += chunk;
          const code = new URLSearchParams(body).get("code") ?? "";
          const issued = codes.get(code);
          codes.delete(code);
          if (!issued) return json(res, 400, { error: "invalid_grant" });
          return json(res, 200, { access_token: `at-${code}`, token_type: "Bearer", expires_in: 300, id_token: await idToken(issued.nonce) });
        }
        case "/userinfo":
          return json(res, 200, op.claims);
        default:
          return json(res, 404, { error: "not_found" });
      }
    })().catch((err: Error) => json(res, 500, { error: "server_error", error_description: err.message }));
  });

  op.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return op;
}
