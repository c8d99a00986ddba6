// The e-mail outbox of the deployment: what waits (read from the outbox at
// scrape time, one query for both gauges) and what the worker did (sends,
// retries, give-ups, counted by src/email/worker.ts). A database that does not
// answer at scrape time leaves the gauges as they were rather than failing
// the scrape.
import { Counter, Gauge, type Registry } from "prom-client";
import type { DeliveryEvents } from "../../email/worker.js";
import type { Logger } from "../../log.js";
import type { OutboxQueue } from "../../store/interfaces.js";

export interface EmailMetrics {
  events: DeliveryEvents;
  /** Reads the backlog of `outbox` at each scrape. */
  follow(outbox: OutboxQueue): void;
}

type Backlog = Awaited<ReturnType<OutboxQueue["backlog"]>>;

export function emailMetrics(registry: Registry, log: Logger): EmailMetrics {
  let outbox: OutboxQueue | undefined;
  // Both gauges are collected at once (prom-client collects in parallel): they share one read.
  let reading: Promise<Backlog | undefined> | undefined;
  const backlog = () =>
    (reading ??= (outbox ? outbox.backlog() : Promise.resolve(undefined))
      .catch((err: unknown) => {
        log.warn({ err }, "metrics: the e-mail outbox is not readable");
        return undefined;
      })
      .finally(() => (reading = undefined)));
  new Gauge({
    name: "is_email_outbox_queued",
    help: "E-mail messages in the outbox neither sent nor given up",
    registers: [registry],
    async collect() {
      const b = await backlog();
      if (b) this.set(b.queued);
    },
  });
  new Gauge({
    name: "is_email_outbox_oldest_queued_age_seconds",
    help: "Age of the oldest message in the outbox neither sent nor given up (0 when there is none)",
    registers: [registry],
    async collect() {
      const b = await backlog();
      if (b) this.set(b.oldest ? Math.max(0, (Date.now() - b.oldest.getTime()) / 1000) : 0);
    },
  });
  const sent = new Counter({ name: "is_email_sent_total", help: "E-mail messages the provider accepted", registers: [registry] });
  const retries = new Counter({ name: "is_email_retries_total", help: "Failed delivery attempts that will be tried again", registers: [registry] });
  const givenUp = new Counter({
    name: "is_email_given_up_total",
    help: "E-mail messages given up, by reason (refused: the provider refused for good; expired: still failing after is.email.queue.give-up-after)",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const refused = givenUp.labels("refused");
  const expired = givenUp.labels("expired");
  return {
    events: {
      sent: () => sent.inc(),
      retried: () => retries.inc(),
      gaveUp: (reason) => (reason === "refused" ? refused : expired).inc(),
    },
    follow(queue) {
      outbox = queue;
    },
  };
}
