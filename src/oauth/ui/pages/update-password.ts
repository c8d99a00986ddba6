// GET/POST <mount>/update-password: choosing a new password through
// UserRegistry.UpdatePassword, with the temporary password from the e-mail
// link (`user` and `current`), or as a logged-in user with the old password.
// "Log out everywhere" revokes every session and token of the user.
import { errPasswordConfirmation } from "../../../errors/index.js";
import type { UiContext } from "../context.js";
import { describeError, settleError, type ShownError } from "../errors.js";
import { html } from "../html.js";
import { csrfInput, errorMessage, field, hidden, message, sendPage } from "../layout.js";
import { services } from "../services.js";
import { readForm } from "./common.js";
import { passwordRulesList } from "./password-rules.js";

interface Values {
  user?: string;
  current?: string;
  /** The temporary password came with the link: do not ask for it. */
  fromLink?: boolean;
  revoke_all_access?: string;
}

function form(ctx: UiContext, v: Values, error?: ShownError): void {
  const badPassword = error && /password/.test(error.id) && !/old_password|temporary_password/.test(error.id);
  const body = html`<h1>Choose a new password</h1>
${errorMessage(error)}
<form method="post" action="${ctx.url("/update-password")}" class="card">
${csrfInput(ctx)}
${v.fromLink ? html`${hidden("user", v.user)}${hidden("current", v.current)}${hidden("from_link", "true")}<p>For user <strong>${v.user}</strong>.</p>` : html`
${field({ name: "user", label: "User ID", value: v.user, autocomplete: "username", required: true, autofocus: !v.user })}
${field({ name: "current", label: "Current password", type: "password", autocomplete: "current-password", required: true, autofocus: Boolean(v.user), invalid: Boolean(error && /old_password|temporary_password/.test(error.id)) })}`}
${field({ name: "new", label: "New password", type: "password", autocomplete: "new-password", required: true, autofocus: v.fromLink, invalid: badPassword, describedBy: "field-new-rules" })}
${passwordRulesList(ctx.deps.config, "field-new")}
${field({ name: "new_confirm", label: "New password again", type: "password", autocomplete: "new-password", required: true })}
${field({ name: "revoke_all_access", label: "Log out everywhere (end all sessions and revoke all app access)", type: "checkbox", value: v.revoke_all_access ?? "true" })}
<div class="actions"><button type="submit">Change password</button></div>
</form>`;
  sendPage(ctx, { title: "Change password", body, status: error?.status });
}

export const updatePasswordPage = {
  async GET(ctx: UiContext): Promise<void> {
    const user = ctx.query.get("user") ?? (await ctx.session())?.userId;
    const current = ctx.query.get("current") ?? undefined;
    form(ctx, { user, current, fromLink: Boolean(user && current) });
  },
  async POST(ctx: UiContext): Promise<void> {
    let params: Record<string, string> = {};
    try {
      params = await readForm(ctx);
      if ((params.new ?? "") !== (params.new_confirm ?? "")) throw errPasswordConfirmation();
      const userId = (params.user ?? "").trim().toLowerCase();
      const revoke = params.revoke_all_access === "true";
      await services(ctx).users.updatePassword({ userIds: { userId }, old: params.current ?? "", new: params.new ?? "", revokeAllAccess: revoke });
      const current = await ctx.session();
      // Revoking ended this browser's session too when it was that user's.
      if (revoke && current?.userId === userId) await ctx.endSession();
      sendPage(ctx, {
        title: "Password changed",
        body: html`<h1>Password changed</h1>
${message("success", revoke ? "Your password was changed, and every session and app access of your account has ended." : "Your password was changed.")}
<p><a href="${ctx.url(revoke || !current ? "/login" : "/")}">${revoke || !current ? "Log in" : "Back to your account"}</a></p>`,
      });
    } catch (err) {
      form(ctx, { user: params.user, current: params.current, fromLink: params.from_link === "true", revoke_all_access: params.revoke_all_access ?? "false" }, describeError(settleError(ctx.log, err)));
    }
  },
};
