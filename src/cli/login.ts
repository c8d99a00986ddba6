// `login` and `logout`, as The Things Stack's CLI has them. `login` runs the
// OAuth authorization code flow with PKCE against the server's OAuth pages:
// with a callback listener on a loopback port (the redirect URI
// http://127.0.0.1:<port>/oauth/callback, any port, RFC 8252), or with
// `--callback=false` the server's `code` page, whose code the operator pastes
// here (a headless shell, or a browser on another machine). The tokens are
// stored (auth-cache.ts) with the hosts they are for; `login --api-key` stores
// an API key instead. `logout` revokes the stored access token at the server
// (OAuthAuthorizationRegistry.DeleteToken, as its owner) and forgets the
// credentials.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { EntityAccess } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { OAuthAuthorizationRegistry } from "../../gen/ttn/lorawan/v3/oauth_services_pb.js";
import { parseToken, TokenType } from "../auth/tokens.js";
import type { StoredToken } from "./auth-cache.js";
import { createTransport } from "./client.js";
import { authCacheOf } from "./credentials.js";
import { CliError, local, type LocalCommand, type LocalContext } from "./local.js";
import { authorizeURL, exchangeCode, expired, newPkce, refreshToken, type Pkce } from "./oauth-client.js";
import { hostsOf, type Settings } from "./settings.js";

/** How long `login` waits for the operator to authorize in the browser. */
const AUTHORIZE_TIMEOUT_MS = 10 * 60_000;

const now = (ctx: LocalContext) => ctx.io.now?.() ?? new Date();

async function showAuthorizeURL(ctx: LocalContext, url: string): Promise<void> {
  await ctx.io.stderr(`Opening your browser on ${url}`);
  if (ctx.io.openBrowser) {
    await ctx.io.openBrowser(url).catch(() => ctx.io.stderr("Could not open your browser: open the URL above yourself"));
  }
  await ctx.io.stderr("After logging in and authorizing the CLI, the CLI gets an access token for future commands.");
}

