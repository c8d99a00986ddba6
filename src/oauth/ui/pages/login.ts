// GET/POST <mount>/login: the login form and a button per authentication
// provider (single sign-on). Works without JavaScript; after logging in the
// browser goes to `n` (a path on this origin) or the account page.
import type { AuthenticationProvider } from "../../../../gen/ttn/lorawan/v3/authentication_provider_pb.js";
import { toHttpError } from "../../../errors/index.js";
import type { UiContext } from "../context.js";
import { describeError, settleError, type ShownError } from "../errors.js";
import { html, type Html } from "../html.js";
import { redirect } from "../http-util.js";
import { csrfInput, errorMessage, field, hidden, message, sendPage } from "../layout.js";
import { passwordLogin } from "../login.js";
import { readForm, safeNext } from "./common.js";

/** More would not fit a login page; networks have a handful. */
const maxProviders = 50;

/** One button (a link, so it works without JavaScript and from the keyboard) per provider, carrying `n`. */
function providerButtons(ctx: UiContext, providers: AuthenticationProvider[], withNext: (path: string) => string): Html {
  if (providers.length === 0) return html``;
  return html`<nav class="sso" aria-label="Log in with another account">
${providers.map((p) => html`<a class="button" href="${withNext(`/login/${p.ids!.providerId}`)}">${p.name || p.ids!.providerId}</a>\n`)}
</nav>`;
}

async function form(ctx: UiContext, values: { userId?: string; next?: string }, error?: ShownError): Promise<void> {
  const config = ctx.deps.config;
  const next = values.next ?? "";
  const withNext = (path: string) => ctx.url(path) + (next ? `?${new URLSearchParams({ n: next })}` : "");
  const providers = (await ctx.deps.store.authenticationProviders.find({ limit: maxProviders, page: 1, order: "name" })).items;
  const buttons = providerButtons(ctx, providers, withNext);
  const body = config.is.userLogin.disableCredentialsLogin
    ? html`<h1>Log in</h1>
${errorMessage(error)}
${providers.length ? buttons : message("info", "Login with user ID and password is disabled on this network.")}`
    : html`<h1>Log in</h1>
${errorMessage(error)}
${buttons}${providers.length ? html`<p class="or">or log in with your user ID</p>` : ""}
<form method="post" action="${ctx.url("/login")}" class="card">
${csrfInput(ctx)}${hidden("n", next)}
${field({ name: "user_id", label: "User ID", value: values.userId, autocomplete: "username", required: true, autofocus: !values.userId, invalid: Boolean(error), describedBy: error ? "login-error" : undefined })}
${field({ name: "password", label: "Password", type: "password", autocomplete: "current-password", required: true, autofocus: Boolean(values.userId) })}
<div class="actions"><button type="submit">Log in</button><a href="${withNext("/forgot-password")}">Forgot password?</a></div>
</form>
${config.is.userRegistration.enabled ? html`<p>No account yet? <a href="${withNext("/register")}">Create an account</a></p>` : ""}`;
  sendPage(ctx, { title: "Log in", body, status: error?.status });
}

export const loginPage = {
  async GET(ctx: UiContext): Promise<void> {
    const next = safeNext(ctx.query.get("n"), "");
    if (await ctx.session()) return redirect(ctx.res, next || ctx.url("/"));
    await form(ctx, { next });
  },
  async POST(ctx: UiContext): Promise<void> {
    let params: Record<string, string> = {};
    try {
      params = await readForm(ctx);
      await passwordLogin(ctx, params);
      redirect(ctx.res, safeNext(params.n, "") || ctx.url("/"), 303);
    } catch (err) {
      const settled = settleError(ctx.log, err);
      // A full hash pool or the login throttle: the page says when to retry, and so does the header.
      for (const [name, value] of Object.entries(toHttpError(settled).headers)) ctx.res.setHeader(name, value);
      await form(ctx, { userId: params.user_id, next: safeNext(params.n, "") }, describeError(settled));
    }
  },
};
