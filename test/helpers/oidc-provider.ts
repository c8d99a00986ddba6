// A real OpenID Provider for the single sign-on tests: oidc-provider on
// 127.0.0.1:<random port>, in-process. Accounts (subject -> claims) and clients
// are added while it runs. Consent is implied (every client is first-party), so
// a login is one interaction:
// - `loginAs(...)` logs in as a given account without a browser, through the
//   route `/interaction/<uid>/login-as?account=<sub>` that only this helper has;
// - a real browser uses oidc-provider's development login form at
//   `/interaction/<uid>` (any password; the login is the account's subject).
// Scope claims (email, email_verified, profile) reach the relying party through
// userinfo, as with most providers; the ID token carries sub, nonce and the rest.
// Variants: the client authentication methods it supports, and a strict check
// of HTTP Basic credentials as sent (see OpOptions).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import type { WebClient } from "./browser.js";

/** Claims of an account at the provider (the subject is the account's key). */
export type AccountClaims = Record<string, unknown> & {
  email?: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  preferred_username?: string;
};

export interface OpClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  /** How the client must authenticate at the token endpoint; default client_secret_basic. */
  token_endpoint_auth_method?: "client_secret_basic" | "client_secret_post";
}

export interface OpOptions {
  accounts?: Record<string, AccountClaims>;
  clients?: OpClient[];
  /** What the provider supports and advertises (token_endpoint_auth_methods_supported); default oidc-provider's. */
  clientAuthMethods?: string[];
  /**
   * HTTP Basic credentials at the token endpoint: `decoded` (oidc-provider
   * alone: any percent-encoding is decoded, the default), `as-sent` (compared
   * as sent, as some providers do: only the exact RFC 6749 §2.3.1 encoding of
   * a client's ID and secret passes) or `refused` (a provider that lists Basic
   * yet accepts only client_secret_post from this client).
   */
  basic?: "decoded" | "as-sent" | "refused";
}

/** What reached the token endpoint. */
export interface TokenRequest {
  authorization: string | undefined;
  /** The W3C trace context the relying party sent (tracing on); absent when it sent none. */
  traceparent?: string;
  /** Whether `authorization` was refused by the `basic` check before oidc-provider saw it. */
  refusedAsSent: boolean;
}

/** RFC 6749 §2.3.1 (application/x-www-form-urlencoded), written out byte by byte for the strict check. */
export function rfc6749Encode(value: string): string {
  return [...Buffer.from(value, "utf8")]
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/^[A-Za-z0-9*\-._]$/.test(c)) return c;
      return b === 0x20 ? "+" : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

export interface TestOidcProvider {
  /** The issuer, `http://127.0.0.1:<port>`: what a provider_url points to. */
  issuer: string;
  setAccount(sub: string, claims: AccountClaims): void;
  addClient(client: OpClient): void;
  /** Every request to the token endpoint so far, oldest first. */
  tokenRequests: TokenRequest[];
  /**
   * Follows an authorization request URL at this provider as the account `sub`
   * (with `web` as the browser's cookie jar for the provider) and returns where
   * the provider sends the browser back (the redirect URI with code or error).
   */
  loginAs(web: WebClient, authorizationUrl: string, sub: string): Promise<string>;
  close(): Promise<void>;
}

// oidc-provider ships no types; only what is used here is described.
interface Interaction {
  prompt: { name: string };
}
interface OidcProvider {
  callback(): (req: http.IncomingMessage, res: http.ServerResponse) => void;
  interactionDetails(req: http.IncomingMessage, res: http.ServerResponse): Promise<Interaction>;
  interactionFinished(req: http.IncomingMessage, res: http.ServerResponse, result: object, opts?: object): Promise<void>;
}
type GrantModel = new (init: { clientId: string; accountId: string }) => {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
};
interface KoaContext {
  oidc: {
    client: { clientId: string };
    session: { accountId: string; grantIdFor(clientId: string): string | undefined };
    result?: { consent?: { grantId?: string } };
    provider: { Grant: GrantModel & { find(id: string): Promise<unknown> } };
  };
}

/** oidc-provider's storage contract, kept in maps; clients come from `clients`. */
function adapterFactory(clients: Map<string, OpClient>) {
  const stores = new Map<string, Map<string, { payload: Record<string, unknown>; expiresAt?: number }>>();
  return class MapAdapter {
    private readonly store: Map<string, { payload: Record<string, unknown>; expiresAt?: number }>;
    constructor(readonly name: string) {
      if (!stores.has(name)) stores.set(name, new Map());
      this.store = stores.get(name)!;
    }
    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
      this.store.set(id, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
    }
    async find(id: string) {
      if (this.name === "Client") return clients.get(id);
      const hit = this.store.get(id);
      if (!hit || (hit.expiresAt && hit.expiresAt < Date.now())) return undefined;
      return hit.payload;
    }
    async findByUid(uid: string) {
      for (const [id, hit] of this.store) if (hit.payload.uid === uid) return this.find(id);
      return undefined;
    }
    async findByUserCode(code: string) {
      for (const [id, hit] of this.store) if (hit.payload.userCode === code) return this.find(id);
      return undefined;
    }
    async consume(id: string) {
      const hit = this.store.get(id);
      if (hit) hit.payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      this.store.delete(id);
    }
    async revokeByGrantId(grantId: string) {
      for (const [id, hit] of this.store) if (hit.payload.grantId === grantId) this.store.delete(id);
    }
  };
}