/** Waits for the browser at http://127.0.0.1:<port>/oauth/callback and exchanges its code. */
async function viaCallback(ctx: LocalContext, port: number): Promise<StoredToken> {
  const { settings } = ctx;
  const pkce = newPkce();
  let server: Server | undefined;
  try {
    let settle!: { resolve: (t: StoredToken) => void; reject: (e: Error) => void };
    const done = new Promise<StoredToken>((resolve, reject) => (settle = { resolve, reject }));
    let redirectUri = "";
    server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname !== "/oauth/callback") {
        res.writeHead(404, { "content-type": "text/plain" }).end("Not found\n");
        return;
      }
      if (req.method !== "GET") {
        res.writeHead(405, { "content-type": "text/plain" }).end("Method not allowed\n");
        return;
      }
      const q = url.searchParams;
      const answer = (status: number, text: string) => res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(`${text}\n`);
      // Another page could send the browser here: only the answer to our request counts.
      if (q.get("state") !== pkce.state) return answer(400, "This is not the answer to the CLI's authorization request.");
      const error = q.get("error");
      if (error) {
        answer(400, `The authorization failed: ${error}. You can close this window.`);
        settle.reject(new CliError(`the authorization failed: ${error}${q.get("error_description") ? ` (${q.get("error_description")})` : ""}`));
        return;
      }
      const code = q.get("code") ?? "";
      exchangeCode(settings.oauthServerAddress, code, redirectUri, pkce, settings.ca, now(ctx)).then(
        (token) => {
          answer(200, "The CLI got an access token. You can close this window and return to the CLI.");
          settle.resolve(token);
        },
        (err: Error) => {
          answer(401, `The CLI could not exchange the authorization code: ${err.message}`);
          settle.reject(new CliError(err.message));
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server!.once("error", (err) =>
        reject(new CliError(`cannot listen for the OAuth callback on 127.0.0.1:${port} (${err.message}): try --callback-port or --callback=false`)),
      );
      server!.listen(port, "127.0.0.1", () => resolve());
    });
    redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/callback`;
    await showAuthorizeURL(ctx, authorizeURL(settings.oauthServerAddress, redirectUri, pkce));
    await ctx.io.stderr("Waiting for your authorization...");
    const timer = setTimeout(() => settle.reject(new CliError("no authorization within 10 minutes")), AUTHORIZE_TIMEOUT_MS);
    try {
      return await done;
    } finally {
      clearTimeout(timer);
    }
  } finally {
    server?.closeAllConnections();
    server?.close();
  }
}

/** Shows the authorization URL with the `code` page as redirect URI and reads the pasted code. */
async function viaCodePage(ctx: LocalContext): Promise<StoredToken> {
  const { settings } = ctx;
  const pkce: Pkce = newPkce();
  const redirectUri = `${settings.oauthServerAddress}/code`;
  await showAuthorizeURL(ctx, authorizeURL(settings.oauthServerAddress, redirectUri, pkce));
  for (;;) {
    await ctx.io.stderr("Please paste the authorization code and press enter");
    const line = ctx.io.readLine ? await ctx.io.readLine() : (await ctx.io.readStdin()).split("\n", 1)[0];
    if (line === undefined) throw new CliError("no authorization code given");
    const code = line.trim();
    if (!code) {
      if (!ctx.io.readLine) throw new CliError("no authorization code given");
      continue;
    }
    let type: string | undefined;
    try {
      type = parseToken(code).type;
    } catch {
      type = undefined;
    }
    if (type !== TokenType.AuthorizationCode) {
      await ctx.io.stderr(`That is not an authorization code (they start with ${TokenType.AuthorizationCode}.)`);
      if (!ctx.io.readLine) throw new CliError("no authorization code given");
      continue;
    }
    const token = await exchangeCode(settings.oauthServerAddress, code, redirectUri, pkce, settings.ca, now(ctx)).catch((err: Error) => {
      throw new CliError(err.message);
    });
    return token;
  }
}

/** Revokes the stored OAuth token at the server (best effort) and forgets the stored credentials. */
async function forget(ctx: LocalContext, settings: Settings): Promise<void> {
  const cache = authCacheOf(settings);
  const stored = cache.get(settings.credentialsId);
  if (!stored) return;
  let token = stored.oauth_token;
  if (token) {
    if (expired(token, now(ctx))) token = await refreshToken(settings.oauthServerAddress, token, settings.ca, now(ctx)).catch(() => token);
    const transport = createTransport(settings.baseUrl, { authorization: `Bearer ${token!.access_token}` }, settings.ca);
    try {
      const info = await transport.unary(EntityAccess.method.authInfo, undefined, undefined, undefined, {});
      if (info.message.accessMethod.case === "oauthAccessToken") {
        const t = info.message.accessMethod.value;
        await ctx.io.stderr("Revoking the OAuth access token...");
        await transport.unary(OAuthAuthorizationRegistry.method.deleteToken, undefined, undefined, undefined, { userIds: t.userIds, clientIds: t.clientIds, id: t.id });
      }
    } catch {
      await ctx.io.stderr(`Could not revoke the OAuth access token at the server${token!.expiry ? `; it expires at ${token!.expiry}` : ""}`);
      if (token!.refresh_token) await ctx.io.stderr("It can still be refreshed until then: revoke the CLI's authorization if it was compromised");
    }
  }
  if (stored.api_key) await ctx.io.stderr("Removing the API key from the stored credentials; delete the API key if it was compromised");
  cache.set(settings.credentialsId, undefined);
}

export const loginCommand: LocalCommand = local({
  name: "login",
  summary: "Log in with OAuth in the browser (or store an API key with --api-key); later commands use the stored token",
  flags: {
    callback: { type: { kind: "switch" }, description: "receive the authorization on a local callback listener (default true; false: paste the code of the server's code page)" },
    "callback-port": { type: { kind: "uint" }, description: "loopback port of the callback listener (default: any free port)" },
  },
  run: async (ctx) => {
    const { settings, args } = ctx;
    const apiKey = args.options["api-key"];
    await forget(ctx, settings).catch(() => undefined);
    const hosts = hostsOf(settings);
    const cache = authCacheOf(settings);
    if (!cache.file) throw new CliError("nowhere to store the credentials: set HOME (or XDG_CACHE_HOME)");
    if (typeof apiKey === "string" && apiKey) {
      cache.set(settings.credentialsId, { api_key: apiKey, hosts });
      await ctx.io.stderr("Stored the API key for later commands");
      return 0;
    }
    const callback = args.bool("callback") ?? true;
    const port = args.num("callback-port") ?? 0;
    if (port > 65535) throw new CliError(`--callback-port ${port} is not a port number`);
    const token = callback ? await viaCallback(ctx, port) : await viaCodePage(ctx);
    cache.set(settings.credentialsId, { oauth_token: token, hosts });
    await ctx.io.stderr(`Logged in: got an OAuth access token${token.expiry ? ` (valid until ${token.expiry}, refreshed as needed)` : ""}`);
    return 0;
  },
});

export const logoutCommand: LocalCommand = local({
  name: "logout",
  summary: "Revoke the stored OAuth access token and forget the stored credentials",
  run: async (ctx) => {
    await forget(ctx, ctx.settings);
    await ctx.io.stderr("Logged out");
    return 0;
  },
});
