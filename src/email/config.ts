// Checks of the is.email.* options that depend on each other, done when the
// server starts (before anything is sent), so a missing SMTP address or API key
// stops the start with the option's name instead of failing every message.
import { ConfigError, type Config } from "../config/index.js";
import { parseKeyVault } from "../secrets/key-vault.js";

const fail = (option: string, message: string): never => {
  throw new ConfigError(`${option}: ${message}`, option);
};

/** A plausible single address: something@something, no spaces or angle brackets. */
export const looksLikeAddress = (s: string) => /^[^\s@<>]+@[^\s@<>]+$/.test(s);

/** "host:port" or "host" (port 25); "[v6]:port" for IPv6. */
export function parseSmtpAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(address.trim());
  if (!m) fail("is.email.smtp.address", `expected host:port, got ${JSON.stringify(address)}`);
  const port = m![3] ? Number(m![3]) : 25;
  if (!(port > 0 && port < 65536)) fail("is.email.smtp.address", `port out of range in ${JSON.stringify(address)}`);
  return { host: (m![1] ?? m![2])!, port };
}

export function checkEmailConfig(config: Config): void {
  const e = config.is.email;
  if (e.provider) {
    if (!looksLikeAddress(e.senderAddress)) fail("is.email.sender-address", `not an e-mail address: ${JSON.stringify(e.senderAddress)}`);
    if (/[\r\n]/.test(e.senderName)) fail("is.email.sender-name", "must be one line");
  }
  switch (e.provider) {
    case "smtp":
      if (!e.smtp.address) fail("is.email.smtp.address", "must be set when is.email.provider is smtp");
      parseSmtpAddress(e.smtp.address);
      if (e.smtp.connections < 1) fail("is.email.smtp.connections", "must be at least 1");
      if (e.smtp.password && !e.smtp.username) fail("is.email.smtp.username", "must be set when is.email.smtp.password is");
      break;
    case "sendgrid":
      if (!e.sendgrid.apiKey) fail("is.email.sendgrid.api-key", "must be set when is.email.provider is sendgrid");
      if (!/^https?:\/\//.test(e.sendgrid.apiUrl)) fail("is.email.sendgrid.api-url", `expected an http(s) URL, got ${JSON.stringify(e.sendgrid.apiUrl)}`);
      break;
    case "dir":
      if (!e.dir) fail("is.email.dir", "must be set when is.email.provider is dir");
      break;
  }
  switch (e.templates.source) {
    case "directory":
      if (!e.templates.directory) fail("is.email.templates.directory", "must be set when is.email.templates.source is directory");
      break;
    case "url":
      if (!/^https?:\/\//.test(e.templates.url)) fail("is.email.templates.url", "must be an http(s) URL when is.email.templates.source is url");
      break;
    case "blob":
      if (!e.templates.blob.bucket) fail("is.email.templates.blob.bucket", "must be set when is.email.templates.source is blob");
      break;
    case "":
      if (e.templates.includes.length) fail("is.email.templates.includes", "needs is.email.templates.source to say where the files are");
      break;
  }
  if (e.encryptionKeyId && !parseKeyVault(config.keyVault.static).has(e.encryptionKeyId)) {
    fail("is.email.encryption-key-id", `no key \`${e.encryptionKeyId}\` in key-vault.static`);
  }
  const q = e.queue;
  if (q.retryMin <= 0) fail("is.email.queue.retry-min", "must be more than 0");
  if (q.retryMax < q.retryMin) fail("is.email.queue.retry-max", "must not be less than is.email.queue.retry-min");
  if (q.pollInterval <= 0) fail("is.email.queue.poll-interval", "must be more than 0");
}
