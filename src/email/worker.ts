// Drains the outboxes of the deployment's tenants through the provider (one
// claim across tenants per round: store/pg/email-outbox.ts deploymentOutbox,
// cheaper than a claim per tenant every poll interval). It runs when kicked (after
// a transaction that queued mail commits), when a retry falls due, and every
// poll interval (mail queued by other replicas, leases of crashed ones).
// Delivery is at least once: a message sent just before a crash or a failed
// `markSent` goes out again when its lease ends.
// Stored bodies are opened only here, for the provider; log lines name the
// message (ID, template, recipient), never its subject or body.
// Timing uses the wall clock, not the server's injectable `now`: retries are
// about real time passing, and a test's frozen clock must not stall them.
import type { Logger } from "../log.js";
import type { OutboxQueue, TenantOutboxMessage } from "../store/interfaces.js";
import { DeliveryError, type OutgoingMail, type Provider } from "./providers/index.js";

export interface WorkerOptions {
  outbox: OutboxQueue;
  provider: Provider;
  log: Logger;
  /** Opens a stored (sealed or `:`-prefixed open) subject or body. */
  open: (stored: string) => string;
  from: { name: string; address: string };
  retryMinMs: number;
  retryMaxMs: number;
  /** 0: never give up. */
  giveUpAfterMs: number;
  pollIntervalMs: number;
  /** Messages sent at the same time. */
  concurrency: number;
  /** Sees each delivery's outcome (src/telemetry/metrics/email.ts); absent when metrics are off. */
  events?: DeliveryEvents;
  /** Runs each delivery attempt in a span (src/telemetry/tracing/email.ts); absent when tracing is off. */
  trace?: TraceDelivery;
}

/**
 * Wraps one delivery attempt: `send` gets the trace headers (`traceparent`)
 * for a provider that speaks HTTP to pass on.
 */
export type TraceDelivery = (message: TenantOutboxMessage, provider: string, send: (traceHeaders?: Record<string, string>) => Promise<void>) => Promise<void>;

/** Outcomes of delivery attempts, for metrics. */
export interface DeliveryEvents {
  sent(): void;
  /** An attempt failed; the message is tried again later. */
  retried(): void;
  /** Given up: refused for good by the provider, or still failing after is.email.queue.give-up-after. */
  gaveUp(reason: "refused" | "expired"): void;
}

export interface Worker {
  /** Look for due messages now. */
  kick(): void;
  /** Stops claiming, waits for the sends under way and clears every timer. */
  stop(): Promise<void>;
}

/** How long a claimed message is kept from other workers while it is sent. */
const leaseMs = 5 * 60_000;

/** Wait before attempt `attempts + 1`: retry-min doubled per attempt, at most retry-max. */
export function backoff(attempts: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
}

export function startWorker(o: WorkerOptions): Worker {
  const batchSize = Math.max(o.concurrency, 10);
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let wakeAt = Infinity;

  // Wake up after `delayMs`, unless an earlier wake-up is already set.
  const wakeIn = (delayMs: number) => {
    if (stopped) return;
    const at = Date.now() + delayMs;
    if (timer && wakeAt <= at) return;
    clearTimeout(timer);
    wakeAt = at;
    timer = setTimeout(() => {
      timer = undefined;
      wakeAt = Infinity;
      kick();
    }, Math.max(0, delayMs));
    timer.unref();
  };

  const deliver = async (m: TenantOutboxMessage) => {
    const fields = { id: m.id, tenant_id: m.tenantId, template: m.template, to: m.to.address, attempt: m.attempts };
    try {
      // A key this replica's key-vault.static lacks fails here and is retried like
      // an outage: during a key roll-out another replica (or a fixed config) sends it.
      const mail: OutgoingMail = { id: m.id, template: m.template, from: o.from, to: m.to, subject: o.open(m.subject), text: o.open(m.text), html: o.open(m.html), date: m.createdAt };
      if (o.trace) await o.trace(m, o.provider.name, (traceHeaders) => o.provider.send(traceHeaders ? { ...mail, traceHeaders } : mail));
      else await o.provider.send(mail);
    } catch (err) {
      const message = (err as Error).message;
      const permanent = err instanceof DeliveryError && err.permanent;
      const delay = backoff(m.attempts, o.retryMinMs, o.retryMaxMs);
      const expired = o.giveUpAfterMs > 0 && Date.now() + delay - m.createdAt.getTime() > o.giveUpAfterMs;
      if (permanent || expired) {
        o.log.error({ ...fields, err: message }, permanent ? "e-mail refused, not retried" : "e-mail given up after failing for is.email.queue.give-up-after");
        o.events?.gaveUp(permanent ? "refused" : "expired");
        await o.outbox.markFailed(m.tenantId, m.id, message, undefined);
      } else {
        o.events?.retried();
        o.log.warn({ ...fields, err: message, retryInMs: delay }, "e-mail not sent, will retry");
        await o.outbox.markFailed(m.tenantId, m.id, message, new Date(Date.now() + delay));
        wakeIn(delay);
      }
      return;
    }
    o.events?.sent();
    await o.outbox.markSent(m.tenantId, m.id, new Date());
    o.log.info(fields, "e-mail sent");
  };

  // Sends `batch` with at most `concurrency` sends at once.
  const sendAll = async (batch: TenantOutboxMessage[]) => {
    let next = 0;
    const lane = async () => {
      while (next < batch.length) {
        const m = batch[next++]!;
        await deliver(m).catch((err: unknown) => o.log.error({ id: m.id, err }, "e-mail outbox update failed"));
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency, batch.length) }, lane));
  };

  const drain = async () => {
    do {
      again = false;
      const now = Date.now();
      let batch: TenantOutboxMessage[];
      try {
        batch = await o.outbox.claimDue(batchSize, new Date(now), new Date(now + leaseMs));
      } catch (err) {
        if (!stopped) o.log.warn({ err }, "e-mail outbox not readable, trying again later");
        return;
      }
      await sendAll(batch);
      if (batch.length === batchSize) again = true;
    } while (again && !stopped);
  };

  function kick() {
    if (stopped) return;
    if (running) {
      again = true; // the loop under way looks once more
      return;
    }
    running = drain().finally(() => {
      running = undefined;
      if (stopped) return;
      if (again) kick();
      else wakeIn(o.pollIntervalMs);
    });
  }

  kick(); // what earlier runs (or other replicas) left due
  return {
    kick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running;
      await o.provider.close();
    },
  };
}
