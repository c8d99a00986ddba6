// Turns whatever a handler throws into the catalogue's gRPC/Connect shape and
// logs it with its correlation id, so an error a client reports can be found
// in the server log.
import type { Interceptor } from "@connectrpc/connect";
import type { Logger } from "../log.js";
import { callLogger } from "../telemetry/request-log/context.js";
import { Code, IsError } from "./definition.js";
import { asIsError, toConnectError } from "./convert.js";

export function errorInterceptor(log: Logger): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (err) {
      const converted = toConnectError(err);
      const isErr = converted.cause instanceof IsError ? converted.cause : asIsError(err);
      const fields = {
        procedure: `${req.method.parent.typeName}/${req.method.name}`,
        error: `${isErr.definition.namespace}:${isErr.definition.name}`,
        correlation_id: isErr.correlationId,
      };
      const callLog = callLogger(log, req.contextValues);
      if (isErr.code === Code.Internal || isErr.code === Code.Unknown) callLog.error({ ...fields, cause: isErr.cause ?? err }, "request failed");
      else callLog.info(fields, "request refused");
      throw converted;
    }
  };
}

