// The services the pages use (registration, passwords, e-mail validation,
// profile updates), called in-process through the same interceptors as any
// /api/v3 call, so rights, validation and errors are exactly the API's. Calls
// for a logged-in user carry the browser session as a bearer token.
import { createClient, type Client } from "@connectrpc/connect";
import type { DescService } from "@bufbuild/protobuf";
import { EmailValidationRegistry } from "../../../gen/ttn/lorawan/v3/email_validation_pb.js";
import { UserRegistry } from "../../../gen/ttn/lorawan/v3/user_services_pb.js";
import { callValues } from "../../telemetry/request-log/context.js";
import { sessionToken } from "../session-cookie.js";
import type { CurrentSession, UiContext } from "./context.js";

export interface Services {
  users: Client<typeof UserRegistry>;
  emailValidations: Client<typeof EmailValidationRegistry>;
}

/** Clients of the services, anonymous or as the session's user. */
export function services(ctx: UiContext, as?: CurrentSession): Services {
  const make = <S extends DescService>(service: S) =>
    createClient(service, {
      stream: ctx.deps.transport.stream.bind(ctx.deps.transport),
      unary: (method, signal, timeoutMs, header, input, contextValues) => {
        const headers = new Headers(header);
        if (as) headers.set("authorization", `Bearer ${sessionToken(as)}`);
        // The page's request record: the calls fill in its line (method, caller).
        return ctx.deps.transport.unary(method, signal, timeoutMs, headers, input, callValues(ctx.req, contextValues));
      },
    });
  return { users: make(UserRegistry), emailValidations: make(EmailValidationRegistry) };
}
