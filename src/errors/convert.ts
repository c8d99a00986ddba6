// The two converters of the catalogue: any thrown value -> Connect/gRPC status
// with a ttn.lorawan.v3.ErrorDetails detail, and such a status -> HTTP status + JSON
// body in the shape of The Things Stack's HTTP API. A RESOURCE_EXHAUSTED error
// with a `retry_after` (seconds) carries it as metadata both ways: `retry-after`
// (HTTP's header) and `x-rate-limit-retry` (what the stack's rate limiter sends).
import { create, toJson, type JsonObject } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import { ErrorDetailsSchema, type ErrorDetails } from "../../gen/ttn/lorawan/v3/error_pb.js";
import { Code, IsError, type Attributes } from "./definition.js";
import { errInternal, errMethodNotAllowed, errRequest } from "./catalogue.js";

const detailsTypeUrl = `type.googleapis.com/${ErrorDetailsSchema.typeName}`;

function toStructValue(value: unknown): JsonObject[string] {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(toStructValue);
  if (typeof value === "object") {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = toStructValue(v);
    return out;
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") return value;
  return String(value);
}

export function errorDetailsOf(err: IsError): ErrorDetails {
  const attributes: Attributes = err.publicAttributes;
  const cause = err.cause instanceof IsError ? errorDetailsOf(err.cause) : undefined;
  return create(ErrorDetailsSchema, {
    namespace: err.definition.namespace,
    name: err.definition.name,
    messageFormat: err.definition.messageFormat,
    attributes: Object.keys(attributes).length ? (toStructValue(attributes) as JsonObject) : undefined,
    correlationId: err.correlationId,
    cause,
    code: err.code,
  });
}

/**
 * Any thrown value as an IsError. Errors that are not from the catalogue are
 * internal errors: their text never reaches the client, only the correlation id.
 */
export function asIsError(err: unknown): IsError {
  if (err instanceof IsError) return err;
  if (err instanceof ConnectError) {
    // Raised by the Connect runtime itself (e.g. an undecodable request). It
    // calls undecodable protobuf internal; it is the client's, as connect-go says.
    if (err.code === Code.InvalidArgument || (err.code === Code.Internal && err.rawMessage.startsWith("parse binary:"))) {
      return errRequest({ reason: err.rawMessage }, { cause: err });
    }
    if (err.code !== Code.Internal && err.code !== Code.Unknown) {
      return new IsError(
        { namespace: "pkg/rpcmiddleware", name: Code[err.code].toLowerCase(), messageFormat: "{reason}", code: err.code },
        { reason: err.rawMessage },
        { cause: err },
      );
    }
  }
  return errInternal({}, { cause: err });
}

/** Seconds to wait before retrying, for errors that say so. */
function retryAfterOf(err: IsError): number | undefined {
  const seconds = err.attributes.retry_after;
  return err.code === Code.ResourceExhausted && typeof seconds === "number" && seconds > 0 ? Math.ceil(seconds) : undefined;
}

export function toConnectError(err: unknown): ConnectError {
  if (err instanceof ConnectError && err.findDetails(ErrorDetailsSchema).length > 0) return err;
  const isErr = asIsError(err);
  // A lone surrogate from a request would make the grpc-message header unencodable (URIError, no answer).
  const message = (isErr.message as string & { toWellFormed(): string }).toWellFormed();
  const retryAfter = retryAfterOf(isErr);
  const metadata = retryAfter === undefined ? undefined : { "retry-after": String(retryAfter), "x-rate-limit-retry": String(retryAfter) };
  return new ConnectError(message, isErr.code, metadata, [
    { desc: ErrorDetailsSchema, value: errorDetailsOf(isErr) },
  ], isErr);
}

const httpStatusByCode: Record<number, number> = {
  [Code.Canceled]: 499,
  [Code.Unknown]: 500,
  [Code.InvalidArgument]: 400,
  [Code.DeadlineExceeded]: 504,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.PermissionDenied]: 403,
  [Code.ResourceExhausted]: 429,
  [Code.FailedPrecondition]: 400,
  [Code.Aborted]: 409,
  [Code.OutOfRange]: 400,
  [Code.Unimplemented]: 501,
  [Code.Internal]: 500,
  [Code.Unavailable]: 503,
  [Code.DataLoss]: 500,
  [Code.Unauthenticated]: 401,
};

export function httpStatusOf(code: Code): number {
  return httpStatusByCode[code] ?? 500;
}

export interface HttpError {
  status: number;
  body: { code: number; message: string; details: JsonObject[] };
  /** Response headers the error asks for (`retry-after`). */
  headers: Record<string, string>;
}

/** The HTTP rendering of any error: status from the gRPC code, body as the stack's gateway writes it. */
export function toHttpError(err: unknown): HttpError {
  const connectErr = toConnectError(err);
  const details = connectErr.findDetails(ErrorDetailsSchema);
  // HTTP has its own status for this one (gRPC calls it unimplemented, which is 501: a server fault).
  const methodNotAllowed = details.some((d) => d.namespace === errMethodNotAllowed.definition.namespace && d.name === errMethodNotAllowed.definition.name);
  const retryAfter = connectErr.metadata.get("retry-after");
  return {
    headers: retryAfter === null ? {} : { "retry-after": retryAfter, "x-rate-limit-retry": retryAfter },
    status: methodNotAllowed ? 405 : httpStatusOf(connectErr.code),
    body: {
      code: connectErr.code,
      message: connectErr.rawMessage,
      details: details.map((d) => ({
        "@type": detailsTypeUrl,
        ...(toJson(ErrorDetailsSchema, d, { useProtoFieldName: true }) as JsonObject),
      })),
    },
  };
}
