// The `authentication-providers` command group (alias `ap`): the OpenID
// Connect providers of single sign-on (AuthenticationProviderRegistry: create,
// get, list, update, delete) and `ap external-users` (ExternalUserRegistry).
// `create` and `get` also print the callback URL to register at the provider,
// `<OAuth URL>/login/<provider-id>/callback`, and `create` the providers then
// registered. Flags that cannot be right (a malformed provider URL, an unknown
// response type) stop here, before any call; the server checks everything again.
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Transport } from "@connectrpc/connect";
import {
  AuthenticationProviderRegistry, AuthenticationProviderSchema, ExternalUserRegistry, type AuthenticationProvider,
} from "../../gen/ttn/lorawan/v3/authentication_provider_pb.js";
import { oauthServerURL, UsageError, type FlagSpec, type ParsedArgs } from "./args.js";
import { group, rpc, type CommandTree } from "./client.js";
import { entityRef, idsOf } from "./entity.js";
import { fieldMaskFlags, pagination, paginationFlags, settableFlags, settableValues, str, switchFlag, type Settable } from "./flags.js";
import { responseTypes } from "../sso/response-types.js";

const providerRef = entityRef("provider", "providerId", "ids");
const providerIds = (a: ParsedArgs) => idsOf(providerRef, a) as { providerId: string };

const OIDC = "configuration.provider.oidc";
const SECRET = `${OIDC}.client_secret`;
/** The response types the server accepts; it remains the authority. */
const RESPONSE_TYPES = responseTypes;

/** A setting of the OIDC configuration: flag `--configuration.provider.oidc.<flag>`, mask path with `_`. */
const oidcField = (key: string, description: string, required = false): Settable => ({
  flag: { ...str(description, "VALUE"), ...(required ? { required } : {}) },
  path: `${OIDC}.${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`,
  set: (value) => ({ configuration: { provider: { case: "oidc", value: { [key]: value } } } }),
});
const oidcFlag = (path: string) => `--${path.replace(/_/g, "-")}`;

/** Flag → settable provider field, for create and update, in usage order. */
const settable = (create: boolean): Readonly<Record<string, Settable>> => ({
  name: { flag: str("name on the login button, at most 50 characters"), path: "name", set: (name) => ({ name }) },
  "allow-registrations": { flag: switchFlag("register people on their first login"), path: "allow_registrations", set: (v) => ({ allowRegistrations: v }) },
  "allowed-email-domains": {
    flag: { type: { kind: "list" }, placeholder: "DOMAIN,...", description: "only addresses in these domains may log in (at most 10)" },
    path: "allowed_email_domains",
    set: (v) => ({ allowedEmailDomains: v }),
  },
  [`${OIDC}.client-id`]: oidcField("clientId", "client ID of this server at the provider", create),
  [`${OIDC}.client-secret`]: oidcField("clientSecret", "client secret of this server at the provider (stored encrypted)"),
  [`${OIDC}.provider-url`]: oidcField("providerUrl", "the provider's issuer URL, https (http only for loopback hosts)", create),
  [`${OIDC}.preferred-response-type`]: oidcField("preferredResponseType", `response type: ${RESPONSE_TYPES.map((t) => `"${t}"`).join(", ")} (default code)`),
});
const CREATE = settable(true);
const UPDATE = settable(false);

