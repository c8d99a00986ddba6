// Builds the server's e-mail sender from the `is.email.*` options: checks the
// options, loads and checks the templates (a broken override stops the start),
// picks the provider, and runs the outbox worker for the deployment's tenants.
// `queue` renders at once and writes the outbox row through the caller's store,
// so it commits or rolls back with the caller's transaction; the worker is
// kicked once that transaction commits. Links in a tenant's mail go to the
// tenant's host: the network URLs moved onto it (src/tenancy/urls.ts).
// Rendered mail carries live tokens and temporary passwords: while queued its
// subject, text and HTML are sealed with `is.email.encryption-key-id` (open,
// `:`-prefixed, without one), and the store scrubs them once the message is
// sent or given up, so a database dump holds no usable secret.
import { randomBytes } from "node:crypto";
import type { Config } from "../config/index.js";
import type { Logger } from "../log.js";
import { parseKeyVault, staticKeyVault } from "../secrets/key-vault.js";
import { sealedStrings } from "../secrets/sealed-string.js";
import type { OutboxQueue } from "../store/interfaces.js";
import { tenantUrl, tenantUrlOn, type TenantHosts } from "../tenancy/urls.js";
import type { EmailRequest, Emails } from "./api.js";
import { checkEmailConfig } from "./config.js";
import { providerOf } from "./providers/index.js";
import { checkTemplates, renderEmail, type Rendered } from "./templates/render.js";
import { loadTemplateSet } from "./templates/sources.js";
import type { Network } from "./templates/view.js";
import { startWorker, type DeliveryEvents, type TraceDelivery, type Worker } from "./worker.js";

export type { Emails } from "./api.js";
export { TemplateError } from "./templates/render.js";

export interface EmailService extends Emails {
  /** The subject, text and HTML a request renders to for the tenant (default: the default tenant); what `queue` stores. */
  render(email: EmailRequest, tenantId?: string): Rendered;
  /**
   * Starts delivering the outboxes (no-op without a provider); `events` sees
   * each delivery's outcome (metrics), `trace` wraps each attempt (tracing).
   */
  start(outbox: OutboxQueue, events?: DeliveryEvents, trace?: TraceDelivery): void;
  /** Stops the worker after the sends under way; no timers stay behind. */
  close(): Promise<void>;
}

/** Tenants kept with their network URLs; beyond it the map starts over. */
const maxNetworks = 1024;

/**
 * The network as `tenantId`'s mail shows it: the Identity Server and Console
 * URLs on the tenant's host. A URL on a host of its own (not a base domain)
 * goes to the tenant's host under the first base domain: mail has no request
 * whose host could tell.
 */
export function tenantNetwork(network: Network, tenantId: string, hosts: TenantHosts): Network {
  const moved = (url: string) => tenantUrl(url, tenantId, hosts) ?? tenantUrlOn(url, tenantId, hosts.baseDomains[0]!);
  return { ...network, identityServerURL: moved(network.identityServerURL), consoleURL: moved(network.consoleURL) };
}

/**
 * Throws a ConfigError naming the option, or a TemplateError naming the
 * template file. `defaultTenantId` (default `tenancy.default-id`) is the tenant
 * whose links stay as configured.
 */
export async function createEmails(deps: { config: Config; log: Logger; now?: () => Date; defaultTenantId?: string }): Promise<EmailService> {
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

  const hosts: TenantHosts = { defaultId: deps.defaultTenantId ?? config.tenancy.defaultId, baseDomains: config.tenancy.baseDomains };
  const networks = new Map<string, Network>();
  const networkOf = (tenantId: string) => {
    let n = networks.get(tenantId);
    if (!n) {
      if (networks.size >= maxNetworks) networks.clear();
      networks.set(tenantId, (n = tenantNetwork(network, tenantId, hosts)));
    }
    return n;
  };
  const render = (email: EmailRequest, tenantId = hosts.defaultId) => renderEmail(templates, networkOf(tenantId), email);
  return {
    render,
    async queue(store, email) {
      const rendered = render(email, store.tenantId);
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
    start(outbox, events, trace) {
      if (!provider || worker || closed) return;
      worker = startWorker({
        outbox,
        provider,
        log,
        open: bodies.open,
        from: { name: e.senderName, address: e.senderAddress },
        retryMinMs: e.queue.retryMin,
        retryMaxMs: e.queue.retryMax,
        giveUpAfterMs: e.queue.giveUpAfter,
        pollIntervalMs: e.queue.pollInterval,
        concurrency: e.provider === "smtp" ? e.smtp.connections : 4,
        events,
        trace,
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
