// oidc-provider, the OpenID Provider the OAuth benchmark compares with, in a
// process of its own: its default in-memory store, one confidential client
// (client_secret_basic; authorization_code and refresh_token, refresh tokens
// rotated on every use as the Identity Server does) and one account whose
// claims are given. The browser part of a login is replaced by a route that
// finishes any interaction as the account, with consent to the scopes, so the
// benchmark gets tokens through the real authorization endpoint and token endpoint.
// Argument: {"client": {id, secret, redirectUri}, "account": claims with sub};
// prints {"issuer": "http://127.0.0.1:<port>"}.
import http from "node:http";
import { exportJWK, generateKeyPair } from "jose";
import { opScopes, type OAuthClient } from "./oauth-tokens.js";

const input = JSON.parse(process.argv[2]!) as { client: OAuthClient; account: Record<string, unknown> & { sub: string } };
const { client, account } = input;

// oidc-provider ships no types: the part used here.
interface Grant { addOIDCScope(scope: string): void; save(): Promise<string> }
interface Provider {
  callback(): (req: http.IncomingMessage, res: http.ServerResponse) => void;
  interactionFinished(req: http.IncomingMessage, res: http.ServerResponse, result: object, opts?: object): Promise<void>;
  Grant: new (init: { clientId: string; accountId: string }) => Grant;
}
const moduleName = "oidc-provider"; // a variable specifier: the compiler must not look for its types
const { default: OidcProvider } = (await import(moduleName)) as { default: new (issuer: string, config: object) => Provider };

const server = http.createServer();
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const { privateKey } = await generateKeyPair("RS256", { extractable: true });
const provider = new OidcProvider(issuer, {
  clients: [{ client_id: client.id, client_secret: client.secret, redirect_uris: [client.redirectUri], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "client_secret_basic" }],
  jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: "bench", alg: "RS256", use: "sig" }] },
  cookies: { keys: ["bench-cookie-key-0123456789abcdef"] },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "preferred_username"] },
  features: { devInteractions: { enabled: false } },
  rotateRefreshToken: true,
  async findAccount(_ctx: unknown, sub: string) {
    return sub === account.sub ? { accountId: sub, claims: async () => account } : undefined;
  },
});
const handle = provider.callback();
server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
  if (!/^\/interaction\/[^/?]+$/.test(req.url ?? "")) return handle(req, res);
  const grant = new provider.Grant({ clientId: client.id, accountId: account.sub });
  grant.addOIDCScope(opScopes);
  grant
    .save()
    .then((grantId) => provider.interactionFinished(req, res, { login: { accountId: account.sub }, consent: { grantId } }, { mergeWithLastSubmission: false }))
    .catch((err: Error) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(`bench interaction failed: ${err.message}`);
    });
});
process.stdout.write(JSON.stringify({ issuer }) + "\n");
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
