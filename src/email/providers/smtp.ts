// SMTP through a pooled nodemailer transport: up to is.email.smtp.connections
// connections, reused between messages. A 5xx reply to the envelope or data
// (recipient or message refused) is permanent; connection problems, 4xx replies
// and authentication failures (an operator can fix those) are retried.
import nodemailer from "nodemailer";
import type { Config } from "../../config/index.js";
import { parseSmtpAddress } from "../config.js";
import { DeliveryError, messageId, type OutgoingMail, type Provider } from "./provider.js";

export function smtpProvider(config: Config): Provider {
  const o = config.is.email.smtp;
  const { host, port } = parseSmtpAddress(o.address);
  const transport = nodemailer.createTransport({
    pool: true,
    host,
    port,
    secure: port === 465, // implicit TLS; elsewhere STARTTLS when the server offers it
    maxConnections: o.connections,
    idleTimeout: 60_000,
    auth: o.username ? { user: o.username, pass: o.password } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
  });
  return {
    name: "smtp",
    async send(mail: OutgoingMail) {
      try {
        await transport.sendMail({
          from: mail.from,
          to: mail.to.name ? mail.to : mail.to.address,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          date: mail.date,
          messageId: messageId(mail),
        });
      } catch (err) {
        const e = err as Error & { responseCode?: number; command?: string; code?: string };
        const refused = typeof e.responseCode === "number" && e.responseCode >= 500 && e.code !== "EAUTH" && !/^(AUTH|CONN|EHLO|HELO)/i.test(e.command ?? "");
        throw new DeliveryError(`smtp ${o.address}: ${e.message}`, refused);
      }
    },
    async close() {
      transport.close();
    },
  };
}
