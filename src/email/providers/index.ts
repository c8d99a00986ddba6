// The provider named by is.email.provider (none for "").
import type { Config } from "../../config/index.js";
import { dirProvider } from "./dir.js";
import type { Provider } from "./provider.js";
import { sendgridProvider } from "./sendgrid.js";
import { smtpProvider } from "./smtp.js";

export type { OutgoingMail, Provider } from "./provider.js";
export { DeliveryError } from "./provider.js";

export function providerOf(config: Config): Provider | undefined {
  switch (config.is.email.provider) {
    case "smtp": return smtpProvider(config);
    case "sendgrid": return sendgridProvider(config);
    case "dir": return dirProvider(config);
    default: return undefined;
  }
}
