// <mount>/ : the account's own page. Profile (name, e-mail address) through
// UserRegistry.Update as the logged-in user, the e-mail validation state with
// a re-send button, and the user's browser sessions, each with a button that
// ends it. Every change is a POST with the CSRF token, answered by a redirect
// back here with a note of what happened.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { errUserSessionNotFound } from "../../../errors/index.js";
import type { CurrentSession, UiContext } from "../context.js";
import { describeError, settleError, type ShownError } from "../errors.js";
import { html, type Html } from "../html.js";
import { redirect } from "../http-util.js";
import { csrfInput, errorMessage, field, hidden, message, sendPage } from "../layout.js";
import { services } from "../services.js";
import { readForm, requireLogin } from "./common.js";

const notes: Record<string, string> = {
  profile: "Your profile was saved.",
  validation: "We sent you a new validation e-mail.",
  session: "The session was ended.",
};

const when = (ts: Parameters<typeof timestampDate>[0] | undefined) =>
  ts ? timestampDate(ts).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "";

async function page(ctx: UiContext, current: CurrentSession, error?: ShownError, values?: Record<string, string>): Promise<void> {
  const user = current.user;
  const sessions = await ctx.deps.store.sessions.find(current.userId, { limit: 50, page: 1, order: "-created_at" });
  const note = notes[ctx.query.get("done") ?? ""];
  const validated = Boolean(user.primaryEmailAddressValidatedAt);
  const rows: Html[] = sessions.items.map((s) => {
    const isCurrent = s.sessionId === current.sessionId;
    return html`<tr><td>${when(s.createdAt)}</td><td>${isCurrent ? "This browser" : html`<span class="session-id">${s.sessionId.slice(0, 8)}…</span>`}</td>
<td><form method="post" action="${ctx.url("/account/sessions/delete")}">${csrfInput(ctx)}${hidden("session_id", s.sessionId)}<button type="submit" class="secondary" aria-label="End the session of ${when(s.createdAt)}">${isCurrent ? "Log out" : "End session"}</button></form></td></tr>`;
  });
  const body = html`<h1>Your account</h1>
${note ? message("success", note) : ""}
${errorMessage(error)}
<section class="card" aria-labelledby="profile-heading">
<h2 id="profile-heading">Profile</h2>
<p>User ID: <strong class="user-id">${current.userId}</strong></p>
<form method="post" action="${ctx.url("/account/profile")}">
${csrfInput(ctx)}
${field({ name: "name", label: "Name", value: values?.name ?? user.name, autocomplete: "name" })}
${field({ name: "primary_email_address", label: "E-mail address", type: "email", value: values?.primary_email_address ?? user.primaryEmailAddress, autocomplete: "email", required: true, hint: "Changing it needs a new validation." })}
<div class="actions"><button type="submit">Save profile</button><a href="${ctx.url("/update-password")}">Change password</a></div>
</form>
</section>
<section class="card" aria-labelledby="email-heading">
<h2 id="email-heading">E-mail address</h2>
${validated
    ? html`<p class="email-validated">${user.primaryEmailAddress} is validated.</p>`
    : html`<p class="email-unvalidated">${user.primaryEmailAddress} is not validated yet: follow the link in the e-mail we sent.</p>
<form method="post" action="${ctx.url("/account/validation")}">${csrfInput(ctx)}<button type="submit" class="secondary">Send the e-mail again</button></form>`}
</section>
<section class="card" aria-labelledby="sessions-heading">
<h2 id="sessions-heading">Sessions</h2>
<table class="sessions"><thead><tr><th scope="col">Logged in</th><th scope="col">Where</th><th scope="col"><span class="skip">Action</span></th></tr></thead><tbody>${rows}</tbody></table>
${sessions.total > sessions.items.length ? html`<p class="hint">And ${sessions.total - sessions.items.length} older sessions.</p>` : ""}
</section>
<form method="post" action="${ctx.url("/logout")}">${csrfInput(ctx)}<button type="submit">Log out</button></form>`;
  sendPage(ctx, { title: "Your account", body, wide: true, status: error?.status });
}

/** Runs a change of the account page: login and CSRF first, then back to the page or the page with the error. */
async function change(ctx: UiContext, run: (current: CurrentSession, form: Record<string, string>) => Promise<string | void>): Promise<void> {
  const current = await requireLogin(ctx, ctx.url("/"));
  if (!current) return;
  let form: Record<string, string> = {};
  try {
    form = await readForm(ctx);
    const done = await run(current, form);
    if (done !== undefined) redirect(ctx.res, `${ctx.url("/")}?done=${done}`, 303);
  } catch (err) {
    await page(ctx, current, describeError(settleError(ctx.log, err)), form);
  }
}

export const accountPage = {
  async GET(ctx: UiContext): Promise<void> {
    const current = await requireLogin(ctx);
    if (current) await page(ctx, current);
  },
};

export const profilePage = {
  POST: (ctx: UiContext) =>
    change(ctx, async (current, form) => {
      await services(ctx, current).users.update({
        user: { ids: { userId: current.userId }, name: (form.name ?? "").trim(), primaryEmailAddress: (form.primary_email_address ?? "").trim() },
        fieldMask: { paths: ["name", "primary_email_address"] },
      });
      return "profile";
    }),
};

export const requestValidationPage = {
  POST: (ctx: UiContext) =>
    change(ctx, async (current) => {
      await services(ctx, current).emailValidations.requestValidation({ userId: current.userId });
      return "validation";
    }),
};

export const deleteSessionPage = {
  POST: (ctx: UiContext) =>
    change(ctx, async (current, form) => {
      const sessionId = form.session_id ?? "";
      if (sessionId === current.sessionId) {
        await ctx.endSession();
        return redirect(ctx.res, ctx.url("/login"), 303);
      }
      // The store only deletes sessions of this user: another user's ID is "not found".
      await ctx.deps.store.sessions.delete(current.userId, sessionId).catch((err: unknown) => {
        if (!errUserSessionNotFound.is(err)) throw err;
      });
      return "session";
    }),
};
