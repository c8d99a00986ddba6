// GET <mount>/validate?reference=…&token=…: the link of the validation
// e-mail. The token in the link is the proof, so following it validates the
// address at once (EmailValidationRegistry.Validate, as PATCH /api/v3/email/validation).
import { errValidation } from "../../../errors/index.js";
import type { UiContext } from "../context.js";
import { html } from "../html.js";
import { message, sendPage } from "../layout.js";
import { services } from "../services.js";

export const validatePage = {
  async GET(ctx: UiContext): Promise<void> {
    const id = ctx.query.get("reference") ?? "";
    const token = ctx.query.get("token") ?? "";
    if (!id) throw errValidation({ field: "reference", reason: "missing: use the link from the e-mail" });
    if (!token) throw errValidation({ field: "token", reason: "missing: use the link from the e-mail" });
    await services(ctx).emailValidations.validate({ id, token });
    const loggedIn = Boolean(await ctx.session());
    sendPage(ctx, {
      title: "E-mail address validated",
      body: html`<h1>E-mail address validated</h1>
${message("success", "Thank you: your e-mail address is validated.")}
<p><a href="${ctx.url(loggedIn ? "/" : "/login")}">${loggedIn ? "Go to your account" : "Log in"}</a></p>`,
    });
  },
};