export async function startOidcProvider(opts: OpOptions = {}): Promise<TestOidcProvider> {
  const accounts = new Map(Object.entries(opts.accounts ?? {}));
  const clients = new Map((opts.clients ?? []).map((c) => [c.client_id, c]));
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // A variable specifier: the package has no types, so the compiler must not resolve it.
  const moduleName = "oidc-provider";
  const { default: Provider } = (await import(moduleName)) as { default: new (issuer: string, config: object) => OidcProvider };
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const provider = new Provider(issuer, {
    adapter: adapterFactory(clients),
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: "test-op", alg: "RS256", use: "sig" }] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    clientDefaults: { grant_types: ["authorization_code"], response_types: ["code"], token_endpoint_auth_method: "client_secret_basic" },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "given_name", "family_name", "preferred_username"],
    },
    cookies: { keys: ["test-op-cookie-key-0123456789abcdef"] },
    features: { devInteractions: { enabled: true } },
    ...(opts.clientAuthMethods ? { clientAuthMethods: opts.clientAuthMethods } : {}),
    async findAccount(_ctx: unknown, sub: string) {
      const claims = accounts.get(sub);
      if (!claims) return undefined;
      return { accountId: sub, claims: async () => ({ ...claims, sub }) };
    },
    // Every client is first-party here: consent is implied, so a login needs one interaction.
    async loadExistingGrant(ctx: KoaContext) {
      const { Grant } = ctx.oidc.provider;
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return Grant.find(grantId);
      const grant = new Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
    pkce: { required: () => true },
    renderError(ctx: { type: string; body: string }, out: Record<string, string>) {
      ctx.type = "text/plain";
      ctx.body = `error: ${out.error}: ${out.error_description ?? ""}`;
    },
  });
  const handle = provider.callback();
  const tokenRequests: TokenRequest[] = [];
  /** The `basic` check of a token request: true when it was refused here. */
  const refusedBasic = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const authorization = req.headers.authorization;
    const traceparent = req.headers.traceparent as string | undefined;
    const seen: TokenRequest = { authorization, ...(traceparent ? { traceparent } : {}), refusedAsSent: false };
    tokenRequests.push(seen);
    const basic = /^Basic (.+)$/i.exec(authorization ?? "");
    if (!basic || (opts.basic ?? "decoded") === "decoded") return false;
    if (opts.basic === "as-sent") {
      const raw = Buffer.from(basic[1]!, "base64").toString("utf8");
      const colon = raw.indexOf(":");
      const client = [...clients.values()].find((c) => rfc6749Encode(c.client_id) === raw.slice(0, colon));
      if (colon >= 0 && client && raw.slice(colon + 1) === rfc6749Encode(client.client_secret)) return false;
    }
    seen.refusedAsSent = true;
    res.writeHead(401, { "content-type": "application/json", "www-authenticate": `Basic realm="${issuer}", error="invalid_client"` });
    res.end(JSON.stringify({ error: "invalid_client", error_description: opts.basic === "as-sent" ? "client credentials not encoded as RFC 6749 section 2.3.1 says" : "use client_secret_post" }));
    return true;
  };
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method === "POST" && new URL(req.url ?? "/", issuer).pathname === "/token" && refusedBasic(req, res)) return;
    const m = /^\/interaction\/([^/?]+)\/login-as\?account=([^&]+)$/.exec(req.url ?? "");
    if (!m) return handle(req, res);
    const sub = decodeURIComponent(m[2]!);
    provider
      .interactionDetails(req, res)
      .then(async (details) => {
        if (details.prompt.name !== "login") throw new Error(`unexpected prompt ${details.prompt.name}`);
        if (!accounts.has(sub)) throw new Error(`no account ${sub} at the test provider`);
        await provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
      })
      .catch((err: Error) => {
        res.writeHead(400, { "content-type": "text/plain" });
        res.end(`login-as failed: ${err.message}`);
      });
  });

  const follow = async (web: WebClient, url: string, sub: string): Promise<string> => {
    // authorization endpoint -> interaction -> login-as -> resume -> back to the relying party.
    let next = url;
    for (let hop = 0; hop < 6; hop++) {
      const res = await web.get(next);
      if (res.status < 300 || res.status >= 400 || !res.location) throw new Error(`test provider: ${next} answered ${res.status}: ${res.text.slice(0, 300)}`);
      const target = new URL(res.location, next);
      if (target.origin !== issuer) return target.href;
      const interaction = /^\/interaction\/([^/?]+)$/.exec(target.pathname);
      next = interaction ? `${issuer}/interaction/${interaction[1]}/login-as?account=${encodeURIComponent(sub)}` : target.href;
    }
    throw new Error("test provider: too many redirects");
  };

  return {
    issuer,
    setAccount: (sub, claims) => void accounts.set(sub, claims),
    addClient: (client) => void clients.set(client.client_id, client),
    tokenRequests,
    loginAs: follow,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
