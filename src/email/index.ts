// Builds the server's e-mail sender from the `is.email.*` options: checks the
// options, loads and checks the templates (a broken override stops the start),
// picks the provider, and runs the outbox worker for the server's tenant.
// `queue` renders at once and writes the outbox row through the caller's store,
// so it commits or rolls back with the caller's transaction; the worker is
// kicked once that transaction commits.
// Rendered mail carries live tokens and temporary passwords: while queued its
// subject, text and HTML are sealed with `is.email.encryption-key-id` (open,
// `:`-prefixed, without one), and the store scrubs them once the message is
// sent or given up, so a database dump holds no usable secret.
import { randomBytes } from "node:crypto";
import type { Config } from "../config/index.js";
import type { Logger } from "../log.js";
import { parseKeyVault, staticKeyVault } from "../secrets/key-vault.js";
import { sealedStrings } from "../secrets/sealed-string.js";
import type { Store } from "../store/interfaces.js";
import type { EmailRequest, Emails } from "./api.js";
import { checkEmailConfig } from "./config.js";
import { providerOf } from "./providers/index.js";
import { checkTemplates, renderEmail, type Rendered } from "./templates/render.js";
import { loadTemplateSet } from "./templates/sources.js";
import type { Network } from "./templates/view.js";
import { startWorker, type Worker } from "./worker.js";

export type { Emails } from "./api.js";
export { TemplateError } from "./templates/render.js";

export interface EmailService extends Emails {
  /** The subject, text and HTML a request renders to (what `queue` stores). */
  render(email: EmailRequest): Rendered;
  /** Starts delivering the outbox of `store`'s tenant (no-op without a provider). */
  start(store: Store): void;
  /** Stops the worker after the sends under way; no timers stay behind. */
  close(): Promise<void>;
}

/** Throws a ConfigError naming the option, or a TemplateError naming the template file. */
export async function createEmails(deps: { config: Config; log: Logger; now?: () => Date }): Promise<EmailService> {
  const { config, log } = deps;
  const e = config.is.email;
  checkEmailConfig(config);
  const network: Network = {
    name: e.network.name,
    identityServerURL: e.network.identityServerUrl,
    consoleURL: e.network.consoleUrl,
    assetsBaseURL: e.network.assetsBaseUrl,
    brandingBaseURL: e.network.brandingBaseUrl,
  };
  const templates = await loadTemplateSet(config, log);
  checkTemplates(templates, network);
  const provider = await providerOf(config);
  if (!provider) log.info({}, "is.email.provider is empty: e-mail is logged, not sent");
  // Bodies may hold `:`, so open ones are stored as `:<body>` (the migration prefixed queued rows of older versions).
  const bodies = sealedStrings(staticKeyVault(parseKeyVault(config.keyVault.static)), e.encryptionKeyId, { plainPrefix: ":" });
  if (provider && !bodies.keyId) log.warn({}, "is.email.encryption-key-id is not set: queued e-mail (with its tokens) is stored open until it is sent");
  let worker: Worker | undefined;
  let closed = false;

  const render = (email: EmailRequest) => renderEmail(templates, network, email);
  return {
    render,
    async queue(store, email) {
      const rendered = render(email);
      const fields = { template: email.template, to: email.to.address, subject: rendered.subject };
      if (!provider) {
        log.info(fields, "e-mail not sent: no is.email.provider configured");
        log.debug({ ...fields, text: rendered.text }, "e-mail not sent (text)");
        return;
      }
      if (!email.to.address) {
        log.warn(fields, "e-mail not queued: the recipient has no address");
        return;
      }
      await store.emailOutbox.add({
        id: newId(),
        template: email.template,
        to: { name: email.to.name, address: email.to.address },
        subject: bodies.seal(rendered.subject),
        text: bodies.seal(rendered.text),
        html: bodies.seal(rendered.html),
        createdAt: new Date(),
      });
      store.afterCommit(() => worker?.kick());
    },
    start(store) {
      if (!provider || worker || closed) return;
      worker = startWorker({
        store,
        provider,
        log,
        open: bodies.open,
        from: { name: e.senderName, address: e.senderAddress },
        retryMinMs: e.queue.retryMin,
        retryMaxMs: e.queue.retryMax,
        giveUpAfterMs: e.queue.giveUpAfter,
        pollIntervalMs: e.queue.pollInterval,
        concurrency: e.provider === "smtp" ? e.smtp.connections : 4,
      });
    },
    async close() {
      closed = true;
      if (worker) await worker.stop();
      else await provider?.close();
    },
  };
}

// Outbox IDs sort as they were made (within a process): milliseconds, a
// sequence number, then randomness, so the dir provider's listing and ties in
// the claim order keep the queue order.
let sequence = 0;
function newId(): string {
  sequence = (sequence + 1) % 36 ** 4;
  return Date.now().toString(36).padStart(9, "0") + sequence.toString(36).padStart(4, "0") + randomBytes(6).toString("hex");
}
