// ttn.lorawan.v3.Is: the public part of the Identity Server's configuration,
// which the Console and CLIs read before they show registration and login
// forms. Every field comes from its option; nothing here is secret.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { DurationSchema, type Duration } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { GetIsConfigurationResponseSchema, Is, type IsConfigurationSchema } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { scopeOf } from "../auth/scope.js";
import type { Config } from "../config/index.js";

/** Option durations are milliseconds. */
function duration(ms: number): Duration {
  return create(DurationSchema, { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 });
}

/** Limit options use 0 for "no limit", which the API says by leaving the value unset. */
function limit(n: number): bigint | undefined {
  return n > 0 ? BigInt(n) : undefined;
}

export function isConfiguration(config: Config): MessageInitShape<typeof IsConfigurationSchema> {
  const { is } = config;
  const reg = is.userRegistration;
  const pw = reg.passwordRequirements;
  return {
    userRegistration: {
      enabled: reg.enabled,
      invitation: { required: reg.invitation.required, tokenTtl: duration(reg.invitation.tokenTtl) },
      contactInfoValidation: {
        required: reg.contactInfoValidation.required,
        tokenTtl: duration(reg.contactInfoValidation.tokenTtl),
        retryInterval: duration(reg.contactInfoValidation.retryInterval),
      },
      adminApproval: { required: reg.adminApproval.required },
      passwordRequirements: {
        minLength: pw.minLength,
        maxLength: pw.maxLength,
        minUppercase: pw.minUppercase,
        minDigits: pw.minDigits,
        minSpecial: pw.minSpecial,
      },
    },
    profilePicture: { disableUpload: is.profilePicture.disableUpload, useGravatar: is.profilePicture.useGravatar },
    // Upstream fills this from the profile picture option (a bug); ours has its own.
    endDevicePicture: { disableUpload: is.endDevicePicture.disableUpload },
    userRights: {
      createApplications: is.userRights.createApplications,
      createClients: is.userRights.createClients,
      createGateways: is.userRights.createGateways,
      createOrganizations: is.userRights.createOrganizations,
    },
    userLogin: { disableCredentialsLogin: is.userLogin.disableCredentialsLogin },
    adminRights: { all: is.adminRights.all },
    collaboratorRights: { setOthersAsContacts: is.collaboratorRights.setOthersAsContacts },
    applicationLimits: { endDevices: limit(is.applicationLimits.endDevices) },
    organizationLimits: {
      applications: limit(is.organizationLimits.applications),
      clients: limit(is.organizationLimits.clients),
      gateways: limit(is.organizationLimits.gateways),
    },
    userLimits: {
      applications: limit(is.userLimits.applications),
      clients: limit(is.userLimits.clients),
      gateways: limit(is.userLimits.gateways),
      organizations: limit(is.userLimits.organizations),
    },
  };
}

export function isService(): ServiceImpl<typeof Is> {
  return {
    async getConfiguration(_req, ctx) {
      return create(GetIsConfigurationResponseSchema, { configuration: isConfiguration(scopeOf(ctx).config) });
    },
  };
}
