// GET/POST <mount>/authorize: the consent page. Who the user is comes from
// the browser session; everything about the request (client, redirect URI,
// PKCE, what may be granted) is decided by the protocol core. GET approves at
// once when no consent is needed, else shows the client and the rights it asks
// for in words; POST (with the CSRF token) approves or denies.
import { State } from "../../../../gen/ttn/lorawan/v3/enums_pb.js";
import type { AuthorizeParams, AuthorizeRequest } from "../../api.js";
import type { CurrentSession, UiContext } from "../context.js";
import { html } from "../html.js";
import { redirect } from "../http-util.js";
import { csrfInput, hidden, sendPage } from "../layout.js";
import { assertMayLogIn } from "../login.js";
import { rightsInWords } from "../rights-words.js";
import { loginUrl, readForm } from "./common.js";

const paramNames = ["client_id", "redirect_uri", "response_type", "state", "scope", "code_challenge", "code_challenge_method", "nonce"] as const;

function authorizeParams(source: (name: string) => string | null | undefined): AuthorizeParams {
  const out: Record<string, string> = {};
  for (const name of paramNames) {
    const v = source(name);
    if (v !== null && v !== undefined && v !== "") out[name] = v;
  }
  return { ...out, client_id: out.client_id ?? "", response_type: out.response_type ?? "" } as AuthorizeParams;
}

const authorizeUrl = (ctx: UiContext, params: AuthorizeParams) =>
  `${ctx.url("/authorize")}?${new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined) as [string, string][])}`;

function consent(ctx: UiContext, request: AuthorizeRequest, current: CurrentSession): void {
  const client = request.client;
  const clientName = client.name || request.params.client_id;
  const groups = rightsInWords(request.rights);
  let target = request.redirectUri;
  try {
    target = new URL(request.redirectUri, "http://relative.invalid").host === "relative.invalid" ? "this site" : new URL(request.redirectUri).host;
  } catch {
    // shown as registered
  }
  const body = html`<h1>Authorize ${clientName}</h1>
<div class="card">
<p><span class="client-name">${clientName}</span>${client.endorsed ? html` <span class="badge" title="Endorsed by the network operator">Official</span>` : ""} wants to access your account <strong>${current.userId}</strong>.</p>
${client.description ? html`<p class="client-description">${client.description}</p>` : ""}
<h2>It asks to</h2>
${groups.length
    ? groups.map((g) => html`<h3>${g.title}</h3><ul class="rights">${g.items.map((i) => html`<li>${i}</li>`)}</ul>`)
    : html`<p>Only know who you are: no access to your data.</p>`}
<form method="post" action="${ctx.url("/authorize")}">
${csrfInput(ctx)}
${paramNames.map((n) => hidden(n, request.params[n]))}
<div class="actions">
<button type="submit" name="authorize" value="true" autofocus>Allow</button>
<button type="submit" name="authorize" value="false" class="secondary">Cancel</button>
</div>
</form>
<p class="hint">Either way you go back to ${target}.</p>
</div>
<p class="hint">Not ${current.userId}? <a href="${ctx.url("/")}">Your account</a> lets you log out.</p>`;
  sendPage(ctx, { title: `Authorize ${clientName}`, body });
}

async function decide(ctx: UiContext, params: AuthorizeParams, decision: "ask" | "allow" | "deny"): Promise<void> {
  const current = await ctx.session();
  if (!current) return redirect(ctx.res, loginUrl(ctx, authorizeUrl(ctx, params)), decision === "ask" ? 302 : 303);
  // A session of a user who is no longer approved gets the reason, not a code.
  if (current.user.state !== State.APPROVED && current.user.state !== State.FLAGGED) assertMayLogIn(current.user);
  const { core } = ctx.deps;
  const checked = await core.checkAuthorize(ctx.deps, params, ctx.req);
  if ("redirectTo" in checked) return redirect(ctx.res, checked.redirectTo, decision === "ask" ? 302 : 303);
  const who = { userId: current.userId, sessionId: current.sessionId };
  if (decision === "deny") return redirect(ctx.res, core.deny(checked), 303);
  if (decision === "allow" || !(await core.needsConsent(ctx.deps, checked, current.userId))) {
    return redirect(ctx.res, await core.approve(ctx.deps, checked, who), decision === "ask" ? 302 : 303);
  }
  consent(ctx, checked, current);
}

export const authorizePage = {
  GET: (ctx: UiContext) => decide(ctx, authorizeParams((n) => ctx.query.get(n)), "ask"),
  async POST(ctx: UiContext): Promise<void> {
    const form = await readForm(ctx);
    await decide(ctx, authorizeParams((n) => form[n]), form.authorize === "true" ? "allow" : "deny");
  },
};
