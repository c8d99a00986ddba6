// GET <mount>/code shows an authorization code to copy (clients registered
// with the `code` redirect URI, such as a CLI on another machine), and GET
// <mount>/local-callback hands the answer to a CLI listening on localhost.
import { errValidation } from "../../../errors/index.js";
import type { UiContext } from "../context.js";
import { html } from "../html.js";
import { redirect } from "../http-util.js";
import { message, sendPage } from "../layout.js";

export const codePage = {
  async GET(ctx: UiContext): Promise<void> {
    const code = ctx.query.get("code");
    const error = ctx.query.get("error");
    const body = code
      ? html`<h1>Your authorization code</h1>
<div class="card">
<p>Copy this code into the application that asked for it:</p>
<code class="auth-code" id="auth-code">${code}</code>
<div class="actions"><button type="button" data-copy="auth-code" hidden>Copy</button></div>
</div>`
      : html`<h1>No authorization code</h1>
${message("error", error ? `The authorization failed: ${error}${ctx.query.get("error_description") ? ` (${ctx.query.get("error_description")})` : ""}` : "There is no code to show.")}`;
    sendPage(ctx, { title: "Authorization code", body, status: code ? 200 : 400 });
  },
};

export const localCallbackPage = {
  async GET(ctx: UiContext): Promise<void> {
    const params = new URLSearchParams(ctx.query);
    const port = params.get("port") ?? "11885";
    params.delete("port");
    if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
      throw errValidation({ field: "port", reason: "must be a port number (1-65535)" });
    }
    const qs = params.toString();
    redirect(ctx.res, `http://localhost:${Number(port)}/oauth/callback${qs ? `?${qs}` : ""}`);
  },
};
