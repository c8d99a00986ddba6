// GET/POST <mount>/forgot-password: asks UserRegistry.CreateTemporaryPassword
// to e-mail a link for choosing a new password. An unknown user ID gets the
// same answer as a known one, so the page does not reveal who has an account.
import { errUserNotFound } from "../../../errors/index.js";
import type { UiContext } from "../context.js";
import { describeError, settleError, type ShownError } from "../errors.js";
import { html } from "../html.js";
import { csrfInput, errorMessage, field, message, sendPage } from "../layout.js";
import { services } from "../services.js";
import { readForm } from "./common.js";

function form(ctx: UiContext, userId: string, error?: ShownError): void {
  const body = html`<h1>Forgot your password?</h1>
${errorMessage(error)}
<form method="post" action="${ctx.url("/forgot-password")}" class="card">
${csrfInput(ctx)}
<p>We will send a link to choose a new password to the e-mail address of your account.</p>
${field({ name: "user_id", label: "User ID", value: userId, autocomplete: "username", required: true, autofocus: true, invalid: Boolean(error) })}
<div class="actions"><button type="submit">Send the link</button><a href="${ctx.url("/login")}">Back to log in</a></div>
</form>`;
  sendPage(ctx, { title: "Forgot password", body, status: error?.status });
}

export const forgotPasswordPage = {
  async GET(ctx: UiContext): Promise<void> {
    form(ctx, ctx.query.get("user_id") ?? "");
  },
  async POST(ctx: UiContext): Promise<void> {
    let params: Record<string, string> = {};
    try {
      params = await readForm(ctx);
      const userId = (params.user_id ?? "").trim().toLowerCase();
      await services(ctx).users.createTemporaryPassword({ userIds: { userId } }).catch((err: unknown) => {
        if (!errUserNotFound.is(err) && describeError(err).id !== "pkg/identityserver/store:user_not_found") throw err;
      });
      sendPage(ctx, {
        title: "Forgot password",
        body: html`<h1>Check your e-mail</h1>
${message("success", html`If <strong>${userId}</strong> has an account here, we sent an e-mail with a link to choose a new password. The link works for a short time only.`)}
<p><a href="${ctx.url("/login")}">Back to log in</a></p>`,
      });
    } catch (err) {
      form(ctx, params.user_id ?? "", describeError(settleError(ctx.log, err)));
    }
  },
};
