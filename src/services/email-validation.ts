// ttn.lorawan.v3.EmailValidationRegistry: a user asks for (another) validation
// e-mail for their primary address; anyone holding the e-mailed ID and token
// validates it. The flow itself lives in accounts/email-validation.ts.
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { EmailValidationRegistry, EmailValidationSchema } from "../../gen/ttn/lorawan/v3/email_validation_pb.js";
import { publicValidation, requestEmailValidation, validateEmail } from "../accounts/email-validation.js";
import { scopeOf } from "../auth/scope.js";
import { errNoValidationNeeded } from "../errors/index.js";
import { rightByName } from "../rights/algebra.js";
import { requireRights } from "../rights/gate.js";
import { check, checks, type Check } from "./shared/validate.js";

const USER_SETTINGS_BASIC = rightByName("RIGHT_USER_SETTINGS_BASIC")!;

/** ID and token of a validation: 1 to 64 characters. */
export const validationPart: Check[] = [(v) => (typeof v === "string" && v !== "" ? undefined : "must be set"), checks.maxLength(64)];

export function emailValidationRegistry(): ServiceImpl<typeof EmailValidationRegistry> {
  return {
    async requestValidation(req, ctx) {
      const scope = scopeOf(ctx);
      check("user_id", req.userId, checks.id2);
      await requireRights(scope, { kind: "user", id: req.userId }, USER_SETTINGS_BASIC);
      const requested = await scope.store.transact(async (tx) => {
        const user = await tx.users.get(req.userId);
        // Deliberate: a validated address gets no new e-mail (the stack would send one).
        if (user.primaryEmailAddressValidatedAt) throw errNoValidationNeeded();
        return requestEmailValidation(scope, tx, user, "request");
      });
      if (!requested) throw errNoValidationNeeded();
      return create(EmailValidationSchema, publicValidation(requested.validation));
    },

    async validate(req, ctx) {
      const scope = scopeOf(ctx);
      check("id", req.id, ...validationPart);
      check("token", req.token, ...validationPart);
      await validateEmail(scope, scope.store, req.id, req.token);
      return create(EmptySchema);
    },
  };
}
