// Errors as the pages show them: the catalogue's message without its
// `error:namespace:name` prefix, plus the name and correlation ID people can
// quote to an operator. Internal errors are logged with that ID; their text
// never reaches the browser.
import type { Logger } from "../../log.js";
import { toConnectError, toHttpError } from "../../errors/index.js";

export interface ShownError {
  status: number;
  /** The human-readable message. */
  text: string;
  /** `namespace:name`. */
  id: string;
  correlationId: string;
}

export function describeError(err: unknown): ShownError {
  const { status, body } = toHttpError(err);
  const details = body.details[0] as Record<string, unknown> | undefined;
  const namespace = String(details?.namespace ?? "");
  const name = String(details?.name ?? "");
  const text = /^error:\S+ \((.*)\)$/s.exec(body.message)?.[1] ?? body.message;
  return { status, text, id: namespace ? `${namespace}:${name}` : name, correlationId: String(details?.correlation_id ?? "") };
}

/**
 * The error converted once, so the correlation ID in the log is the one the
 * browser shows; internal errors are logged.
 */
export function settleError(log: Logger, err: unknown): ReturnType<typeof toConnectError> {
  const converted = toConnectError(err);
  const shown = describeError(converted);
  if (shown.status >= 500) log.error({ err, correlation_id: shown.correlationId }, "OAuth pages: request failed");
  return converted;
}
