// The openid-client Configuration of an authentication provider: OpenID
// discovery at its provider_url, reused for is.authentication-providers.discovery-cache-ttl
// (with the provider's signing keys, which openid-client caches inside it),
// every request bounded by request-timeout. The cache key holds the URL, client
// ID and secret, so an updated provider takes effect at its next login.
// A traced login (tracing on) talks to the provider through its request's
// traced fetch (`traceparent`, a CLIENT span per call): openid-client takes a
// fetch per configuration, not per call, and there is no context to tell
// requests apart, so such a login gets a copy of the cached configuration with
// its own fetch (withFetch), the provider's keys shared.
import { createHash } from "node:crypto";
import * as oidc from "openid-client";
import type { AuthenticationProvider, AuthenticationProvider_OIDC } from "../../gen/ttn/lorawan/v3/authentication_provider_pb.js";
import type { Config } from "../config/index.js";
import { errProviderUnreachable } from "../errors/index.js";
import type { SealedStrings } from "../secrets/sealed-string.js";
import { attachTokenEndpointAuth, TokenEndpointAuth } from "./client-auth.js";
import { reasonOf } from "./provider-errors.js";
import { isLoopback } from "./loopback.js";

export interface DiscoveryDeps {
  config: Config;
  providerSecrets: SealedStrings;
  now: () => Date;
}

interface Entry {
  key: string;
  expiresAt: number;
  configuration: Promise<oidc.Configuration>;
}

/**
 * One cache per server: keyed by the server's page dependencies, so servers in
 * one process (tests) never share provider state, and no module state outlives them.
 */
const caches = new WeakMap<object, Map<string, Entry>>();


export function oidcSettings(provider: AuthenticationProvider): AuthenticationProvider_OIDC | undefined {
  return provider.configuration?.provider.case === "oidc" ? provider.configuration.provider.value : undefined;
}

/**
 * The provider's Configuration, discovered or from the cache; `provider_unreachable`
 * when discovery fails. `fetch`: how discovery reaches the provider, when it
 * has to (a traced request's fetch); the configuration returned never keeps it.
 */
export async function providerConfiguration(deps: DiscoveryDeps, cacheOwner: object, provider: AuthenticationProvider, fetch?: oidc.CustomFetch): Promise<oidc.Configuration> {
  const providerId = provider.ids?.providerId ?? "";
  const settings = oidcSettings(provider);
  let url: URL;
  try {
    url = new URL(settings?.providerUrl ?? "");
  } catch {
    throw errProviderUnreachable({ provider_id: providerId, reason: "the provider URL is not a URL" });
  }
  const secret = settings?.clientSecret ? deps.providerSecrets.open(settings.clientSecret) : "";
  const key = createHash("sha256").update(JSON.stringify([url.href, settings?.clientId ?? "", secret])).digest("hex");
  let cache = caches.get(cacheOwner);
  if (!cache) caches.set(cacheOwner, (cache = new Map()));
  const now = deps.now().getTime();
  const hit = cache.get(providerId);
  if (hit && hit.key === key && hit.expiresAt > now) return hit.configuration;

  const { requestTimeout, discoveryCacheTtl } = deps.config.is.authenticationProviders;
  const configuration = discover(url, settings?.clientId ?? "", secret, requestTimeout, fetch).catch((err: unknown) => {
    // A failure is not cached: the next login asks again.
    if (cache.get(providerId)?.configuration === configuration) cache.delete(providerId);
    throw errProviderUnreachable({ provider_id: providerId, reason: reasonOf(err) }, { cause: err });
  });
  cache.set(providerId, { key, expiresAt: now + discoveryCacheTtl, configuration });
  return configuration;
}

/** What a configuration is made of, to make it again with another fetch. */
interface Recipe {
  metadata: oidc.ServerMetadata;
  clientId: string;
  secret: string;
  auth?: TokenEndpointAuth;
  timeoutMs: number;
  insecure: boolean;
}
const recipes = new WeakMap<oidc.Configuration, Recipe>();

function build(r: Recipe, fetch?: oidc.CustomFetch): oidc.Configuration {
  const configuration = new oidc.Configuration(r.metadata, r.clientId, r.secret || undefined, r.auth?.clientAuth ?? oidc.None());
  // The one client authentication per provider (its method may switch once, client-auth.ts), copies included.
  if (r.auth) attachTokenEndpointAuth(configuration, r.auth);
  configuration.timeout = r.timeoutMs / 1000;
  if (r.insecure) oidc.allowInsecureRequests(configuration);
  if (fetch) configuration[oidc.customFetch] = fetch;
  // Verify the ID token's signature with the provider's published keys
  // (openid-client otherwise relies on the TLS connection to the token endpoint).
  oidc.enableNonRepudiationChecks(configuration);
  recipes.set(configuration, r);
  return configuration;
}

async function discover(url: URL, clientId: string, secret: string, timeoutMs: number, fetch?: oidc.CustomFetch): Promise<oidc.Configuration> {
  const insecure = url.protocol === "http:" && isLoopback(url);
  const discovered = await oidc.discovery(url, clientId, undefined, oidc.None(), {
    timeout: timeoutMs / 1000,
    execute: insecure ? [oidc.allowInsecureRequests] : [],
    ...(fetch ? { [oidc.customFetch]: fetch } : {}),
  });
  // The client authenticates the way the provider says it supports (client-auth.ts).
  const metadata = discovered.serverMetadata();
  const auth = secret ? new TokenEndpointAuth(secret, metadata.token_endpoint_auth_methods_supported) : undefined;
  return build({ metadata, clientId, secret, auth, timeoutMs, insecure });
}

/**
 * Runs `use` with `configuration` reaching the provider through `fetch`: a copy
 * of it with the provider's cached keys, which go back to the original
 * afterwards (so a key fetched here serves later logins too).
 */
export async function withFetch<T>(configuration: oidc.Configuration, fetch: oidc.CustomFetch, use: (configuration: oidc.Configuration) => Promise<T>): Promise<T> {
  const recipe = recipes.get(configuration);
  if (!recipe) return use(configuration);
  const copy = build(recipe, fetch);
  const keys = oidc.getJwksCache(configuration);
  if (keys) oidc.setJwksCache(copy, keys);
  try {
    return await use(copy);
  } finally {
    const fetched = oidc.getJwksCache(copy);
    if (fetched && fetched !== keys) oidc.setJwksCache(configuration, fetched);
  }
}
