// GET/POST <mount>/register: creating an account through UserRegistry.Create
// (the same call as POST /api/v3/users), with an invitation token when the
// link carried one. Afterwards the page says what happens next: approval by
// an administrator, the validation e-mail, or logging in.
import { State } from "../../../../gen/ttn/lorawan/v3/enums_pb.js";
import { errPasswordConfirmation } from "../../../errors/index.js";
import type { UiContext } from "../context.js";
import { describeError, settleError, type ShownError } from "../errors.js";
import { html } from "../html.js";
import { redirect } from "../http-util.js";
import { csrfInput, errorMessage, field, hidden, message, sendPage } from "../layout.js";
import { services } from "../services.js";
import { loginUrl, readForm, safeNext } from "./common.js";
import { passwordRulesList } from "./password-rules.js";

interface Values {
  user_id?: string;
  name?: string;
  primary_email_address?: string;
  invitation_token?: string;
  n?: string;
}

/** Which field an error is about, to mark it invalid. */
function fieldOf(error: ShownError | undefined): string | undefined {
  if (!error) return undefined;
  if (/password/.test(error.id)) return "password";
  if (/email/.test(error.id + error.text)) return "primary_email_address";
  if (/id_taken|forbidden_id|user_id/.test(error.id + error.text)) return "user_id";
  return undefined;
}

function form(ctx: UiContext, values: Values, error?: ShownError): void {
  const config = ctx.deps.config.is.userRegistration;
  const invitation = values.invitation_token ?? "";
  const bad = fieldOf(error);
  if (!config.enabled && !invitation) {
    return sendPage(ctx, { title: "Create an account", body: html`<h1>Create an account</h1>${message("info", "Registration is closed on this network. Ask an administrator for an account.")}` });
  }
  const body = html`<h1>Create an account</h1>
${config.invitation.required && !invitation ? message("info", "You need an invitation to register: use the link in your invitation e-mail.") : ""}
${errorMessage(error)}
<form method="post" action="${ctx.url("/register")}" class="card">
${csrfInput(ctx)}${hidden("invitation_token", invitation)}${hidden("n", values.n)}
${field({ name: "user_id", label: "User ID", value: values.user_id, autocomplete: "username", required: true, autofocus: !error || bad === "user_id", invalid: bad === "user_id", hint: "2 to 36 lower-case letters, digits and dashes; it cannot be changed later." })}
${field({ name: "name", label: "Name", value: values.name, autocomplete: "name" })}
${field({ name: "primary_email_address", label: "E-mail address", type: "email", value: values.primary_email_address, autocomplete: "email", required: true, invalid: bad === "primary_email_address" })}
${field({ name: "password", label: "Password", type: "password", autocomplete: "new-password", required: true, invalid: bad === "password", describedBy: "field-password-rules", autofocus: bad === "password" })}
${passwordRulesList(ctx.deps.config, "field-password")}
${field({ name: "password_confirm", label: "Password again", type: "password", autocomplete: "new-password", required: true })}
<div class="actions"><button type="submit">Create account</button><a href="${values.n ? loginUrl(ctx, values.n) : ctx.url("/login")}">I have an account</a></div>
</form>`;
  sendPage(ctx, { title: "Create an account", body, status: error?.status });
}

export const registerPage = {
  async GET(ctx: UiContext): Promise<void> {
    if (await ctx.session()) return redirect(ctx.res, ctx.url("/"));
    form(ctx, { invitation_token: ctx.query.get("invitation_token") ?? undefined, n: safeNext(ctx.query.get("n"), "") });
  },
  async POST(ctx: UiContext): Promise<void> {
    let params: Record<string, string> = {};
    try {
      params = await readForm(ctx);
      if ((params.password ?? "") !== (params.password_confirm ?? "")) throw errPasswordConfirmation();
      const userId = (params.user_id ?? "").trim();
      const created = await services(ctx).users.create({
        user: { ids: { userId }, name: (params.name ?? "").trim(), primaryEmailAddress: (params.primary_email_address ?? "").trim(), password: params.password ?? "" },
        invitationToken: params.invitation_token ?? "",
      });
      const next = safeNext(params.n, "");
      const pending = created.state === State.REQUESTED;
      const body = html`<h1>Account created</h1>
${message("success", html`Your account <strong>${userId}</strong> was created.`)}
${created.primaryEmailAddress ? message("info", html`We sent an e-mail to <strong>${created.primaryEmailAddress}</strong>. Follow the link in it to validate your address.`) : ""}
${pending
    ? message("info", "An administrator has to approve your account before you can log in. You will get an e-mail when that happens.")
    : html`<p><a href="${next ? loginUrl(ctx, next) : ctx.url("/login")}">Log in</a></p>`}`;
      sendPage(ctx, { title: "Account created", body });
    } catch (err) {
      form(ctx, { ...params, n: safeNext(params.n, "") }, describeError(settleError(ctx.log, err)));
    }
  },
};
