// GET/POST <mount>/logout. With `access_token_id` (a client logging its user
// out, as the stack's /oauth/logout): the core deletes the token and checks
// `post_logout_redirect_uri`; the token's session and this browser's session
// end, and the browser goes where the core says. Without it, a logged-in
// browser gets a confirmation form (POST with the CSRF token), so a link on
// another site cannot log people out.
import { errMissingAccessTokenID, errUserSessionNotFound } from "../../../errors/index.js";
import type { UiContext } from "../context.js";
import { html } from "../html.js";
import { redirect } from "../http-util.js";
import { csrfInput, hidden, sendPage } from "../layout.js";
import { readForm, safeNext } from "./common.js";

export const logoutPage = {
  async GET(ctx: UiContext): Promise<void> {
    const tokenId = ctx.query.get("access_token_id");
    if (tokenId) {
      const current = await ctx.session();
      const out = await ctx.deps.core.clientLogout(ctx.deps, tokenId, ctx.query.get("post_logout_redirect_uri") ?? undefined);
      if (out.sessionId && out.sessionId !== current?.sessionId) {
        const userId = out.userId ?? current?.userId;
        if (userId) {
          await ctx.deps.store.sessions.delete(userId, out.sessionId).catch((err: unknown) => {
            if (!errUserSessionNotFound.is(err)) throw err;
          });
        }
      }
      await ctx.endSession();
      return redirect(ctx.res, out.redirectTo);
    }
    const current = await ctx.session();
    if (!current) throw errMissingAccessTokenID();
    const next = safeNext(ctx.query.get("n"), "");
    sendPage(ctx, {
      title: "Log out",
      body: html`<h1>Log out</h1>
<form method="post" action="${ctx.url("/logout")}" class="card">
${csrfInput(ctx)}${hidden("n", next)}
<p>You are logged in as <strong>${current.userId}</strong>.</p>
<div class="actions"><button type="submit" autofocus>Log out</button><a href="${next || ctx.url("/")}">Stay logged in</a></div>
</form>`,
    });
  },
  async POST(ctx: UiContext): Promise<void> {
    const form = await readForm(ctx);
    await ctx.endSession();
    redirect(ctx.res, safeNext(form.n, "") || ctx.url("/login"), 303);
  },
};
