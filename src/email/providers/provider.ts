// What a delivery provider does: send one rendered message, or say why not and
// whether trying again can help. The worker owns retries; providers never retry.

export interface Address {
  name: string;
  address: string;
}

export interface OutgoingMail {
  /** The outbox row ID; also the Message-ID's local part, so a resent message keeps its ID. */
  id: string;
  template: string;
  from: Address;
  to: Address;
  subject: string;
  text: string;
  html: string;
  /** When it was queued: the Date header. */
  date: Date;
  /** `traceparent` of the delivery's span (tracing on): HTTP providers send it along. */
  traceHeaders?: Record<string, string>;
}

export interface Provider {
  readonly name: string;
  send(mail: OutgoingMail): Promise<void>;
  /** Waits for sends under way, then releases connections. */
  close(): Promise<void>;
}

/** A failed send; `permanent` when trying again cannot help (the recipient or message is refused). */
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  constructor(message: string, readonly permanent: boolean) {
    super(message);
  }
}

/** `<id@domain-of-sender>`: a stable Message-ID per outbox row. */
export function messageId(mail: OutgoingMail): string {
  const domain = mail.from.address.split("@")[1] || "localhost";
  return `<${mail.id}@${domain}>`;
}
