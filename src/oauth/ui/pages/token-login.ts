// GET/POST <mount>/token-login: logging in with a login token (magic link).
// The GET only shows a button: mail scanners fetch links, and must not use
// up the token or log themselves in.
import type { UiContext } from "../context.js";
import { describeError, settleError, type ShownError } from "../errors.js";
import { html } from "../html.js";
import { redirect } from "../http-util.js";
import { csrfInput, errorMessage, field, hidden, sendPage } from "../layout.js";
import { tokenLogin } from "../login.js";
import { readForm, safeNext } from "./common.js";

function form(ctx: UiContext, token: string, next: string, error?: ShownError): void {
  const body = html`<h1>Log in with a login link</h1>
${errorMessage(error)}
<form method="post" action="${ctx.url("/token-login")}" class="card">
${csrfInput(ctx)}${hidden("n", next)}
${token
    ? html`${hidden("token", token)}<p>Log in with the login link you received by e-mail.</p>`
    : field({ name: "token", label: "Login token", autocomplete: "one-time-code", required: true, autofocus: true })}
<div class="actions"><button type="submit"${token ? html` autofocus` : ""}>Log in</button><a href="${ctx.url("/login")}">Log in with a password</a></div>
</form>`;
  sendPage(ctx, { title: "Log in", body, status: error?.status });
}

export const tokenLoginPage = {
  async GET(ctx: UiContext): Promise<void> {
    const next = safeNext(ctx.query.get("n"), "");
    if (await ctx.session()) return redirect(ctx.res, next || ctx.url("/"));
    form(ctx, ctx.query.get("token") ?? "", next);
  },
  async POST(ctx: UiContext): Promise<void> {
    let params: Record<string, string> = {};
    try {
      params = await readForm(ctx);
      await tokenLogin(ctx, params);
      redirect(ctx.res, safeNext(params.n, "") || ctx.url("/"), 303);
    } catch (err) {
      form(ctx, params.token ?? "", safeNext(params.n, ""), describeError(settleError(ctx.log, err)));
    }
  },
};
