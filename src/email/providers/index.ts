// The provider named by is.email.provider (none for ""). Each provider's module
// is loaded only when configured: nodemailer alone is ~40 modules and ~15 MiB
// that a server without SMTP or a mail folder never needs.
import type { Config } from "../../config/index.js";
import type { Provider } from "./provider.js";

export type { OutgoingMail, Provider } from "./provider.js";
export { DeliveryError } from "./provider.js";

export async function providerOf(config: Config): Promise<Provider | undefined> {
  switch (config.is.email.provider) {
    case "smtp": return (await import("./smtp.js")).smtpProvider(config);
    case "sendgrid": return (await import("./sendgrid.js")).sendgridProvider(config);
    case "dir": return (await import("./dir.js")).dirProvider(config);
    default: return undefined;
  }
}
