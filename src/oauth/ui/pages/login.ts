// GET/POST <mount>/login: the login form. Works without JavaScript; after
// logging in the browser goes to `n` (a path on this origin) or the account page.
import type { UiContext } from "../context.js";
import { describeError, settleError, type ShownError } from "../errors.js";
import { html } from "../html.js";
import { redirect } from "../http-util.js";
import { csrfInput, errorMessage, field, hidden, message, sendPage } from "../layout.js";
import { passwordLogin } from "../login.js";
import { readForm, safeNext } from "./common.js";

function form(ctx: UiContext, values: { userId?: string; next?: string }, error?: ShownError): void {
  const config = ctx.deps.config;
  const next = values.next ?? "";
  const withNext = (path: string) => ctx.url(path) + (next ? `?${new URLSearchParams({ n: next })}` : "");
  const body = config.is.userLogin.disableCredentialsLogin
    ? html`<h1>Log in</h1>${message("info", "Login with user ID and password is disabled on this network.")}`
    : html`<h1>Log in</h1>
${errorMessage(error)}
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
    form(ctx, { next });
  },
  async POST(ctx: UiContext): Promise<void> {
    let params: Record<string, string> = {};
    try {
      params = await readForm(ctx);
      await passwordLogin(ctx, params);
      redirect(ctx.res, safeNext(params.n, "") || ctx.url("/"), 303);
    } catch (err) {
      form(ctx, { userId: params.user_id, next: safeNext(params.n, "") }, describeError(settleError(ctx.deps.log, err)));
    }
  },
};
