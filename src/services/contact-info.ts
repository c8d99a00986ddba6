// ttn.lorawan.v3.ContactInfoRegistry (legacy): validation of an entity's
// contact info, which is emulated from its contacts' primary e-mail addresses
// (accounts/contact-info.ts) and validated with the e-mail validations.
import { create } from "@bufbuild/protobuf";
import { EmptySchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { ContactInfoRegistry, ContactInfoValidationSchema } from "../../gen/ttn/lorawan/v3/contact_info_pb.js";
import type { EntityIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { requestContactInfoValidation } from "../accounts/contact-info.js";
import { validateEmail } from "../accounts/email-validation.js";
import { entityIdentifiers } from "../auth/identifiers.js";
import { scopeOf } from "../auth/scope.js";
import { errValidation } from "../errors/index.js";
import { rightByName } from "../rights/algebra.js";
import { requireRights } from "../rights/gate.js";
import type { EntityRef } from "../store/interfaces.js";
import { validationPart } from "./email-validation.js";
import { checkedEntityRef } from "./shared/entity-ref.js";
import { check } from "./shared/validate.js";

/** The entity the identifiers name; end devices have no contacts. */
function entityOf(ids: EntityIdentifiers): EntityRef {
  if (ids.ids.case === "deviceIds") throw errValidation({ field: "device_ids", reason: "end devices have no contact info" });
  if (!ids.ids.case) throw errValidation({ field: "ids", reason: "must name an application, client, gateway, organization or user" });
  return checkedEntityRef(ids, "") as EntityRef;
}

const settingsBasic = (kind: EntityRef["kind"]) => rightByName(`RIGHT_${kind.toUpperCase()}_SETTINGS_BASIC`)!;

export function contactInfoRegistry(): ServiceImpl<typeof ContactInfoRegistry> {
  return {
    async requestValidation(req, ctx) {
      const scope = scopeOf(ctx);
      const entity = entityOf(req);
      await requireRights(scope, entity, settingsBasic(entity.kind));
      const { contactInfo, sent } = await requestContactInfoValidation(scope, scope.store, entity);
      // Each contact address gets its own e-mail (its own ID and token); the
      // response names the first of them.
      const first = sent[0]!.validation;
      return create(ContactInfoValidationSchema, {
        id: first.id,
        entity: entityIdentifiers(entity),
        contactInfo,
        createdAt: timestampFromDate(first.createdAt),
        updatedAt: timestampFromDate(first.updatedAt),
        expiresAt: timestampFromDate(first.expiresAt),
      });
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
