// Commands of the account flows: `users invitations` (UserInvitationRegistry),
// `users email-validations` (EmailValidationRegistry; alias email-validation)
// and the legacy `contact-info` group (ContactInfoRegistry).
import type { MessageInitShape } from "@bufbuild/protobuf";
import { ContactInfoRegistry } from "../../gen/ttn/lorawan/v3/contact_info_pb.js";
import { EmailValidationRegistry } from "../../gen/ttn/lorawan/v3/email_validation_pb.js";
import type { EntityIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { UserInvitationRegistry } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { UsageError, type FlagSpec, type ParsedArgs, type PositionalSpec } from "./args.js";
import { ALIASES, group, rpc, type CommandTree } from "./client.js";
import { pagination, str } from "./flags.js";

const email: PositionalSpec = { name: "email", description: "e-mail address", flag: "email" };

export const invitationCommands: CommandTree = group("invitations", "Invite people to register (administrators only)", [
  rpc({
    name: "create",
    aliases: ["send"],
    summary: "Invite an e-mail address; the response holds the invitation token",
    positionals: [email],
    method: UserInvitationRegistry.method.send,
    request: (a) => ({ email: a.arg("email") }),
  }),
  rpc({
    name: "list",
    aliases: ALIASES.list,
    summary: "List invitations (without tokens)",
    flags: {
      limit: { type: { kind: "uint" }, description: "page size (0: server default)" },
      page: { type: { kind: "uint" }, description: "page number, starting at 1" },
    },
    list: true,
    method: UserInvitationRegistry.method.list,
    request: (a) => {
      const { limit, page } = pagination(a);
      return { limit, page };
    },
  }),
  rpc({
    name: "delete",
    aliases: ALIASES.delete,
    summary: "Withdraw the invitation of an e-mail address",
    positionals: [email],
    method: UserInvitationRegistry.method.delete,
    request: (a) => ({ email: a.arg("email") }),
  }),
], ["invitation"]);

/** --id and --token of a validation e-mail (the link's `reference` and `token`). */
const validationFlags: Record<string, FlagSpec> = {
  id: { ...str("validation ID (`reference` in the e-mailed link)"), required: true },
  token: { ...str("validation token from the e-mailed link"), required: true },
};
const validation = (a: ParsedArgs) => ({ id: a.str("id") ?? "", token: a.str("token") ?? "" });

export const emailValidationCommands: CommandTree = group(
  "email-validations",
  "Validate a user's primary e-mail address",
  [
    rpc({
      name: "request",
      aliases: ["r"],
      summary: "Send (again) a validation e-mail to the user's primary address",
      positionals: [{ name: "user-id", description: "ID of the user", flag: "user-id" }],
      method: EmailValidationRegistry.method.requestValidation,
      request: (a) => ({ userId: a.arg("user-id") }),
    }),
    rpc({
      name: "validate",
      aliases: ["v"],
      summary: "Validate the address with the reference (ID) and token of the e-mail (no API key needed)",
      positionals: [
        { name: "reference", description: "validation reference (`reference` in the e-mailed link; or --id)", optional: true, flag: "reference" },
        { name: "token", description: "validation token from the e-mailed link", optional: true, flag: "token" },
      ],
      flags: { id: str("same as <reference>", "ID") },
      method: EmailValidationRegistry.method.validate,
      request: (a) => {
        const id = a.optionalArg("reference") ?? a.str("id");
        const token = a.optionalArg("token");
        if (id === undefined) throw new UsageError("missing argument <reference> (or --reference or --id)");
        if (token === undefined) throw new UsageError("missing argument <token> (or --token)");
        return { id, token };
      },
    }),
  ],
  ["email-validation", "ev"],
);

/** Entity kinds with contact info → EntityIdentifiers from the entity ID. */
const CONTACT_KINDS: Readonly<Record<string, (id: string) => MessageInitShape<typeof EntityIdentifiersSchema>["ids"]>> = {
  application: (applicationId) => ({ case: "applicationIds", value: { applicationId } }),
  client: (clientId) => ({ case: "clientIds", value: { clientId } }),
  gateway: (gatewayId) => ({ case: "gatewayIds", value: { gatewayId } }),
  organization: (organizationId) => ({ case: "organizationIds", value: { organizationId } }),
  user: (userId) => ({ case: "userIds", value: { userId } }),
};

export const contactInfo: CommandTree = group("contact-info", "Validate the contact info of an entity (legacy; the contacts' e-mail addresses)", [
  rpc({
    name: "request",
    summary: "Send validation e-mails to the entity's unvalidated contact addresses",
    positionals: [
      {
        name: "entity-kind",
        description: Object.keys(CONTACT_KINDS).join(", "),
        check: (kind) => {
          if (!(kind in CONTACT_KINDS)) throw new Error(`"${kind}" is not one of ${Object.keys(CONTACT_KINDS).join(", ")}`);
        },
      },
      { name: "entity-id", description: "ID of the entity" },
    ],
    method: ContactInfoRegistry.method.requestValidation,
    request: (a) => ({ ids: CONTACT_KINDS[a.arg("entity-kind")]!(a.arg("entity-id")) }),
  }),
  rpc({
    name: "validate",
    summary: "Validate contact info with the ID and token of the e-mail (no API key needed)",
    flags: validationFlags,
    method: ContactInfoRegistry.method.validate,
    request: validation,
  }),
]);
