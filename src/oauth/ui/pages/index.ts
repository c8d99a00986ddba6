// The page routes under the mount, and the error page any of them may end in.
// Paths are relative to is.oauth.mount. HEAD is served as GET.
import { errMethodNotAllowed, errPageNotFound } from "../../../errors/index.js";
import type { UiContext } from "../context.js";
import { describeError, settleError } from "../errors.js";
import { html } from "../html.js";
import { sendJsonError } from "../http-util.js";
import { errorMessage, sendPage } from "../layout.js";
import { accountPage, deleteSessionPage, profilePage, requestValidationPage } from "./account.js";
import { authorizePage } from "./authorize.js";
import { codePage, localCallbackPage } from "./code.js";
import { forgotPasswordPage } from "./forgot-password.js";
import { loginPage } from "./login.js";
import { logoutPage } from "./logout.js";
import { registerPage } from "./register.js";
import { ssoPage } from "./sso.js";
import { tokenLoginPage } from "./token-login.js";
import { updatePasswordPage } from "./update-password.js";
import { validatePage } from "./validate.js";

type Handler = (ctx: UiContext) => Promise<void>;
type Page = { GET?: Handler; POST?: Handler };

export const pages: Record<string, Page> = {
  "/": accountPage,
  "/login": loginPage,
  "/token-login": tokenLoginPage,
  "/authorize": authorizePage,
  "/logout": logoutPage,
  "/code": codePage,
  "/local-callback": localCallbackPage,
  "/register": registerPage,
  "/forgot-password": forgotPasswordPage,
  "/update-password": updatePasswordPage,
  "/validate": validatePage,
  "/account/profile": profilePage,
  "/account/validation": requestValidationPage,
  "/account/sessions/delete": deleteSessionPage,
};

export function errorPage(ctx: UiContext, err: unknown): void {
  const shown = describeError(settleError(ctx.log, err));
  if (ctx.res.headersSent) {
    ctx.res.end();
    return;
  }
  sendPage(ctx, {
    title: "Error",
    status: shown.status,
    body: html`<h1>Something went wrong</h1>
${errorMessage(shown)}
<p><a href="${ctx.url("/")}">Go to your account</a></p>`,
  });
}

/**
 * Serves a page. Unknown paths get a 404 page when the mount is a path of its
 * own; at the root ("" mount) they are left to the rest of the server.
 * With is.oauth.ui.is.enabled false the pages answer 404 in JSON.
 */
export async function servePage(ctx: UiContext): Promise<boolean> {
  // Exact paths, then the single sign-on routes with a provider ID in them.
  const page = pages[ctx.path] ?? ssoPage(ctx.path);
  if (!page && ctx.deps.mount === "") return false;
  if (!ctx.deps.config.is.oauth.ui.is.enabled) {
    sendJsonError(ctx.res, errPageNotFound({ path: ctx.url(ctx.path) }));
    return true;
  }
  try {
    if (!page) throw errPageNotFound({ path: ctx.url(ctx.path) });
    const method = ctx.req.method === "HEAD" ? "GET" : ctx.req.method;
    const handler = method === "GET" ? page.GET : method === "POST" ? page.POST : undefined;
    if (!handler) {
      ctx.res.setHeader("allow", [page.GET && "GET, HEAD", page.POST && "POST"].filter(Boolean).join(", "));
      throw errMethodNotAllowed({ method: ctx.req.method, route: ctx.url(ctx.path) });
    }
    await handler(ctx);
  } catch (err) {
    errorPage(ctx, err);
  }
  return true;
}
