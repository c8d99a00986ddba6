// Transport and RPC plumbing for is-cli: the RpcCommand type (a parser
// CommandSpec plus the unary method to call and how to build its request), the
// gRPC transport with the request headers (the API key as a bearer token and
// the `tenant-id` header, or a command's own credentials such as a tenant
// admin key), calling a command, and rendering responses and errors as JSON
// (the HTTP API's mapping: proto field names, EUIs as upper-case hex).
import * as tls from "node:tls";
import { createRegistry, type DescMessage, type DescMethodUnary, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { ConnectError, type Interceptor, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { file_ttn_lorawan_v3_application } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { file_ttn_lorawan_v3_application_services } from "../../gen/ttn/lorawan/v3/application_services_pb.js";
import { file_ttn_lorawan_v3_client } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { file_ttn_lorawan_v3_contact_info } from "../../gen/ttn/lorawan/v3/contact_info_pb.js";
import { file_ttn_lorawan_v3_enums } from "../../gen/ttn/lorawan/v3/enums_pb.js";
import { ErrorDetailsSchema, file_ttn_lorawan_v3_error } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { file_ttn_lorawan_v3_identifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { file_ttn_lorawan_v3_identityserver } from "../../gen/ttn/lorawan/v3/identityserver_pb.js";
import { file_ttn_lorawan_v3_notification_service } from "../../gen/ttn/lorawan/v3/notification_service_pb.js";
import { file_ttn_lorawan_v3_picture } from "../../gen/ttn/lorawan/v3/picture_pb.js";
import { file_ttn_lorawan_v3_rights } from "../../gen/ttn/lorawan/v3/rights_pb.js";
import { file_ttn_lorawan_v3_user } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { file_ttn_lorawan_v3_user_services } from "../../gen/ttn/lorawan/v3/user_services_pb.js";
import { messageToJson } from "../gateway/json.js";
import type { CommandSpec, GroupSpec, ParsedArgs } from "./args.js";

/** What a request builder may use besides the parsed arguments. */
export interface RequestContext {
  /** All of standard input, as text. */
  readStdin(): Promise<string>;
  /** The user ID of the API key's holder (EntityAccess.AuthInfo), for commands defaulting to "me". */
  callerUserId?(): Promise<string | undefined>;
  /** The transport of the call, for a look-up the request needs first (a gateway by EUI). */
  transport?: Transport;
}

/** A leaf command: how to parse it (CommandSpec) and which RPC it makes. */
export interface RpcCommand extends CommandSpec {
  // The method and builder are type-erased here; `rpc()` checks they match.
  readonly method: DescMethodUnary<any, any>;
  readonly request: (args: ParsedArgs, ctx: RequestContext) => unknown;
  /** Print `total: N` from the `x-total-count` response header. */
  readonly list?: boolean;
  /** Lines for stderr after a successful call (e.g. what to do next); may make further calls. */
  readonly notes?: (response: any, args: ParsedArgs, transport: Transport) => Promise<string[]>;
  /**
   * Credentials of their own instead of the API key (tenant administration):
   * the `authorization` header's value, or a UsageError. Such a command is
   * for no tenant in particular: no `tenant-id` header is sent.
   */
  readonly authorization?: (args: ParsedArgs, env: Env) => string;
}

/** The environment the CLI runs in. */
export type Env = Readonly<Record<string, string | undefined>>;

export type CommandTree = GroupSpec<RpcCommand>;

/** Defines a command; ties the request builder's type to the method's input. */
export function rpc<I extends DescMessage, O extends DescMessage>(
  spec: Omit<CommandSpec, "kind"> & {
    readonly method: DescMethodUnary<I, O>;
    readonly request: (args: ParsedArgs, ctx: RequestContext) => MessageInitShape<I> | Promise<MessageInitShape<I>>;
    readonly list?: boolean;
    readonly notes?: (response: MessageShape<O>, args: ParsedArgs, transport: Transport) => Promise<string[]>;
    readonly authorization?: (args: ParsedArgs, env: Env) => string;
  },
): RpcCommand {
  return { kind: "command", ...spec };
}

export function group(name: string, summary: string, children: readonly (CommandTree | RpcCommand)[], aliases?: readonly string[]): CommandTree {
  return { kind: "group", name, summary, children, ...(aliases ? { aliases } : {}) };
}

/** The stack's CLI's aliases of the usual subcommands. */
export const ALIASES = {
  list: ["ls"],
  get: ["info"],
  create: ["add", "register"],
  set: ["update"],
  delete: ["del", "remove", "rm"],
  purge: ["permanent-delete", "hard-delete"],
} as const;

// ---- transport --------------------------------------------------------------

/** The headers every call of `command` carries (gRPC metadata). */
export function requestHeaders(command: RpcCommand, args: ParsedArgs, env: Env): Record<string, string> {
  if (command.authorization) return { authorization: command.authorization(args, env) };
  const { apiKey, tenantId } = args.global;
  return { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...(tenantId ? { "tenant-id": tenantId } : {}) };
}

function headersInterceptor(headers: Readonly<Record<string, string>>): Interceptor {
  return (next) => async (req) => {
    for (const [name, value] of Object.entries(headers)) req.header.set(name, value);
    return next(req);
  };
}

/** gRPC over h2c (http://) or TLS (https://, trusting `ca` besides the system's CAs). */
export function createTransport(baseUrl: string, headers: Readonly<Record<string, string>>, ca?: Buffer): Transport {
  return createGrpcTransport({
    baseUrl,
    interceptors: Object.keys(headers).length ? [headersInterceptor(headers)] : [],
    ...(ca && baseUrl.startsWith("https:") ? { nodeOptions: { ca: [...tls.rootCertificates, ca.toString("utf8")] } } : {}),
  });
}

export interface CallResult {
  /** Response as pretty-printed JSON. */
  readonly json: string;
  /** Value of the `x-total-count` response header, if any. */
  readonly total?: string;
  /** The response itself. */
  readonly message: unknown;
}

export async function call(transport: Transport, command: RpcCommand, args: ParsedArgs, ctx: RequestContext): Promise<CallResult> {
  const input = (await command.request(args, ctx)) as MessageInitShape<DescMessage>;
  const res = await transport.unary(command.method, undefined, undefined, undefined, input);
  const total = res.header.get("x-total-count");
  return { json: messageJson(command.method.output, res.message), message: res.message, ...(total !== null ? { total } : {}) };
}

// ---- output -----------------------------------------------------------------

const registry = createRegistry(
  file_ttn_lorawan_v3_application,
  file_ttn_lorawan_v3_application_services,
  file_ttn_lorawan_v3_client,
  file_ttn_lorawan_v3_contact_info,
  file_ttn_lorawan_v3_enums,
  file_ttn_lorawan_v3_error,
  file_ttn_lorawan_v3_identifiers,
  file_ttn_lorawan_v3_identityserver,
  file_ttn_lorawan_v3_notification_service,
  file_ttn_lorawan_v3_picture,
  file_ttn_lorawan_v3_rights,
  file_ttn_lorawan_v3_user,
  file_ttn_lorawan_v3_user_services,
);

function messageValue<D extends DescMessage>(schema: D, message: MessageShape<D>): unknown {
  return messageToJson(schema, message, { registry });
}

export function messageJson<D extends DescMessage>(schema: D, message: MessageShape<D>): string {
  return JSON.stringify(messageValue(schema, message), null, 2);
}

/** `{"code", "message", "details"}` for any error thrown by a call. */
export function errorJson(err: unknown): string {
  const ce = ConnectError.from(err);
  let details: unknown[] = [];
  try {
    details = ce.findDetails(ErrorDetailsSchema).map((d) => {
      try {
        return messageValue(ErrorDetailsSchema, d);
      } catch {
        // Details of unknown type inside: drop them rather than the whole error.
        return messageValue(ErrorDetailsSchema, { ...d, details: [] });
      }
    });
  } catch {
    details = [];
  }
  return JSON.stringify({ code: ce.code, message: ce.rawMessage, details }, null, 2);
}
