// The JSON API the pages (and scripts) use: POST api/auth/login,
// api/auth/token-login, api/auth/logout and GET api/me. Every POST needs the
// CSRF token (header X-CSRF-Token or form field _csrf); errors are the
// project's JSON errors.
import { toJson } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { UserSchema, type User } from "../../../gen/ttn/lorawan/v3/user_pb.js";
import { errMethodNotAllowed, errNotAuthenticated } from "../../errors/index.js";
import type { UiContext } from "./context.js";
import { settleError } from "./errors.js";
import { readParams, sendJson, sendJsonError, sendNoContent } from "./http-util.js";
import { passwordLogin, tokenLogin } from "./login.js";

/** The user as the pages may show it: never a hash. */
export function publicUser(user: User): User {
  return { ...user, password: "", temporaryPassword: "", temporaryPasswordCreatedAt: undefined, temporaryPasswordExpiresAt: undefined };
}

type Endpoint = { method: "GET" | "POST"; run: (ctx: UiContext) => Promise<void> };

const endpoints: Record<string, Endpoint> = {
  "/api/auth/login": {
    method: "POST",
    async run(ctx) {
      const params = await readParams(ctx.req);
      ctx.checkCsrf(params);
      await passwordLogin(ctx, params);
      sendNoContent(ctx.res);
    },
  },
  "/api/auth/token-login": {
    method: "POST",
    async run(ctx) {
      const params = await readParams(ctx.req);
      ctx.checkCsrf(params);
      await tokenLogin(ctx, params);
      sendNoContent(ctx.res);
    },
  },
  "/api/auth/logout": {
    method: "POST",
    async run(ctx) {
      const params = await readParams(ctx.req);
      if (!(await ctx.session())) throw errNotAuthenticated();
      ctx.checkCsrf(params);
      await ctx.endSession();
      sendNoContent(ctx.res);
    },
  },
  "/api/me": {
    method: "GET",
    async run(ctx) {
      const current = await ctx.session();
      if (!current) throw errNotAuthenticated();
      sendJson(ctx.res, 200, {
        user: toJson(UserSchema, publicUser(current.user), { useProtoFieldName: true }),
        logged_in_at: current.session.createdAt ? timestampDate(current.session.createdAt).toISOString() : undefined,
        session_id: current.sessionId,
      });
    },
  },
};

export const accountApiPaths = Object.keys(endpoints);

/** Serves the JSON API; false when `ctx.path` is not one of its endpoints. */
export async function serveAccountApi(ctx: UiContext): Promise<boolean> {
  const endpoint = endpoints[ctx.path];
  if (!endpoint) return false;
  try {
    if (ctx.req.method !== endpoint.method) throw errMethodNotAllowed({ method: ctx.req.method, route: ctx.url(ctx.path) });
    await endpoint.run(ctx);
  } catch (err) {
    sendJsonError(ctx.res, settleError(ctx.log, err));
  }
  return true;
}
