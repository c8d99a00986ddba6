// ttn.lorawan.v3.Is: the public part of the Identity Server's configuration,
// which the Console and CLIs read before they show registration forms.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { GetIsConfigurationResponseSchema, Is } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { scopeOf } from "../auth/scope.js";

export function isService(): ServiceImpl<typeof Is> {
  return {
    async getConfiguration(_req, ctx) {
      const { is } = scopeOf(ctx).config;
      const pw = is.userRegistration.passwordRequirements;
      return create(GetIsConfigurationResponseSchema, {
        configuration: {
          userRegistration: {
            enabled: is.userRegistration.enabled,
            passwordRequirements: {
              minLength: pw.minLength,
              maxLength: pw.maxLength,
              minUppercase: pw.minUppercase,
              minDigits: pw.minDigits,
              minSpecial: pw.minSpecial,
            },
          },
          userRights: {
            createApplications: is.userRights.createApplications,
            createClients: is.userRights.createClients,
            createGateways: is.userRights.createGateways,
            createOrganizations: is.userRights.createOrganizations,
          },
          adminRights: { all: is.adminRights.all },
          collaboratorRights: { setOthersAsContacts: is.collaboratorRights.setOthersAsContacts },
        },
      });
    },
  };
}
