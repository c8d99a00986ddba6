// SendGrid's Web API v3 (`POST {api-url}/v3/mail/send`, Bearer API key). A 2xx
// answer is sent (sandbox mode: accepted, not delivered); 429, 5xx and network
// errors are retried; any other 4xx means the request itself is refused, so
// trying again cannot help.
import type { Config } from "../../config/index.js";
import { DeliveryError, type Address, type OutgoingMail, type Provider } from "./provider.js";

const contact = (a: Address) => (a.name ? { email: a.address, name: a.name } : { email: a.address });

export function sendgridProvider(config: Config): Provider {
  const o = config.is.email.sendgrid;
  const url = `${o.apiUrl.replace(/\/+$/, "")}/v3/mail/send`;
  const inFlight = new Set<Promise<unknown>>();
  const send = async (mail: OutgoingMail) => {
    const body = {
      personalizations: [{ to: [contact(mail.to)] }],
      from: contact(mail.from),
      subject: mail.subject,
      content: [
        { type: "text/plain", value: mail.text },
        { type: "text/html", value: mail.html },
      ],
      headers: { "X-Outbox-ID": mail.id },
      mail_settings: { sandbox_mode: { enable: o.sandbox } },
    };
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: { ...mail.traceHeaders, authorization: `Bearer ${o.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      const cause = (err as { cause?: Error }).cause;
      throw new DeliveryError(`sendgrid ${url}: ${(err as Error).message}${cause ? ` (${cause.message})` : ""}`, false);
    }
    const answer = await res.text().catch(() => "");
    if (res.ok) return;
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 429;
    throw new DeliveryError(`sendgrid ${url}: HTTP ${res.status} ${answer.slice(0, 500)}`, permanent);
  };
  return {
    name: "sendgrid",
    send(mail) {
      const p = send(mail);
      inFlight.add(p);
      return p.finally(() => inFlight.delete(p));
    },
    async close() {
      await Promise.allSettled([...inFlight]);
    },
  };
}
