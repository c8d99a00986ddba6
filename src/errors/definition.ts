// Errors as data: every error the server returns is an instance of a definition
// (namespace, name, message format, gRPC code), rendered the way The Things Stack
// renders them: `error:<namespace>:<name> (<formatted message>)`.
import { randomUUID } from "node:crypto";
import { Code } from "@connectrpc/connect";

export { Code };

export interface ErrorDefinition {
  readonly namespace: string;
  readonly name: string;
  /** `{attr}` placeholders; every placeholder is a public attribute. */
  readonly messageFormat: string;
  readonly code: Code;
}

export type Attributes = Record<string, unknown>;

export class IsError extends Error {
  readonly correlationId = randomUUID().replaceAll("-", "");
  constructor(
    readonly definition: ErrorDefinition,
    readonly attributes: Attributes = {},
    options?: { cause?: unknown },
  ) {
    super(renderMessage(definition, attributes), options);
    this.name = "IsError";
  }
  get code(): Code {
    return this.definition.code;
  }
  /** The attributes named in the message format: the only ones shown to clients. */
  get publicAttributes(): Attributes {
    const out: Attributes = {};
    for (const key of placeholders(this.definition.messageFormat)) {
      if (key in this.attributes) out[key] = this.attributes[key];
    }
    return out;
  }
}

export interface ErrorFactory {
  (attributes?: Attributes, options?: { cause?: unknown }): IsError;
  readonly definition: ErrorDefinition;
  /** True when `err` was made by this factory. */
  is(err: unknown): err is IsError;
}

export function defineError(namespace: string, name: string, messageFormat: string, code: Code): ErrorFactory {
  const definition: ErrorDefinition = Object.freeze({ namespace, name, messageFormat, code });
  const make = (attributes?: Attributes, options?: { cause?: unknown }) => new IsError(definition, attributes, options);
  return Object.assign(make, {
    definition,
    is: (err: unknown): err is IsError => err instanceof IsError && err.definition === definition,
  });
}

const placeholderPattern = /\{([a-z_][a-z0-9_]*)\}/gi;

function placeholders(format: string): string[] {
  return [...format.matchAll(placeholderPattern)].map((m) => m[1]!);
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(formatValue).join(", ");
  if (value === undefined || value === null) return "";
  return String(value);
}

export function renderMessage(def: ErrorDefinition, attributes: Attributes): string {
  const text = def.messageFormat.replace(placeholderPattern, (whole, key: string) =>
    key in attributes ? formatValue(attributes[key]) : whole,
  );
  return `error:${def.namespace}:${def.name} (${text})`;
}