/** Checks what can be checked without the server; a UsageError names the flag. */
function preflight(a: ParsedArgs): void {
  const url = a.str(`${OIDC}.provider-url`);
  if (url !== undefined) {
    const problem =
      !/^https?:\/\/[^/?#]/i.test(url) || !URL.canParse(url)
        ? "is not an absolute http(s) URL"
        : url.includes("?") || url.includes("#")
          ? "must not have a query or fragment"
          : undefined;
    if (problem) throw new UsageError(`invalid value for ${oidcFlag(`${OIDC}.provider_url`)}: "${url}" ${problem}`);
  }
  const type = a.str(`${OIDC}.preferred-response-type`);
  if (type !== undefined && type !== "" && !RESPONSE_TYPES.includes(type)) {
    throw new UsageError(`invalid value for ${oidcFlag(`${OIDC}.preferred_response_type`)}: "${type}" is not one of ${RESPONSE_TYPES.map((t) => `"${t}"`).join(", ")}`);
  }
}

type ProviderInit = MessageInitShape<typeof AuthenticationProviderSchema>;

// ---- field selection (get, list) -------------------------------------------------

const SELECTABLE = ["name", "allow_registrations", "allowed_email_domains", `${OIDC}.client_id`, SECRET, `${OIDC}.provider_url`, `${OIDC}.preferred_response_type`];
/** Fields returned without selection flags: all but the secret. */
const DEFAULT_FIELDS = SELECTABLE.filter((p) => p !== SECRET);
const selectFlag = (path: string) => oidcFlag(path).slice(2);
const selectFlags: Record<string, FlagSpec> = Object.fromEntries(
  SELECTABLE.map((path) => [selectFlag(path), { type: { kind: "boolean" }, description: path === SECRET ? "select the client secret (only returned when selected)" : `select ${path}` }]),
);
const selectionFlags = { ...selectFlags, ...fieldMaskFlags };
const selectionExclusive = [["field-mask", "all"]] as const;

/** --all (every field; the secret only with its own flag), --field-mask, the selection flags, or the defaults. */
function selection(a: ParsedArgs): { paths: string[] } {
  const chosen = SELECTABLE.filter((path) => a.has(selectFlag(path)));
  if (a.has("all")) return { paths: [...new Set([...DEFAULT_FIELDS, ...chosen])] };
  const given = [...(a.list("field-mask") ?? []), ...chosen];
  return { paths: given.length > 0 ? [...new Set(given)] : DEFAULT_FIELDS };
}

// ---- notes after the call ------------------------------------------------------

const callbackNote = (a: ParsedArgs, id: string) => `callback URL (register it at the provider): ${oauthServerURL(a.global)}/login/${id}/callback`;

async function providerList(transport: Transport): Promise<string[]> {
  try {
    const res = await transport.unary(AuthenticationProviderRegistry.method.list, undefined, undefined, undefined, {
      fieldMask: { paths: ["name", `${OIDC}.provider_url`] },
      limit: 1000,
    });
    const rows = res.message.providers.map((p: AuthenticationProvider) => {
      const url = p.configuration?.provider.case === "oidc" ? p.configuration.provider.value.providerUrl : "";
      return `  ${p.ids?.providerId ?? ""}\t${p.name}\t${url}`;
    });
    return [`authentication providers (${res.header.get("x-total-count") ?? rows.length}):`, ...rows];
  } catch (err) {
    // The provider was created; failing to list it afterwards is not the command failing.
    return [`(could not list the providers: ${err instanceof Error ? err.message : String(err)})`];
  }
}

// ---- commands -------------------------------------------------------------------

const externalUsers = group("external-users", "Links between users and their subject at a provider (administrators)", [
  rpc({
    name: "create",
    summary: "Link a user to their subject (external ID) at a provider",
    positionals: [providerRef.positional],
    flags: { "user-id": { ...str("user", "ID"), required: true }, "external-id": { ...str("the user's subject at the provider (OpenID Connect `sub`)", "ID"), required: true } },
    method: ExternalUserRegistry.method.create,
    request: (a) => ({ externalUser: { providerIds: providerIds(a), userIds: { userId: a.str("user-id")! }, externalId: a.str("external-id")! } }),
  }),
  rpc({
    name: "get",
    summary: "Show the link of a user at a provider",
    positionals: [providerRef.positional],
    flags: { "user-id": { ...str("user", "ID"), required: true } },
    method: ExternalUserRegistry.method.getByUserID,
    request: (a) => ({ providerIds: providerIds(a), userIds: { userId: a.str("user-id")! } }),
  }),
  rpc({
    name: "get-by-external-id",
    summary: "Show the link of a subject at a provider",
    positionals: [providerRef.positional],
    flags: { "external-id": { ...str("the subject at the provider", "ID"), required: true } },
    method: ExternalUserRegistry.method.getByExternalID,
    request: (a) => ({ providerIds: providerIds(a), externalId: a.str("external-id")! }),
  }),
  rpc({
    name: "delete",
    summary: "Remove the link of a subject at a provider",
    positionals: [providerRef.positional],
    flags: { "external-id": { ...str("the subject at the provider", "ID"), required: true } },
    method: ExternalUserRegistry.method.delete,
    request: (a) => ({ providerIds: providerIds(a), externalId: a.str("external-id")! }),
  }),
]);

export const authenticationProviders: CommandTree = group(
  "authentication-providers",
  "Manage single sign-on providers (OpenID Connect; administrators)",
  [
    rpc({
      name: "create",
      summary: "Register an OpenID Connect provider; prints its callback URL and the providers",
      positionals: [providerRef.positional],
      flags: settableFlags(CREATE),
      method: AuthenticationProviderRegistry.method.create,
      request: (a) => {
        preflight(a);
        return { provider: settableValues(a, CREATE, { ids: providerIds(a) }).message as ProviderInit };
      },
      notes: async (created, a, transport) => [callbackNote(a, created.ids?.providerId ?? providerIds(a).providerId), ...(await providerList(transport))],
    }),
    rpc({
      name: "get",
      summary: "Show a provider (default: every field but the client secret) and its callback URL",
      positionals: [providerRef.positional],
      flags: selectionFlags,
      exclusive: selectionExclusive,
      method: AuthenticationProviderRegistry.method.get,
      request: (a) => ({ ids: providerIds(a), fieldMask: selection(a) }),
      notes: async (_, a) => [callbackNote(a, providerIds(a).providerId)],
    }),
    rpc({
      name: "list",
      summary: "List providers (default: every field but the client secret)",
      flags: { ...selectionFlags, ...paginationFlags },
      exclusive: selectionExclusive,
      list: true,
      method: AuthenticationProviderRegistry.method.list,
      request: (a) => ({ ...pagination(a), fieldMask: selection(a) }),
    }),
    rpc({
      name: "update",
      summary: "Change a provider (field mask = the flags given)",
      positionals: [providerRef.positional],
      flags: settableFlags(UPDATE),
      requireAny: Object.keys(UPDATE),
      method: AuthenticationProviderRegistry.method.update,
      request: (a) => {
        preflight(a);
        const { message, paths } = settableValues(a, UPDATE, { ids: providerIds(a) });
        return { provider: message as ProviderInit, fieldMask: { paths } };
      },
    }),
    rpc({
      name: "delete",
      summary: "Remove a provider and the links of users to it",
      positionals: [providerRef.positional],
      method: AuthenticationProviderRegistry.method.delete,
      request: (a) => providerIds(a),
    }),
    externalUsers,
  ],
  ["ap"],
);
